// The file tree of one sandbox (under /workspace by default): directories are
// listed lazily when expanded, and kept current from the watch stream by
// re-listing only the directory an event touched and applying the difference
// (rows inserted, removed, updated; renames move the row in place).
#pragma once

#include <QAbstractItemModel>
#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QSet>
#include <QTimer>

#include <functional>
#include <memory>
#include <vector>

namespace sandbench::ui {

class EngineClient;
struct ApiResult;

class FileTreeModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Column { NameColumn, SizeColumn, ModifiedColumn, PermissionsColumn, ColumnCount };
    enum Role { PathRole = Qt::UserRole + 1, IsDirectoryRole, SizeRole };
    // Drags between rows of the tree carry the sandbox paths in this format.
    static constexpr const char *kPathsMimeType = "application/x-sandbench-paths";

    FileTreeModel(EngineClient *client, QObject *parent = nullptr);
    ~FileTreeModel() override;

    // Shows the tree of sandboxId below rootPath (empty id: nothing).
    void setSandbox(const QString &sandboxId, const QString &rootPath = QStringLiteral("/workspace"));
    QString sandbox() const { return sandbox_; }
    QString rootPath() const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role) override;
    // Renames or moves in the sandbox; the tree follows (a rename at once, a move through
    // the watch stream). Failures come as errorOccurred.
    void rename(const QString &from, const QString &to);
    void move(const QString &source, const QString &destination);
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    bool hasChildren(const QModelIndex &parent = {}) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;
    QStringList mimeTypes() const override;
    QMimeData *mimeData(const QModelIndexList &indexes) const override;
    bool canDropMimeData(const QMimeData *data, Qt::DropAction action, int row, int column,
                         const QModelIndex &parent) const override;
    bool dropMimeData(const QMimeData *data, Qt::DropAction action, int row, int column,
                      const QModelIndex &parent) override;
    Qt::DropActions supportedDropActions() const override;
    Qt::DropActions supportedDragActions() const override;

    QModelIndex indexForPath(const QString &path) const;
    QString pathOf(const QModelIndex &index) const;
    bool isDirectory(const QModelIndex &index) const;
    // The directory a new item at index goes into (index itself if a directory, else its parent).
    QString directoryFor(const QModelIndex &index) const;

    // Lists path again and applies the difference (a loaded directory only).
    void refreshDirectory(const QString &path);
    // One event of POST /api/watch (event, rescan).
    void applyWatchEvent(const QJsonObject &event);
    // After the watch stream was re-opened: every loaded directory is listed again.
    void refreshAll();

    // Builds the drag data for paths (the pane provides downloads for drags out).
    using MimeFactory = std::function<QMimeData *(const QStringList &paths)>;
    void setMimeFactory(MimeFactory factory) { mimeFactory_ = std::move(factory); }

    // Where listings come from: the sandbox's /api/list-files unless set (a test answers
    // from memory). answer may be called later, on this thread.
    using Lister = std::function<void(const QString &path, std::function<void(const ApiResult &)> answer)>;
    void setLister(Lister lister) { lister_ = std::move(lister); }

    // Whether the root's first listing has arrived (an empty tree is then an empty workspace).
    bool isRootListed() const;

signals:
    void errorOccurred(const QString &message);
    void directoryLoaded(const QString &path);
    void fileModified(const QString &path);   // contents changed in the sandbox
    void pathRemoved(const QString &path);    // deleted or moved away
    void pathRenamed(const QString &from, const QString &to);
    // Local files and folders dropped onto targetDirectory, to be uploaded.
    void uploadRequested(const QStringList &localPaths, const QString &targetDirectory);
    // A name edited in the view, or items of the tree dropped onto a folder: the pane asks
    // before anything existing is replaced, then calls rename() / move().
    void renameRequested(const QString &from, const QString &to);
    void moveRequested(const QString &source, const QString &destination);

private:
    struct Node;
    Node *nodeOf(const QModelIndex &index) const;
    Node *nodeForPath(const QString &path) const;
    QModelIndex indexOf(Node *node, int column = 0) const;
    void list(Node *directory);
    void applyListing(Node *directory, const QJsonArray &files);
    static std::unique_ptr<Node> nodeFrom(const QString &name, const QJsonObject &file, Node *directory);
    void insertChild(Node *directory, std::unique_ptr<Node> child);
    void renameNode(Node *node, const QString &newPath);
    void scheduleRefresh(const QString &directory);
    void refreshLoadedBelow(Node *node); // node and every loaded directory under it
    void flushRefreshes();
    void refreshMounts(Node *node); // the loaded folders inside bucket mounts below node

    EngineClient *client_;
    QString sandbox_;
    std::unique_ptr<Node> root_;
    quint64 generation_ = 0;          // answers for an earlier sandbox are dropped
    QSet<QString> pendingRefresh_;    // directories to list again, coalesced
    QTimer refreshTimer_;
    // Bucket mounts send no file events (the watch skips FUSE mounts, which may hang): the
    // folders open inside them are listed again every few seconds instead.
    QTimer mountTimer_;
    QHash<quint32, QString> movedFrom_; // move cookie -> source path
    MimeFactory mimeFactory_;
    Lister lister_;
};

} // namespace sandbench::ui
