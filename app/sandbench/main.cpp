// sandbench: the desktop app. Starts the engine in-process (or attaches to a
// healthy sandbenchd serving the same state directory), then shows the window.
#include "EmbeddedEngine.h"

#include "Translations.h"
#include "client/EngineClient.h"
#include "client/HttpClient.h"
#include "panes/ports/PreviewTab.h"
#include "system/Locations.h"
#include "window/MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QIcon>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageBox>
#include <QSettings>
#include <QPushButton>
#include <QFileDialog>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSocketNotifier>
#include <QTimer>

#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <memory>

using namespace sandbench;

namespace {

// Startup only, before any window: is an engine answering at url with this token?
bool engineIsHealthy(const QString &url, const QString &token)
{
    QNetworkAccessManager network;
    QNetworkRequest request(QUrl(url + "/v1/health"));
    request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    request.setTransferTimeout(2000);
    QNetworkReply *reply = network.get(request);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    const bool healthy = reply->error() == QNetworkReply::NoError &&
                         QJsonDocument::fromJson(reply->readAll()).object().value("status").toString() == "healthy";
    reply->deleteLater();
    return healthy;
}

// A token file holds the token alone, or an engine.json.
QString readToken(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QObject::tr("Cannot read the token file %1: %2").arg(path, file.errorString());
        return {};
    }
    const QByteArray text = file.readAll().trimmed();
    const QJsonDocument document = QJsonDocument::fromJson(text);
    return document.isObject() ? document.object().value("token").toString() : QString::fromUtf8(text);
}

// SIGTERM and SIGINT quit through the event loop, so the embedded engine shuts down
// cleanly (engine.json removed, lock released) instead of the process just ending.
int signalPipe[2] = {-1, -1};

void quitOnSignals(QApplication &app)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, signalPipe) != 0)
        return;
    auto *notifier = new QSocketNotifier(signalPipe[1], QSocketNotifier::Read, &app);
    QObject::connect(notifier, &QSocketNotifier::activated, &app, [] {
        char byte;
        if (::read(signalPipe[1], &byte, 1) > 0) {
            qApp->setProperty("sandbench.quitOnSignal", true); // the window does not ask then
            // Every event loop ends, a modal dialog's too (quit() could be refused by one).
            QCoreApplication::exit(0);
        }
    });
    struct sigaction action{};
    action.sa_handler = [](int) {
        const char byte = 1;
        [[maybe_unused]] const auto written = ::write(signalPipe[0], &byte, 1); // async-signal-safe
    };
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);
}

int fail(const QString &message)
{
    QMessageBox::critical(nullptr, QObject::tr("Sandbench"), message);
    return 1;
}

} // namespace

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN); // a client that leaves mid-transfer must not end the embedded engine
    ui::prepareWebEngine();
    QApplication app(argc, argv);
    QApplication::setApplicationName("Sandbench");
    QApplication::setOrganizationName("Sandbench");
    QApplication::setApplicationVersion(SANDBENCH_VERSION);
    QApplication::setDesktopFileName("sandbench");
    QApplication::setWindowIcon(QIcon(":/icons/sandbench.svg"));
    ui::installTranslations(app);
    quitOnSignals(app);

    QCommandLineParser parser;
    parser.setApplicationDescription(QObject::tr("Local, isolated sandboxes: the Sandbench workbench."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption engineOption("engine", QObject::tr("Connect to the engine at URL instead of starting one."), "URL");
    const QCommandLineOption tokenOption("token-file", QObject::tr("The engine's token (or its engine.json), with --engine."), "FILE");
    const QCommandLineOption stateOption("state-dir", QObject::tr("Where sandboxes live, and this window's settings (default: the XDG data directory)."), "DIR");
    const QCommandLineOption runtimeOption("runtime-dir", QObject::tr("Where engine.json is written (default: the XDG runtime directory)."), "DIR");
    parser.addOptions({engineOption, tokenOption, stateOption, runtimeOption});
    parser.process(app);
    // A state directory of its own is a workbench of its own: its window settings (layout,
    // terminal font, history) are kept there too, not in the user's ~/.config.
    if (parser.isSet(stateOption)) {
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, QDir(parser.value(stateOption)).absolutePath());
    }

    QString url;
    QString token;
    QString label;
    std::unique_ptr<app::EmbeddedEngine> embedded;
    if (parser.isSet(engineOption)) {
        url = parser.value(engineOption);
        QString error;
        if (parser.isSet(tokenOption) && (token = readToken(parser.value(tokenOption), &error)).isEmpty())
            return fail(error.isEmpty() ? QObject::tr("The token file is empty.") : error);
        label = url;
    } else {
        const std::string stateDir = parser.isSet(stateOption)
                                         ? QDir(parser.value(stateOption)).absolutePath().toStdString()
                                         : system::defaultStateDir();
        const std::string runtimeDir = parser.isSet(runtimeOption) ? parser.value(runtimeOption).toStdString()
                                                                    : system::defaultRuntimeDir();
        const auto running = client::readEngineFile(runtimeDir + "/engine.json").value_or(client::EngineAddress{});
        if (!running.url.empty() && running.stateDir == stateDir &&
            engineIsHealthy(QString::fromStdString(running.url), QString::fromStdString(running.token))) {
            url = QString::fromStdString(running.url);
            token = QString::fromStdString(running.token);
            label = QObject::tr("sandbenchd at %1").arg(url);
            std::fprintf(stderr, "sandbench: attached to the engine at %s\n", qPrintable(url));
        } else {
            // A state directory the engine cannot use: the user may pick another one.
            for (std::string dir = stateDir;;) {
                try {
                    embedded = std::make_unique<app::EmbeddedEngine>(dir, runtimeDir); // may throw too
                    embedded->start();
                    break;
                } catch (const std::exception &error) {
                    embedded.reset();
                    QMessageBox problem(QMessageBox::Critical, QObject::tr("Sandbench"),
                                        QObject::tr("The engine could not start: %1").arg(QString::fromStdString(error.what())));
                    QPushButton *choose = problem.addButton(QObject::tr("Choose Another Folder…"), QMessageBox::AcceptRole);
                    problem.addButton(QObject::tr("Quit"), QMessageBox::RejectRole);
                    problem.exec();
                    if (qApp->property("sandbench.quitOnSignal").toBool() || problem.clickedButton() != choose)
                        return 1;
                    const QString chosen = QFileDialog::getExistingDirectory(
                        nullptr, QObject::tr("Folder for Sandboxes"), QDir::homePath());
                    if (chosen.isEmpty())
                        return 1;
                    dir = QDir(chosen).absolutePath().toStdString();
                }
            }
            url = QString::fromStdString(embedded->url());
            token = QString::fromStdString(embedded->token());
            label = QObject::tr("embedded, at %1").arg(url);
            std::fprintf(stderr, "sandbench: embedded engine at %s\n", qPrintable(url));
        }
    }

    ui::EngineClient client(QUrl(url), token);
    ui::MainWindow window(&client, label);
    if (embedded)
        window.setEmbeddedEngine([engine = embedded.get()](bool stop) { engine->setStopSandboxesOnExit(stop); });
    window.show();
    return app.exec(); // the embedded engine stops after the window is gone; sandboxes keep running unless Quit said stop
}
