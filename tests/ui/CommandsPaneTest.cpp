// The Commands pane on a real embedded engine and sandbox, under Xvfb: streamed
// command blocks with exit codes, session state, ANSI colours, a flood that must
// not stall the event loop or grow memory, stop, sessions and background processes.
#include "support/GuiHarness.h"

#include "client/EngineClient.h"
#include "client/HttpClient.h"
#include "models/ProcessListModel.h"
#include "panes/commands/CommandsPane.h"
#include "widgets/CommandLog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QAbstractItemModelTester>
#include <QLabel>
#include <QLineEdit>
#include <QTemporaryDir>
#include <QAction>
#include <QPushButton>
#include <QScrollBar>
#include <QTableView>
#include <QTest>
#include <QTextBlock>
#include <QTimer>

#include <sys/stat.h>

#include <memory>

using namespace sandbench;

namespace {

long residentKilobytes()
{
    QFile status("/proc/self/status");
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLong();
    return 0;
}

// The colour of the piece of the log that reads exactly text (invalid if there is none).
QColor colourOf(ui::CommandLog *log, const QString &text)
{
    for (QTextBlock block = log->document()->begin(); block.isValid(); block = block.next())
        for (auto it = block.begin(); !it.atEnd(); ++it)
            if (it.fragment().text().trimmed() == text)
                return it.fragment().charFormat().foreground().color();
    return {};
}

} // namespace

class CommandsPaneTest : public QObject {
    Q_OBJECT

    test::GuiEngine engine_;
    std::unique_ptr<ui::CommandsPane> pane_;

