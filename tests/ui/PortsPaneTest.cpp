// The Ports pane on a real embedded engine and sandbox, under Xvfb, with the real engine
// event stream: a port that starts listening is listed and offered, an exposed port's
// preview loads in Qt WebEngine (the page's title and text read back through
// runJavaScript), a preview of a port that is not listening yet turns into the page once
// it listens, the embedded browser reaches nothing but the sandbox's previews, a stopped
// sandbox's previews go blank, and unexposing closes the preview.
#include "support/GuiHarness.h"

#include "client/EventStream.h"
#include "panes/ports/PortsPane.h"
#include "panes/ports/PreviewTab.h"
#include "widgets/MessageBanner.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTest>
#include <QTcpServer>
#include <QTreeWidget>
#include <QUdpSocket>
#include <QWebEngineView>

#include <memory>

using namespace sandbench;

class PortsPaneTest : public QObject {
    Q_OBJECT

    test::GuiEngine engine_;
    std::unique_ptr<ui::PortsPane> pane_;
    ui::EventStream *events_ = nullptr;

    // The list's row for port ("" when it has none): its state column.
    QString stateOf(int port) const
    {
        for (int row = 0; row < pane_->portList()->topLevelItemCount(); ++row)
            if (pane_->portList()->topLevelItem(row)->text(0) == QString::number(port))
                return pane_->portList()->topLevelItem(row)->text(2);
        return {};
    }
    // The page's JavaScript value of expression, evaluated in the preview.
    QString evaluate(ui::PreviewTab *tab, const QString &expression)
    {
        QString value;
        bool done = false;
        tab->page()->runJavaScript(expression, [&](const QVariant &result) {
            value = result.toString();
            done = true;
        });
        QElapsedTimer clock;
        clock.start();
        while (!done && clock.elapsed() < 10000)
            QTest::qWait(20);
        return done ? value : QStringLiteral("(no answer)");
    }
    bool titleBecomes(ui::PreviewTab *tab, const QString &title, int timeout = 20000)
    {
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < timeout) {
            if (tab->page()->title() == title)
                return true;
            QTest::qWait(100);
        }
        qWarning() << "title is" << tab->page()->title() << "not" << title;
        return false;
    }
    void startServer(int port, const QString &title)
    {
        auto http = engine_.http();
        const std::string dir = "/workspace/site" + std::to_string(port);
        http.requestJson("POST", "/v1/sandboxes/ports-ui/api/write",
                         client::Json{{"path", dir + "/index.html"},
                                      {"content", "<!doctype html><title>" + title.toStdString() +
                                                      "</title><h1>Served from the sandbox</h1>"}});
        http.requestJson("POST", "/v1/sandboxes/ports-ui/api/process/start",
                         client::Json{{"command", "python3 -m http.server " + std::to_string(port) +
                                                      " --bind 127.0.0.1 --directory " + dir},
                                      {"processId", "web" + std::to_string(port)}});
    }

public:
    static void initMain() { ui::prepareWebEngine(); } // before QTEST_MAIN's QApplication

