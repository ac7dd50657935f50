#include "panes/terminal/TerminalTab.h"

#include "client/EngineClient.h"
#include "widgets/TerminalView.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace sandbench::ui {

namespace {

constexpr int kLongestRetrySeconds = 30;

} // namespace

TerminalTab::TerminalTab(EngineClient *client, const QString &sandboxId, const QString &sessionId, QWidget *parent)
    : QWidget(parent), client_(client), sandboxId_(sandboxId), sessionId_(sessionId), view_(new TerminalView(this)),
      noticeBar_(new QWidget(this)), noticeText_(new QLabel(noticeBar_)), noticeButton_(new QPushButton(noticeBar_))
{
    view_->setObjectName("terminalView");
    view_->setAccessibleName(tr("Terminal of session %1").arg(sessionId));
    noticeBar_->setObjectName("terminalNotice");
    noticeBar_->setAutoFillBackground(true);
    noticeBar_->setBackgroundRole(QPalette::ToolTipBase);
    noticeText_->setForegroundRole(QPalette::ToolTipText);
    noticeText_->setWordWrap(true);
    auto *noticeLayout = new QHBoxLayout(noticeBar_);
    noticeLayout->setContentsMargins(8, 4, 8, 4);
    noticeLayout->addWidget(noticeText_, 1);
    noticeLayout->addWidget(noticeButton_);
    noticeBar_->hide();
    connect(noticeButton_, &QPushButton::clicked, this, &TerminalTab::reconnectNow);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(noticeBar_);
    layout->addWidget(view_, 1);
    setFocusProxy(view_);

    retry_.setSingleShot(true);
    connect(&retry_, &QTimer::timeout, this, &TerminalTab::connectToShell);
    connect(view_, &TerminalView::titleChanged, this, &TerminalTab::titleChanged);
    connect(view_, &TerminalView::input, this, [this](const QByteArray &bytes) {
        if (socket_ && state_ == State::Connected)
            socket_->send(bytes);
    });
    connect(view_, &TerminalView::sizeChanged, this, [this](int columns, int rows) {
        if (socket_ && state_ == State::Connected)
            socket_->resize(columns, rows);
    });
}

TerminalTab::~TerminalTab()
{
    if (socket_)
        socket_->close(); // the shell keeps running: only this view of it goes
}

QString TerminalTab::title() const
{
    return view_->title().isEmpty() ? sessionId_ : view_->title();
}

QString TerminalTab::notice() const
{
    return noticeBar_->isHidden() ? QString() : noticeText_->text();
}

void TerminalTab::setSandboxRunning(bool running)
{
    if (running == running_)
        return;
    running_ = running;
    if (running) {
        attempts_ = 0;
        connectToShell();
    } else {
        retry_.stop();
        if (socket_)
            socket_->close();
        // The sandbox's processes have ended, the shell with them; its screen stays to read.
        setState(State::Stopped, tr("The sandbox is stopped; this shell has ended. A new one starts with the sandbox."));
    }
}

void TerminalTab::reconnectNow()
{
    retry_.stop();
    attempts_ = 0;
    connectToShell();
    view_->setFocus(); // the notice's button had it, and goes away
}

void TerminalTab::connectToShell()
{
    if (!running_)
        return;
    if (socket_)
        socket_->close();
    setState(state_ == State::Connected || state_ == State::Stopped || state_ == State::Exited ? State::Connecting : state_,
             state_ == State::Reconnecting ? tr("Reconnecting…") : QString());
    auto *socket = client_->openTerminal(sandboxId_, sessionId_, view_->columns(), view_->rows(), this);
    socket_ = socket;
    // The engine replays the terminal (its last 256 KiB) before "ready": drawn on a blank
    // screen, it shows what was there, not the same lines twice.
    connect(socket, &PtySocket::opened, view_, &TerminalView::reset);
    connect(socket, &PtySocket::output, view_, &TerminalView::feed);
    connect(socket, &PtySocket::status, this, [this, socket](const QJsonObject &message) {
        const QString type = message.value("type").toString();
        if (type == "ready") {
            attempts_ = 0;
            setState(State::Connected);
            socket->resize(view_->columns(), view_->rows()); // a shell made earlier has another size
        } else if (type == "exit") {
            setState(State::Exited, tr("The shell has ended (exit code %1).").arg(message.value("code").toInt()),
                     tr("New Shell"));
        } else if (type == "error" && state_ != State::Connected) {
            setState(state_, message.value("message").toString());
        }
    });
    connect(socket, &PtySocket::closed, this, [this, socket](const QString &reason) {
        if (socket == socket_)
            lost(reason);
    });
}

void TerminalTab::lost(const QString &reason)
{
    if (state_ == State::Exited || state_ == State::Stopped || !running_)
        return;
    const int seconds = qMin(kLongestRetrySeconds, 1 << qMin(attempts_, 5));
    ++attempts_;
    QString why = reason.isEmpty() ? tr("The connection to the shell was lost.")
                                   : tr("The connection to the shell was lost: %1").arg(reason);
    if (!why.endsWith('.'))
        why += '.';
    setState(State::Reconnecting, why + ' ' + tr("Reconnecting in %n s…", nullptr, seconds), tr("Reconnect Now"));
    retry_.start(seconds * 1000);
}

void TerminalTab::setState(State state, const QString &notice, const QString &button)
{
    const bool changed = state != state_;
    state_ = state;
    noticeText_->setText(notice);
    noticeButton_->setText(button);
    noticeButton_->setVisible(!button.isEmpty());
    noticeBar_->setVisible(!notice.isEmpty());
    if (changed)
        emit stateChanged();
}

} // namespace sandbench::ui