    QString logText() const { return pane_->log()->toPlainText(); }
    void runAndWait(const QString &command, int timeout = 10000)
    {
        pane_->run(command);
        QVERIFY(pane_->isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(!pane_->isRunning(), timeout);
        QTRY_VERIFY(!pane_->log()->hasPendingOutput()); // shown, not only received
    }
    void screenshot(QWidget *widget, const QString &name) { QVERIFY(test::saveScreenshot(widget, name)); }
    // The row of the process list whose command is command (-1 when not listed).
    int processRowOf(const QString &command) const
    {
        for (int row = 0; row < pane_->processes()->rowCount(); ++row)
            if (pane_->processes()->index(row, ui::ProcessListModel::CommandColumn).data().toString() == command)
                return row;
        return -1;
    }

private slots:
    void initTestCase()
    {
        engine_.start();
        QCOMPARE(engine_.http().request("PUT", "/v1/sandboxes/cmds", R"({"keepAlive":true})").status, 200);
        pane_ = std::make_unique<ui::CommandsPane>(engine_.client(), "cmds");
        new QAbstractItemModelTester(pane_->processes(), QAbstractItemModelTester::FailureReportingMode::QtTest, pane_.get());
        pane_->resize(1000, 700);
        pane_->setSandboxStatus("running");
        pane_->show();
        QVERIFY(QTest::qWaitForWindowExposed(pane_.get()));
    }

    void commandShowsOutputAndExitCode()
    {
        runAndWait("echo out; echo err >&2; (exit 3)");
        QVERIFY2(logText().contains("$ echo out; echo err >&2; (exit 3)"), qPrintable(logText()));
        QVERIFY(logText().contains("out\n"));
        QVERIFY(logText().contains("err\n"));
        QVERIFY(logText().contains("exit 3 ·"));
        QCOMPARE(colourOf(pane_->log(), "err"), QColor(0xcf, 0x22, 0x2e)); // stderr stands out
        QVERIFY(colourOf(pane_->log(), "out") != QColor(0xcf, 0x22, 0x2e));
    }

    void commandLineTypingAndHistory()
    {
        QLineEdit *line = pane_->commandLine();
        line->setFocus();
        QTest::keyClicks(line, "echo typed");
        QTest::keyClick(line, Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(!pane_->isRunning() && !pane_->log()->hasPendingOutput(), 10000);
        QVERIFY(logText().contains("typed\n"));
        QTest::keyClick(line, Qt::Key_Up);
        QCOMPARE(line->text(), QString("echo typed"));
        QTest::keyClick(line, Qt::Key_Down);
        QCOMPARE(line->text(), QString());
    }

    void sessionStatePersistsBetweenCommands()
    {
        runAndWait("cd /tmp && export GREETING=hello");
        runAndWait("echo \"$PWD $GREETING\"");
        QVERIFY2(logText().contains("/tmp hello\n"), qPrintable(logText().right(300)));
    }

    void ansiColoursAreRendered()
    {
        runAndWait("printf '\\033[32mgreen\\033[0m plain\\n'");
        QCOMPARE(colourOf(pane_->log(), "green"), QColor(0x26, 0xa2, 0x69));
        QVERIFY(!logText().contains(QChar(0x1b))); // no escape character reaches the screen
        screenshot(pane_.get(), "20-commands");
    }

    void floodKeepsTheWindowResponsiveAndMemoryFlat()
    {
        // A timer probe: the longest gap between 10 ms ticks is the longest stall of the event loop.
        QElapsedTimer clock;
        qint64 last = 0, longest = 0;
        QTimer probe;
        probe.setInterval(10);
        connect(&probe, &QTimer::timeout, this, [&] {
            const qint64 now = clock.elapsed();
            longest = std::max(longest, now - last);
            last = now;
        });
        const long before = residentKilobytes();
        clock.start();
        probe.start();
        pane_->run("yes | head -c 100M");
        QTRY_VERIFY_WITH_TIMEOUT(!pane_->isRunning(), 120000);
        QTRY_VERIFY_WITH_TIMEOUT(!pane_->log()->hasPendingOutput(), 10000);
        probe.stop();
        const long grown = residentKilobytes() - before;
        qInfo("flood: longest event-loop stall %lld ms, %lld characters skipped, RSS grew %ld KiB, %d lines kept",
              longest, pane_->log()->skippedCharacters(), grown, pane_->log()->document()->blockCount());
        QVERIFY2(longest < 200, qPrintable(QString("event loop stalled for %1 ms").arg(longest)));
        QVERIFY(logText().contains("exit 0 ·"));
        QVERIFY(pane_->log()->document()->blockCount() <= ui::CommandLog::kMaximumLines);
        QVERIFY2(grown < 150 * 1024, qPrintable(QString("memory grew by %1 KiB").arg(grown)));
        // The dropped lines are not dropped silently.
        QVERIFY(pane_->log()->isTrimmed());
        auto *note = pane_->log()->findChild<QLabel *>();
        QVERIFY(note && note->isVisible() && note->text().contains("trimmed"));
        screenshot(pane_.get(), "21-commands-after-flood");
    }

    // Issue 12: the log finds (Ctrl+F, wrapping, Shift+Enter backwards), keeps blocks apart
    // and clears.
    void theLogFindsAndClears()
    {
        ui::CommandLog *log = pane_->log();
        log->clearLog();
        QVERIFY(!log->isTrimmed());
        pane_->run("echo first-needle; echo other");
        QTRY_VERIFY_WITH_TIMEOUT(!pane_->isRunning() && !log->hasPendingOutput(), 10000);
        pane_->run("echo second-needle");
        QTRY_VERIFY_WITH_TIMEOUT(!pane_->isRunning() && !log->hasPendingOutput(), 10000);
        QVERIFY2(logText().contains("\n\n$ echo second-needle"), qPrintable(logText())); // a blank line between blocks
        pane_->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(pane_.get()));
        log->setFocus();
        QTest::keyClick(log, Qt::Key_F, Qt::ControlModifier);
        QTRY_VERIFY(log->findField()->isVisible() && log->findField()->hasFocus());
        QTest::keyClicks(log->findField(), "needle");
        QCOMPARE(log->textCursor().selectedText(), QString("needle"));
        const int first = log->textCursor().selectionStart();
        QTest::keyClick(log->findField(), Qt::Key_Return);
        const int second = log->textCursor().selectionStart();
        QVERIFY(second > first);
        QTest::keyClick(log->findField(), Qt::Key_Return, Qt::ShiftModifier);
        QCOMPARE(log->textCursor().selectionStart(), first);
        screenshot(pane_.get(), "24-commands-find");
        QVERIFY(!log->findText("not-in-the-log"));
        QTest::keyClick(log->findField(), Qt::Key_Escape);
        QVERIFY(!log->findField()->isVisible());
        // From the command line too, where the focus usually is (the text is not run).
        pane_->commandLine()->setFocus();
        QTest::keyClick(pane_->commandLine(), Qt::Key_F, Qt::ControlModifier);
        QTRY_VERIFY(log->findField()->isVisible() && log->findField()->hasFocus());
        QTest::keyClick(log->findField(), Qt::Key_Escape);
        log->clearLog();
        QVERIFY(log->document()->isEmpty());
    }

    void stopEndsTheRunningCommand()
    {
        pane_->run("sleep 30");
        QTest::qWait(300);
        QElapsedTimer stopped;
        stopped.start();
        pane_->stopRunning();
        QVERIFY(!pane_->isRunning());
        QTRY_VERIFY(logText().contains("did not complete · stopped"));
        runAndWait("echo after-stop", 10000); // the session is free again: sleep was ended
        QVERIFY(logText().contains("after-stop\n"));
        QVERIFY2(!logText().contains("Terminated") && !logText().contains("Killed"), qPrintable(logText().right(300)));
        QVERIFY2(stopped.elapsed() < 8000, "the stopped command held the session");

        // Esc in the command line is the keyboard's Stop.
        pane_->run("sleep 30");
        QTest::qWait(300);
        QTest::keyClick(pane_->commandLine(), Qt::Key_Escape);
        QVERIFY(!pane_->isRunning());
        QTRY_VERIFY(logText().endsWith("did not complete · stopped") || logText().contains("stopped ·"));
    }

    // Another client's command holds the session: the pane says its command waits.
    void aCommandWaitingForItsSessionSaysSo()
    {
        std::thread other([this] {
            engine_.http().request("POST", "/v1/sandboxes/cmds/api/execute", R"({"command":"sleep 2"})");
        });
        QTest::qWait(500);
        pane_->run("echo my-turn");
        QTRY_VERIFY_WITH_TIMEOUT(logText().contains("Waiting: session default is running an earlier command"), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(!pane_->isRunning(), 10000);
        other.join();
        QVERIFY(logText().contains("my-turn\n"));
        screenshot(pane_.get(), "28-commands-waiting-for-session");
    }

    // Issue 12, as a new user found it: Stop ends the whole command line (the rest of a list,
    // a loop), focus returns to the command line, and each block holds exactly its own output.
    void stopEndsTheWholeLineAndBlocksNeverMix()
    {
        pane_->activateWindow();
        // Markers are computed, so that the command lines shown in the log never match them.
        pane_->run("sleep 20; echo SLEEP-$((1+1))-FINISHED");
        QTest::qWait(1000);
        pane_->runButton()->click();
        QVERIFY(!pane_->isRunning());
        QTRY_VERIFY(pane_->commandLine()->hasFocus());
        QElapsedTimer next;
        next.start();
        runAndWait("echo NEXT-$((2+3))", 5000);
        QVERIFY2(next.elapsed() < 3000, "the next command waited for the stopped one");
        pane_->run("for i in $(seq 20); do echo loop-line-$i; sleep 0.5; done");
        QTRY_VERIFY_WITH_TIMEOUT(logText().contains("loop-line-2"), 5000);
        pane_->stopRunning();
        runAndWait("echo AFTER-$((3+4))", 5000);
        QTest::qWait(2000); // a loop that went on would have written more by now
        const QString log = logText();
        QVERIFY2(!log.contains("SLEEP-2-FINISHED"), qPrintable(log.right(600)));
        QVERIFY2(!log.contains("loop-line-6"), qPrintable(log.right(600)));
        const QString nextBlock = log.mid(log.lastIndexOf("echo NEXT-$((2+3))"));
        QVERIFY2(nextBlock.contains("NEXT-5\n"), qPrintable(nextBlock));
        const QString lastBlock = log.mid(log.lastIndexOf("echo AFTER-$((3+4))"));
        QVERIFY2(lastBlock.contains("AFTER-7\n") && !lastBlock.contains("loop-line"), qPrintable(lastBlock));
        screenshot(pane_.get(), "23-commands-after-stop");
    }

    void processActionsNeedASelection()
    {
        QAction *kill = nullptr;
        QAction *follow = nullptr;
        for (QAction *action : pane_->findChildren<QAction *>()) {
            if (action->text() == "Kill")
                kill = action;
            if (action->text() == "Follow Logs")
                follow = action;
        }
        QVERIFY(kill && follow);
        pane_->processTable()->clearSelection();
        QVERIFY(!kill->isEnabled() && !follow->isEnabled());
    }

    void sessionsAreCreatedAndKeepTheirOwnDirectory()
    {
        pane_->createSession("work", "/var", {});
        auto *sessions = pane_->findChild<QComboBox *>();
        QTRY_COMPARE_WITH_TIMEOUT(pane_->currentSession(), QString("work"), 5000);
        runAndWait("pwd");
        QVERIFY2(logText().endsWith("/var\n") || logText().contains("/var\n"), qPrintable(logText().right(200)));
        QVERIFY(logText().contains("[work,"));
        sessions->setCurrentText("default");
        runAndWait("pwd");
        QVERIFY2(logText().right(200).contains("/tmp\n"), qPrintable(logText().right(400))); // default is still where cd left it
    }

    void backgroundProcessesAreListedFollowedAndKilled()
    {
        pane_->startProcess(QJsonObject{{"command", "for i in 1 2 3; do echo line$i; sleep 0.2; done"},
                                        {"sessionId", "default"}});
        QTRY_VERIFY_WITH_TIMEOUT(pane_->processes()->rowCount() == 1, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(pane_->processLog()->toPlainText().contains("line3"), 5000);
        const QString first = pane_->processes()->processId(0);
        QTRY_COMPARE_WITH_TIMEOUT(pane_->processes()->status(first), QString("completed"), 5000);

        pane_->startProcess(QJsonObject{{"command", "sleep 60"}, {"sessionId", "default"}});
        QTRY_VERIFY_WITH_TIMEOUT(pane_->processes()->rowCount() == 2, 5000);
        const QString sleeper = pane_->processes()->processId(0); // newest first
        QCOMPARE(pane_->processes()->status(sleeper), QString("running"));
        screenshot(pane_.get(), "22-commands-processes");
        pane_->killProcess(sleeper);
        QTRY_VERIFY_WITH_TIMEOUT(pane_->processes()->status(sleeper) != "running", 10000);
    }

    // Issue 12: the records of streamed execs (sandbenchctl exec, the SDK's execStream) are
    // not background processes: listed only when asked for.
    void streamedExecsAreListedOnlyWhenAsked()
    {
        QCheckBox *showStreamed = pane_->showStreamedCommands();
        QVERIFY(!showStreamed->isChecked()); // hidden by default
        const QString background = "sleep 31";
        const QString streamed = "echo streamed-$((6*7))";
        pane_->startProcess(QJsonObject{{"command", background}, {"sessionId", "default"}});
        // A streamed exec, as sandbenchctl exec runs it (not in a session's shell).
        std::string events;
        const int status = engine_.http().stream(
            "POST", "/v1/sandboxes/cmds/api/execute/stream",
            client::Json{{"command", streamed.toStdString()}}.dump(), [&](std::string_view data) {
                events.append(data);
                return true;
            });
        QCOMPARE(status, 200);
        QVERIFY2(events.find("streamed-42") != std::string::npos, events.c_str());
        // The agent does list it, as a record that is not a background process.
        const auto listed = engine_.http().request("GET", "/v1/sandboxes/cmds/api/process/list");
        QVERIFY2(listed.body.find("\"background\":false") != std::string::npos, listed.body.c_str());
        pane_->refreshProcesses();
        QTRY_VERIFY_WITH_TIMEOUT(processRowOf(background) >= 0, 5000);
        QTest::qWait(300);
        pane_->refreshProcesses();
        QTest::qWait(300);
        QCOMPARE(processRowOf(streamed), -1);
        showStreamed->click();
        QTRY_VERIFY(processRowOf(streamed) >= 0);
        QVERIFY(processRowOf(background) >= 0);
        QVERIFY(pane_->processes()->index(processRowOf(streamed), 0).data(Qt::FontRole).value<QFont>().italic());
        screenshot(pane_.get(), "25-commands-streamed-shown");
        showStreamed->click();
        QTRY_COMPARE(processRowOf(streamed), -1);
        QVERIFY(processRowOf(background) >= 0);
        pane_->killProcess(pane_->processes()->processId(processRowOf(background)));
    }

    // Issue 12: trimming the log never leaves a command's output without its command line.
    void trimmingKeepsTheHeaderOfTheCommandItCutsInto()
    {
        ui::CommandLog log;
        log.setMaximumLines(50);
        log.resize(700, 400);
        log.show();
        QVERIFY(QTest::qWaitForWindowExposed(&log));
        log.beginCommand("echo short", "default");
        log.appendOutput("short\n", false);
        log.endCommand(0);
        log.beginCommand("seq 200", "default");
        QString lines;
        for (int line = 1; line <= 200; ++line)
            lines += QString::number(line) + '\n';
        log.appendOutput(lines, false);
        QTRY_VERIFY(!log.hasPendingOutput());
        QVERIFY(log.isTrimmed());
        QVERIFY(log.document()->blockCount() <= 50);
        const QString text = log.toPlainText();
        QVERIFY2(text.startsWith("$ seq 200    [default, "), qPrintable(text.left(200)));
        QVERIFY2(text.section('\n', 1, 1).contains("earlier output of this command was trimmed"), qPrintable(text.left(200)));
        QVERIFY(text.contains("\n200\n"));
        QVERIFY(!text.contains("echo short"));
        // More output of the same command: the header stays on top, once.
        log.appendOutput("201\n202\n", false);
        log.endCommand(0);
        QTRY_VERIFY(!log.hasPendingOutput());
        QVERIFY(log.toPlainText().startsWith("$ seq 200"));
        QCOMPARE(log.toPlainText().count("$ seq 200"), 1);
        QVERIFY(log.document()->blockCount() <= 50);
        log.verticalScrollBar()->setValue(0); // the top, where the header is
        QTest::qWait(100);
        screenshot(&log, "26-commands-log-trimmed-header");
        // A next command pushes the whole earlier block out: its header goes with it.
        log.beginCommand("seq 59", "default");
        log.appendOutput(lines.left(lines.indexOf("60\n")), false);
        log.endCommand(0);
        QTRY_VERIFY(!log.hasPendingOutput());
        QVERIFY2(log.toPlainText().contains("$ seq 59"), qPrintable(log.toPlainText().left(200)));
        QVERIFY(!log.toPlainText().contains("$ seq 200"));
    }

    // Issue 12: a followed process of the sandbox's earlier run is not shown as if live.
    void theFollowPanelIsClearedWhenTheSandboxStartsAgain()
    {
        pane_->startProcess(QJsonObject{{"command", "echo before-restart; sleep 60"}, {"sessionId", "default"}});
        QTRY_VERIFY_WITH_TIMEOUT(pane_->processLog()->toPlainText().contains("before-restart"), 5000);
        QVERIFY(!pane_->followedProcess().isEmpty());
        QCOMPARE(engine_.http().request("POST", "/v1/sandboxes/cmds/stop").status, 200);
        pane_->setSandboxStatus("stopped");
        QCOMPARE(engine_.http().request("POST", "/v1/sandboxes/cmds/start").status, 200);
        pane_->setSandboxStatus("running");
        QTRY_VERIFY(!pane_->processLog()->hasPendingOutput());
        const QString followed = pane_->processLog()->toPlainText();
        QVERIFY2(!followed.contains("before-restart"), qPrintable(followed));
        QVERIFY2(followed.contains("earlier run"), qPrintable(followed));
        QVERIFY(pane_->followedProcess().isEmpty());
        QTest::qWait(300);
        screenshot(pane_.get(), "27-commands-follow-after-restart");
    }

    void cleanupTestCase()
    {
        pane_.reset();
        engine_.stop();
    }
};

QTEST_MAIN(CommandsPaneTest)
#include "CommandsPaneTest.moc"
