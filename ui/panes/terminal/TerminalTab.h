// One terminal of the Terminal pane: a TerminalView on a session's PTY (PtySocket). It
// reconnects by itself when the connection drops while the sandbox runs (1 s, 2 s, 4 s …
// up to 30 s; a notice above the screen says so and offers "Reconnect Now"), and the
// engine's replay redraws the screen as it was. When the shell exits, it says so and
// offers a new shell in the same session.
#pragma once

#include <QPointer>
#include <QTimer>
#include <QWidget>

class QLabel;
class QPushButton;

namespace sandbench::ui {

class EngineClient;
class PtySocket;
class TerminalView;

class TerminalTab : public QWidget {
    Q_OBJECT
public:
    TerminalTab(EngineClient *client, const QString &sandboxId, const QString &sessionId, QWidget *parent = nullptr);
    ~TerminalTab() override;

    const QString &sessionId() const { return sessionId_; }
    TerminalView *view() const { return view_; }
    // The tab's title: the shell's (OSC 0/2) when it set one, else the session.
    QString title() const;
    enum class State { Connecting, Connected, Reconnecting, Exited, Stopped };
    State state() const { return state_; }
    QString notice() const; // what the line above the screen says (empty when hidden)

    // The sandbox started (connect now) or stopped (stay quiet until it starts again).
    void setSandboxRunning(bool running);
    void reconnectNow();

signals:
    void titleChanged();
    void stateChanged();

private:
    void connectToShell();
    void lost(const QString &reason);
    void setState(State state, const QString &notice = {}, const QString &button = {});

    EngineClient *client_;
    QString sandboxId_, sessionId_;
    TerminalView *view_;
    QWidget *noticeBar_;
    QLabel *noticeText_;
    QPushButton *noticeButton_;
    QPointer<PtySocket> socket_;
    QTimer retry_;
    int attempts_ = 0;
    bool running_ = false;
    State state_ = State::Stopped;
};

} // namespace sandbench::ui
