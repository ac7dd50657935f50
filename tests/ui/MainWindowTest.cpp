// The window on a real embedded engine with real sandboxes, under Xvfb.
// Screenshots of each state land in <build>/screenshots for a human to look at.
#include "support/EngineHarness.h"
#include "support/GuiHarness.h"

#include "Translations.h"
#include "client/EngineClient.h"
#include "client/EventStream.h"
#include "client/HttpClient.h"
#include "models/SandboxListModel.h"
#include "widgets/Confirm.h"
#include "widgets/MessageBanner.h"
#include "models/ProcessListModel.h"
#include "window/MainWindow.h"
#include "window/NewSandboxDialog.h"
#include "window/SandboxView.h"
#include "widgets/CodeEditor.h"
#include "window/RecoveredChanges.h"
#include "panes/files/FileEditor.h"
#include "panes/overview/OverviewPane.h"
#include "panes/files/FilesPane.h"
#include "panes/commands/CommandsPane.h"
#include "widgets/CommandLog.h"
#include "models/FileTreeModel.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QCheckBox>
#include <QSpinBox>
#include <QTableWidget>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QJsonArray>
#include <QStandardItemModel>
#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QDoubleSpinBox>
#include <QJsonObject>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QSpinBox>
#include <QTimer>
#include <QLabel>
#include <QLineEdit>
#include <QTableWidget>
#include <QCheckBox>
#include <QListView>
#include <QMenuBar>
#include <QTemporaryDir>
#include <QTcpSocket>
#include <QTest>
#include <QToolBar>
#include <QToolButton>
#include <QTranslator>

#include <Qsci/qsciscintilla.h>

#include <signal.h>
#include "panes/ports/PortsPane.h"
#include "panes/ports/PreviewTab.h"

#include <QPushButton>
#include <sys/stat.h>

#include <memory>
#include <optional>

using namespace sandbench;

class MainWindowTest : public QObject {
    Q_OBJECT

    test::GuiEngine engine_;
    std::unique_ptr<ui::MainWindow> window_;

    client::HttpClient http() const { return engine_.http(); }
    void screenshot(QWidget *widget, const QString &name) { QVERIFY(test::saveScreenshot(widget, name)); }

    // Every label's text under widget, a line each.
    static QString labelsText(QWidget *widget, bool visibleOnly = false)
    {
        QString text;
        for (auto *label : widget->findChildren<QLabel *>())
            if (!visibleOnly || label->isVisible())
                text += label->text() + "\n";
        return text;
    }

    // A new sandbox with one file, selected, the file open with an unsaved line added;
    // nullptr when a step failed.
    ui::FileEditor *editUnsaved(const QString &sandbox, const QString &path, const QString &saved, const QString &added)
    {
        auto api = http();
        const std::string base = "/v1/sandboxes/" + sandbox.toStdString();
        if (api.request("PUT", base, "{}").status != 200 ||
            api.requestJson("POST", base + "/api/write",
                            client::Json{{"path", path.toStdString()}, {"content", saved.toStdString()}}).status != 200)
            return nullptr;
        QElapsedTimer timer;
        timer.start();
        while (window_->sandboxModel()->rowOf(sandbox) < 0 && timer.elapsed() < 2000)
            QTest::qWait(20);
        window_->selectSandbox(sandbox);
        if (!window_->currentView())
            return nullptr;
        ui::FileEditor *editor = window_->currentView()->files()->openFile(path);
        while (!editor->isText() && timer.elapsed() < 7000)
            QTest::qWait(20);
        if (!editor->isText())
            return nullptr;
        editor->codeEditor()->scintilla()->append(added);
        return editor;
    }

    QString statusOf(const QString &id) const
    {
        const int row = window_->sandboxModel()->rowOf(id);
        return row < 0 ? QString() : window_->sandboxModel()->index(row).data(ui::SandboxListModel::StatusRole).toString();
    }

    // Whether a visible banner of the window says words.
    bool bannerSays(const QString &words) const
    {
        for (auto *banner : window_->findChildren<ui::MessageBanner *>())
            if (banner->isVisible() && banner->text().contains(words))
                return true;
        return false;
    }

public:
    static void initMain() { ui::prepareWebEngine(); } // before QTEST_MAIN's QApplication

private slots:
    void initTestCase()
    {
        engine_.start();
        window_ = std::make_unique<ui::MainWindow>(engine_.client(), "test engine");
        new QAbstractItemModelTester(window_->sandboxModel(), QAbstractItemModelTester::FailureReportingMode::QtTest,
                                     window_.get());
        window_->resize(1100, 700);
        window_->show();
        QVERIFY(QTest::qWaitForWindowExposed(window_.get()));
    }

    void emptyStateInvitesToCreate()
    {
        QTRY_COMPARE(window_->findChild<QLabel *>(QString(), Qt::FindChildrenRecursively) != nullptr, true);
        bool found = false;
        for (auto *label : window_->findChildren<QLabel *>())
            found = found || (label->isVisible() && label->text().contains("No sandboxes yet"));
        QVERIFY2(found, "the empty list shows no invitation");
        screenshot(window_.get(), "01-empty");
    }

