#include "panes/interpreter/Notebook.h"

#include <QCoreApplication>

namespace sandbench::ui {

namespace {

const QList<QPair<QString, QString>> &resultMimes()
{
    static const QList<QPair<QString, QString>> mimes = {
        {"text", "text/plain"},          {"html", "text/html"},          {"png", "image/png"},
        {"jpeg", "image/jpeg"},          {"svg", "image/svg+xml"},       {"latex", "text/latex"},
        {"markdown", "text/markdown"},   {"javascript", "application/javascript"},
        {"json", "application/json"},    {"chart", "application/vnd.sandbench.chart+json"},
    };
    return mimes;
}

// nbformat's multi-line strings: a list of lines, each keeping its newline.
QJsonArray linesOf(const QString &text)
{
    QJsonArray lines;
    qsizetype start = 0;
    while (start < text.size()) {
        qsizetype end = text.indexOf('\n', start);
        end = end < 0 ? text.size() : end + 1;
        lines.append(text.mid(start, end - start));
        start = end;
    }
    return lines;
}

QString textOf(const QJsonValue &value)
{
    if (value.isString())
        return value.toString();
    QString text;
    for (const QJsonValue &line : value.toArray())
        text += line.toString();
    return text;
}

bool isTextMime(const QString &mime)
{
    return mime.startsWith("text/") || mime == "image/svg+xml" || mime == "application/javascript";
}

QJsonObject toOutput(const QJsonObject &event)
{
    const QString type = event["type"].toString();
    if (type == "stdout" || type == "stderr")
        return {{"output_type", "stream"}, {"name", type}, {"text", linesOf(event["text"].toString())}};
    if (type == "error")
        return {{"output_type", "error"}, {"ename", event["ename"]}, {"evalue", event["evalue"]},
                {"traceback", event["traceback"].toArray()}};
    QJsonObject data;
    for (const auto &[field, mime] : resultMimes()) {
        if (!event.contains(field))
            continue;
        const QJsonValue value = event[field];
        data[mime] = isTextMime(mime) && value.isString() ? QJsonValue(linesOf(value.toString())) : value;
    }
    return {{"output_type", "display_data"}, {"data", data},
            {"metadata", event["metadata"].isObject() ? event["metadata"] : QJsonObject()}};
}

QJsonObject fromOutput(const QJsonObject &output)
{
    const QString type = output["output_type"].toString();
    if (type == "stream")
        return {{"type", output["name"].toString() == "stderr" ? "stderr" : "stdout"}, {"text", textOf(output["text"])}};
    if (type == "error") {
        QJsonArray traceback;
        for (const QJsonValue &line : output["traceback"].toArray())
            traceback.append(line.toString());
        return {{"type", "error"}, {"ename", output["ename"].toString()}, {"evalue", output["evalue"].toString()},
                {"traceback", traceback}};
    }
    if (type != "display_data" && type != "execute_result")
        return {};
    QJsonObject event{{"type", "result"}, {"metadata", output["metadata"].toObject()}};
    const QJsonObject data = output["data"].toObject();
    for (auto it = data.begin(); it != data.end(); ++it) {
        const QString field = resultFieldOfMime(it.key());
        if (field.isEmpty())
            continue;
        // PNG and JPEG may be split in lines too (base64 with newlines).
        event[field] = (isTextMime(it.key()) || it.key().startsWith("image/")) && it.value().isArray()
                           ? QJsonValue(textOf(it.value()))
                           : it.value();
    }
    return event;
}

} // namespace

QString mimeOfResultField(const QString &field)
{
    for (const auto &[name, mime] : resultMimes())
        if (name == field)
            return mime;
    return {};
}

QString resultFieldOfMime(const QString &mime)
{
    for (const auto &[name, known] : resultMimes())
        if (known == mime)
            return name;
    return {};
}

QJsonObject notebookToIpynb(const QList<CellContent> &cells, const QString &language)
{
    QJsonArray cellList;
    for (const CellContent &cell : cells) {
        if (cell.kind != "code") {
            cellList.append(QJsonObject{{"cell_type", cell.kind}, {"metadata", QJsonObject()},
                                        {"source", linesOf(cell.source)}});
            continue;
        }
        QJsonArray outputs;
        QJsonObject pendingStream;
        for (const QJsonValue &value : cell.outputs) {
            const QJsonObject event = value.toObject();
            const QString type = event["type"].toString();
            if (type != "stdout" && type != "stderr" && type != "result" && type != "error")
                continue; // the pane's own notes ("the sandbox stopped...") are no cell output
            // Consecutive output of one stream is one stream output, as Jupyter writes it.
            if ((type == "stdout" || type == "stderr") && pendingStream.value("name").toString() == type) {
                pendingStream["text"] = linesOf(textOf(pendingStream.value("text")) + event["text"].toString());
                continue;
            }
            if (!pendingStream.isEmpty())
                outputs.append(pendingStream);
            pendingStream = {};
            const QJsonObject output = toOutput(event);
            if (output["output_type"] == "stream")
                pendingStream = output;
            else
                outputs.append(output);
        }
        if (!pendingStream.isEmpty())
            outputs.append(pendingStream);
        cellList.append(QJsonObject{{"cell_type", "code"},
                                    {"execution_count", cell.executionCount > 0 ? QJsonValue(cell.executionCount)
                                                                                : QJsonValue(QJsonValue::Null)},
                                    {"metadata", QJsonObject()},
                                    {"source", linesOf(cell.source)},
                                    {"outputs", outputs}});
    }
    const bool python = language == "python";
    const QJsonObject kernel{{"name", python ? "python3" : language},
                             {"display_name", python ? "Python 3" : language == "typescript" ? "TypeScript" : "JavaScript"},
                             {"language", language}};
    const QJsonObject info{{"name", language},
                           {"file_extension", python ? ".py" : language == "typescript" ? ".ts" : ".js"}};
    return {{"nbformat", 4}, {"nbformat_minor", 5}, {"cells", cellList},
            {"metadata", QJsonObject{{"kernelspec", kernel}, {"language_info", info}}}};
}

std::optional<QList<CellContent>> notebookFromIpynb(const QJsonObject &json, QString *language, QString *error)
{
    if (json["nbformat"].toInt() != 4 || !json["cells"].isArray()) {
        *error = QCoreApplication::translate("sandbench::ui::Notebook", "This is not a Jupyter notebook of format 4 (nbformat 4).");
        return std::nullopt;
    }
    const QJsonObject metadata = json["metadata"].toObject();
    QString name = metadata["kernelspec"].toObject()["language"].toString();
    if (name.isEmpty())
        name = metadata["language_info"].toObject()["name"].toString();
    *language = name == "javascript" || name == "typescript" ? name : "python";
    QList<CellContent> cells;
    for (const QJsonValue &value : json["cells"].toArray()) {
        const QJsonObject cell = value.toObject();
        CellContent content;
        content.kind = cell["cell_type"].toString();
        content.source = textOf(cell["source"]);
        if (content.kind != "code") {
            if (content.kind != "markdown")
                content.kind = "raw";
            cells.append(content);
            continue;
        }
        content.executionCount = cell["execution_count"].toInt();
        for (const QJsonValue &output : cell["outputs"].toArray()) {
            const QJsonObject event = fromOutput(output.toObject());
            if (!event.isEmpty())
                content.outputs.append(event);
        }
        cells.append(content);
    }
    return cells;
}

} // namespace sandbench::ui
