#include "client/SandboxApi.h"

#include <QUrl>
#include <QUuid>

namespace sandbench::ui {

namespace {

// A path segment of a URL: '/', '?', '#' and '%' included, encoded.
QString segment(const QString &text)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(text));
}

} // namespace

QString SandboxApi::path(const QString &route) const
{
    return EngineClient::sandboxPath(sandboxId_) + route;
}

void SandboxApi::post(const QString &route, const QJsonObject &body, QObject *context, Callback done) const
{
    client_->call("POST", path(route), body, context, std::move(done));
}

void SandboxApi::create(const QJsonObject &options, QObject *context, Callback done) const
{
    client_->call("PUT", path(), options, context, std::move(done));
}

void SandboxApi::changeSettings(const QJsonObject &options, QObject *context, Callback done) const
{
    client_->call("PATCH", path(), options, context, std::move(done));
}

void SandboxApi::start(QObject *context, Callback done) const
{
    post("/start", {}, context, std::move(done));
}

void SandboxApi::stop(QObject *context, Callback done) const
{
    post("/stop", {}, context, std::move(done));
}

void SandboxApi::destroy(QObject *context, Callback done) const
{
    client_->call("DELETE", path(), {}, context, std::move(done));
}

void SandboxApi::read(const QString &file, QObject *context, Callback done) const
{
    post("/api/read", {{"path", file}}, context, std::move(done));
}

void SandboxApi::write(const QString &file, const QString &content, QObject *context, Callback done) const
{
    post("/api/write", {{"path", file}, {"content", content}}, context, std::move(done));
}

void SandboxApi::exists(const QString &file, QObject *context, Callback done) const
{
    post("/api/exists", {{"path", file}}, context, std::move(done));
}

void SandboxApi::makeDirectory(const QString &directory, QObject *context, Callback done) const
{
    post("/api/mkdir", {{"path", directory}, {"recursive", true}}, context, std::move(done));
}

void SandboxApi::remove(const QString &file, QObject *context, Callback done) const
{
    post("/api/delete", {{"path", file}}, context, std::move(done));
}

void SandboxApi::rename(const QString &from, const QString &to, QObject *context, Callback done) const
{
    post("/api/rename", {{"oldPath", from}, {"newPath", to}}, context, std::move(done));
}

void SandboxApi::move(const QString &from, const QString &to, QObject *context, Callback done) const
{
    post("/api/move", {{"sourcePath", from}, {"destinationPath", to}}, context, std::move(done));
}

void SandboxApi::listFiles(const QString &directory, bool recursive, QObject *context, Callback done) const
{
    QJsonObject options{{"includeHidden", true}};
    if (recursive)
        options.insert("recursive", true);
    post("/api/list-files", {{"path", directory}, {"options", options}}, context, std::move(done));
}

EventStream *SandboxApi::watch(const QString &directory, bool recursive, QObject *parent) const
{
    const QJsonObject body{{"path", directory}, {"recursive", recursive}};
    return client_->openEvents(path("/api/watch"), &body, parent);
}

void SandboxApi::execute(const QString &command, QObject *context, Callback done) const
{
    post("/api/execute", {{"command", command}}, context, std::move(done));
}

EventStream *SandboxApi::executeInSession(const QString &command, const QString &sessionId, QObject *parent) const
{
    const QJsonObject body{{"command", command}, {"sessionId", sessionId}, {"stateful", true}};
    return client_->openEvents(path("/api/execute/stream"), &body, parent);
}

void SandboxApi::codeContexts(QObject *context, Callback done) const
{
    client_->get(path("/api/contexts"), context, std::move(done));
}

void SandboxApi::createCodeContext(const QString &language, QObject *context, Callback done) const
{
    post("/api/contexts", {{"language", language}}, context, std::move(done));
}

void SandboxApi::deleteCodeContext(const QString &contextId, QObject *context, Callback done) const
{
    client_->call("DELETE", path("/api/contexts/" + QString::fromLatin1(QUrl::toPercentEncoding(contextId))), {}, context, std::move(done));
}

void SandboxApi::interruptCodeContext(const QString &contextId, QObject *context, Callback done) const
{
    post("/api/contexts/" + QString::fromLatin1(QUrl::toPercentEncoding(contextId)) + "/interrupt", {}, context, std::move(done));
}

void SandboxApi::restartCodeContext(const QString &contextId, QObject *context, Callback done) const
{
    post("/api/contexts/" + QString::fromLatin1(QUrl::toPercentEncoding(contextId)) + "/restart", {}, context, std::move(done));
}

