// One sandbox's API, typed, for the panes and models: the routes and their field names
// live here, and ids and paths are always encoded here. Every call is guarded by its
// context (a closed pane never hears back). Cheap to copy: a client and an id.
#pragma once

#include "client/EngineClient.h"

namespace sandbench::ui {

class SandboxApi {
public:
    using Callback = EngineClient::Callback;

    SandboxApi(EngineClient *client, QString sandboxId) : client_(client), sandboxId_(std::move(sandboxId)) {}
    EngineClient *client() const { return client_; }
    const QString &sandboxId() const { return sandboxId_; }

    // Lifecycle: PUT (get-or-create and start), PATCH (settings), start, stop, DELETE.
    void create(const QJsonObject &options, QObject *context, Callback done) const;
    void changeSettings(const QJsonObject &options, QObject *context, Callback done) const;
    void start(QObject *context, Callback done) const;
    void stop(QObject *context, Callback done) const;
    void destroy(QObject *context, Callback done) const;

    // Files.
    void read(const QString &path, QObject *context, Callback done) const;
    void write(const QString &path, const QString &content, QObject *context, Callback done) const;
    void exists(const QString &path, QObject *context, Callback done) const;
    void makeDirectory(const QString &path, QObject *context, Callback done) const; // with parents
    void remove(const QString &path, QObject *context, Callback done) const;
    void rename(const QString &from, const QString &to, QObject *context, Callback done) const;
    void move(const QString &from, const QString &to, QObject *context, Callback done) const;
    // Hidden files included; recursive lists the whole tree below path.
    void listFiles(const QString &path, bool recursive, QObject *context, Callback done) const;
    // Live file events below path (the watch stream); owned by parent.
    EventStream *watch(const QString &path, bool recursive, QObject *parent) const;

    // Commands and sessions.
    void execute(const QString &command, QObject *context, Callback done) const; // sessionless
    // In the session's own shell (cd and export persist), its output streamed; owned by parent.
    EventStream *executeInSession(const QString &command, const QString &sessionId, QObject *parent) const;
    void sessions(QObject *context, Callback done) const;
    void createSession(const QJsonObject &options, QObject *context, Callback done) const;
    void deleteSession(const QString &sessionId, QObject *context, Callback done) const;

    // Background processes.
    void startProcess(const QJsonObject &options, QObject *context, Callback done) const;
    void processes(QObject *context, Callback done) const;
    EventStream *processOutput(const QString &processId, QObject *parent) const;
    void killProcess(const QString &processId, QObject *context, Callback done) const;
    void killAllProcesses(QObject *context, Callback done) const;

    // Code contexts of the interpreter (language: python, javascript, typescript).
    void codeContexts(QObject *context, Callback done) const;
    void createCodeContext(const QString &language, QObject *context, Callback done) const;
    void deleteCodeContext(const QString &contextId, QObject *context, Callback done) const;
    void interruptCodeContext(const QString &contextId, QObject *context, Callback done) const;
    void restartCodeContext(const QString &contextId, QObject *context, Callback done) const;
    // One cell: stdout, stderr, result, then execution_complete or error; owned by parent.
    EventStream *runCode(const QString &contextId, const QString &code, QObject *parent) const;

    // Exposed ports: {ports: [{port, name, url, exposedAt, listening}], listeningNotExposed: [port]}.
    void ports(QObject *context, Callback done) const;
    // Exposes port (1024-65535, not 3000) at a preview URL: {url, port, name}. Again: the same URL.
    void exposePort(int port, const QString &name, QObject *context, Callback done) const;
    void unexposePort(int port, QObject *context, Callback done) const; // its URL stops working at once

    // Bucket mounts: {mounts: [{bucket, mountPath, endpoint, prefix, readOnly, state, lastError, ...}]}.
    void mounts(QObject *context, Callback done) const;
    // body: {bucket, mountPath, options: {endpoint, credentials, readOnly, prefix, ...}} -> {mount}.
    void mountBucket(const QJsonObject &body, QObject *context, Callback done) const;
    void unmountBucket(const QString &mountPath, QObject *context, Callback done) const;

    // git clone inside the sandbox: {repoUrl, branch?, targetDir?, depth?} -> events "progress"
    // {phase, percent, text}, then "complete" {branch, targetDir} or "error" {code, message};
    // closing the stream stops the clone. Owned by parent.
    EventStream *gitCheckout(const QJsonObject &options, QObject *parent) const;

    // Backups: {backups: [{id, dir, name, sizeBytes, createdAt, expiresAt, expired, sha256}]}.
    void backups(QObject *context, Callback done) const;
    // options: {dir, name?, excludes?, gitignore?, compression?} -> {id, dir, backup, warnings}.
    void createBackup(const QJsonObject &options, QObject *context, Callback done) const;
    // An empty dir restores where it was made.
    void restoreBackup(const QString &backupId, const QString &dir, QObject *context, Callback done) const;
    void deleteBackup(const QString &backupId, QObject *context, Callback done) const;
    Transfer *downloadBackup(const QString &backupId, const QString &localPath, QObject *parent) const;
    // A .sqsh archive brought in as a new backup of dir, named name.
    Transfer *importBackup(const QString &localPath, const QString &dir, const QString &name, QObject *parent) const;

    // Streamed transfers through /files; owned by parent.
    Transfer *upload(const QString &localPath, const QString &remotePath, QObject *parent) const;
    Transfer *download(const QString &remotePath, const QString &localPath, QObject *parent) const;

    // The engine path of this sandbox, or of one of its routes ("/api/read"); the id encoded.
    QString path(const QString &route = {}) const;

private:
    void post(const QString &route, const QJsonObject &body, QObject *context, Callback done) const;

    EngineClient *client_;
    QString sandboxId_;
};

} // namespace sandbench::ui
