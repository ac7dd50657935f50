// The Terminal pane in a sandbox view, on a real embedded engine and sandbox, under Xvfb:
// a new terminal is a shell in a session of its own whose title becomes the tab's; the
// Commands pane's "Open Terminal Here" attaches to its session; a dropped connection
// reconnects by itself and the replay redraws the screen; closing a tab leaves the shell
// running, End Shell ends it; an exited shell offers a new one; a stopped sandbox shows
// the Start page and its terminals come back with it; Ctrl+click on the sandbox's
// localhost URL asks for a preview. Screenshots: vim, and coloured ls.
#include "support/GuiHarness.h"

#include "client/PtySocket.h"
#include "panes/commands/CommandsPane.h"
#include "panes/ports/PortsPane.h"
#include "panes/ports/PreviewTab.h"
#include "panes/terminal/TerminalPane.h"
#include "panes/terminal/TerminalTab.h"
#include "widgets/TerminalView.h"
#include "window/SandboxView.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTcpSocket>
#include <QTest>

#include <memory>

using namespace sandbench;

class TerminalPaneTest : public QObject {
    Q_OBJECT

    test::GuiEngine engine_;
    std::unique_ptr<ui::SandboxView> view_;
    ui::TerminalPane *pane_ = nullptr;

    static QString screenOf(ui::TerminalTab *tab)
    {
        QString text = "\n";
        for (int row = 0; row < tab->view()->rows(); ++row)
            text += tab->view()->rowText(row) + "\n";
        return text;
    }
    static bool screenShows(ui::TerminalTab *tab, const QString &words, int timeout = 10000)
    {
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < timeout) {
            if (screenOf(tab).contains(words))
                return true;
            QTest::qWait(30);
        }
        qWarning().noquote() << "screen:\n" << screenOf(tab);
        return false;
    }
    static void type(ui::TerminalTab *tab, const QString &line)
    {
        QTest::keyClicks(tab->view(), line);
        QTest::keyClick(tab->view(), Qt::Key_Return);
    }
    static bool connected(ui::TerminalTab *tab, int timeout = 10000)
    {
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < timeout && tab->state() != ui::TerminalTab::State::Connected)
            QTest::qWait(20);
        return tab->state() == ui::TerminalTab::State::Connected;
    }
    QStringList sessions()
    {
        QStringList ids;
        const auto answer = engine_.http().request("GET", "/v1/sandboxes/term-ui/api/session/list");
        for (const auto &id : answer.json().value("data", client::Json::array()))
            ids << QString::fromStdString(id.get<std::string>());
        return ids;
    }
    void showStatus(const QString &status)
    {
        view_->update(QJsonObject{{"id", "term-ui"}, {"status", status}});
    }

public:
    static void initMain() { ui::prepareWebEngine(); } // the Ports pane's previews, before QApplication

