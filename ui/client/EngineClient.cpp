#include "client/EngineClient.h"

#include <QFile>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

#include <cstdio>

namespace sandbench::ui {

namespace {

QString filesPath(const QString &sandboxId, const QString &remotePath)
{
    return EngineClient::sandboxPath(sandboxId) + "/files?path=" + QString::fromLatin1(QUrl::toPercentEncoding(remotePath, "/"));
}

// The readable error of a finished reply (envelope message, or the network's words).
ApiResult resultOf(QNetworkReply *reply, const QByteArray &body)
{
    ApiResult result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QJsonDocument document = QJsonDocument::fromJson(body);
    if (document.isObject())
        result.body = document.object();
    if (result.ok())
        return result;
    if (result.status == 0) {
        result.errorCode = QStringLiteral("NETWORK_ERROR");
        result.errorMessage = reply->errorString();
        return result;
    }
    result.errorCode = result.body.value("code").toString();
    result.errorMessage = result.body.value("message").toString();
    if (result.errorMessage.isEmpty())
        result.errorMessage = QStringLiteral("HTTP %1 %2").arg(result.status).arg(QString::fromUtf8(body.left(200)));
    return result;
}

} // namespace

// --- Transfer

Transfer::Transfer(QString localPath, QObject *parent) : QObject(parent), localPath_(std::move(localPath))
{
}

Transfer::~Transfer()
{
    if (!done_) {
        if (reply_) {
            reply_->disconnect(this);
            reply_->abort();
        }
        if (!partialPath_.isEmpty())
            QFile::remove(partialPath_);
    }
}

void Transfer::cancel()
{
    if (done_)
        return;
    if (reply_) {
        reply_->disconnect(this);
        reply_->abort();
    }
    finish(tr("Cancelled"));
}

void Transfer::finish(const QString &error)
{
    if (done_)
        return;
    done_ = true;
    if (file_)
        file_->close();
    if (!partialPath_.isEmpty()) {
        if (error.isEmpty() && std::rename(QFile::encodeName(partialPath_), QFile::encodeName(localPath_)) != 0)
            QFile::remove(partialPath_);
        else if (!error.isEmpty())
            QFile::remove(partialPath_);
    }
    if (reply_)
        reply_->deleteLater();
    emit finished(error);
}

// --- EngineClient

EngineClient::EngineClient(QUrl baseUrl, QString token, QObject *parent)
    : QObject(parent), network_(new QNetworkAccessManager(this)), baseUrl_(std::move(baseUrl)), token_(std::move(token))
{
}

QString EngineClient::sandboxPath(const QString &sandboxId)
{
    return "/v1/sandboxes/" + QString::fromLatin1(QUrl::toPercentEncoding(sandboxId));
}

QNetworkRequest EngineClient::request(const QString &path) const
{
    QString base = baseUrl_.toString();
    if (base.endsWith('/'))
        base.chop(1);
    QNetworkRequest request(QUrl(base + path));
    request.setRawHeader("Authorization", "Bearer " + token_.toUtf8());
    // What the window shows must not start a sandbox the user stopped: only Start does.
    request.setRawHeader("X-Sandbench-Autostart", "no");
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    return request;
}

void EngineClient::call(const QByteArray &method, const QString &path, const QJsonObject &body, QObject *context,
                        Callback done)
{
    const QByteArray data = method == "GET" || method == "DELETE" ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact);
    QNetworkReply *reply = network_->sendCustomRequest(request(path), method, data);
    connect(reply, &QNetworkReply::finished, reply, &QObject::deleteLater);
    connect(reply, &QNetworkReply::finished, context, [reply, done = std::move(done)] {
        done(resultOf(reply, reply->readAll()));
    });
}


EventStream *EngineClient::openEvents(const QString &path, const QJsonObject *postBody, QObject *parent)
{
    return new EventStream(baseUrl_, token_.toUtf8(), path, postBody, parent);
}

