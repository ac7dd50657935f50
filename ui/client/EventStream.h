// One server-sent-event stream from the engine (engine events, watch, command
// output, process logs), read over its own TCP connection with a small read
// buffer: when the window cannot keep up, the socket stops reading and TCP
// holds the sender back, so a flood never piles up in the GUI's memory. (Qt
// Network's reply buffered 70 MB of a 100 MB flood here despite
// setReadBufferSize, which is why SSE does not go through it.)
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QObject>
#include <QTimer>
#include <QUrl>

class QTcpSocket;

namespace sandbench::ui {

class EventStream : public QObject {
    Q_OBJECT
public:
    // GET path, or POST path with body when body is not null.
    EventStream(const QUrl &baseUrl, const QByteArray &token, const QString &path, const QJsonObject *body,
                QObject *parent = nullptr);
    ~EventStream() override;
    void close();                 // stops without emitting finished()
    bool isOpen() const { return socket_ != nullptr; }

    static constexpr qint64 kReadBuffer = 256 << 10;
    static constexpr qsizetype kSlice = 512 << 10; // bytes handled per event-loop turn

signals:
    void opened();
    void event(const QJsonObject &event);
    void finished(const QString &error); // empty error: the server ended the stream

private:
    void readSome();
    bool parseHead();        // false until the whole header is in
    void decodeBody();       // chunked transfer coding -> body_
    void dispatchEvents();   // complete SSE blocks in body_ -> event()
    void end(const QString &error);

    QTcpSocket *socket_;
    QByteArray raw_;         // bytes read, not yet decoded
    QByteArray body_;        // decoded body, not yet dispatched
    int status_ = 0;
    bool headDone_ = false;
    bool chunked_ = false;
    qint64 chunkLeft_ = -1;  // bytes left in the current chunk; -1: a size line comes next
    bool bodyDone_ = false;
    QTimer next_; // the rest of what the socket holds, at the next turn
};

} // namespace sandbench::ui
