// A notebook's cells as the Interpreter pane keeps them, and their .ipynb form (nbformat
// 4, outputs included), so work moves between Sandbench and Jupyter. Outputs are kept as
// the execution events the engine streamed (stdout, stderr, result, error).
#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace sandbench::ui {

struct CellContent {
    QString kind = "code"; // or "markdown", "raw": kept as text, never run
    QString source;
    int executionCount = 0; // 0: never run
    QJsonArray outputs;     // execution events
};

// The result event's field for each MIME type of a display bundle (and back).
QString mimeOfResultField(const QString &field);
QString resultFieldOfMime(const QString &mime);

// language: python, javascript or typescript (the kernelspec and language_info).
QJsonObject notebookToIpynb(const QList<CellContent> &cells, const QString &language);
// nullopt and a readable error when json is no nbformat 4 notebook.
std::optional<QList<CellContent>> notebookFromIpynb(const QJsonObject &json, QString *language, QString *error);

} // namespace sandbench::ui
