#include "client/EventStream.h"

#include "client/ResponseHead.h"

#include <QJsonDocument>
#include <QTcpSocket>
#include <QTimer>

namespace sandbench::ui {

EventStream::EventStream(const QUrl &baseUrl, const QByteArray &token, const QString &path, const QJsonObject *body,
                         QObject *parent)
    : QObject(parent), socket_(new QTcpSocket(this))
{
    socket_->setReadBufferSize(kReadBuffer);
    // The next slice is a timer, not a posted event: posted events keep Qt's GLib dispatcher
    // from running timers (the window's own, painting's) for as long as they come.
    next_.setSingleShot(true);
    next_.setInterval(0);
    connect(&next_, &QTimer::timeout, this, &EventStream::readSome);
    const QByteArray payload = body ? QJsonDocument(*body).toJson(QJsonDocument::Compact) : QByteArray();
    QByteArray request = (body ? "POST " : "GET ") + path.toUtf8() + " HTTP/1.1\r\n";
    request += "Host: " + baseUrl.host().toUtf8() + ':' + QByteArray::number(baseUrl.port()) + "\r\n";
    request += "Authorization: Bearer " + token + "\r\n";
    request += "X-Sandbench-Autostart: no\r\n"; // as EngineClient: a Stop sticks
    request += "Accept: text/event-stream\r\nConnection: close\r\n";
    if (body)
        request += "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(payload.size()) + "\r\n";
    request += "\r\n" + payload;
    connect(socket_, &QTcpSocket::connected, this, [this, request] { socket_->write(request); });
    connect(socket_, &QTcpSocket::readyRead, this, &EventStream::readSome);
    connect(socket_, &QTcpSocket::disconnected, this, &EventStream::readSome);
    connect(socket_, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError error) {
        if (error == QAbstractSocket::RemoteHostClosedError)
            readSome(); // the end of a stream: handled with what was read
        else
            end(socket_->errorString());
    });
    socket_->connectToHost(baseUrl.host(), static_cast<quint16>(baseUrl.port()));
}

EventStream::~EventStream()
{
    close();
}

void EventStream::close()
{
    if (!socket_)
        return;
    QTcpSocket *socket = socket_;
    socket_ = nullptr;
    socket->disconnect(this);
    socket->abort();
    socket->deleteLater();
}

void EventStream::readSome()
{
    if (!socket_)
        return;
    // A bounded slice per turn of the event loop; what is left waits in the socket (and so in TCP).
    raw_ += socket_->read(kSlice - raw_.size() > 0 ? kSlice - raw_.size() : 0);
    if (!headDone_ && !parseHead())
        return;
    decodeBody();
    dispatchEvents();
    if (!socket_)
        return; // a slot closed the stream
    if (bodyDone_ || (socket_->state() != QAbstractSocket::ConnectedState && socket_->bytesAvailable() == 0)) {
        QString error;
        if (status_ == 200 && chunked_ && !bodyDone_)
            error = tr("The engine closed the connection");
        else if (status_ == 0)
            error = tr("No answer from the engine");
        else if (status_ != 200) {
            const QJsonObject envelope = QJsonDocument::fromJson(body_ + raw_).object();
            error = envelope.value("message").toString();
            if (error.isEmpty())
                error = tr("HTTP status %1").arg(status_);
        }
        end(error);
        return;
    }
    if (socket_->bytesAvailable() > 0)
        next_.start();
}

bool EventStream::parseHead()
{
    const auto head = parseResponseHead(raw_);
    if (!head)
        return false;
    status_ = head->status;
    chunked_ = head->fields.value("transfer-encoding").toLower() == "chunked";
    raw_.remove(0, head->size);
    headDone_ = true;
    if (status_ == 200)
        emit opened();
    return true;
}

void EventStream::decodeBody()
{
    if (!chunked_) {
        body_ += raw_;
        raw_.clear();
        return;
    }
    while (!raw_.isEmpty() && !bodyDone_) {
        if (chunkLeft_ < 0) {
            const qsizetype lineEnd = raw_.indexOf("\r\n");
            if (lineEnd < 0)
                return;
            bool ok = false;
            chunkLeft_ = raw_.left(lineEnd).split(';').value(0).trimmed().toLongLong(&ok, 16);
            raw_.remove(0, lineEnd + 2);
            if (!ok)
                chunkLeft_ = 0;
            if (chunkLeft_ == 0) {
                bodyDone_ = true; // the last chunk (trailers, if any, are not needed)
                return;
            }
            continue;
        }
        if (chunkLeft_ == 0) { // the CRLF after a chunk's data
            if (raw_.size() < 2)
                return;
            raw_.remove(0, 2);
            chunkLeft_ = -1;
            continue;
        }
        const qsizetype take = std::min<qsizetype>(chunkLeft_, raw_.size());
        body_ += raw_.left(take);
        raw_.remove(0, take);
        chunkLeft_ -= take;
    }
}

void EventStream::dispatchEvents()
{
    if (status_ != 200)
        return; // an error envelope: read whole at the end
    qsizetype start = 0;
    for (;;) {
        const qsizetype end = body_.indexOf("\n\n", start);
        if (end < 0)
            break;
        QByteArray data;
        for (const QByteArray &line : body_.mid(start, end - start).split('\n'))
            if (line.startsWith("data:"))
                data += line.mid(line.startsWith("data: ") ? 6 : 5);
        start = end + 2;
        const QJsonDocument document = QJsonDocument::fromJson(data);
        if (document.isObject())
            emit event(document.object());
        if (!socket_)
            return; // a slot closed the stream
    }
    body_.remove(0, start);
}

void EventStream::end(const QString &error)
{
    if (!socket_)
        return;
    close();
    emit finished(error);
}

} // namespace sandbench::ui
