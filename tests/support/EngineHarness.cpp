#include "support/EngineHarness.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QThread>

#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include <chrono>

namespace sandbench::test {

void pump(boost::asio::io_context &io, int milliseconds)
{
    io.restart();
    io.run_for(std::chrono::milliseconds(milliseconds));
}

EngineHarness::EngineHarness(QString stateDir, QStringList extraArguments)
    : stateDir_(std::move(stateDir)), extraArguments_(std::move(extraArguments))
{
    // Sandboxes of a root engine run as unprivileged uids that must traverse the state dir.
    chmod(state_.path().toLocal8Bit().constData(), 0711);
    process_.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    // A crashed test must not leave its engine behind.
    process_.setChildProcessModifier([] { prctl(PR_SET_PDEATHSIG, SIGTERM); });
    // Host session variables that must never reach a sandbox.
    auto environment = QProcessEnvironment::systemEnvironment();
    environment.insert("SSH_AUTH_SOCK", "/tmp/host-agent.sock");
    environment.insert("DISPLAY", ":99");
    environment.insert("DBUS_SESSION_BUS_ADDRESS", "unix:path=/tmp/host-bus");
    environment.insert("HOST_SECRET", "do-not-leak");
    process_.setProcessEnvironment(environment);
}

EngineHarness::~EngineHarness()
{
    stop();
}

QString EngineHarness::binary(const QString &name)
{
    return QStringLiteral(SANDBENCH_BIN_DIR) + "/" + name;
}

bool EngineHarness::start(QString *error)
{
    QFile::remove(engineFile());
    QStringList arguments{"--listen", "127.0.0.1:0", "--state-dir", stateDir(), "--runtime-dir", runtime_.path()};
    if (stopSandboxesOnExit)
        arguments << "--stop-sandboxes-on-exit";
    process_.start(binary("sandbenchd"), arguments + extraArguments_);
    if (!process_.waitForStarted(5000)) {
        if (error)
            *error = "sandbenchd did not start: " + process_.errorString();
        return false;
    }
    const QDeadlineTimer deadline(10000);
    std::string reason;
    while (!deadline.hasExpired()) {
        if (auto address = client::readEngineFile(engineFile().toStdString(), &reason)) {
            address_ = *address;
            http_ = std::make_unique<client::HttpClient>(address_);
            return true;
        }
        if (process_.state() == QProcess::NotRunning)
            break;
        QThread::msleep(10);
    }
    if (error)
        *error = "sandbenchd did not write engine.json: " + QString::fromStdString(reason);
    return false;
}

void EngineHarness::stop(bool kill)
{
    if (process_.state() == QProcess::NotRunning)
        return;
    ::kill(static_cast<pid_t>(process_.processId()), kill ? SIGKILL : SIGTERM);
    process_.waitForFinished(10000);
    http_.reset();
}

int EngineHarness::port() const
{
    return std::stoi(address_.url.substr(address_.url.rfind(':') + 1));
}

client::Json EngineHarness::exec(const std::string &sandbox, const std::string &command, const client::Json &extra)
{
    client::Json body = extra;
    body["command"] = command;
    return http_->requestJson("POST", "/v1/sandboxes/" + sandbox + "/api/execute", body).json();
}

} // namespace sandbench::test
