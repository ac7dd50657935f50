// The .ipynb form of the Interpreter pane's notebook: what Jupyter writes reads back into
// cells and outputs, and what we write is nbformat 4 with outputs as Jupyter keeps them.
#include "panes/interpreter/Notebook.h"

#include <QJsonDocument>
#include <QTest>

using namespace sandbench;

class NotebookTest : public QObject {
    Q_OBJECT

private slots:
    void writesNbformat4()
    {
        ui::CellContent cell;
        cell.source = "print('a')\nx";
        cell.executionCount = 3;
        cell.outputs = {QJsonObject{{"type", "stdout"}, {"text", "a\n"}}, QJsonObject{{"type", "stdout"}, {"text", "b\n"}},
                        QJsonObject{{"type", "result"}, {"text", "1"}, {"png", "AAAA"}, {"chart", QJsonObject{{"type", "line"}}}},
                        QJsonObject{{"type", "error"}, {"ename", "E"}, {"evalue", "v"}, {"traceback", QJsonArray{"t"}}},
                        QJsonObject{{"type", "note"}, {"text", "The sandbox stopped while the cell ran."}}};
        ui::CellContent note;
        note.kind = "markdown";
        note.source = "# Title";
        const QJsonObject notebook = ui::notebookToIpynb({note, cell}, "python");
        QCOMPARE(notebook["nbformat"].toInt(), 4);
        QCOMPARE(notebook["metadata"].toObject()["kernelspec"].toObject()["name"].toString(), QString("python3"));
        const QJsonArray cells = notebook["cells"].toArray();
        QCOMPARE(cells[0].toObject()["cell_type"].toString(), QString("markdown"));
        const QJsonObject code = cells[1].toObject();
        QCOMPARE(code["execution_count"].toInt(), 3);
        QCOMPARE(code["source"].toArray(), (QJsonArray{"print('a')\n", "x"}));
        const QJsonArray outputs = code["outputs"].toArray();
        QCOMPARE(outputs.size(), 3); // the two stdout events are one stream output
        QCOMPARE(outputs[0].toObject()["text"].toArray(), (QJsonArray{"a\n", "b\n"}));
        const QJsonObject data = outputs[1].toObject()["data"].toObject();
        QCOMPARE(data["image/png"].toString(), QString("AAAA"));
        QCOMPARE(data["application/vnd.sandbench.chart+json"].toObject()["type"].toString(), QString("line"));
        QCOMPARE(outputs[2].toObject()["output_type"].toString(), QString("error"));
    }

    void readsWhatJupyterWrites()
    {
        const QByteArray jupyter = R"({"nbformat": 4, "nbformat_minor": 5,
          "metadata": {"kernelspec": {"name": "python3", "language": "python"}},
          "cells": [
            {"cell_type": "raw", "metadata": {}, "source": "raw text"},
            {"cell_type": "code", "execution_count": 7, "metadata": {}, "source": ["df\n", "1"],
             "outputs": [
               {"output_type": "execute_result", "execution_count": 7, "metadata": {},
                "data": {"text/plain": ["   a\n", "0  1"], "text/html": ["<table>", "</table>"],
                         "image/png": "iVBO\nRw0K\n", "application/x-unknown": "?"}},
               {"output_type": "stream", "name": "stderr", "text": "warn\n"}]}]})";
        QString language, error;
        const auto cells = ui::notebookFromIpynb(QJsonDocument::fromJson(jupyter).object(), &language, &error);
        QVERIFY2(cells, qPrintable(error));
        QCOMPARE(language, QString("python"));
        QCOMPARE(cells->size(), 2);
        QCOMPARE(cells->at(0).kind, QString("raw"));
        const ui::CellContent &code = cells->at(1);
        QCOMPARE(code.source, QString("df\n1"));
        QCOMPARE(code.executionCount, 7);
        const QJsonObject result = code.outputs[0].toObject();
        QCOMPARE(result["type"].toString(), QString("result"));
        QCOMPARE(result["text"].toString(), QString("   a\n0  1"));
        QCOMPARE(result["html"].toString(), QString("<table></table>"));
        QCOMPARE(result["png"].toString(), QString("iVBO\nRw0K\n"));
        QVERIFY(!result.contains("application/x-unknown"));
        QCOMPARE(code.outputs[1].toObject()["type"].toString(), QString("stderr"));
    }

    void refusesWhatIsNoNotebook()
    {
        QString language, error;
        QVERIFY(!ui::notebookFromIpynb(QJsonObject{{"nbformat", 3}, {"worksheets", QJsonArray()}}, &language, &error));
        QVERIFY(!error.isEmpty());
    }
};

QTEST_MAIN(NotebookTest)
#include "NotebookTest.moc"