EventStream *SandboxApi::runCode(const QString &contextId, const QString &code, QObject *parent) const
{
    const QJsonObject body{{"context_id", contextId}, {"code", code}};
    return client_->openEvents(path("/api/execute/code"), &body, parent);
}

void SandboxApi::sessions(QObject *context, Callback done) const
{
    client_->get(path("/api/session/list"), context, std::move(done));
}

void SandboxApi::createSession(const QJsonObject &options, QObject *context, Callback done) const
{
    post("/api/session/create", options, context, std::move(done));
}

void SandboxApi::deleteSession(const QString &sessionId, QObject *context, Callback done) const
{
    post("/api/session/delete", {{"sessionId", sessionId}}, context, std::move(done));
}

void SandboxApi::startProcess(const QJsonObject &options, QObject *context, Callback done) const
{
    post("/api/process/start", options, context, std::move(done));
}

void SandboxApi::processes(QObject *context, Callback done) const
{
    client_->get(path("/api/process/list"), context, std::move(done));
}

EventStream *SandboxApi::processOutput(const QString &processId, QObject *parent) const
{
    return client_->openEvents(path("/api/process/" + segment(processId) + "/stream"), nullptr, parent);
}

void SandboxApi::killProcess(const QString &processId, QObject *context, Callback done) const
{
    client_->call("DELETE", path("/api/process/" + segment(processId)), {}, context, std::move(done));
}

void SandboxApi::killAllProcesses(QObject *context, Callback done) const
{
    client_->call("DELETE", path("/api/process/kill-all"), {}, context, std::move(done));
}

void SandboxApi::ports(QObject *context, Callback done) const
{
    client_->get(path("/ports"), context, std::move(done));
}

void SandboxApi::exposePort(int port, const QString &name, QObject *context, Callback done) const
{
    QJsonObject body{{"port", port}};
    if (!name.isEmpty())
        body["name"] = name;
    post("/ports", body, context, std::move(done));
}

void SandboxApi::unexposePort(int port, QObject *context, Callback done) const
{
    client_->call("DELETE", path("/ports/%1").arg(port), {}, context, std::move(done));
}

void SandboxApi::mounts(QObject *context, Callback done) const
{
    client_->get(path("/mounts"), context, std::move(done));
}

void SandboxApi::mountBucket(const QJsonObject &body, QObject *context, Callback done) const
{
    post("/mounts", body, context, std::move(done));
}

void SandboxApi::unmountBucket(const QString &mountPath, QObject *context, Callback done) const
{
    client_->call("DELETE", path("/mounts?path=" + segment(mountPath)), {}, context, std::move(done));
}

EventStream *SandboxApi::gitCheckout(const QJsonObject &options, QObject *parent) const
{
    return client_->openEvents(path("/api/git/checkout/stream"), &options, parent);
}

void SandboxApi::backups(QObject *context, Callback done) const
{
    client_->get(path("/backups"), context, std::move(done));
}

void SandboxApi::createBackup(const QJsonObject &options, QObject *context, Callback done) const
{
    post("/backups", options, context, std::move(done));
}

void SandboxApi::restoreBackup(const QString &backupId, const QString &dir, QObject *context, Callback done) const
{
    post("/backups/" + segment(backupId) + "/restore", dir.isEmpty() ? QJsonObject{} : QJsonObject{{"dir", dir}},
         context, std::move(done));
}

void SandboxApi::deleteBackup(const QString &backupId, QObject *context, Callback done) const
{
    client_->call("DELETE", path("/backups/" + segment(backupId)), {}, context, std::move(done));
}

Transfer *SandboxApi::downloadBackup(const QString &backupId, const QString &localPath, QObject *parent) const
{
    return client_->downloadFrom(path("/backups/" + segment(backupId) + "/archive"), localPath, parent);
}

Transfer *SandboxApi::importBackup(const QString &localPath, const QString &dir, const QString &name,
                                   QObject *parent) const
{
    return client_->uploadTo(path("/backups/" + QUuid::createUuid().toString(QUuid::WithoutBraces) +
                                  "/archive?dir=" + segment(dir) + "&name=" + segment(name)),
                             localPath, parent);
}

Transfer *SandboxApi::upload(const QString &localPath, const QString &remotePath, QObject *parent) const
{
    return client_->upload(sandboxId_, localPath, remotePath, parent);
}

Transfer *SandboxApi::download(const QString &remotePath, const QString &localPath, QObject *parent) const
{
    return client_->download(sandboxId_, remotePath, localPath, parent);
}

} // namespace sandbench::ui
