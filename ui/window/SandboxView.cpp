#include "window/SandboxView.h"

#include "panes/commands/CommandsPane.h"
#include "client/EngineClient.h"
#include "panes/files/FilesPane.h"
#include "panes/overview/OverviewPane.h"

#include <QShortcut>

namespace sandbench::ui {

SandboxView::SandboxView(EngineClient *client, const QString &sandboxId, QWidget *parent)
    : QTabWidget(parent), sandboxId_(sandboxId), overview_(new OverviewPane(this)),
      files_(new FilesPane(client, sandboxId, this)), commands_(new CommandsPane(client, sandboxId, this))
{
    setDocumentMode(true);
    addTab(files_, tr("Files"));
    addTab(commands_, tr("Commands"));
    addTab(overview_, tr("Overview"));
    // Ctrl+1, Ctrl+2, Ctrl+3: the panes in tab order.
    for (int tab = 0; tab < count(); ++tab) {
        auto *shortcut = new QShortcut(QKeySequence(Qt::CTRL | (Qt::Key_1 + tab)), this);
        shortcut->setContext(Qt::WidgetWithChildrenShortcut);
        connect(shortcut, &QShortcut::activated, this, [this, tab] { setCurrentIndex(tab); });
        setTabToolTip(tab, tr("%1 (Ctrl+%2)").arg(tabText(tab)).arg(tab + 1));
    }
    connect(files_, &FilesPane::startRequested, this, [this] { emit startRequested(sandboxId_); });
    connect(commands_, &CommandsPane::startRequested, this, [this] { emit startRequested(sandboxId_); });
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
