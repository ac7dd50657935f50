// The Interpreter pane on a real embedded engine and sandbox, under Xvfb: matplotlib
// cells drawn as Qt Charts with the figure's points, a DataFrame as a table, output
// that appears while the cell runs, an interrupted loop that keeps the context, and
// .ipynb files saved to the sandbox and opened again.
#include "support/GuiHarness.h"

#include "client/EngineClient.h"
#include "client/HttpClient.h"
#include "panes/interpreter/CellView.h"
#include "panes/interpreter/InterpreterPane.h"
#include "widgets/ChartView.h"
#include "widgets/CodeEditor.h"
#include "widgets/MessageBanner.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTimer>
#include <QFile>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineSeries>
#include <QPieSeries>
#include <QTest>
#include <QPlainTextEdit>
#include <QTextBrowser>

#include <memory>

using namespace sandbench;

class InterpreterPaneTest : public QObject {
    Q_OBJECT

    test::GuiEngine engine_;
    std::unique_ptr<ui::InterpreterPane> pane_;

    ui::CellView *cellWith(const QString &source)
    {
        ui::CellView *cell = pane_->cells().last();
        if (!cell->source().isEmpty())
            cell = pane_->addCell();
        cell->editor()->setText(source, "cell.py");
        return cell;
    }
    bool runAndWait(ui::CellView *cell, int timeout = 60000)
    {
        pane_->runCell(cell);
        QElapsedTimer clock;
        clock.start();
        while (cell->isRunning() && clock.elapsed() < timeout)
            QTest::qWait(20);
        return !cell->isRunning();
    }
    template <typename T> QList<T *> outputsOf(ui::CellView *cell, const QString &name = {})
    {
        return cell->outputArea()->findChildren<T *>(name);
    }
    QString streamText(ui::CellView *cell)
    {
        QString text;
        for (QPlainTextEdit *edit : outputsOf<QPlainTextEdit>(cell, "stdoutOutput"))
            text += edit->toPlainText();
        return text;
    }

private slots:
    void initTestCase()
    {
        engine_.start();
        QCOMPARE(engine_.http().request("PUT", "/v1/sandboxes/interp", R"({"keepAlive":true})").status, 200);
        pane_ = std::make_unique<ui::InterpreterPane>(engine_.client(), "interp");
        pane_->resize(1100, 900);
        pane_->setSandboxStatus("running");
        pane_->show();
        QVERIFY(QTest::qWaitForWindowExposed(pane_.get()));
    }

    void firstRunMakesAPythonContext()
    {
        QVERIFY(pane_->currentContext().isEmpty());
        ui::CellView *cell = cellWith("x = 40\nx + 2");
        QVERIFY(runAndWait(cell));
        QVERIFY(!pane_->currentContext().isEmpty());
        QCOMPARE(pane_->currentLanguage(), QString("python"));
        const auto texts = outputsOf<QPlainTextEdit>(cell, "textOutput");
        QCOMPARE(texts.size(), 1);
        QCOMPARE(texts.first()->toPlainText(), QString("42"));
        QCOMPARE(cell->content().executionCount, 1);
    }

    void outputAppearsWhileTheCellRuns()
    {
        ui::CellView *cell = cellWith("import time\nprint('first', flush=True)\ntime.sleep(1.5)\nprint('second')");
        pane_->runCell(cell);
        QTRY_VERIFY_WITH_TIMEOUT(streamText(cell).contains("first"), 10000);
        QVERIFY2(cell->isRunning(), "the first line arrived before the cell ended");
        QVERIFY(!streamText(cell).contains("second"));
        QTRY_VERIFY_WITH_TIMEOUT(!cell->isRunning(), 10000);
        QVERIFY(streamText(cell).contains("second"));
    }

