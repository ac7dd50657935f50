// The panes of one sandbox, as tabs (Files, Commands, Overview). One view per sandbox
// that has been selected, so each keeps its state (open files, expanded
// folders) when the user switches between sandboxes.
#pragma once

#include <QJsonObject>
#include <QTabWidget>

namespace sandbench::ui {

class EngineClient;
class CommandsPane;
class FilesPane;
class OverviewPane;

class SandboxView : public QTabWidget {
    Q_OBJECT
public:
    SandboxView(EngineClient *client, const QString &sandboxId, QWidget *parent = nullptr);
    QString sandboxId() const { return sandboxId_; }
    // The engine's latest view of the sandbox (status, options).
    void update(const QJsonObject &sandbox);
    // Which limits the engine enforces on this host (GET /v1/health "limits").
    void setEngineLimits(const QJsonObject &limits);

    OverviewPane *overview() const { return overview_; }
    FilesPane *files() const { return files_; }
    CommandsPane *commands() const { return commands_; }

    // The panes' names in tab order; the window's View menu switches to them with
    // Ctrl+1..N wherever the focus is.
    static QStringList paneNames();
    // Shows pane `index` and gives it the focus.
    void showPane(int index);

signals:
    void startRequested(const QString &sandboxId);

private:
    QString sandboxId_;
    OverviewPane *overview_;
    FilesPane *files_;
    CommandsPane *commands_;
};

} // namespace sandbench::ui
