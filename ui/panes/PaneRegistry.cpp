#include "panes/PaneRegistry.h"

#include "panes/commands/CommandsPane.h"
#include "panes/files/FilesPane.h"
#include "panes/interpreter/InterpreterPane.h"
#include "panes/overview/OverviewPane.h"
#include "panes/ports/PortsPane.h"
#include "panes/storage/StoragePane.h"
#include "panes/terminal/TerminalPane.h"

#include <QCoreApplication>

namespace sandbench::ui {

namespace {

template <typename Pane>
SandboxPane *make(EngineClient *client, const QString &sandboxId, QWidget *parent)
{
    return new Pane(client, sandboxId, parent);
}

} // namespace

QString PaneKind::title() const
{
    return QCoreApplication::translate("sandbench::ui::SandboxView", name);
}

const QList<PaneKind> &sandboxPanes()
{
    static const QList<PaneKind> panes = {
        {QT_TRANSLATE_NOOP("sandbench::ui::SandboxView", "Files"), make<FilesPane>},
        {QT_TRANSLATE_NOOP("sandbench::ui::SandboxView", "Commands"), make<CommandsPane>},
        {QT_TRANSLATE_NOOP("sandbench::ui::SandboxView", "Overview"), make<OverviewPane>},
        {QT_TRANSLATE_NOOP("sandbench::ui::SandboxView", "Interpreter"), make<InterpreterPane>},
        {QT_TRANSLATE_NOOP("sandbench::ui::SandboxView", "Ports"), make<PortsPane>},
        {QT_TRANSLATE_NOOP("sandbench::ui::SandboxView", "Terminal"), make<TerminalPane>},
        {QT_TRANSLATE_NOOP("sandbench::ui::SandboxView", "Storage"), make<StoragePane>},
    };
    return panes;
}

} // namespace sandbench::ui
