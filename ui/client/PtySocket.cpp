#include "client/PtySocket.h"

#include "client/ResponseHead.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTcpSocket>
#include <QElapsedTimer>
#include <QTimer>

namespace sandbench::ui {

namespace {

enum Opcode { Continuation = 0x0, Text = 0x1, Binary = 0x2, Close = 0x8, Ping = 0x9, Pong = 0xA };
constexpr qsizetype kLargestText = 1 << 20; // status messages are tiny; more is a broken peer

QByteArray acceptFor(const QByteArray &key)
{
    return QCryptographicHash::hash(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11", QCryptographicHash::Sha1).toBase64();
}

} // namespace

PtySocket::PtySocket(const QUrl &baseUrl, const QByteArray &token, const QString &path, QObject *parent)
    : QObject(parent), socket_(new QTcpSocket(this))
{
    socket_->setReadBufferSize(kReadBuffer);
    // The next turn is a timer, not a posted event: posted events keep Qt's GLib dispatcher
    // from running timers (the window's own, painting's) for as long as they come.
    next_.setSingleShot(true);
    next_.setInterval(0);
    connect(&next_, &QTimer::timeout, this, &PtySocket::readSome);
    QByteArray nonce(16, Qt::Uninitialized);
    QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(nonce.data()), 4);
    key_ = nonce.toBase64();
    QByteArray request = "GET " + path.toUtf8() + " HTTP/1.1\r\n";
    request += "Host: " + baseUrl.host().toUtf8() + ':' + QByteArray::number(baseUrl.port()) + "\r\n";
    request += "Authorization: Bearer " + token + "\r\n";
    request += "X-Sandbench-Autostart: no\r\n"; // as EngineClient: a Stop sticks
    request += "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n";
    request += "Sec-WebSocket-Key: " + key_ + "\r\n\r\n";
    connect(socket_, &QTcpSocket::connected, this, [this, request] {
        // A small window: what the terminal has not taken waits in the agent, which keeps
        // only the newest 256 KiB, not in megabytes of socket buffers that all must be
        // painted before a Ctrl+C shows its prompt.
        socket_->setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 128 << 10);
        socket_->write(request);
    });
    connect(socket_, &QTcpSocket::readyRead, this, &PtySocket::readSome);
    connect(socket_, &QTcpSocket::disconnected, this, &PtySocket::readSome);
    connect(socket_, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError error) {
        if (error == QAbstractSocket::RemoteHostClosedError)
            readSome(); // what was read before the end still counts
        else
            end(socket_->errorString());
    });
    socket_->connectToHost(baseUrl.host(), static_cast<quint16>(baseUrl.port()));
}

PtySocket::~PtySocket()
{
    close();
}

void PtySocket::send(const QByteArray &bytes)
{
    if (open_ && !bytes.isEmpty())
        sendFrame(Binary, bytes);
}

void PtySocket::resize(int columns, int rows)
{
    if (open_)
        sendFrame(Text, QJsonDocument(QJsonObject{{"type", "resize"}, {"cols", columns}, {"rows", rows}})
                            .toJson(QJsonDocument::Compact));
}

void PtySocket::close()
{
    if (ended_)
        return;
    if (open_)
        sendFrame(Close, QByteArray("\x03\xe8", 2)); // 1000: normal closure
    ended_ = true;
    open_ = false;
    socket_->disconnect(this);
    socket_->disconnectFromHost(); // writes what is queued (the close frame), then goes
}

void PtySocket::end(const QString &reason)
{
    if (ended_)
        return;
    ended_ = true;
    open_ = false;
    socket_->disconnect(this);
    socket_->abort();
    emit closed(reason);
}

void PtySocket::readSome()
{
    if (ended_)
        return;
    // A bounded slice per turn of the event loop; what is left waits in the socket (and so in TCP).
    if (raw_.size() < kSlice && socket_->isOpen())
        raw_ += socket_->read(kSlice - raw_.size());
    if (!open_ && !parseHead()) {
        if (socket_->state() != QAbstractSocket::ConnectedState && socket_->bytesAvailable() == 0)
            end(tr("No answer from the engine"));
        return;
    }
    QElapsedTimer turn;
    turn.start();
    const bool more = parseFrames(turn);
    if (ended_)
        return; // a close frame, or a slot closed the socket
    if (more || socket_->bytesAvailable() > 0) {
        next_.start();
    } else if (socket_->state() != QAbstractSocket::ConnectedState) {
        end(tr("The engine closed the connection"));
    }
}