    void newSandboxActionCreatesAndLists()
    {
        window_->newSandboxAction()->trigger();
        ui::NewSandboxDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = window_->findChild<ui::NewSandboxDialog *>()) && dialog->isVisible());
        auto *id = dialog->findChild<QLineEdit *>();
        QTest::keyClicks(id, "gui-made");
        screenshot(dialog, "02-new-sandbox-dialog");
        dialog->accept();
        QTRY_VERIFY_WITH_TIMEOUT(window_->sandboxModel()->rowOf("gui-made") >= 0, 5000);
        QTRY_COMPARE(window_->selectedSandbox(), QString("gui-made")); // once the engine answered
        QVERIFY(!statusOf("gui-made").isEmpty());

        window_->startSandbox("gui-made");
        QTRY_COMPARE_WITH_TIMEOUT(statusOf("gui-made"), QString("running"), 10000);
        // The selected sandbox's Files pane comes first and goes live once it runs.
        ui::SandboxView *view = window_->currentView();
        QVERIFY(view && view->currentWidget() == view->files());
        QTRY_VERIFY_WITH_TIMEOUT(view->files()->isWatching(), 5000);
        http().requestJson("POST", "/v1/sandboxes/gui-made/api/write",
                           client::Json{{"path", "/workspace/README.md"}, {"content", "# gui-made\n"}});
        QTRY_VERIFY_WITH_TIMEOUT(view->files()->model()->indexForPath("/workspace/README.md").isValid(), 1000);
        view->files()->openFile("/workspace/README.md");
        QTest::qWait(300);
        screenshot(window_.get(), "03-sandbox-running");

        // The Commands pane of the same sandbox: a command's block with its output and exit code.
        view->setCurrentWidget(view->commands());
        view->commands()->run("ls -la /workspace && printf '\\033[1;32mdone\\033[0m\\n'");
        QTRY_VERIFY_WITH_TIMEOUT(!view->commands()->isRunning(), 10000);
        QTRY_VERIFY(view->commands()->log()->toPlainText().contains("README.md"));
        QTRY_VERIFY(view->commands()->log()->toPlainText().contains("exit 0 ·"));
        screenshot(window_.get(), "03b-commands");
        view->setCurrentWidget(view->files());
    }

    // Issue 12: the toolbar names its actions beside their icons, so what is disabled reads
    // at a glance; all of them fit from the smallest window size up.
    void theToolbarNamesItsActionsAndShowsWhichAreDisabled()
    {
        auto *toolbar = window_->findChild<QToolBar *>("sandboxToolBar");
        QVERIFY(toolbar);
        QCOMPARE(toolbar->toolButtonStyle(), Qt::ToolButtonTextBesideIcon);
        const auto buttonFor = [toolbar](const QString &text) -> QToolButton * {
            for (QAction *action : toolbar->actions())
                if (action->text().remove('&') == text)
                    return qobject_cast<QToolButton *>(toolbar->widgetForAction(action));
            return nullptr;
        };
        window_->selectSandbox("gui-made");
        QTRY_COMPARE_WITH_TIMEOUT(statusOf("gui-made"), QString("running"), 5000);
        QToolButton *start = buttonFor("Start");
        QToolButton *stop = buttonFor("Stop");
        QVERIFY(start && stop && buttonFor("Settings…") && buttonFor("Destroy…") && buttonFor("New Sandbox…"));
        QVERIFY(!start->isEnabled() && stop->isEnabled()); // running: it can be stopped, not started
        const QSize before = window_->size();
        for (const QSize size : {QSize(1600, 1000), QSize(800, 560)}) {
            window_->resize(size);
            QTest::qWait(300);
            for (QAction *action : toolbar->actions()) {
                if (action->isSeparator())
                    continue;
                QWidget *button = toolbar->widgetForAction(action);
                // Shown with its name, not pushed into the overflow menu.
                QVERIFY2(button && button->isVisible(), qPrintable(action->text()));
                QVERIFY2(button->width() > button->fontMetrics().horizontalAdvance(action->iconText()),
                         qPrintable(action->text()));
            }
            screenshot(window_.get(), QStringLiteral("09-toolbar-%1x%2").arg(size.width()).arg(size.height()));
        }
        window_->resize(before);
    }

    void sandboxesMadeElsewhereAppearAndVanishLive()
    {
        auto api = http();
        QCOMPARE(api.request("PUT", "/v1/sandboxes/from-api", R"({"keepAlive":true,"envVars":{"GREETING":"hello"}})").status, 200);
        QTRY_VERIFY_WITH_TIMEOUT(window_->sandboxModel()->rowOf("from-api") >= 0, 1000);
        window_->selectSandbox("from-api");
        window_->currentView()->setCurrentWidget(window_->currentView()->overview());
        QTest::qWait(100);
        screenshot(window_.get(), "04-overview");
        QCOMPARE(api.request("DELETE", "/v1/sandboxes/from-api").status, 200);
        QTRY_VERIFY_WITH_TIMEOUT(window_->sandboxModel()->rowOf("from-api") < 0, 1000);
    }

    // The event stream drops (the engine restarts, a socket is killed): the views stay, with
    // what they hold; a sandbox destroyed meanwhile goes once the stream is back.
    void aDroppedEventStreamKeepsTheViews()
    {
        auto api = http();
        QCOMPARE(api.request("PUT", "/v1/sandboxes/kept-view", R"({"keepAlive":true})").status, 200);
        QCOMPARE(api.request("PUT", "/v1/sandboxes/gone-meanwhile", R"({"keepAlive":true})").status, 200);
        QTRY_VERIFY_WITH_TIMEOUT(window_->sandboxModel()->rowOf("gone-meanwhile") >= 0, 2000);
        window_->selectSandbox("kept-view");
        QPointer<ui::SandboxView> view = window_->currentView();
        QVERIFY(view);
        auto *stream = window_->findChild<ui::EventStream *>();
        QVERIFY(stream);
        stream->findChild<QTcpSocket *>()->abort();
        QCOMPARE(api.request("DELETE", "/v1/sandboxes/gone-meanwhile").status, 200); // while it is down
        QTRY_VERIFY_WITH_TIMEOUT(window_->sandboxModel()->rowOf("gone-meanwhile") < 0, 5000);
        QVERIFY(view); // the same view, not a new one
        QCOMPARE(window_->currentView(), view.data());
        QCOMPARE(window_->selectedSandbox(), QString("kept-view"));
        QCOMPARE(api.request("DELETE", "/v1/sandboxes/kept-view").status, 200);
        QTRY_VERIFY_WITH_TIMEOUT(window_->sandboxModel()->rowOf("kept-view") < 0, 2000);
    }

    void stopAndDestroyThroughTheWindow()
    {
        window_->stopSandbox("gui-made");
        QTRY_VERIFY2_WITH_TIMEOUT(statusOf("gui-made") == "stopped",
                                  qPrintable(statusOf("gui-made") + " / " + window_->findChild<ui::MessageBanner *>()->text()),
                                  10000);
        window_->destroySandbox("gui-made");
        QTRY_VERIFY2_WITH_TIMEOUT(window_->sandboxModel()->rowOf("gui-made") < 0,
                                  qPrintable(window_->findChild<ui::MessageBanner *>()->text() + " / " + statusOf("gui-made")), 10000);
    }

    void failuresShowInTheBannerNotInDialogs()
    {
        window_->createSandbox("Not_Valid", {});
        auto *banner = window_->findChild<ui::MessageBanner *>();
        QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), 5000);
        QVERIFY2(banner->text().contains("Not_Valid"), qPrintable(banner->text()));
        QVERIFY(QApplication::activeModalWidget() == nullptr);
        screenshot(window_.get(), "05-error-banner");
    }

    void germanTranslationTranslatesTheMenus()
    {
        QVERIFY(ui::installTranslations(*qApp, QLocale(QLocale::German, QLocale::Germany)));
        ui::MainWindow german(engine_.client(), "test engine");
        QStringList menus;
        for (QAction *action : german.menuBar()->actions())
            menus << action->text();
        QCOMPARE(menus, QStringList({"&Datei", "&Sandbox", "&Ansicht", "&Hilfe"}));
        QCOMPARE(german.newSandboxAction()->text(), QString("&Neue Sandbox …"));
        // The shared dialogs are German too (found by the review: Replace stayed English).
        auto answered = test::answerNextMessageBox(this, "Abbrechen");
        ui::askReplace(&german, {"/workspace/a.txt"}, false);
        QVERIFY(answered->buttons.contains("Ersetzen"));
        QVERIFY2(answered->text.contains("gibt es schon"), qPrintable(answered->text));
        german.resize(1100, 700);
        german.show();
        QVERIFY(QTest::qWaitForWindowExposed(&german));
        screenshot(&german, "06-german");
        for (auto *translator : qApp->findChildren<QTranslator *>())
            QCoreApplication::removeTranslator(translator);
    }

    void newSandboxDialogSendsOnlyChangedLimits()
    {
        ui::NewSandboxDialog dialog(window_.get());
        QVERIFY(!dialog.requestBody().contains("limits"));
        auto spins = dialog.findChildren<QSpinBox *>();
        QCOMPARE(spins.size(), 2); // memory, processes
        spins[0]->setValue(512);
        dialog.findChild<QDoubleSpinBox *>()->setValue(1.5);
        const QJsonObject limits = dialog.requestBody().value("limits").toObject();
        QCOMPARE(limits.value("memoryMiB").toInt(), 512);
        QCOMPARE(limits.value("cpus").toDouble(), 1.5);
        QVERIFY(!limits.contains("pids"));
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        screenshot(&dialog, "02b-new-sandbox-limits");
    }

    // Issue 12: an id typed with capitals, spaces or underscores is converted, with a note;
    // a character an id cannot hold stays visible and is explained, never dropped.
    void newSandboxDialogConvertsTypedIds()
    {
        ui::NewSandboxDialog dialog(window_.get());
        auto *id = dialog.findChild<QLineEdit *>();
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QTest::keyClicks(id, "My Project_2");
        QCOMPARE(id->text(), QString("my-project-2"));
        QCOMPARE(dialog.sandboxId(), QString("my-project-2"));
        auto *create = dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        QVERIFY(create->isEnabled());
        QString shown = labelsText(&dialog, true);
        QVERIFY2(shown.contains("lower case"), qPrintable(shown));
        QTest::sendKeyEvent(QTest::Click, id, Qt::Key_unknown, QStringLiteral("é"), Qt::NoModifier);
        QCOMPARE(id->text(), QString("my-project-2é"));
        QVERIFY(!create->isEnabled());
        shown = labelsText(&dialog, true);
        QVERIFY2(shown.contains("“é” cannot be part of a sandbox ID"), qPrintable(shown));
        screenshot(&dialog, "02d-new-sandbox-id");
    }

    // Network: egress with an allow list is sent as the API wants it, a loopback or
    // malformed entry is refused inline, and a host without egress disables the choice.
    void newSandboxDialogAsksForTheNetwork()
    {
        ui::NewSandboxDialog dialog(window_.get());
        dialog.findChild<QLineEdit *>()->setText("net");
        QVERIFY(!dialog.requestBody().contains("network"));
        auto *mode = dialog.findChild<QComboBox *>();
        QVERIFY(mode);
        mode->setCurrentIndex(mode->findData("egress"));
        QLineEdit *allow = nullptr;
        for (auto *edit : dialog.findChildren<QLineEdit *>())
            if (edit->placeholderText().contains("192.168"))
                allow = edit;
        QVERIFY(allow && allow->isEnabled());
        allow->setText("192.168.1.20, 10.0.0.0/8");
        const QJsonObject body = dialog.requestBody();
        QCOMPARE(body.value("network").toString(), QString("egress"));
        QCOMPARE(body.value("networkAllow").toArray().size(), 2);
        auto *create = dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        QVERIFY(create->isEnabled());
        for (const char *bad : {"127.0.0.1", "10.0.0.0/40", "example.com"}) {
            allow->setText(bad);
            QVERIFY2(!create->isEnabled(), bad);
        }
        allow->setText("192.168.1.20");
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        screenshot(&dialog, "02c-new-sandbox-network");

        ui::NewSandboxDialog without(window_.get());
        without.setEngineNetwork(QJsonObject{{"egress", false}, {"egressNote", "/dev/net/tun is not usable"}});
        auto *withoutMode = without.findChild<QComboBox *>();
        auto *items = qobject_cast<QStandardItemModel *>(withoutMode->model());
        QVERIFY(items && !items->item(withoutMode->findData("egress"))->isEnabled());
        QVERIFY(withoutMode->toolTip().contains("/dev/net/tun"));
    }

    // The Overview says what the limits are and whether this host enforces them; a process
    // killed at the memory limit shows in the banner and in the Overview.
    void overviewShowsLimitsAndOutOfMemoryKills()
    {
        auto api = http();
        const auto health = api.request("GET", "/v1/health").json()["limits"];
        QCOMPARE(api.request("PUT", "/v1/sandboxes/hog", R"({"limits":{"memoryMiB":128,"cpus":0.5}})").status, 200);
        QTRY_VERIFY_WITH_TIMEOUT(window_->sandboxModel()->rowOf("hog") >= 0, 2000);
        window_->selectSandbox("hog");
        ui::SandboxView *view = window_->currentView();
        view->setCurrentWidget(view->overview());
        auto overviewText = [view] { return labelsText(view->overview()); };
        QTRY_VERIFY_WITH_TIMEOUT(overviewText().contains("128 MiB memory"), 2000);
        if (!health.value("memory", false)) {
            QVERIFY(overviewText().contains("Not enforced on this host"));
            QSKIP("memory limits are not enforced on this host");
        }
        QTRY_VERIFY_WITH_TIMEOUT(overviewText().contains("Enforced through cgroup"), 2000);
        api.requestJson("POST", "/v1/sandboxes/hog/api/execute",
                        client::Json{{"command", "python3 -c 'a = bytearray(512 << 20)'"}});
        QTRY_VERIFY_WITH_TIMEOUT(bannerSays("memory limit"), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(overviewText().contains("1 process killed"), 3000);
        QTest::qWait(100);
        screenshot(window_.get(), "07-overview-limits-oom");
        QCOMPARE(api.request("DELETE", "/v1/sandboxes/hog").status, 200);
    }

    // The Overview says which network a sandbox has, what it may reach, and that a
    // changed mode waits for the next start.
    void overviewShowsTheNetwork()
    {
        auto api = http();
        if (!api.request("GET", "/v1/health").json()["network"].value("egress", false))
            QSKIP("this host cannot give sandboxes egress");
        QCOMPARE(api.request("PUT", "/v1/sandboxes/online", R"({"network":"egress","networkAllow":["192.168.1.20"]})").status,
                 200);
        QTRY_VERIFY_WITH_TIMEOUT(window_->sandboxModel()->rowOf("online") >= 0, 2000);
        window_->selectSandbox("online");
        ui::SandboxView *view = window_->currentView();
        view->setCurrentWidget(view->overview());
        auto overviewText = [&view] { return labelsText(view->overview()); };
        QTRY_VERIFY_WITH_TIMEOUT(overviewText().contains("Internet (egress); also allowed: 192.168.1.20/32"), 2000);
        QCOMPARE(api.request("PUT", "/v1/sandboxes/offline", "{}").status, 200);
        QCOMPARE(api.request("PATCH", "/v1/sandboxes/offline", R"({"network":"egress"})").status, 200);
        QTRY_VERIFY_WITH_TIMEOUT(window_->sandboxModel()->rowOf("offline") >= 0, 2000);
        window_->selectSandbox("offline");
        view = window_->currentView();
        view->setCurrentWidget(view->overview());
        QTRY_VERIFY_WITH_TIMEOUT(overviewText().contains("Applies at the next start; now: None (loopback only)"), 2000);
        QTest::qWait(100);
        screenshot(window_.get(), "07b-overview-network");
        QCOMPARE(api.request("DELETE", "/v1/sandboxes/online").status, 200);
        QCOMPARE(api.request("DELETE", "/v1/sandboxes/offline").status, 200);
    }

    // Issue 12: the Overview starts and stops its sandbox and edits its settings (PATCH):
    // variables added, changed and removed, keep-alive, limits.
    void overviewStartsStopsAndEditsSettings()
    {
        auto api = http();
        QCOMPARE(api.request("PUT", "/v1/sandboxes/tuned", R"({"envVars":{"OLD":"1","KEEP":"a"}})").status, 200);
        QTRY_VERIFY_WITH_TIMEOUT(window_->sandboxModel()->rowOf("tuned") >= 0, 2000);
        window_->selectSandbox("tuned");
        ui::SandboxView *view = window_->currentView();
        view->setCurrentWidget(view->overview());
        ui::OverviewPane *overview = view->overview();
        QTRY_VERIFY(overview->stopButton()->isEnabled());
        QVERIFY(!overview->startButton()->isEnabled());
        auto engineView = [&api] { return api.request("GET", "/v1/sandboxes/tuned").json()["sandbox"]; };

        overview->settingsButton()->click();
        ui::NewSandboxDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = window_->findChild<ui::NewSandboxDialog *>()) && dialog->isVisible());
        QVERIFY(dialog->findChild<QLineEdit *>()->isReadOnly());
        auto *table = dialog->findChild<QTableWidget *>();
        QVERIFY(table);
        for (int row = table->rowCount() - 1; row >= 0; --row) {
            if (table->item(row, 0) && table->item(row, 0)->text() == "OLD")
                table->removeRow(row);
            else if (table->item(row, 0) && table->item(row, 0)->text() == "KEEP")
                table->item(row, 1)->setText("b");
        }
        for (auto *check : dialog->findChildren<QCheckBox *>())
            check->setChecked(true); // keep running while idle
        dialog->findChildren<QSpinBox *>().first()->setValue(1024); // memory
        screenshot(dialog, "07c-sandbox-settings");
        dialog->accept();
        QTRY_VERIFY_WITH_TIMEOUT(engineView()["keepAlive"] == client::Json(true), 5000);
        const client::Json changed = engineView();
        QVERIFY2(changed["envVars"] == (client::Json{{"KEEP", "b"}}), changed.dump().c_str());
        QVERIFY2(changed["limits"]["memoryMiB"] == client::Json(1024), changed.dump().c_str());
        QTRY_VERIFY_WITH_TIMEOUT(labelsText(overview).contains("Keeps running"), 2000);
        QTRY_VERIFY(api.request("POST", "/v1/sandboxes/tuned/api/execute", R"({"command":"echo $KEEP-$OLD"})")
                        .json()
                        .value("stdout", "") == "b-");

        // Only what the user changed is sent: a limit changed meanwhile elsewhere stays.
        overview->settingsButton()->click();
        QTRY_VERIFY((dialog = window_->findChild<ui::NewSandboxDialog *>()) && dialog->isVisible());
        QCOMPARE(api.request("PATCH", "/v1/sandboxes/tuned", R"({"limits":{"pids":512}})").status, 200);
        table = dialog->findChild<QTableWidget *>();
        for (int row = 0; row < table->rowCount(); ++row)
            if (table->item(row, 0) && table->item(row, 0)->text() == "KEEP")
                table->item(row, 1)->setText("c");
        // A name twice would lose one value: refused in the dialog.
        auto *ok = dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        table->insertRow(table->rowCount());
        table->setItem(table->rowCount() - 1, 0, new QTableWidgetItem("KEEP"));
        table->setItem(table->rowCount() - 1, 1, new QTableWidgetItem("d"));
        QTRY_VERIFY(!ok->isEnabled());
        table->removeRow(table->rowCount() - 1);
        QTRY_VERIFY(ok->isEnabled());
        dialog->accept();
        QTRY_VERIFY_WITH_TIMEOUT(engineView()["envVars"].value("KEEP", "") == "c", 5000);
        QCOMPARE(engineView()["limits"].value("pids", 0), 512);
        QCOMPARE(engineView()["limits"].value("memoryMiB", 0), 1024);

        // A refused save keeps the dialog and the edits, and says why (slirp's own range is
        // never reachable: the engine refuses it).
        overview->settingsButton()->click();
        QTRY_VERIFY((dialog = window_->findChild<ui::NewSandboxDialog *>()) && dialog->isVisible());
        dialog->findChildren<QSpinBox *>().first()->setValue(768);
        if (api.request("GET", "/v1/health").json()["network"].value("egress", false)) {
            auto *network = dialog->findChild<QComboBox *>();
            network->setCurrentIndex(1);
            for (auto *field : dialog->findChildren<QLineEdit *>())
                if (field->placeholderText().contains("also reach"))
                    field->setText("10.0.2.5");
            dialog->accept();
            QTRY_VERIFY_WITH_TIMEOUT(labelsText(dialog).contains("Not saved"), 5000);
            QVERIFY(dialog->isVisible());
            QCOMPARE(dialog->findChildren<QSpinBox *>().first()->value(), 768);
            screenshot(dialog, "07d-settings-not-saved");
        }
        // Destroyed elsewhere meanwhile: the dialog goes, and the window says so.
        QCOMPARE(api.request("DELETE", "/v1/sandboxes/tuned").status, 200);
        QTRY_VERIFY_WITH_TIMEOUT(!window_->findChild<ui::NewSandboxDialog *>() ||
                                     !window_->findChild<ui::NewSandboxDialog *>()->isVisible(),
                                 5000);
        QTRY_VERIFY(bannerSays("its settings were not saved"));
        QCOMPARE(api.request("PUT", "/v1/sandboxes/tuned", "{}").status, 200);
        QTRY_VERIFY_WITH_TIMEOUT(window_->sandboxModel()->rowOf("tuned") >= 0, 2000);
        window_->selectSandbox("tuned");
        view = window_->currentView();
        view->setCurrentWidget(view->overview());
        overview = view->overview();

        QTRY_VERIFY(overview->stopButton()->isEnabled());
        overview->stopButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(statusOf("tuned"), QString("stopped"), 10000);
        QTRY_VERIFY(overview->startButton()->isEnabled());
        overview->startButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(statusOf("tuned"), QString("running"), 10000);
        QCOMPARE(api.request("DELETE", "/v1/sandboxes/tuned").status, 200);
    }

    // Issue 12: the window never loses the user's work without asking. A destroyed sandbox's
    // unsaved files move into a window of their own; Destroy says so and names its button.
    void destroyingASandboxKeepsItsUnsavedFiles()
    {
        QVERIFY(editUnsaved("doomed", "/workspace/work.txt", "saved part\n", "precious unsaved line\n"));
        QCOMPARE(http().request("POST", "/v1/sandboxes/doomed/backups", R"({"dir":"/workspace"})").status, 200);
        auto answered = test::answerNextMessageBox(this, "Cancel", "09-destroy-question");
        window_->confirmDestroy();
        QTRY_VERIFY(answered->seen);
        answered->buttons.sort();
        QCOMPARE(answered->buttons, QStringList({"Cancel", "Destroy"}));
        QVERIFY2(answered->text.contains("unsaved changes"), qPrintable(answered->text));
        QVERIFY2(answered->text.contains("Its backup is deleted too."), qPrintable(answered->text)); // what goes, named
        QVERIFY(!answered->text.contains("buckets")); // none are mounted
        QCOMPARE(window_->sandboxModel()->rowOf("doomed") >= 0, true);
        answered = test::answerNextMessageBox(this, "Destroy");
        window_->confirmDestroy();
        QTRY_VERIFY_WITH_TIMEOUT(window_->sandboxModel()->rowOf("doomed") < 0, 10000);
        ui::RecoveredChanges *recovered = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((recovered = window_->findChild<ui::RecoveredChanges *>()) && recovered->isVisible(), 3000);
        QCOMPARE(recovered->unsavedEditors().size(), 1);
        ui::FileEditor *kept = recovered->unsavedEditors().first();
        QVERIFY(kept->codeEditor()->text().contains("precious unsaved line"));
        screenshot(recovered, "10-recovered-changes");
        QTemporaryDir local;
        QVERIFY(kept->saveToComputer(local.filePath("work.txt")));
        QFile copy(local.filePath("work.txt"));
        QVERIFY(copy.open(QIODevice::ReadOnly));
        QCOMPARE(copy.readAll(), QByteArray("saved part\nprecious unsaved line\n"));
        QVERIFY(recovered->unsavedEditors().isEmpty()); // kept now: closing asks nothing
        recovered->reject();
        QTRY_VERIFY(!window_->findChild<ui::RecoveredChanges *>());
    }

    // Quit with unsaved files asks: Cancel stays, Save All writes them and quits.
    void quitWithUnsavedFilesAsks()
    {
        auto api = http();
        QVERIFY(editUnsaved("editing", "/workspace/draft.txt", "v1\n", "v2\n"));
        auto answered = test::answerNextMessageBox(this, "Cancel", "11-quit-unsaved-question");
        QVERIFY(!window_->close());
        QVERIFY(answered->seen && window_->isVisible());
        answered->buttons.sort();
        QCOMPARE(answered->buttons, QStringList({"Cancel", "Quit Without Saving", "Save All and Quit"}));
        answered = test::answerNextMessageBox(this, "Save All and Quit");
        QVERIFY(window_->close());
        const auto read = api.requestJson("POST", "/v1/sandboxes/editing/api/read", client::Json{{"path", "/workspace/draft.txt"}});
        QCOMPARE(read.json().value("content", std::string()), std::string("v1\nv2\n"));
        window_->show(); // for the next test
        QVERIFY(QTest::qWaitForWindowExposed(window_.get()));
        QCOMPARE(api.request("DELETE", "/v1/sandboxes/editing").status, 200);
    }

    // Issue 12: Ctrl+1..3 switch panes wherever the focus is (here: the sandbox list).
    void paneShortcutsWorkFromTheSandboxList()
    {
        auto api = http();
        QCOMPARE(api.request("PUT", "/v1/sandboxes/keys", "{}").status, 200);
        QTRY_VERIFY_WITH_TIMEOUT(window_->sandboxModel()->rowOf("keys") >= 0, 2000);
        window_->selectSandbox("keys");
        window_->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(window_.get()));
        auto *list = window_->findChild<QListView *>("sandboxList"); // not a combo box's popup list
        list->setFocus();
        QTest::keyClick(list, Qt::Key_2, Qt::ControlModifier);
        QTRY_COMPARE(window_->currentView()->currentWidget(), static_cast<QWidget *>(window_->currentView()->commands()));
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_3, Qt::ControlModifier);
        QTRY_COMPARE(window_->currentView()->currentWidget(), static_cast<QWidget *>(window_->currentView()->overview()));
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_1, Qt::ControlModifier);
        QTRY_COMPARE(window_->currentView()->currentWidget(), static_cast<QWidget *>(window_->currentView()->files()));

        // Ctrl+Del destroys from the sandbox list only; in a text field it deletes a word.
        window_->currentView()->showPane(1);
        QLineEdit *commandLine = window_->currentView()->commands()->commandLine();
        QTRY_VERIFY(commandLine->hasFocus());
        commandLine->setText("one two");
        commandLine->setCursorPosition(0);
        auto none = test::answerNextMessageBox(this, "Cancel");
        QTest::keyClick(commandLine, Qt::Key_Delete, Qt::ControlModifier);
        QTest::qWait(300);
        QVERIFY(!none->seen); // no question came
        none->cancelled = true;
        QCOMPARE(commandLine->text(), QString("two"));
        list->setFocus();
        auto asked = test::answerNextMessageBox(this, "Cancel");
        QTest::keyClick(list, Qt::Key_Delete, Qt::ControlModifier);
        QTRY_VERIFY(asked->seen);
        QCOMPARE(api.request("DELETE", "/v1/sandboxes/keys").status, 200);
    }

    // Every pane at the smallest size the window supports, and at a large one: looked at.
    // A server that starts listening in the selected sandbox is offered in the window's
    // banner; Open exposes it and shows its preview in the Ports pane.
    void aPortThatStartsListeningIsOffered()
    {
        auto api = http();
        QCOMPARE(api.request("PUT", "/v1/sandboxes/offers", "{}").status, 200);
        QTRY_VERIFY_WITH_TIMEOUT(window_->sandboxModel()->rowOf("offers") >= 0, 2000);
        window_->selectSandbox("offers");
        QTRY_VERIFY(window_->currentView());
        api.requestJson("POST", "/v1/sandboxes/offers/api/process/start",
                        client::Json{{"command", "python3 -m http.server 5173 --bind 127.0.0.1"}});
        QTRY_VERIFY_WITH_TIMEOUT(bannerSays("Port 5173 is listening in offers."), 15000);
        screenshot(window_.get(), "12-port-offered");
        QPushButton *open = nullptr;
        for (auto *button : window_->findChildren<QPushButton *>())
            if (button->text() == "Open" && button->isVisible())
                open = button;
        QVERIFY(open);
        open->click();
        auto *ports = window_->currentView()->pane<ui::PortsPane>();
        QTRY_COMPARE_WITH_TIMEOUT(window_->currentView()->currentWidget(), static_cast<QWidget *>(ports), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(ports->previews().size(), 1, 10000);
        QVERIFY(ports->isExposed(5173));
        QTRY_COMPARE_WITH_TIMEOUT(ports->previews().first()->page()->title(), QString("Directory listing for /"), 20000);
        QTest::qWait(300);
        screenshot(window_.get(), "13-port-preview");
        // A port exposed already is not offered again when its server starts anew; a new one
        // is, and its notice goes when the sandbox stops.
        api.requestJson("POST", "/v1/sandboxes/offers/api/process/start",
                        client::Json{{"command", "pkill -f 'http[.]server 5173'; sleep 2.5; "
                                                 "exec python3 -m http.server 5173 --bind 127.0.0.1"}});
        QTest::qWait(5000); // closed for 2.5 s and listening again by now (the agent looks every second)
        QVERIFY(!bannerSays("Port 5173 is listening"));
        api.requestJson("POST", "/v1/sandboxes/offers/api/process/start",
                        client::Json{{"command", "python3 -m http.server 5174 --bind 127.0.0.1"}});
        QTRY_VERIFY_WITH_TIMEOUT(bannerSays("Port 5174 is listening in offers."), 15000);
        QCOMPARE(api.request("POST", "/v1/sandboxes/offers/stop").status, 200);
        QTRY_VERIFY_WITH_TIMEOUT(!bannerSays("Port 5174 is listening in offers."), 10000);
        QCOMPARE(api.request("DELETE", "/v1/sandboxes/offers").status, 200);
    }

    void everyPaneAtTheSmallestAndALargeSize()
    {
        auto api = http();
        QCOMPARE(api.request("PUT", "/v1/sandboxes/sizes", R"({"envVars":{"GREETING":"hello"}})").status, 200);
        api.requestJson("POST", "/v1/sandboxes/sizes/api/write",
                        client::Json{{"path", "/workspace/a-rather-long-file-name.py"}, {"content", "print('hi')\n"}});
        api.requestJson("POST", "/v1/sandboxes/sizes/api/process/start",
                        client::Json{{"command", "sleep 60"}, {"processId", "a-server-with-a-long-name"}});
        QTRY_VERIFY_WITH_TIMEOUT(window_->sandboxModel()->rowOf("sizes") >= 0, 2000);
        window_->selectSandbox("sizes");
        ui::SandboxView *view = window_->currentView();
        const QSize before = window_->size();
        for (const QSize size : {QSize(800, 560), QSize(1600, 1000)}) {
            window_->resize(size);
            const QString suffix = QStringLiteral("%1x%2").arg(size.width()).arg(size.height());
            for (int pane = 0; pane < ui::SandboxView::paneNames().size(); ++pane) {
                view->showPane(pane);
                QTest::qWait(400);
                screenshot(window_.get(), QStringLiteral("30-pane-%1-%2").arg(pane + 1).arg(suffix));
            }
            // The process table gives its room to the command, even at the smallest size.
            for (auto *table : view->findChildren<QTableView *>())
                if (table->accessibleName() == "Background processes")
                    QVERIFY2(table->columnWidth(ui::ProcessListModel::CommandColumn) >= 90, qPrintable(suffix));
        }
        QTRY_VERIFY(view->files()->model()->indexForPath("/workspace/a-rather-long-file-name.py").isValid());
        window_->resize(before);
        QCOMPARE(api.request("DELETE", "/v1/sandboxes/sizes").status, 200);
    }

    // The sandbox selected last is selected again in a new window (after a relaunch).
    void theLastSelectedSandboxIsSelectedAgain()
    {
        auto api = http();
        QCOMPARE(api.request("PUT", "/v1/sandboxes/remembered", "{}").status, 200);
        QTRY_VERIFY_WITH_TIMEOUT(window_->sandboxModel()->rowOf("remembered") >= 0, 2000);
        window_->selectSandbox("remembered");
        ui::MainWindow again(engine_.client(), "test engine");
        again.show();
        QTRY_COMPARE_WITH_TIMEOUT(again.selectedSandbox(), QString("remembered"), 5000);
        QCOMPARE(api.request("DELETE", "/v1/sandboxes/remembered").status, 200);
    }

    // Issue 12: SIGTERM quits even while a modal dialog is open: here the startup error of
    // a state directory the engine cannot use (which offers another folder, or Quit).
    void signalQuitsEvenWithAStartupErrorOpen()
    {
        QTemporaryDir scratch;
        QFile notADirectory(scratch.filePath("state"));
        QVERIFY(notADirectory.open(QIODevice::WriteOnly));
        notADirectory.close();
        QProcess app;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("XDG_CONFIG_HOME", scratch.filePath("config"));
        app.setProcessEnvironment(env);
        app.start(test::EngineHarness::binary("sandbench"),
                  {"--state-dir", notADirectory.fileName(), "--runtime-dir", scratch.filePath("run")});
        QVERIFY(app.waitForStarted());
        QTest::qWait(1500); // the error dialog is up by now
        QCOMPARE(app.state(), QProcess::Running);
        kill(static_cast<pid_t>(app.processId()), SIGTERM);
        QVERIFY2(app.waitForFinished(5000), "SIGTERM did not end the app while its dialog was open");
    }

    // Quit with running sandboxes of the embedded engine asks: keep them or stop them.
    void quitAsksWhetherRunningSandboxesKeepRunning()
    {
        QCOMPARE(http().request("PUT", "/v1/sandboxes/at-quit", "{}").status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(statusOf("at-quit"), QString("running"), 5000);
        std::optional<bool> stopChosen;
        window_->setEmbeddedEngine([&stopChosen](bool stop) { stopChosen = stop; });
        auto answer = [this](const QString &button) {
            QTimer::singleShot(200, this, [this, button] {
                auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
                QVERIFY(box);
                screenshot(box, "08-quit-question");
                for (auto *candidate : box->buttons())
                    if (candidate->text().remove('&') == button)
                        candidate->click();
            });
        };
        answer("Cancel");
        QVERIFY(!window_->close());
        QVERIFY(window_->isVisible());
        QVERIFY(!stopChosen);
        answer("Stop Sandboxes");
        QVERIFY(window_->close());
        QCOMPARE(stopChosen, std::optional<bool>(true));
        QCOMPARE(http().request("DELETE", "/v1/sandboxes/at-quit").status, 200);
    }

    void cleanupTestCase()
    {
        window_.reset();
        engine_.stop();
    }
};

QTEST_MAIN(MainWindowTest)
#include "MainWindowTest.moc"