private slots:
    void initTestCase()
    {
        engine_.start();
        QCOMPARE(engine_.http().request("PUT", "/v1/sandboxes/term-ui", R"({"keepAlive":true})").status, 200);
        view_ = std::make_unique<ui::SandboxView>(engine_.client(), "term-ui");
        view_->resize(1100, 720);
        showStatus("running");
        pane_ = view_->pane<ui::TerminalPane>();
        QVERIFY(pane_);
        view_->showPane(view_->indexOf(pane_));
        view_->show();
        QVERIFY(QTest::qWaitForWindowExposed(view_.get()));
    }

    void aNewTerminalIsAShellInASessionOfItsOwn()
    {
        pane_->openNewTerminal();
        QTRY_COMPARE_WITH_TIMEOUT(pane_->terminals().size(), 1, 5000);
        ui::TerminalTab *tab = pane_->terminals().first();
        QCOMPARE(tab->sessionId(), QString("terminal-1"));
        QVERIFY(connected(tab));
        type(tab, "echo ready-$((40+2))");
        QVERIFY(screenShows(tab, "ready-42"));
        QVERIFY(sessions().contains("terminal-1"));
        // The shell's title (OSC 2) becomes the tab's.
        type(tab, R"(printf '\033]2;build logs\007')");
        QTRY_COMPARE(pane_->tabs()->tabText(0), QString("build logs"));
        QCOMPARE(pane_->tabs()->tabToolTip(0), QString("Session terminal-1"));
        // A second one takes the next free name.
        pane_->openNewTerminal();
        QTRY_COMPARE_WITH_TIMEOUT(pane_->terminals().size(), 2, 5000);
        QCOMPARE(pane_->terminals().at(1)->sessionId(), QString("terminal-2"));
        pane_->closeTab(1);
    }

    void openTerminalHereAttachesToTheCommandsSession()
    {
        ui::CommandsPane *commands = view_->commands();
        view_->showPane(view_->indexOf(commands));
        engine_.http().requestJson("POST", "/v1/sandboxes/term-ui/api/execute",
                                   client::Json{{"command", "cd /tmp && export SHARED=from-commands"}, {"sessionId", "default"}});
        QPushButton *button = nullptr;
        for (QPushButton *candidate : commands->findChildren<QPushButton *>())
            if (candidate->text() == "Open Terminal Here")
                button = candidate;
        QVERIFY(button);
        button->click();
        QCOMPARE(view_->currentWidget(), pane_);
        ui::TerminalTab *tab = pane_->currentTerminal();
        QCOMPARE(tab->sessionId(), QString("default"));
        QVERIFY(connected(tab));
        type(tab, "echo \"$SHARED in $PWD\"");
        QVERIFY(screenShows(tab, "from-commands in /tmp"));
        // Asked again, the same tab comes forward.
        button->click();
        QCOMPARE(pane_->currentTerminal(), tab);
        pane_->closeTab(pane_->tabs()->indexOf(tab));
    }

    void aDroppedConnectionReconnectsAndTheReplayRedrawsTheScreen()
    {
        ui::TerminalTab *tab = pane_->openTerminal("terminal-1");
        QVERIFY(connected(tab));
        type(tab, "clear; echo before-the-drop-$((1+1))");
        QVERIFY(screenShows(tab, "before-the-drop-2"));
        // The connection goes, as a network that drops it (the engine sees it close).
        auto *socket = tab->findChild<ui::PtySocket *>();
        QVERIFY(socket);
        socket->findChild<QTcpSocket *>()->abort();
        QTRY_COMPARE(tab->state(), ui::TerminalTab::State::Reconnecting);
        QVERIFY2(tab->notice().contains("Reconnecting in 1 s"), qPrintable(tab->notice()));
        test::saveScreenshot(view_.get(), "terminal-reconnecting");
        QVERIFY(connected(tab, 5000));
        QVERIFY(tab->notice().isEmpty());
        // The screen was cleared and drawn again from the replay: once, not twice.
        QVERIFY(screenShows(tab, "before-the-drop-2"));
        QCOMPARE(screenOf(tab).count("before-the-drop-2"), 1);
        type(tab, "echo after-$((2+2))");
        QVERIFY(screenShows(tab, "after-4"));
    }

    void closingATabLeavesTheShellAndEndShellEndsIt()
    {
        ui::TerminalTab *tab = pane_->openTerminal("keeper");
        QVERIFY(connected(tab));
        type(tab, "export KEPT=yes; echo set-$((3*3))");
        QVERIFY(screenShows(tab, "set-9"));
        pane_->closeTab(pane_->tabs()->indexOf(tab));
        QVERIFY(sessions().contains("keeper"));
        tab = pane_->openTerminal("keeper");
        QVERIFY(connected(tab));
        QVERIFY(screenShows(tab, "set-9")); // the replay
        type(tab, "echo still-$KEPT");
        QVERIFY(screenShows(tab, "still-yes"));
        const int before = pane_->terminals().size();
        pane_->endShell(false);
        QTRY_COMPARE(pane_->terminals().size(), before - 1);
        QTRY_VERIFY(!sessions().contains("keeper"));
    }

    void anExitedShellOffersANewOne()
    {
        ui::TerminalTab *tab = pane_->openTerminal("leaver");
        QVERIFY(connected(tab));
        type(tab, "exit 7");
        QTRY_COMPARE_WITH_TIMEOUT(tab->state(), ui::TerminalTab::State::Exited, 5000);
        QCOMPARE(tab->notice(), QString("The shell has ended (exit code 7)."));
        QPushButton *newShell = tab->findChild<QPushButton *>();
        QVERIFY(newShell && newShell->isVisible());
        QCOMPARE(newShell->text(), QString("New Shell"));
        test::saveScreenshot(view_.get(), "terminal-exited");
        newShell->click();
        QVERIFY(connected(tab));
        type(tab, "echo again-$((5+5))");
        QVERIFY(screenShows(tab, "again-10"));
        pane_->closeTab(pane_->tabs()->indexOf(tab));
    }

    void ctrlClickOnTheSandboxesLocalhostAsksForAPreview()
    {
        ui::TerminalTab *tab = pane_->openTerminal("terminal-1");
        QVERIFY(connected(tab));
        type(tab, "clear; echo 'Serving at http://localhost:5173/ now'");
        int row = -1; // the output's row (the command line holds the words too)
        QElapsedTimer clock;
        clock.start();
        while (row < 0 && clock.elapsed() < 10000) {
            for (int r = 0; r < tab->view()->rows(); ++r)
                if (tab->view()->rowText(r).startsWith("Serving at"))
                    row = r;
            QTest::qWait(20);
        }
        QVERIFY2(row >= 0, qPrintable(screenOf(tab)));
        QSignalSpy asked(pane_, &ui::TerminalPane::previewRequested);
        const QPoint onUrl = tab->view()->cellRect(row, 16).center();
        QTest::mouseClick(tab->view()->viewport(), Qt::LeftButton, Qt::ControlModifier, onUrl);
        QTRY_COMPARE(asked.count(), 1);
        QCOMPARE(asked.first().first().toInt(), 5173);
        // The sandbox view exposes the port and shows its preview in the Ports pane.
        auto *ports = view_->pane<ui::PortsPane>();
        QCOMPARE(view_->currentWidget(), ports);
        QTRY_VERIFY_WITH_TIMEOUT(ports->isExposed(5173), 5000);
        view_->showPane(view_->indexOf(pane_));
    }

    void screenshotsOfVimAndColouredOutput()
    {
        ui::TerminalTab *tab = pane_->openTerminal("terminal-1");
        QVERIFY(connected(tab));
        type(tab, "clear; mkdir -p /workspace/demo/src && touch /workspace/demo/run.sh && chmod +x /workspace/demo/run.sh "
                  "&& ls --color=always -la /workspace/demo / | head -30; printf '\\033[38;5;208m256-orange\\033[0m "
                  "\\033[38;2;80;160;255mtrue-blue\\033[0m \\033[1mbold\\033[0m \\033[4munderline\\033[0m\\n'");
        QVERIFY(screenShows(tab, "true-blue"));
        QTest::qWait(100);
        test::saveScreenshot(view_.get(), "terminal-colours");
        type(tab, "printf 'def greet(name):\\n    return \"hello \" + name\\n' > /workspace/demo/greet.py; "
                  "vim -u NONE -c 'syntax on' /workspace/demo/greet.py");
        QTRY_VERIFY_WITH_TIMEOUT(tab->view()->alternateScreen(), 10000);
        QVERIFY(screenShows(tab, "return \"hello \" + name"));
        QTest::qWait(200);
        test::saveScreenshot(view_.get(), "terminal-vim");
        QTest::keyClick(tab->view(), Qt::Key_Escape);
        type(tab, ":q!");
        QTRY_VERIFY_WITH_TIMEOUT(!tab->view()->alternateScreen(), 5000);
    }

    // Last: a stopped sandbox shows the Start page; started again, its terminals have new shells.
    // The open tabs are remembered: the next run's pane opens the same sessions, in order.
    void theNextRunOpensTheSameTerminals()
    {
        pane_->openTerminal("remembered");
        QStringList open;
        for (ui::TerminalTab *tab : pane_->terminals())
            open << tab->sessionId();
        QVERIFY(open.contains("remembered"));
        auto nextRun = std::make_unique<ui::TerminalPane>(engine_.client(), "term-ui");
        QStringList reopened;
        for (ui::TerminalTab *tab : nextRun->terminals())
            reopened << tab->sessionId();
        QCOMPARE(reopened, open);
        nextRun.reset();
        pane_->closeTab(pane_->tabs()->indexOf(pane_->openTerminal("remembered")));
        nextRun = std::make_unique<ui::TerminalPane>(engine_.client(), "term-ui");
        QCOMPARE(nextRun->terminals().size(), open.size() - 1);
    }

    void aStoppedSandboxsTerminalsComeBackWithIt()
    {
        ui::TerminalTab *tab = pane_->openTerminal("terminal-1");
        QVERIFY(connected(tab));
        QCOMPARE(engine_.http().request("POST", "/v1/sandboxes/term-ui/stop").status, 200);
        showStatus("stopped");
        QCOMPARE(tab->state(), ui::TerminalTab::State::Stopped);
        QVERIFY(!tab->isVisible()); // the Start page stands in front
        test::saveScreenshot(view_.get(), "terminal-stopped");
        QCOMPARE(engine_.http().request("POST", "/v1/sandboxes/term-ui/start").status, 200);
        showStatus("running");
        QVERIFY(connected(tab, 15000));
        type(tab, "echo back-$((6*7))");
        QVERIFY(screenShows(tab, "back-42"));
    }

    void cleanupTestCase()
    {
        view_.reset();
        engine_.http().request("DELETE", "/v1/sandboxes/term-ui");
        engine_.stop();
    }
};

QTEST_MAIN(TerminalPaneTest)
#include "TerminalPaneTest.moc"
