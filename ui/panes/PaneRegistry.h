// The panes of a sandbox, in tab order: the sandbox view and the window's View menu
// (Ctrl+1..N) read this list, so a new pane is its class plus one entry here.
#pragma once

#include <QList>
#include <QString>

#include <functional>

class QWidget;

namespace sandbench::ui {

class EngineClient;
class SandboxPane;

struct PaneKind {
    const char *name; // untranslated; in the "sandbench::ui::SandboxView" translation context
    std::function<SandboxPane *(EngineClient *client, const QString &sandboxId, QWidget *parent)> create;
    QString title() const; // translated
};

const QList<PaneKind> &sandboxPanes();

} // namespace sandbench::ui
