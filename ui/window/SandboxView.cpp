#include "window/SandboxView.h"

#include "panes/commands/CommandsPane.h"
#include "client/EngineClient.h"
#include "panes/files/FilesPane.h"
#include "panes/overview/OverviewPane.h"


namespace sandbench::ui {

SandboxView::SandboxView(EngineClient *client, const QString &sandboxId, QWidget *parent)
    : QTabWidget(parent), sandboxId_(sandboxId), overview_(new OverviewPane(this)),
      files_(new FilesPane(client, sandboxId, this)), commands_(new CommandsPane(client, sandboxId, this))
{
    setDocumentMode(true);
    const QStringList names = paneNames();
    for (QWidget *pane : std::initializer_list<QWidget *>{files_, commands_, overview_}) {
        const int tab = addTab(pane, names.at(count()));
        setTabToolTip(tab, tr("%1 (Ctrl+%2)").arg(tabText(tab)).arg(tab + 1));
    }
    connect(files_, &FilesPane::startRequested, this, [this] { emit startRequested(sandboxId_); });
    connect(commands_, &CommandsPane::startRequested, this, [this] { emit startRequested(sandboxId_); });
}

QStringList SandboxView::paneNames()
{
    return {tr("Files"), tr("Commands"), tr("Overview")};
}

void SandboxView::showPane(int index)
{
    setCurrentIndex(index);
    if (QWidget *pane = currentWidget())
        pane->setFocus(Qt::ShortcutFocusReason);
}

void SandboxView::setEngineLimits(const QJsonObject &limits)
{
    overview_->setEngineLimits(limits);
}

void SandboxView::update(const QJsonObject &sandbox)
{
    overview_->showSandbox(sandbox);
    files_->setSandboxStatus(sandbox.value("status").toString());
    commands_->setSandboxStatus(sandbox.value("status").toString());
}

} // namespace sandbench::ui
