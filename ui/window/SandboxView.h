// The panes of one sandbox, as tabs (the list in panes/PaneRegistry.h). One view per
// sandbox that has been selected, so each keeps its state (open files, expanded
// folders) when the user switches between sandboxes.
#pragma once

#include "panes/SandboxPane.h"

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
    // The engine's latest view of the sandbox (status, options), for every pane.
    void update(const QJsonObject &sandbox);
    // An engine event about this sandbox, for every pane.
    void deliverEvent(const QJsonObject &event);
    // Which limits the engine enforces on this host (GET /v1/health "limits").
    void setEngineLimits(const QJsonObject &limits);

    // The pane of type Pane, or nullptr.
    template <typename Pane>
    Pane *pane() const
    {
        for (SandboxPane *candidate : panes_)
            if (auto *found = qobject_cast<Pane *>(candidate))
                return found;
        return nullptr;
    }
    OverviewPane *overview() const;
    FilesPane *files() const;
    CommandsPane *commands() const;

    // The panes' names in tab order; the window's View menu switches to them with
    // Ctrl+1..N wherever the focus is.
    static QStringList paneNames();
    // Shows pane `index` and gives it the focus.
    void showPane(int index);
    // Exposes a port of the sandbox; with preview, shows it in the Ports pane.
    void exposePort(int port, bool preview);

signals:
    void startRequested(const QString &sandboxId);
    void stopRequested(const QString &sandboxId);
    void settingsRequested(const QJsonObject &sandbox);
    // A port started listening in the sandbox and is not exposed (the Ports pane saw it).
    void portOffered(const QString &sandboxId, int port);
    void portExposed(const QString &sandboxId, int port, const QUrl &url);

private:
    QString sandboxId_;
    QList<SandboxPane *> panes_;
};

} // namespace sandbench::ui
