// The Files pane of one sandbox: the /workspace tree (live from the watch
// stream while the pane is visible), file actions, drag and drop in both
// directions with a transfer list, and editor tabs for opened files.
#pragma once

#include <QPointer>
#include <QTemporaryDir>
#include <QWidget>

#include <memory>

class QAction;
class QLabel;
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
class StoppedPlaceholder;
class TransferList;

class FilesPane : public QWidget {
    Q_OBJECT
public:
    FilesPane(EngineClient *client, const QString &sandboxId, QWidget *parent = nullptr);
    ~FilesPane() override;

    FileTreeModel *model() const { return model_; }
    QTreeView *tree() const { return tree_; }
    QTabWidget *editors() const { return editors_; }
    TransferList *transfers() const { return transfers_; }
    bool isWatching() const;

    // The sandbox's status from the engine: the tree is live only while it runs.
    void setSandboxStatus(const QString &status);

    FileEditor *openFile(const QString &path);
    // Uploads local files and folders (recursively) into a sandbox directory.
    void upload(const QStringList &localPaths, const QString &targetDirectory);
    void download(const QString &remotePath, const QString &localPath);

signals:
    void startRequested(); // "Start" on the stopped-sandbox page

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void createActions();
    void updateLiveState();
    void openWatch();
    void closeWatch();
    void newFile();
    void newFolder();
    void deleteSelected();
    void uploadWithDialog();
    void downloadSelected();
    QStringList selectedPaths() const;
    FileEditor *editorFor(const QString &path) const;
    bool closeEditor(int tab);
    QMimeData *dragOut(const QStringList &paths);

    EngineClient *client_;
    QString sandbox_;
    QString status_;
    FileTreeModel *model_;
    QPointer<EventStream> watch_;
    bool everWatched_ = false;
    QStackedWidget *pages_;
    StoppedPlaceholder *stoppedPage_;
    QWidget *livePage_;
    QTreeView *tree_;
    MessageBanner *banner_;
    TransferList *transfers_;
    QStackedWidget *editorArea_;
    QTabWidget *editors_;
    std::unique_ptr<QTemporaryDir> dragStaging_; // files dragged out are downloaded here first
};

} // namespace sandbench::ui