bool PtySocket::parseHead()
{
    const auto head = parseResponseHead(raw_);
    if (!head)
        return false;
    const int code = head->status;
    const QByteArray accept = head->fields.value("sec-websocket-accept");
    const qsizetype bodyLength = std::min<qsizetype>(head->fields.value("content-length").toLongLong(), 16 << 10); // an envelope
    if (code != 101) {
        // The error envelope follows: wait for it whole (or for the end of the connection).
        if (raw_.size() < head->size + bodyLength && socket_->state() == QAbstractSocket::ConnectedState)
            return false;
        const QString message = QJsonDocument::fromJson(raw_.mid(head->size)).object().value("message").toString();
        end(message.isEmpty() ? tr("The engine refused the terminal (HTTP %1)").arg(code) : message);
        return false;
    }
    if (accept != acceptFor(key_)) {
        end(tr("The engine's WebSocket answer is not valid"));
        return false;
    }
    raw_.remove(0, head->size);
    open_ = true;
    emit opened();
    return !ended_;
}

bool PtySocket::parseFrames(const QElapsedTimer &turn)
{
    while (!ended_) {
        if (turn.elapsed() >= kTurnMs)
            return true; // the rest next turn: painting and input come first
        if (raw_.size() < 2)
            return false;
        const auto *bytes = reinterpret_cast<const uchar *>(raw_.constData());
        const bool final = bytes[0] & 0x80;
        const int opcode = bytes[0] & 0x0f;
        const bool masked = bytes[1] & 0x80;
        quint64 length = bytes[1] & 0x7f;
        qsizetype head = 2;
        if (length == 126) {
            if (raw_.size() < 4)
                return false;
            length = (quint64(bytes[2]) << 8) | bytes[3];
            head = 4;
        } else if (length == 127) {
            if (raw_.size() < 10)
                return false;
            length = 0;
            for (int i = 2; i < 10; ++i)
                length = (length << 8) | bytes[i];
            head = 10;
        }
        if (masked) { // a server never masks (RFC 6455 §5.1)
            end(tr("The engine sent a masked frame"));
            return false;
        }
        const bool data = opcode == Binary || (opcode == Continuation && messageOpcode_ == Binary);
        if (data) {
            // Output is a byte stream: hand on what has come, even of a frame not yet whole,
            // so a large frame never waits for (or piles up in) memory, in pieces small
            // enough that the time budget of a turn is kept.
            const qsizetype available = std::min<quint64>({length, quint64(raw_.size() - head), quint64(kPiece)});
            if (available == 0 && length > 0)
                return false;
            const QByteArray piece = raw_.mid(head, available);
            const quint64 rest = length - quint64(available);
            if (rest == 0) {
                raw_.remove(0, head + available);
                messageOpcode_ = final ? 0 : Binary;
            } else { // rewrite the header so the rest is still one frame of `rest` bytes
                raw_.remove(0, head + available);
                QByteArray header(1, char((final ? 0x80 : 0) | Continuation));
                messageOpcode_ = Binary;
                header += char(127);
                for (int shift = 56; shift >= 0; shift -= 8)
                    header += char((rest >> shift) & 0xff);
                raw_.prepend(header);
            }
            if (!piece.isEmpty())
                emit output(piece);
            continue;
        }
        if (length > quint64(kLargestText) || quint64(message_.size()) + length > quint64(kLargestText)) {
            end(tr("The engine sent a message too large for a status"));
            return false;
        }
        if (quint64(raw_.size() - head) < length)
            return false;
        const QByteArray payload = raw_.mid(head, qsizetype(length));
        raw_.remove(0, head + qsizetype(length));
        switch (opcode) {
        case Ping:
            sendFrame(Pong, payload);
            break;
        case Pong:
            break;
        case Close: {
            const QString reason = payload.size() > 2 ? QString::fromUtf8(payload.mid(2)) : QString();
            sendFrame(Close, payload.left(2));
            socket_->flush();
            end(reason);
            return false;
        }
        case Text:
        case Continuation:
            if (opcode == Text)
                messageOpcode_ = Text;
            message_ += payload;
            if (final) {
                const QJsonObject message = QJsonDocument::fromJson(message_).object();
                message_.clear();
                messageOpcode_ = 0;
                if (!message.isEmpty())
                    emit status(message);
            }
            break;
        default:
            end(tr("The engine sent an unknown WebSocket frame"));
            return false;
        }
    }
    return false;
}

void PtySocket::sendFrame(int opcode, const QByteArray &payload)
{
    // Clients mask every frame (RFC 6455 §5.3).
    QByteArray frame(1, char(0x80 | opcode));
    const qsizetype length = payload.size();
    if (length < 126) {
        frame += char(0x80 | length);
    } else if (length < 65536) {
        frame += char(0x80 | 126);
        frame += char((length >> 8) & 0xff);
        frame += char(length & 0xff);
    } else {
        frame += char(0x80 | 127);
        for (int shift = 56; shift >= 0; shift -= 8)
            frame += char((quint64(length) >> shift) & 0xff);
    }
    const quint32 mask = QRandomGenerator::global()->generate();
    const char maskBytes[4] = {char(mask >> 24), char(mask >> 16), char(mask >> 8), char(mask)};
    frame.append(maskBytes, 4);
    QByteArray masked = payload;
    for (qsizetype i = 0; i < masked.size(); ++i)
        masked[i] = char(masked[i] ^ maskBytes[i % 4]);
    socket_->write(frame + masked);
}

} // namespace sandbench::ui
