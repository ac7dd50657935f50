#include "panes/SandboxPane.h"

#include "widgets/MessageBanner.h"
#include "widgets/StoppedPlaceholder.h"

#include <QRegularExpression>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace sandbench::ui {

SandboxPane::SandboxPane(EngineClient *client, const QString &sandboxId, const QString &stoppedText, QWidget *parent)
    : QWidget(parent), client_(client), sandboxId_(sandboxId), pages_(new QStackedWidget(this)),
      livePage_(new QWidget(this)), banner_(new MessageBanner(this))
{
    if (!stoppedText.isEmpty()) {
        stoppedPage_ = new StoppedPlaceholder(stoppedText, this);
        pages_->addWidget(stoppedPage_);
        connect(stoppedPage_, &StoppedPlaceholder::startRequested, this, &SandboxPane::startRequested);
    }
    pages_->addWidget(livePage_);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(pages_);
}

bool SandboxPane::isLive() const
{
    return sandboxRunning() && isVisible();
}

void SandboxPane::showSandbox(const QJsonObject &sandbox)
{
    setSandboxStatus(sandbox.value("status").toString());
}

void SandboxPane::setSandboxStatus(const QString &status)
{
    const bool started = !sandboxRunning() && status == "running";
    status_ = status;
    if (started)
        sandboxStarted();
    updateLiveState();
}

void SandboxPane::updateLiveState()
{
    if (stoppedPage_)
        pages_->setCurrentWidget(sandboxRunning() || keepsContentWhenStopped() ? livePage_ : stoppedPage_);
}

void SandboxPane::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    updateLiveState();
}

void SandboxPane::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    updateLiveState(); // a hidden pane holds no stream open (it would keep the sandbox awake)
}

bool SandboxPane::isSandboxLoopback(const QUrl &url)
{
    const QString host = url.host().toLower();
    return (url.scheme() == "http" || url.scheme() == "ws") &&
           (host == "localhost" || host == "127.0.0.1" || host == "::1" || host == "0.0.0.0");
}

int SandboxPane::sandboxPortOf(const QUrl &url) const
{
    if (isSandboxLoopback(url))
        return url.port(80);
    static const QRegularExpression preview(QStringLiteral("^(\\d+)-(.+)-[a-z0-9_]+\\.localhost$"));
    const QRegularExpressionMatch match = preview.match(url.host().toLower());
    return match.hasMatch() && match.captured(2) == sandboxId_.toLower() ? match.captured(1).toInt() : 0;
}

} // namespace sandbench::ui
