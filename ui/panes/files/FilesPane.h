// The Files pane of one sandbox: the /workspace tree (live from the watch
// stream while the pane is visible), file actions, drag and drop in both
// directions with a transfer list, and editor tabs for opened files.
#pragma once

#include "client/SandboxApi.h"
#include "panes/SandboxPane.h"

#include <QPointer>
#include <QTemporaryDir>

#include <functional>

#include <memory>

class QAction;
class QLabel;
class QLineEdit;
class QMimeData;
class QStackedWidget;
class QTabWidget;
class QTreeView;

namespace sandbench::ui {

class EngineClient;
class EventStream;
class FileEditor;
class FileTreeModel;
class MessageBanner;
class TransferList;

class FilesPane : public SandboxPane {
    Q_OBJECT
public:
    FilesPane(EngineClient *client, const QString &sandboxId, QWidget *parent = nullptr);
    ~FilesPane() override;

    FileTreeModel *model() const { return model_; }
    QTreeView *tree() const { return tree_; }
    QTabWidget *editors() const { return editors_; }
    TransferList *transfers() const { return transfers_; }
    bool isWatching() const;

    FileEditor *openFile(const QString &path);
    // Open files whose text has changes not written to the sandbox.
    QList<FileEditor *> unsavedEditors() const;
    // Removes the tabs of unsaved files and hands their editors over (the sandbox is going).
    QList<FileEditor *> takeUnsavedEditors();
    // Uploads local files and folders (recursively) into a sandbox directory.
    // Existing names there are replaced only when the user agrees (Replace, Skip Existing).
    void upload(const QStringList &localPaths, const QString &targetDirectory);
    void download(const QString &remotePath, const QString &localPath);
    // Downloads sandbox files and folders (with everything in them) into a local folder;
    // what exists there already is replaced only when the user agrees (Replace, Skip Existing).
    void downloadInto(const QStringList &remotePaths, const QString &localFolder);
    // A folder, with every file below it, into localFolder; listed() runs once it is listed.
    void downloadFolder(const QString &remoteFolder, const QString &localFolder, std::function<void()> listed = {});
    // Expands the tree down to path (listing folders as needed) and selects it; a path that
    // does not exist is said below the path bar.
    void revealPath(const QString &path);
    QLineEdit *pathBar() const { return pathBar_; }
    QLabel *pathMessage() const { return pathMessage_; }

protected:
    void updateLiveState() override;
    bool eventFilter(QObject *watched, QEvent *event) override;
    bool keepsContentWhenStopped() const override;

    // "Clone Repository…": git clone into a folder of the sandbox (the selected one's by default).
    // previous: what was typed before a failure (Change and Retry…).
    void cloneRepository(const QJsonObject &previous = {});
    void startClone(const QJsonObject &options, const QString &typedTarget);
    // One of git's progress steps: its name for the user and where the whole clone is (0-100).
    struct CloneStep {
        QString name;
        int overall = 0;
    };
    CloneStep cloneStep(const QString &phase, int percent) const;

signals:
    // "Back Up This Folder": the view opens the Storage pane's backup dialog for folder.
    void backupRequested(const QString &folder);

private:
    void createActions();
    void fitColumns();
    void openWatch();
    void closeWatch();
    void newFile();
    void newFolder();
    void deleteSelected();
    void uploadWithDialog();
    void downloadSelected();
    QStringList selectedPaths() const;
    void updatePathBar();
    void showPathMessage(const QString &text);
    void expandTowards(const QString &path, quint64 generation, int attempt);
    FileEditor *editorFor(const QString &path) const;
    bool closeEditor(int tab);
    QMimeData *dragOut(const QStringList &paths);
    // Runs then() once the user agreed to replace what is at destination in the sandbox
    // (at once when nothing is there).
    void unlessItWouldReplace(const QString &destination, std::function<void()> then);
    void uploadNow(const QStringList &localPaths, const QString &targetDirectory);
    // Selects path in the tree once the watch stream has listed it (tries for 2 s).
    void selectWhenListed(const QString &path, int attempt = 0);

    EngineClient *client_;
    QString sandbox_;
    SandboxApi api_;
    FileTreeModel *model_;
    QPointer<EventStream> watch_;
    bool everWatched_ = false;
    bool stoppedNoticeShown_ = false; // the banner says the sandbox is not running
    QWidget *treeSide_;
    QTreeView *tree_;
    QLineEdit *pathBar_;
    QLabel *pathMessage_;    // below the path bar: a typed path that cannot be shown
    quint64 revealGeneration_ = 0; // a newer typed path replaces the one being revealed
    MessageBanner *banner_;
    TransferList *transfers_;
    QStackedWidget *editorArea_;
    QLabel *emptyHint_ = nullptr; // over the tree while the workspace is empty
    QTabWidget *editors_;
    std::unique_ptr<QTemporaryDir> dragStaging_; // files dragged out are downloaded here first
};

} // namespace sandbench::ui