    void matplotlibCellsBecomeQtCharts()
    {
        ui::CellView *line = cellWith("import matplotlib.pyplot as plt\nplt.plot([1, 2, 3], [2, 4, 8], label='growth')\n"
                                      "plt.title('Doubling')\nplt.xlabel('step')\nplt.ylabel('size')\nplt.legend()\n"
                                      "plt.show()");
        QVERIFY(runAndWait(line));
        auto charts = outputsOf<ui::ChartView>(line);
        QCOMPARE(charts.size(), 1);
        QCOMPARE(charts.first()->chartViews().size(), 1);
        QChart *chart = charts.first()->chartViews().first()->chart();
        QCOMPARE(chart->title(), QString("Doubling"));
        auto *series = qobject_cast<QLineSeries *>(chart->series().first());
        QVERIFY(series);
        QCOMPARE(series->name(), QString("growth"));
        QCOMPARE(series->points(), (QList<QPointF>{{1, 2}, {2, 4}, {3, 8}}));
        QVERIFY(!charts.first()->showsPicture());
        charts.first()->showPicture(true); // the runner's PNG is there too
        QVERIFY(charts.first()->showsPicture());
        charts.first()->showPicture(false);

        ui::CellView *bar = cellWith("plt.bar(['a', 'b', 'c'], [3, 1, 2])\nplt.title('Bars')");
        QVERIFY(runAndWait(bar));
        charts = outputsOf<ui::ChartView>(bar);
        QCOMPARE(charts.size(), 1);
        auto *bars = qobject_cast<QBarSeries *>(charts.first()->chartViews().first()->chart()->series().first());
        QVERIFY(bars);
        QCOMPARE(bars->barSets().size(), 1);
        QCOMPARE(bars->barSets().first()->at(0), 3.0);
        QCOMPARE(bars->barSets().first()->at(1), 1.0);
        QCOMPARE(bars->barSets().first()->at(2), 2.0);

        ui::CellView *pie = cellWith("plt.pie([1, 3], labels=['one', 'three'])");
        QVERIFY(runAndWait(pie));
        charts = outputsOf<ui::ChartView>(pie);
        QCOMPARE(charts.size(), 1);
        QVERIFY(qobject_cast<QPieSeries *>(charts.first()->chartViews().first()->chart()->series().first()));
        QTest::qWait(200);
        QVERIFY(test::saveScreenshot(pane_.get(), "40-interpreter-charts-light"));

        // The dark palette: the charts follow it.
        const QPalette light = qApp->palette();
        QPalette dark;
        dark.setColor(QPalette::Window, QColor(40, 42, 46));
        dark.setColor(QPalette::WindowText, QColor(230, 230, 230));
        dark.setColor(QPalette::Base, QColor(30, 31, 34));
        dark.setColor(QPalette::Text, QColor(230, 230, 230));
        dark.setColor(QPalette::Button, QColor(50, 52, 56));
        dark.setColor(QPalette::ButtonText, QColor(230, 230, 230));
        qApp->setPalette(dark);
        QTest::qWait(200);
        QCOMPARE(outputsOf<ui::ChartView>(line).first()->chartViews().first()->chart()->theme(), QChart::ChartThemeDark);
        QVERIFY(test::saveScreenshot(pane_.get(), "41-interpreter-charts-dark"));
        qApp->setPalette(light);
    }

    void heatmapsHistogramsAndBoxPlots()
    {
        pane_->setNotebook({}, "python");
        ui::CellView *cell = cellWith("import numpy as np\nimport matplotlib.pyplot as plt\nfig, ((a, b), (c, d)) = plt.subplots(2, 2, figsize=(10, 7))\n"
                                      "a.imshow(np.arange(12).reshape(3, 4))\nb.hist(np.random.default_rng(1).normal(size=500), bins=20)\n"
                                      "c.boxplot([[1, 2, 3, 4, 20], [2, 3, 4, 5]], labels=['p', 'q'])\n"
                                      "d.scatter([1, 2, 3], [3, 1, 2], label='dots')\nd.legend()\nfig.suptitle('Four')");
        QVERIFY(runAndWait(cell));
        const auto charts = outputsOf<ui::ChartView>(cell);
        QCOMPARE(charts.size(), 1);
        QCOMPARE(charts.first()->chartViews().size(), 4);
        pane_->resize(1300, 1000);
        QTest::qWait(300);
        QVERIFY(test::saveScreenshot(pane_.get(), "42-interpreter-heatmap-histogram-box"));
        pane_->resize(1100, 900);
    }

    void fitsANarrowWindow()
    {
        QVERIFY2(pane_->minimumSizeHint().width() <= 780, qPrintable(QString::number(pane_->minimumSizeHint().width())));
        pane_->resize(800, 560);
        QTest::qWait(200);
        QVERIFY(test::saveScreenshot(pane_.get(), "43-interpreter-narrow"));
        pane_->resize(1100, 900);
    }

    void aDataFrameIsATable()
    {
        ui::CellView *cell = cellWith("import pandas as pd\npd.DataFrame({'name': ['x', 'y'], 'n': [1, 2]})");
        QVERIFY(runAndWait(cell));
        const auto tables = outputsOf<QTextBrowser>(cell, "htmlOutput");
        QCOMPARE(tables.size(), 1);
        QVERIFY(tables.first()->toHtml().contains("<table"));
        QVERIFY(tables.first()->toPlainText().contains("name"));
    }

    void errorsShowTheirTraceback()
    {
        ui::CellView *cell = cellWith("def f():\n    return 1 / 0\nf()");
        QVERIFY(runAndWait(cell));
        const auto errors = cell->outputArea()->findChildren<QWidget *>("errorOutput");
        QCOMPARE(errors.size(), 1);
        const auto labels = errors.first()->findChildren<QLabel *>();
        QVERIFY(std::any_of(labels.begin(), labels.end(),
                            [](QLabel *label) { return label->text().contains("ZeroDivisionError"); }));
        QVERIFY(cell->content().executionCount > 0); // a cell that failed did run: it has its [n]
    }