private slots:
    void initTestCase()
    {
        engine_.start();
        QCOMPARE(engine_.http().request("PUT", "/v1/sandboxes/ports-ui", R"({"keepAlive":true})").status, 200);
        pane_ = std::make_unique<ui::PortsPane>(engine_.client(), "ports-ui");
        pane_->resize(1100, 800);
        pane_->setSandboxStatus("running");
        pane_->show();
        QVERIFY(QTest::qWaitForWindowExposed(pane_.get()));
        // The engine's own event stream, as the window passes it on.
        events_ = engine_.client()->openEvents("/v1/events", nullptr, this);
        connect(events_, &ui::EventStream::event, this, [this](const QJsonObject &event) {
            if (event.value("id").toString() == "ports-ui")
                pane_->sandboxEvent(event);
        });
    }

    void listeningPortIsListedAndOffered()
    {
        QSignalSpy offered(pane_.get(), &ui::PortsPane::portOffered);
        startServer(8080, "Hello Preview");
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(8080), QString("Listening, not exposed"), 15000);
        QTRY_VERIFY_WITH_TIMEOUT(!offered.isEmpty(), 5000);
        QCOMPARE(offered.first().first().toInt(), 8080);
    }

    void exposedPortPreviewsThePage()
    {
        pane_->exposePort(8080, "site", true);
        QTRY_COMPARE_WITH_TIMEOUT(pane_->previews().size(), 1, 10000);
        ui::PreviewTab *tab = pane_->previews().first();
        QCOMPARE(tab->port(), 8080);
        QVERIFY(titleBecomes(tab, "Hello Preview"));
        QCOMPARE(evaluate(tab, "document.querySelector('h1').textContent"), QString("Served from the sandbox"));
        QVERIFY(ui::isPreviewUrl(tab->url(), "ports-ui", engine_.client()->baseUrl().port()));
        QCOMPARE(stateOf(8080), QString("Listening"));
        QCOMPARE(pane_->previewTabs()->tabText(0), QString::fromUtf8("Hello Preview · 8080")); // the page says what it is
        QTest::qWait(300); // the first paint
        QVERIFY(test::saveScreenshot(pane_.get(), "ports-pane-preview"));
    }

    void previewOfAQuietPortTurnsIntoThePageWhenItListens()
    {
        pane_->exposePort(8090, {}, true);
        QTRY_COMPARE_WITH_TIMEOUT(pane_->previews().size(), 2, 10000);
        ui::PreviewTab *tab = pane_->previews().last();
        QVERIFY(titleBecomes(tab, "Port 8090 is not listening yet"));
        QCOMPARE(stateOf(8090), QString("Not listening"));
        QTest::qWait(300); // the first paint
        QVERIFY(test::saveScreenshot(pane_.get(), "ports-pane-not-listening"));
        startServer(8090, "Late Server");
        QVERIFY(titleBecomes(tab, "Late Server"));
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(8090), QString("Listening"), 5000);
    }

    // Hostile pages: nothing outside the sandbox's previews, not even the engine itself.
    void previewsReachNothingElse()
    {
        ui::PreviewTab *tab = pane_->previews().first();
        const int enginePort = engine_.client()->baseUrl().port();
        const QString engineUrl = QStringLiteral("http://127.0.0.1:%1/v1/health").arg(enginePort);
        evaluate(tab, QStringLiteral("fetch('%1').then(() => document.title = 'reached', () => document.title = "
                                     "'blocked'); 1").arg(engineUrl));
        QVERIFY(titleBecomes(tab, "blocked"));
        // Another sandbox's preview host on the same engine is blocked too.
        evaluate(tab, QStringLiteral("fetch('http://8080-other-abc.localhost:%1/').then(() => document.title = "
                                     "'reached other', () => document.title = 'blocked other'); 1").arg(enginePort));
        QVERIFY(titleBecomes(tab, "blocked other"));
        // Navigation away is refused, and said so (Chromium itself stops file:// from a web page).
        const QUrl before = tab->page()->url();
        evaluate(tab, QStringLiteral("location.href = 'file:///etc/passwd'; 1"));
        QTest::qWait(500);
        QCOMPARE(tab->page()->url(), before);
        evaluate(tab, QStringLiteral("location.href = '%1'; 1").arg(engineUrl));
        QTRY_VERIFY_WITH_TIMEOUT(pane_->banner()->isVisible(), 5000);
        QVERIFY2(pane_->banner()->text().contains(engineUrl), qPrintable(pane_->banner()->text()));
        QTest::qWait(300);
        QCOMPARE(tab->page()->url(), before);
        QVERIFY(test::saveScreenshot(pane_.get(), "ports-pane-refused"));
        // The page's own preview host works as before.
        tab->reload();
        QVERIFY(titleBecomes(tab, "Hello Preview"));
    }

    // A download from a preview lands where the user chose (here: the chooser a dialog would be).
    void downloadsGoWhereTheUserChooses()
    {
        auto http = engine_.http();
        http.requestJson("POST", "/v1/sandboxes/ports-ui/api/write",
                         client::Json{{"path", "/workspace/site8080/report.csv"}, {"content", "a,b\n1,2\n"}});
        QTemporaryDir target;
        QString suggested;
        pane_->chooseDownloadPath = [&](const QString &offered) {
            suggested = offered;
            return target.filePath("saved.csv");
        };
        ui::PreviewTab *tab = pane_->previews().first();
        evaluate(tab, "const a = document.createElement('a'); a.href = '/report.csv'; a.download = 'report.csv'; "
                      "document.body.appendChild(a); a.click(); 1");
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(target.filePath("saved.csv")), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(pane_->banner()->text().contains("Downloaded"), 5000);
        QFile saved(target.filePath("saved.csv"));
        QVERIFY(saved.open(QIODevice::ReadOnly));
        QCOMPARE(saved.readAll(), QByteArray("a,b\n1,2\n"));
        QVERIFY2(suggested.endsWith("report.csv"), qPrintable(suggested));
        // Cancelled in the dialog: nothing is written.
        pane_->chooseDownloadPath = [](const QString &) { return QString(); };
        evaluate(tab, "const b = document.createElement('a'); b.href = '/report.csv'; b.download = 'again.csv'; "
                      "document.body.appendChild(b); b.click(); 1");
        QTest::qWait(1000);
        QCOMPARE(QDir(target.path()).entryList(QDir::Files), QStringList{"saved.csv"});
        pane_->chooseDownloadPath = nullptr;
    }

    // Stopped, the list and its URLs stay; previews are put away (nothing reloads them,
    // which would start the sandbox again) and come back with the sandbox.
    void stoppedSandboxPutsPreviewsAway()
    {
        ui::PreviewTab *tab = pane_->previews().first();
        const QUrl shown = tab->url();
        pane_->setSandboxStatus("stopped"); // as the window says it (no real stop: the page must not restart it)
        QVERIFY(tab->isSuspended());
        QVERIFY(pane_->portList()->isVisible());
        QCOMPARE(tab->url(), shown);
        QVERIFY(!tab->view()->isVisible());
        pane_->setSandboxStatus("running");
        QVERIFY(!tab->isSuspended());
        QVERIFY(titleBecomes(tab, "Hello Preview"));
        // Back goes to what was shown before, never to a placeholder.
        QCOMPARE(tab->url(), shown);
    }

    // A dev server's own links (http://localhost:PORT/...) lead to that port's preview.
    void loopbackLinksBecomePreviews()
    {
        ui::PreviewTab *tab = pane_->previews().first();
        evaluate(tab, "location.href = 'http://localhost:8080/index.html?from=loopback'; 1");
        QTRY_VERIFY_WITH_TIMEOUT(tab->url().query() == "from=loopback", 10000);
        QVERIFY(ui::isPreviewUrl(tab->url(), "ports-ui", engine_.client()->baseUrl().port()));
        QVERIFY(titleBecomes(tab, "Hello Preview"));
    }

    // WebRTC makes connections of its own, which no request filter sees: pages do not get it.
    void pagesHaveNoWebRtc()
    {
        QUdpSocket stun;
        QVERIFY(stun.bind(QHostAddress::LocalHost, 0));
        QTcpServer turn;
        QVERIFY(turn.listen(QHostAddress::LocalHost, 0));
        ui::PreviewTab *tab = pane_->previews().first();
        QCOMPARE(evaluate(tab, "typeof RTCPeerConnection + ' ' + typeof webkitRTCPeerConnection"),
                 QString("undefined undefined"));
        // Not through a fresh frame either.
        const QString attempt = QStringLiteral(
            "(() => { const f = document.createElement('iframe'); document.body.appendChild(f);"
            " const P = f.contentWindow.RTCPeerConnection || window[window.length - 1].RTCPeerConnection;"
            " if (!P) return 'none';"
            " const c = new P({iceServers: [{urls: 'stun:127.0.0.1:%1'}, {urls: 'turn:127.0.0.1:%2?transport=tcp',"
            " username: 'u', credential: 'p'}]}); c.createDataChannel('x');"
            " c.createOffer().then((o) => c.setLocalDescription(o)); return 'made'; })()")
                                    .arg(stun.localPort())
                                    .arg(turn.serverPort());
        const QString made = evaluate(tab, attempt);
        QTest::qWait(2000);
        QVERIFY2(!stun.hasPendingDatagrams(), qPrintable(made));
        QVERIFY2(!turn.hasPendingConnections(), qPrintable(made));
    }

    void unexposingClosesThePreview()
    {
        pane_->unexposePort(8090, false);
        QTRY_COMPARE_WITH_TIMEOUT(pane_->previews().size(), 1, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(8090), QString("Listening, not exposed"), 5000); // its server still runs
        QVERIFY(!pane_->isExposed(8090));
        QCOMPARE(pane_->previews().first()->port(), 8080);
    }

    void cleanupTestCase()
    {
        delete events_;
        pane_.reset();
        engine_.http().request("DELETE", "/v1/sandboxes/ports-ui");
        engine_.stop();
    }
};

QTEST_MAIN(PortsPaneTest)
#include "PortsPaneTest.moc"
