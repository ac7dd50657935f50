// What every pane of a sandbox shares, so that a new pane is one class: the sandbox it
// shows and its status; whether it is live (the sandbox runs and the pane is visible:
// the time to hold streams and poll, and only then); the page shown while the sandbox is
// not running (a sentence and a Start button); and a banner for errors and notices,
// which the pane places in its own layout. A pane puts its content on livePage() and
// reacts to changes in updateLiveState().
#pragma once

#include <QJsonObject>
#include <QUrl>
#include <QWidget>

class QStackedWidget;

namespace sandbench::ui {

class EngineClient;
class MessageBanner;
class StoppedPlaceholder;

class SandboxPane : public QWidget {
    Q_OBJECT
public:
    // stoppedText empty: the pane has no stopped page (its content shows in any status).
    SandboxPane(EngineClient *client, const QString &sandboxId, const QString &stoppedText, QWidget *parent = nullptr);

    const QString &sandboxId() const { return sandboxId_; }
    const QString &status() const { return status_; }
    bool sandboxRunning() const { return status_ == "running"; }
    // Running and visible.
    bool isLive() const;
    MessageBanner *banner() const { return banner_; }

    // The engine's latest view of the sandbox (GET /v1/sandboxes/{id}): the base keeps the
    // status; panes that show more override it and call the base.
    virtual void showSandbox(const QJsonObject &sandbox);
    void setSandboxStatus(const QString &status);
    // A URL on the sandbox's own loopback (what a dev server in it prints:
    // http://localhost:5173/), where localhost means the sandbox, not this computer.
    static bool isSandboxLoopback(const QUrl &url);
    // The port of this sandbox a URL leads to: its loopback's, or one of its preview URLs'
    // ({port}-{id}-{token}.localhost); 0 for any other URL.
    int sandboxPortOf(const QUrl &url) const;

    // An engine event about this sandbox (GET /v1/events, e.g. sandbox.ports or
    // sandbox.listening), for panes that follow one; status changes come as showSandbox.
    virtual void sandboxEvent(const QJsonObject &event) { Q_UNUSED(event); }

signals:
    void startRequested(); // "Start" on the stopped page

protected:
    EngineClient *client() const { return client_; }
    QWidget *livePage() const { return livePage_; }
    // Called when the status or the visibility changed (and once the pane is built, by
    // the pane itself): open or close streams and polls here. The base chooses the page.
    virtual void updateLiveState();
    // Whether the content stays in view while the sandbox is not running (open editors).
    virtual bool keepsContentWhenStopped() const { return false; }
    // Called when the sandbox has just started running (refresh what the pane lists).
    virtual void sandboxStarted() {}

    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    EngineClient *client_;
    QString sandboxId_;
    QString status_;
    QStackedWidget *pages_;
    StoppedPlaceholder *stoppedPage_ = nullptr;
    QWidget *livePage_;
    MessageBanner *banner_;
};

} // namespace sandbench::ui