    void aFloodOfLinesKeepsTheWindowResponsive()
    {
        // The longest gap between 10 ms ticks is the longest stall of the event loop.
        QElapsedTimer clock;
        qint64 last = 0, longest = 0;
        QTimer probe;
        connect(&probe, &QTimer::timeout, this, [&] {
            const qint64 now = clock.elapsed();
            longest = std::max(longest, now - last);
            last = now;
        });
        ui::CellView *cell = cellWith("for i in range(200000):\n    print(i)");
        clock.start();
        probe.start(10);
        QVERIFY(runAndWait(cell, 60000));
        probe.stop();
        const auto views = outputsOf<QPlainTextEdit>(cell, "stdoutOutput");
        QCOMPARE(views.size(), 1);
        QVERIFY(views.first()->document()->blockCount() <= ui::CellView::kShownLines + 1);
        QVERIFY(views.first()->toPlainText().endsWith("199999\n"));
        const auto notes = cell->outputArea()->findChildren<QLabel *>();
        QVERIFY(std::any_of(notes.begin(), notes.end(), [](QLabel *note) { return note->text().contains("earlier lines"); }));
        qInfo("200 000 printed lines: longest stall of the window %lld ms", longest);
        QVERIFY2(longest < 250, qPrintable(QString("the window stalled %1 ms").arg(longest)));
    }

    void anInterruptedLoopKeepsTheContext()
    {
        QVERIFY(runAndWait(cellWith("kept = 'still here'")));
        ui::CellView *loop = cellWith("while True:\n    pass");
        pane_->runCell(loop);
        QTest::qWait(800);
        QCOMPARE(pane_->contextState(), QString("busy"));
        pane_->interruptContext();
        QTRY_VERIFY_WITH_TIMEOUT(!loop->isRunning(), 10000);
        QCOMPARE(loop->outputArea()->findChildren<QWidget *>("errorOutput").size(), 1);
        ui::CellView *after = cellWith("kept");
        QVERIFY(runAndWait(after));
        QCOMPARE(outputsOf<QPlainTextEdit>(after, "textOutput").first()->toPlainText(), QString("'still here'"));
    }

    void notebooksRoundTripThroughIpynb()
    {
        const int cellCount = static_cast<int>(pane_->cells().size());
        const QList<ui::CellContent> before = pane_->notebook();
        pane_->saveNotebook("/workspace/work.ipynb");
        QTRY_VERIFY_WITH_TIMEOUT(pane_->notebookPath() == "/workspace/work.ipynb", 10000);
        const auto read = engine_.http().request("POST", "/v1/sandboxes/interp/api/read",
                                                 R"({"path":"/workspace/work.ipynb"})");
        const QJsonObject file = QJsonDocument::fromJson(QByteArray::fromStdString(read.body)).object();
        const QJsonObject notebook = QJsonDocument::fromJson(file["content"].toString().toUtf8()).object();
        QCOMPARE(notebook["nbformat"].toInt(), 4);
        QCOMPARE(notebook["cells"].toArray().size(), cellCount);
        QCOMPARE(notebook["metadata"].toObject()["kernelspec"].toObject()["language"].toString(), QString("python"));

        pane_->setNotebook({}, "python");
        QCOMPARE(pane_->cells().size(), 1);
        pane_->openNotebook("/workspace/work.ipynb");
        QTRY_COMPARE_WITH_TIMEOUT(static_cast<int>(pane_->cells().size()), cellCount, 10000);
        const QList<ui::CellContent> after = pane_->notebook();
        for (int i = 0; i < cellCount; ++i) {
            QCOMPARE(after[i].source, before[i].source);
            QCOMPARE(after[i].executionCount, before[i].executionCount);
        }
        // The chart came back as a chart, drawn natively again.
        bool chartBack = false;
        for (ui::CellView *cell : pane_->cells())
            chartBack = chartBack || !outputsOf<ui::ChartView>(cell).isEmpty();
        QVERIFY(chartBack);
    }

    void theNotebookIsKeptForTheNextTime()
    {
        const QJsonObject sandbox{{"id", "interp"}, {"status", "running"}, {"createdAt", "2026-11-30T10:00:00.000Z"}};
        pane_->showSandbox(sandbox);
        const QString kept = pane_->keptNotebookPath();
        QVERIFY(!kept.isEmpty());
        QFile::remove(kept);
        cellWith("kept_for_later = 1");
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(kept), 5000); // a moment after the edit, without asking
        QFile file(kept);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.readAll().contains("kept_for_later = 1"));

        ui::InterpreterPane reopened(engine_.client(), "interp");
        reopened.showSandbox(sandbox);
        QCOMPARE(reopened.cells().size(), pane_->cells().size());
        QCOMPARE(reopened.cells().last()->source(), QString("kept_for_later = 1"));
        // A new sandbox of the same id starts with an empty notebook.
        ui::InterpreterPane other(engine_.client(), "interp");
        other.showSandbox(QJsonObject{{"id", "interp"}, {"status", "running"}, {"createdAt", "2026-12-01T00:00:00.000Z"}});
        QCOMPARE(other.cells().size(), 1);
        QVERIFY(other.cells().first()->source().isEmpty());
        QFile::remove(kept);
    }
};

QTEST_MAIN(InterpreterPaneTest)
#include "InterpreterPaneTest.moc"
