// The GUI's only way to the engine: REST and SSE over Qt Network, with the
// bearer token. Everything is asynchronous; answers come back as ApiResult,
// whose error text is taken from the protocol's error envelope.
#pragma once

#include "client/EventStream.h"
#include "client/PtySocket.h"

#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QUrl>

#include <functional>

class QFile;
class QNetworkAccessManager;
class QNetworkReply;
class QNetworkRequest;

namespace sandbench::ui {

struct ApiResult {
    int status = 0;        // HTTP status; 0 when the engine was not reached
    QJsonObject body;      // the answer's JSON object (empty if none)
    QString errorCode;     // the envelope's code, or NETWORK_ERROR
    QString errorMessage;  // readable: the envelope's message or the network error
    bool ok() const { return status >= 200 && status < 300; }
};

// A streamed upload or download of one file through /v1/sandboxes/{id}/files.
class Transfer : public QObject {
    Q_OBJECT
public:
    ~Transfer() override;
    void cancel();

signals:
    void progress(qint64 done, qint64 total);
    void finished(const QString &error); // empty on success; "Cancelled" after cancel()

private:
    friend class EngineClient;
    Transfer(QString localPath, QObject *parent);
    void finish(const QString &error);
    QNetworkAccessManager *network_ = nullptr;
    QPointer<QNetworkReply> reply_;
    QFile *file_ = nullptr;
    QString localPath_;
    QString partialPath_; // downloads land here first, renamed when complete
    bool done_ = false;
};

class EngineClient : public QObject {
    Q_OBJECT
public:
    using Callback = std::function<void(const ApiResult &)>;

    EngineClient(QUrl baseUrl, QString token, QObject *parent = nullptr);
    QUrl baseUrl() const { return baseUrl_; }

    // method: GET, POST, PUT, PATCH, DELETE. done runs on the GUI thread, and only
    // while context lives (a closed pane never hears about its old requests).
    void call(const QByteArray &method, const QString &path, const QJsonObject &body, QObject *context,
              Callback done);
    void get(const QString &path, QObject *context, Callback done) { call("GET", path, {}, context, std::move(done)); }
    // One sandbox's routes: see SandboxApi.

    // GET (or POST with a body) a server-sent-event stream; the stream is owned by parent.
    EventStream *openEvents(const QString &path, const QJsonObject *postBody, QObject *parent);

    // A session's terminal (the PTY WebSocket); columns and rows size a PTY that is new.
    // Owned by parent.
    PtySocket *openTerminal(const QString &sandboxId, const QString &sessionId, int columns, int rows,
                            QObject *parent);

    // Streamed transfers (nothing held whole in memory); owned by parent.
    Transfer *upload(const QString &sandboxId, const QString &localPath, const QString &remotePath, QObject *parent);
    Transfer *download(const QString &sandboxId, const QString &remotePath, const QString &localPath,
                       QObject *parent);
    // The same for any route that takes or gives a raw body (PUT / GET path), e.g. a backup's archive.
    Transfer *uploadTo(const QString &path, const QString &localPath, QObject *parent);
    Transfer *downloadFrom(const QString &path, const QString &localPath, QObject *parent);

    static QString sandboxPath(const QString &sandboxId);

private:
    QNetworkRequest request(const QString &path) const;
    QNetworkAccessManager *network_;
    QUrl baseUrl_;
    QString token_;
};

} // namespace sandbench::ui
