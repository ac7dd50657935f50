// The Storage pane of one sandbox. Above, its bucket mounts (path, bucket and prefix,
// endpoint, state, read-only) with the last error of each; mount a bucket (a dialog with
// the endpoint, bucket, prefix, path, credentials, read-only and whether the engine may
// remember the credentials), unmount, and mount again. Below, its backups (name,
// directory, when, size, expiry): back up a folder, restore (asking first, naming what is
// replaced) where it was made or into another folder, download the archive, import one,
// delete. It follows the engine's sandbox.mounts and sandbox.backups events.
#pragma once

#include "client/SandboxApi.h"
#include "panes/SandboxPane.h"

#include <QJsonObject>

#include <functional>

class QAction;
class QLabel;
class QTreeWidget;

namespace sandbench::ui {

class StoragePane : public SandboxPane {
    Q_OBJECT
public:
    StoragePane(EngineClient *client, const QString &sandboxId, QWidget *parent = nullptr);

    void refresh();
    // Opens the mount dialog, filled from previous (a listed mount) when given; false when
    // it was cancelled.
    bool askToMount(const QJsonObject &previous = {});
    void mountBucket(const QJsonObject &request);
    void unmountBucket(const QString &mountPath, bool askFirst = true);

    QTreeWidget *mountList() const { return list_; }
    // A backup, restore, download or import under way (quitting ends it).
    bool hasWorkUnderWay() const { return backupBusy_; }
    QJsonObject mountAt(const QString &mountPath) const;
    void sandboxEvent(const QJsonObject &event) override;

    // Backups. askToBackUp opens the backup dialog for dir (the Files pane's "Back Up This Folder").
    void askToBackUp(const QString &dir = QStringLiteral("/workspace"));
    void backUp(const QJsonObject &options);
    // into empty: where it was made. askFirst: a confirmation naming what is replaced.
    void restoreBackup(const QString &backupId, const QString &into = {}, bool askFirst = true);
    void deleteBackup(const QString &backupId, bool askFirst = true);
    QTreeWidget *backupList() const { return backups_; }
    QJsonObject backupWithId(const QString &backupId) const;
    // Where Download… saves and what Import… reads: a file dialog unless a test sets these.
    std::function<QString(const QString &suggested)> chooseSavePath;
    std::function<QString()> chooseArchive;

signals:
    void mountFinished(const QString &mountPath, bool ok);
    void backupFinished(const QString &backupId, bool ok); // an empty id when it failed
    void restoreFinished(const QString &backupId, bool ok);

protected:
    void updateLiveState() override;
    void sandboxStarted() override;

private:
    // A failed mount's error with Change and Retry… (the dialog as it was filled).
    void offerRetry(const QString &error, const QJsonObject &previous);
    void showMounts(const QJsonArray &mounts);
    QJsonArray mountsWith(const QJsonObject &mount) const; // the list as known, with mount in it
    void showBackups(const QJsonArray &backups);
    void refreshBackups();
    void updateActions();
    QString selectedPath() const;
    QString selectedBackup() const;
    void downloadBackup(const QString &backupId);
    void importBackup();
    // Restores without asking (restoreBackup asks when the folder exists).
    void startRestore(const QString &backupId, const QString &into);
    // A transfer's progress in the banner, with Cancel.
    void showTransfer(Transfer *transfer, const QString &text);

    SandboxApi api_;
    QTreeWidget *list_;
    QLabel *details_;
    QAction *mountAction_, *unmountAction_, *againAction_;
    QTreeWidget *backups_;
    QAction *backUpAction_, *restoreAction_, *restoreIntoAction_, *downloadAction_, *importAction_, *deleteAction_;
    QList<QJsonObject> mounts_;
    QList<QJsonObject> backupEntries_;
    bool selectNewest_ = false; // the next listing selects the newest (just made or imported)
    bool backupBusy_ = false; // a backup, restore or transfer under way
    QStringList busy_; // mount paths with a request on its way
    bool listed_ = false;
    bool stoppedNoticeShown_ = false;
};

} // namespace sandbench::ui
