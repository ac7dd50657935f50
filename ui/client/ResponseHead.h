// The head of an HTTP/1.1 response read off a raw socket (EventStream, PtySocket: both
// speak HTTP themselves to keep a flood's reading in bounded slices).
#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>

#include <optional>

namespace sandbench::ui {

struct ResponseHead {
    int status = 0;
    QHash<QByteArray, QByteArray> fields; // names in lower case, values trimmed
    qsizetype size = 0;                   // bytes of raw the head takes, blank line included
};

// The head at the start of raw, or nullopt while it has not all arrived.
inline std::optional<ResponseHead> parseResponseHead(const QByteArray &raw)
{
    const qsizetype end = raw.indexOf("\r\n\r\n");
    if (end < 0)
        return std::nullopt;
    ResponseHead head;
    const QList<QByteArray> lines = raw.left(end).split('\n');
    head.status = lines.value(0).trimmed().split(' ').value(1).toInt();
    for (const QByteArray &line : lines.mid(1)) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            head.fields.insert(line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed());
    }
    head.size = end + 4;
    return head;
}

} // namespace sandbench::ui
