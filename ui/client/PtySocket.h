// One terminal's PTY WebSocket (GET /v1/sandboxes/{id}/ws/pty, protocol §7), spoken over
// its own TCP connection with a small read buffer, handing output on in small pieces and
// for at most 10 ms per turn of the event loop: when the window cannot keep up with a
// flood (`yes`), the rest waits in the socket, and the agent, whose PTY reader never
// waits, hands the terminal only the newest 256 KiB once it asks again (as a reconnect
// gets its replay). A terminal scrolling short lines takes ~1 MB/s through libvterm here
// (each line moves the whole screen), so a turn bounded by bytes was not enough: 64 KiB
// took up to 270 ms. (QWebSocket handed whole frames over, whatever its buffer size.)
//
// Binary frames out of the PTY come as output(); text frames as status() (ready, error,
// exit). What the user types goes in with send(); a new size with resize().
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QObject>
#include <QTimer>
#include <QUrl>

class QElapsedTimer;
class QTcpSocket;

namespace sandbench::ui {

class PtySocket : public QObject {
    Q_OBJECT
public:
    // path: /v1/sandboxes/{id}/ws/pty?sessionId=...; the token goes in the upgrade request.
    PtySocket(const QUrl &baseUrl, const QByteArray &token, const QString &path, QObject *parent = nullptr);
    ~PtySocket() override;

    bool isOpen() const { return open_; }
    void send(const QByteArray &bytes);  // a binary frame: keystrokes, pasted text
    void resize(int columns, int rows);  // a text frame {"type":"resize",...}
    void close();                        // a close frame, then the connection goes; no closed()

    static constexpr qint64 kReadBuffer = 64 << 10;
    static constexpr qsizetype kSlice = 64 << 10; // bytes read per event-loop turn, at most
    static constexpr qsizetype kPiece = 4 << 10;  // output handed on at once, at most
    static constexpr qint64 kTurnMs = 10;         // time spent handing on output per turn

signals:
    void opened();                          // the upgrade was accepted
    void output(const QByteArray &bytes);   // what the PTY wrote
    void status(const QJsonObject &message); // {"type":"ready"}, {"type":"error",...}, {"type":"exit",...}
    void closed(const QString &reason);     // the engine or the network ended it (reason may be empty)

private:
    void readSome();
    bool parseHead();                       // false until the whole upgrade answer is in
    bool parseFrames(const QElapsedTimer &turn); // true: stopped for time, more is read
    void sendFrame(int opcode, const QByteArray &payload);
    void end(const QString &reason);

    QTcpSocket *socket_;
    QByteArray key_;       // Sec-WebSocket-Key
    QByteArray raw_;       // bytes read, not yet parsed
    QByteArray message_;   // a fragmented message so far
    int messageOpcode_ = 0;
    bool open_ = false;
    bool ended_ = false;
    QTimer next_; // the rest of what was read, at the next turn
};

} // namespace sandbench::ui
