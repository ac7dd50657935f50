// The Storage pane of one sandbox: its bucket mounts (path, bucket and prefix, endpoint,
// state, read-only) with the last error of each; mount a bucket (a dialog with the
// endpoint, bucket, prefix, path, credentials, read-only and whether the engine may
// remember the credentials), unmount, and mount again. It follows the engine's
// sandbox.mounts events, so a mount that fails or comes back after a restart shows at once.
#pragma once

#include "client/SandboxApi.h"
#include "panes/SandboxPane.h"

#include <QJsonObject>

class QAction;
class QLabel;
class QTreeWidget;

namespace sandbench::ui {

class StoragePane : public SandboxPane {
    Q_OBJECT
public:
    StoragePane(EngineClient *client, const QString &sandboxId, QWidget *parent = nullptr);

    void refresh();
    // Opens the mount dialog, filled from previous (a listed mount) when given.
    void askToMount(const QJsonObject &previous = {});
    void mountBucket(const QJsonObject &request);
    void unmountBucket(const QString &mountPath, bool askFirst = true);

    QTreeWidget *mountList() const { return list_; }
    QJsonObject mountAt(const QString &mountPath) const;
    void sandboxEvent(const QJsonObject &event) override;

signals:
    void mountFinished(const QString &mountPath, bool ok);

protected:
    void updateLiveState() override;
    void sandboxStarted() override;

private:
    void showMounts(const QJsonArray &mounts);
    void updateActions();
    QString selectedPath() const;

    SandboxApi api_;
    QTreeWidget *list_;
    QLabel *details_;
    QAction *mountAction_, *unmountAction_, *againAction_;
    QList<QJsonObject> mounts_;
    QStringList busy_; // mount paths with a request on its way
    bool listed_ = false;
};

} // namespace sandbench::ui
