#include "window/SandboxView.h"

#include "panes/PaneRegistry.h"
#include "panes/commands/CommandsPane.h"
#include "panes/files/FilesPane.h"
#include "panes/overview/OverviewPane.h"
#include "panes/ports/PortsPane.h"
#include "panes/storage/StoragePane.h"
#include "panes/terminal/TerminalPane.h"

namespace sandbench::ui {

SandboxView::SandboxView(EngineClient *client, const QString &sandboxId, QWidget *parent)
    : QTabWidget(parent), sandboxId_(sandboxId)
{
    setDocumentMode(true);
    for (const PaneKind &kind : sandboxPanes()) {
        SandboxPane *pane = kind.create(client, sandboxId, this);
        panes_ << pane;
        const int tab = addTab(pane, kind.title());
        setTabToolTip(tab, tr("%1 (Ctrl+%2)").arg(tabText(tab)).arg(tab + 1));
        connect(pane, &SandboxPane::startRequested, this, [this] { emit startRequested(sandboxId_); });
    }
    if (OverviewPane *overviewPane = overview()) {
        connect(overviewPane, &OverviewPane::stopRequested, this, [this] { emit stopRequested(sandboxId_); });
        connect(overviewPane, &OverviewPane::settingsRequested, this, &SandboxView::settingsRequested);
    }
    if (TerminalPane *terminal = pane<TerminalPane>()) {
        connect(terminal, &TerminalPane::previewRequested, this, [this](int port) { exposePort(port, true); });
        if (CommandsPane *commandsPane = commands())
            connect(commandsPane, &CommandsPane::terminalRequested, this, [this, terminal](const QString &session) {
                showPane(indexOf(terminal));
                terminal->openTerminal(session);
            });
    }
    if (StoragePane *storage = pane<StoragePane>()) {
        if (FilesPane *filesPane = files())
            connect(filesPane, &FilesPane::backupRequested, this, [this, storage](const QString &folder) {
                showPane(indexOf(storage));
                storage->askToBackUp(folder);
            });
    }
    if (PortsPane *ports = pane<PortsPane>())
    {
        connect(ports, &PortsPane::portOffered, this, [this](int port) { emit portOffered(sandboxId_, port); });
        connect(ports, &PortsPane::portExposed, this,
                [this](int port, const QUrl &url) { emit portExposed(sandboxId_, port, url); });
    }
}

OverviewPane *SandboxView::overview() const { return pane<OverviewPane>(); }
FilesPane *SandboxView::files() const { return pane<FilesPane>(); }
CommandsPane *SandboxView::commands() const { return pane<CommandsPane>(); }

QStringList SandboxView::paneNames()
{
    QStringList names;
    for (const PaneKind &kind : sandboxPanes())
        names << kind.title();
    return names;
}

void SandboxView::showPane(int index)
{
    setCurrentIndex(index);
    if (QWidget *pane = currentWidget())
        pane->setFocus(Qt::ShortcutFocusReason);
}

void SandboxView::exposePort(int port, bool preview)
{
    PortsPane *ports = pane<PortsPane>();
    if (!ports)
        return;
    if (preview)
        showPane(indexOf(ports));
    ports->exposePort(port, {}, preview);
}

void SandboxView::setEngineLimits(const QJsonObject &limits)
{
    if (OverviewPane *overviewPane = overview())
        overviewPane->setEngineLimits(limits);
}

void SandboxView::deliverEvent(const QJsonObject &event)
{
    for (SandboxPane *pane : panes_)
        pane->sandboxEvent(event);
}

void SandboxView::update(const QJsonObject &sandbox)
{
    for (SandboxPane *pane : panes_)
        pane->showSandbox(sandbox);
}

} // namespace sandbench::ui