PtySocket *EngineClient::openTerminal(const QString &sandboxId, const QString &sessionId, int columns, int rows,
                                      QObject *parent)
{
    const QString path = sandboxPath(sandboxId) + QStringLiteral("/ws/pty?sessionId=%1&cols=%2&rows=%3")
                                                     .arg(QString::fromLatin1(QUrl::toPercentEncoding(sessionId)))
                                                     .arg(columns)
                                                     .arg(rows);
    return new PtySocket(baseUrl_, token_.toUtf8(), path, parent);
}

Transfer *EngineClient::upload(const QString &sandboxId, const QString &localPath, const QString &remotePath,
                               QObject *parent)
{
    return uploadTo(filesPath(sandboxId, remotePath), localPath, parent);
}

Transfer *EngineClient::download(const QString &sandboxId, const QString &remotePath, const QString &localPath,
                                 QObject *parent)
{
    return downloadFrom(filesPath(sandboxId, remotePath), localPath, parent);
}

Transfer *EngineClient::uploadTo(const QString &path, const QString &localPath, QObject *parent)
{
    auto *transfer = new Transfer(localPath, parent);
    transfer->network_ = new QNetworkAccessManager(transfer);
    transfer->file_ = new QFile(localPath, transfer);
    if (!transfer->file_->open(QIODevice::ReadOnly)) {
        const QString error = transfer->file_->errorString();
        QMetaObject::invokeMethod(transfer, [transfer, error] { transfer->finish(error); }, Qt::QueuedConnection);
        return transfer;
    }
    QNetworkRequest put = request(path);
    put.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/octet-stream"));
    put.setHeader(QNetworkRequest::ContentLengthHeader, transfer->file_->size());
    QNetworkReply *reply = transfer->network_->put(put, transfer->file_);
    transfer->reply_ = reply;
    connect(reply, &QNetworkReply::uploadProgress, transfer, [transfer](qint64 sent, qint64 total) {
        emit transfer->progress(sent, total);
    });
    connect(reply, &QNetworkReply::finished, transfer, [transfer, reply] {
        const ApiResult result = resultOf(reply, reply->readAll());
        transfer->finish(result.ok() ? QString() : result.errorMessage);
    });
    return transfer;
}

Transfer *EngineClient::downloadFrom(const QString &path, const QString &localPath, QObject *parent)
{
    auto *transfer = new Transfer(localPath, parent);
    transfer->network_ = new QNetworkAccessManager(transfer);
    transfer->partialPath_ = localPath + ".sandbench-part"; // renamed into place only when complete
    transfer->file_ = new QFile(transfer->partialPath_, transfer);
    if (!transfer->file_->open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        const QString error = transfer->file_->errorString();
        transfer->partialPath_.clear();
        QMetaObject::invokeMethod(transfer, [transfer, error] { transfer->finish(error); }, Qt::QueuedConnection);
        return transfer;
    }
    QNetworkReply *reply = transfer->network_->get(request(path));
    reply->setReadBufferSize(1 << 20); // flow control: memory stays bounded whatever the file size
    transfer->reply_ = reply;
    connect(reply, &QNetworkReply::readyRead, transfer, [transfer, reply] {
        if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() != 200)
            return; // an error envelope, read whole when finished
        const QByteArray data = reply->readAll();
        if (transfer->file_->write(data) != data.size()) {
            reply->disconnect(transfer);
            reply->abort();
            transfer->finish(transfer->file_->errorString());
        }
    });
    connect(reply, &QNetworkReply::downloadProgress, transfer, [transfer](qint64 received, qint64 total) {
        emit transfer->progress(received, total);
    });
    connect(reply, &QNetworkReply::finished, transfer, [transfer, reply] {
        const ApiResult result = resultOf(reply, reply->readAll());
        QString error = result.ok() ? QString() : result.errorMessage;
        if (error.isEmpty() && reply->error() != QNetworkReply::NoError)
            error = reply->errorString(); // cut short: fewer bytes than the declared length
        if (error.isEmpty() && !transfer->file_->flush())
            error = transfer->file_->errorString();
        transfer->finish(error);
    });
    return transfer;
}

} // namespace sandbench::ui
