// The panes of one sandbox, as tabs (Overview, Files). One view per sandbox
// that has been selected, so each keeps its state (open files, expanded
// folders) when the user switches between sandboxes.
#pragma once

#include <QJsonObject>
#include <QTabWidget>

namespace sandbench::ui {

class EngineClient;
class FilesPane;
class OverviewPane;

class SandboxView : public QTabWidget {
    Q_OBJECT
public:
    SandboxView(EngineClient *client, const QString &sandboxId, QWidget *parent = nullptr);
    QString sandboxId() const { return sandboxId_; }
    // The engine's latest view of the sandbox (status, options).
    void update(const QJsonObject &sandbox);

    OverviewPane *overview() const { return overview_; }
    FilesPane *files() const { return files_; }

signals:
    void startRequested(const QString &sandboxId);

private:
    QString sandboxId_;
    OverviewPane *overview_;
    FilesPane *files_;
};

} // namespace sandbench::ui
