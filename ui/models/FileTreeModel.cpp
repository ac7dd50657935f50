#include "models/FileTreeModel.h"

#include "client/SandboxApi.h"
#include "widgets/Remembered.h"

#include <QFileIconProvider>
#include <QFont>
#include <QLocale>
#include <QMimeData>
#include <QPointer>
#include <QMimeDatabase>
#include <QUrl>

#include <algorithm>

namespace sandbench::ui {

struct FileTreeModel::Node {
    QString name;
    QString path;
    bool isDirectory = true;
    bool isSymlink = false;
    bool isMount = false; // a bucket mounted there (the agent lists it as a folder)
    qint64 size = 0;
    QDateTime modified;
    QString mode;
    Node *parent = nullptr;
    std::vector<std::unique_ptr<Node>> children;
    bool loaded = false;
    bool loading = false;

    int row() const
    {
        if (!parent)
            return 0;
        const auto &siblings = parent->children;
        for (std::size_t i = 0; i < siblings.size(); ++i)
            if (siblings[i].get() == this)
                return static_cast<int>(i);
        return -1;
    }
};

namespace {

QString parentPath(const QString &path)
{
    const auto slash = path.lastIndexOf('/');
    return slash <= 0 ? QStringLiteral("/") : path.left(slash);
}

QString joinPath(const QString &directory, const QString &name)
{
    return directory.endsWith('/') ? directory + name : directory + '/' + name;
}

bool isAsciiDigit(QChar c)
{
    return c >= u'0' && c <= u'9';
}

// Names as people sort them: runs of digits by value (file_2 before file_10), the rest
// without case. Locale-independent, so the order is the same on every machine.
int naturalCompare(QStringView a, QStringView b)
{
    qsizetype i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        if (isAsciiDigit(a[i]) && isAsciiDigit(b[j])) {
            while (i < a.size() - 1 && a[i] == u'0' && isAsciiDigit(a[i + 1]))
                ++i; // leading zeros do not count
            while (j < b.size() - 1 && b[j] == u'0' && isAsciiDigit(b[j + 1]))
                ++j;
            qsizetype endA = i, endB = j;
            while (endA < a.size() && isAsciiDigit(a[endA]))
                ++endA;
            while (endB < b.size() && isAsciiDigit(b[endB]))
                ++endB;
            if (endA - i != endB - j)
                return endA - i < endB - j ? -1 : 1; // fewer digits: the smaller number
            if (const int order = a.sliced(i, endA - i).compare(b.sliced(j, endB - j)))
                return order;
            i = endA;
            j = endB;
            continue;
        }
        const char32_t left = a[i].toCaseFolded().unicode(), right = b[j].toCaseFolded().unicode();
        if (left != right)
            return left < right ? -1 : 1;
        ++i;
        ++j;
    }
    const qsizetype restA = a.size() - i, restB = b.size() - j;
    return restA == restB ? 0 : restA < restB ? -1 : 1;
}

// Directories first, then by name as people sort (naturalCompare; ties by exact name).
bool sortsBefore(bool aIsDirectory, const QString &aName, bool bIsDirectory, const QString &bName)
{
    if (aIsDirectory != bIsDirectory)
        return aIsDirectory;
    const int order = naturalCompare(aName, bName);
    return order != 0 ? order < 0 : aName < bName;
}

// Icons by type, looked up once per file-name suffix (data() runs on every repaint).
QIcon iconFor(const QString &name, bool isDirectory)
{
    static QFileIconProvider provider;
    if (isDirectory)
        return provider.icon(QFileIconProvider::Folder);
    static QHash<QString, QIcon> bySuffix;
    const QString suffix = name.mid(name.lastIndexOf('.') + 1).toLower();
    if (const auto cached = bySuffix.constFind(suffix); cached != bySuffix.constEnd())
        return *cached;
    static QMimeDatabase mimes;
    const QMimeType type = mimes.mimeTypeForFile(name, QMimeDatabase::MatchExtension);
    QIcon icon = QIcon::fromTheme(type.iconName(), QIcon::fromTheme(type.genericIconName()));
    if (icon.isNull())
        icon = provider.icon(QFileIconProvider::File);
    bySuffix.insert(suffix, icon);
    return icon;
}

// "27 Nov 2026 13:39" in the user's locale (no seconds: the column stays narrow).
QString modifiedText(const QDateTime &modified)
{
    static const QString format = QLocale().dateFormat(QLocale::ShortFormat) + " HH:mm";
    return QLocale().toString(modified.toLocalTime(), format);
}

// Binary units with their IEC names (KiB, MiB), as the file viewer and the limits say.
QString sizeText(qint64 size)
{
    return QLocale().formattedDataSize(size, 1, QLocale::DataSizeIecFormat);
}

} // namespace

FileTreeModel::FileTreeModel(EngineClient *client, QObject *parent) : QAbstractItemModel(parent), client_(client)
{
    refreshTimer_.setSingleShot(true);
    refreshTimer_.setInterval(30); // a burst of events becomes one listing per directory
    connect(&refreshTimer_, &QTimer::timeout, this, &FileTreeModel::flushRefreshes);
    mountTimer_.setInterval(5000);
    connect(&mountTimer_, &QTimer::timeout, this, [this] {
        if (root_)
            refreshMounts(root_.get());
    });
    mountTimer_.start();
}

FileTreeModel::~FileTreeModel() = default;

void FileTreeModel::setSandbox(const QString &sandboxId, const QString &rootPath)
{
    beginResetModel();
    ++generation_;
    sandbox_ = sandboxId;
    root_.reset();
    pendingRefresh_.clear();
    movedFrom_.clear();
    if (!sandboxId.isEmpty()) {
        root_ = std::make_unique<Node>();
        root_->path = rootPath;
        root_->name = rootPath;
    }
    endResetModel();
    if (root_)
        list(root_.get());
}

bool FileTreeModel::isRootListed() const
{
    return root_ && root_->loaded;
}

QString FileTreeModel::rootPath() const
{
    return root_ ? root_->path : QString();
}

FileTreeModel::Node *FileTreeModel::nodeOf(const QModelIndex &index) const
{
    return index.isValid() ? static_cast<Node *>(index.internalPointer()) : root_.get();
}

QModelIndex FileTreeModel::indexOf(Node *node, int column) const
{
    if (!node || node == root_.get())
        return {};
    return createIndex(node->row(), column, node);
}

FileTreeModel::Node *FileTreeModel::nodeForPath(const QString &path) const
{
    if (!root_)
        return nullptr;
    if (path == root_->path)
        return root_.get();
    const QString prefix = root_->path.endsWith('/') ? root_->path : root_->path + '/';
    if (!path.startsWith(prefix))
        return nullptr;
    Node *node = root_.get();
    for (const QString &part : path.mid(prefix.size()).split('/', Qt::SkipEmptyParts)) {
        const auto found = std::find_if(node->children.begin(), node->children.end(),
                                        [&](const auto &child) { return child->name == part; });
        if (found == node->children.end())
            return nullptr;
        node = found->get();
    }
    return node;
}

QModelIndex FileTreeModel::indexForPath(const QString &path) const
{
    return indexOf(nodeForPath(path));
}

QString FileTreeModel::pathOf(const QModelIndex &index) const
{
    const Node *node = nodeOf(index);
    return node ? node->path : QString();
}

bool FileTreeModel::isDirectory(const QModelIndex &index) const
{
    const Node *node = nodeOf(index);
    return node && node->isDirectory;
}

QString FileTreeModel::directoryFor(const QModelIndex &index) const
{
    const Node *node = nodeOf(index);
    if (!node)
        return {};
    return node->isDirectory ? node->path : parentPath(node->path);
}

QModelIndex FileTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    const Node *node = nodeOf(parent);
    if (!node || row < 0 || column < 0 || column >= ColumnCount || row >= static_cast<int>(node->children.size()))
        return {};
    return createIndex(row, column, node->children[static_cast<std::size_t>(row)].get());
}

QModelIndex FileTreeModel::parent(const QModelIndex &child) const
{
    const Node *node = nodeOf(child);
    return node && child.isValid() ? indexOf(node->parent) : QModelIndex();
}

int FileTreeModel::rowCount(const QModelIndex &parent) const
{
    if (parent.column() > 0)
        return 0;
    const Node *node = nodeOf(parent);
    return node ? static_cast<int>(node->children.size()) : 0;
}

int FileTreeModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

bool FileTreeModel::hasChildren(const QModelIndex &parent) const
{
    const Node *node = nodeOf(parent);
    if (!node || !node->isDirectory)
        return false;
    return !node->loaded || !node->children.empty(); // unknown until listed: offer to expand
}

bool FileTreeModel::canFetchMore(const QModelIndex &parent) const
{
    const Node *node = nodeOf(parent);
    return node && node->isDirectory && !node->loaded && !node->loading;
}

void FileTreeModel::fetchMore(const QModelIndex &parent)
{
    if (Node *node = nodeOf(parent); node && node->isDirectory && !node->loaded)
        list(node);
}

QVariant FileTreeModel::data(const QModelIndex &index, int role) const
{
    const Node *node = index.isValid() ? nodeOf(index) : nullptr;
    if (!node)
        return {};
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn:
            return node->name;
        case SizeColumn:
            return node->isDirectory ? QVariant() : QVariant(sizeText(node->size));
        case ModifiedColumn:
            return modifiedText(node->modified);
        case PermissionsColumn:
            return node->mode;
        }
        return {};
    case Qt::EditRole:
        return index.column() == NameColumn ? QVariant(node->name) : QVariant();
    case Qt::DecorationRole:
        return index.column() == NameColumn ? QVariant(iconFor(node->name, node->isDirectory)) : QVariant();
    case Qt::TextAlignmentRole:
        return index.column() == SizeColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case Qt::ToolTipRole:
        if (node->isMount)
            return plainToolTip(tr("%1 (a bucket is mounted here)").arg(node->path));
        return plainToolTip(node->isSymlink ? tr("%1 (symbolic link)").arg(node->path) : node->path);
    case Qt::FontRole:
        if (node->isSymlink && index.column() == NameColumn) {
            QFont font;
            font.setItalic(true);
            return font;
        }
        return {};
    case PathRole:
        return node->path;
    case IsDirectoryRole:
        return node->isDirectory;
    case SizeRole:
        return node->size;
    default:
        return {};
    }
}

QVariant FileTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Name");
    case SizeColumn:
        return tr("Size");
    case ModifiedColumn:
        return tr("Modified");
    case PermissionsColumn:
        return tr("Permissions");
    }
    return {};
}

Qt::ItemFlags FileTreeModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return root_ ? Qt::ItemIsDropEnabled : Qt::NoItemFlags;
    Qt::ItemFlags flags = Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled;
    if (index.column() == NameColumn)
        flags |= Qt::ItemIsEditable;
    if (isDirectory(index))
        flags |= Qt::ItemIsDropEnabled;
    return flags;
}

bool FileTreeModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    Node *node = index.isValid() ? nodeOf(index) : nullptr;
    const QString name = value.toString().trimmed();
    if (!node || role != Qt::EditRole || index.column() != NameColumn || name == node->name)
        return false;
    if (name.isEmpty() || name.contains('/') || name == "." || name == "..") {
        emit errorOccurred(tr("\"%1\" is not a valid name.").arg(name));
        return false;
    }
    emit renameRequested(node->path, joinPath(parentPath(node->path), name));
    return false; // the row changes once the sandbox has renamed it
}

void FileTreeModel::rename(const QString &from, const QString &to)
{
    const quint64 generation = generation_;
    SandboxApi(client_, sandbox_).rename(from, to, this,
                        [this, from, to, generation](const ApiResult &result) {
        if (generation != generation_)
            return;
        if (!result.ok()) {
            emit errorOccurred(tr("Could not rename %1: %2").arg(from, result.errorMessage));
            return;
        }
        if (Node *renamed = nodeForPath(from))
            renameNode(renamed, to); // at once; the watch event that follows finds nothing to do
    });
}

void FileTreeModel::move(const QString &source, const QString &destination)
{
    SandboxApi(client_, sandbox_).move(source, destination, this,
                        [this, source](const ApiResult &result) {
        if (!result.ok())
            emit errorOccurred(tr("Could not move %1: %2").arg(source, result.errorMessage));
    });
}

void FileTreeModel::list(Node *directory)
{
    directory->loading = true;
    const QString path = directory->path;
    const quint64 generation = generation_;
    auto answer = [this, path, generation](const ApiResult &result) {
        if (generation != generation_)
            return;
        Node *node = nodeForPath(path); // it may have gone meanwhile
        if (!node)
            return;
        node->loading = false;
        if (!result.ok()) {
            if (result.errorCode != "FILE_NOT_FOUND" && result.errorCode != "SANDBOX_NOT_RUNNING")
                emit errorOccurred(tr("Could not list %1: %2").arg(path, result.errorMessage));
            return;
        }
        applyListing(node, result.body.value("files").toArray());
        emit directoryLoaded(path);
    };
    if (lister_)
        lister_(path, [self = QPointer<FileTreeModel>(this), answer](const ApiResult &result) {
            if (self)
                answer(result);
        });
    else
        SandboxApi(client_, sandbox_).listFiles(path, false, this, answer);
}

void FileTreeModel::applyListing(Node *directory, const QJsonArray &files)
{
    QHash<QString, QJsonObject> listed;
    for (const QJsonValue &value : files) {
        const QJsonObject file = value.toObject();
        listed.insert(file.value("name").toString(), file);
    }
    const QModelIndex parentIndex = indexOf(directory);
    const bool wasLoaded = directory->loaded;
    directory->loaded = true;
    // Gone, or changed between file and directory: remove (from the back, rows stay valid).
    for (int row = static_cast<int>(directory->children.size()) - 1; row >= 0; --row) {
        Node *child = directory->children[static_cast<std::size_t>(row)].get();
        const auto found = listed.constFind(child->name);
        if (found != listed.constEnd() && (found->value("type").toString() == "directory") == child->isDirectory)
            continue;
        const QString removedPath = child->path;
        beginRemoveRows(parentIndex, row, row);
        directory->children.erase(directory->children.begin() + row);
        endRemoveRows();
        emit pathRemoved(removedPath);
    }
    if (!wasLoaded && directory->children.empty()) {
        // A first listing: sorted once and inserted in one go (node_modules has 50 000 entries).
        std::vector<std::unique_ptr<Node>> children;
        children.reserve(static_cast<std::size_t>(listed.size()));
        for (auto it = listed.constBegin(); it != listed.constEnd(); ++it)
            children.push_back(nodeFrom(it.key(), it.value(), directory));
        std::sort(children.begin(), children.end(), [](const auto &a, const auto &b) {
            return sortsBefore(a->isDirectory, a->name, b->isDirectory, b->name);
        });
        if (!children.empty()) {
            beginInsertRows(parentIndex, 0, static_cast<int>(children.size()) - 1);
            directory->children = std::move(children);
            endInsertRows();
        } else if (parentIndex.isValid()) {
            emit dataChanged(parentIndex, parentIndex); // no expand arrow any more
        }
        return;
    }
    // By name, once: a search per entry made a refresh of 30 000 entries take seconds.
    QHash<QString, Node *> existingByName;
    existingByName.reserve(static_cast<qsizetype>(directory->children.size()));
    for (const auto &child : directory->children)
        existingByName.insert(child->name, child.get());
    for (auto it = listed.constBegin(); it != listed.constEnd(); ++it) {
        const QJsonObject &file = it.value();
        auto fresh = nodeFrom(it.key(), file, directory);
        Node *child = existingByName.value(it.key());
        if (!child) {
            insertChild(directory, std::move(fresh));
            continue;
        }
        if (child->size == fresh->size && child->modified == fresh->modified && child->mode == fresh->mode &&
            child->isSymlink == fresh->isSymlink && child->isMount == fresh->isMount)
            continue;
        child->size = fresh->size;
        child->modified = fresh->modified;
        child->mode = fresh->mode;
        child->isSymlink = fresh->isSymlink;
        child->isMount = fresh->isMount;
        emit dataChanged(indexOf(child, 0), indexOf(child, ColumnCount - 1));
    }
}

std::unique_ptr<FileTreeModel::Node> FileTreeModel::nodeFrom(const QString &name, const QJsonObject &file, Node *directory)
{
    auto node = std::make_unique<Node>();
    node->name = name;
    node->path = joinPath(directory->path, name);
    node->parent = directory;
    node->isDirectory = file.value("type").toString() == "directory";
    node->isSymlink = file.value("isSymlink").toBool();
    node->isMount = file.value("mount").toBool();
    node->size = file.value("size").toInteger();
    node->modified = QDateTime::fromString(file.value("modifiedAt").toString(), Qt::ISODateWithMs);
    node->mode = file.value("mode").toString();
    return node;
}

void FileTreeModel::insertChild(Node *directory, std::unique_ptr<Node> child)
{
    child->parent = directory;
    auto &children = directory->children;
    const auto position = std::lower_bound(children.begin(), children.end(), child, [](const auto &a, const auto &b) {
        return sortsBefore(a->isDirectory, a->name, b->isDirectory, b->name);
    });
    const int row = static_cast<int>(position - children.begin());
    beginInsertRows(indexOf(directory), row, row);
    children.insert(position, std::move(child));
    endInsertRows();
}

void FileTreeModel::renameNode(Node *node, const QString &newPath)
{
    Node *directory = node->parent;
    if (!directory || parentPath(newPath) != directory->path) {
        scheduleRefresh(parentPath(node->path)); // moved elsewhere: both directories list again
        scheduleRefresh(parentPath(newPath));
        return;
    }
    const QString oldPath = node->path;
    const QString oldPrefix = oldPath + '/';
    std::function<void(Node *)> rebase = [&](Node *n) {
        n->path = newPath + n->path.mid(oldPath.size());
        for (auto &child : n->children)
            rebase(child.get());
    };
    const QString newName = newPath.mid(newPath.lastIndexOf('/') + 1);
    // Remove any row already holding the new name (a rename over an existing file).
    const auto clash = std::find_if(directory->children.begin(), directory->children.end(),
                                    [&](const auto &child) { return child->name == newName && child.get() != node; });
    if (clash != directory->children.end()) {
        const int clashRow = static_cast<int>(clash - directory->children.begin());
        beginRemoveRows(indexOf(directory), clashRow, clashRow);
        directory->children.erase(clash);
        endRemoveRows();
    }
    const int from = node->row();
    node->name = newName;
    rebase(node);
    // Move the row to its sorted place; the node (and so selection and expansion) is kept.
    auto &children = directory->children;
    int to = 0;
    for (const auto &child : children)
        if (child.get() != node && sortsBefore(child->isDirectory, child->name, node->isDirectory, node->name))
            ++to;
    if (to != from) {
        beginMoveRows(indexOf(directory), from, from, indexOf(directory), to > from ? to + 1 : to);
        auto moving = std::move(children[static_cast<std::size_t>(from)]);
        children.erase(children.begin() + from);
        children.insert(children.begin() + to, std::move(moving));
        endMoveRows();
    }
    emit dataChanged(indexOf(node, 0), indexOf(node, ColumnCount - 1));
    emit pathRenamed(oldPath, newPath);
}

void FileTreeModel::refreshDirectory(const QString &path)
{
    Node *node = nodeForPath(path);
    if (node && node->isDirectory && node->loaded && !node->loading)
        list(node);
    else if (node && node->loading)
        scheduleRefresh(path); // an answer is on its way but may predate the change: ask again after
}

void FileTreeModel::scheduleRefresh(const QString &directory)
{
    pendingRefresh_.insert(directory);
    if (!refreshTimer_.isActive())
        refreshTimer_.start();
}

void FileTreeModel::flushRefreshes()
{
    const QSet<QString> directories = std::exchange(pendingRefresh_, {});
    for (const QString &directory : directories)
        refreshDirectory(directory);
}

void FileTreeModel::refreshLoadedBelow(Node *node)
{
    if (!node->isDirectory || !node->loaded)
        return;
    scheduleRefresh(node->path);
    for (auto &child : node->children)
        refreshLoadedBelow(child.get());
}

void FileTreeModel::refreshMounts(Node *node)
{
    if (!node->isDirectory || !node->loaded)
        return;
    if (node->isMount)
        return refreshLoadedBelow(node);
    for (auto &child : node->children)
        refreshMounts(child.get());
}

void FileTreeModel::refreshAll()
{
    if (root_)
        refreshLoadedBelow(root_.get());
}

void FileTreeModel::applyWatchEvent(const QJsonObject &event)
{
    const QString type = event.value("type").toString();
    const QString path = event.value("path").toString();
    if (type == "rescan") {
        // Events were lost below path: list it (and what is open under it) again.
        if (Node *node = nodeForPath(path))
            refreshLoadedBelow(node);
        else
            refreshAll();
        return;
    }
    if (type != "event")
        return;
    const QString kind = event.value("eventType").toString();
    const quint32 cookie = static_cast<quint32>(event.value("cookie").toInteger());
    if (kind == "move_from" && cookie) {
        movedFrom_.insert(cookie, path);
    } else if (kind == "move_to" && cookie && movedFrom_.contains(cookie)) {
        const QString from = movedFrom_.take(cookie);
        if (Node *node = nodeForPath(from))
            renameNode(node, path);
    }
    if (kind == "modify" && !event.value("isDirectory").toBool())
        emit fileModified(path);
    if (kind == "create" && !event.value("isDirectory").toBool() && nodeForPath(path))
        emit fileModified(path); // replaced by a rename over it (how atomic writes look)
    if (nodeForPath(parentPath(path)))
        scheduleRefresh(parentPath(path));
}

QStringList FileTreeModel::mimeTypes() const
{
    return {QStringLiteral("text/uri-list"), QString::fromLatin1(kPathsMimeType)};
}

QMimeData *FileTreeModel::mimeData(const QModelIndexList &indexes) const
{
    QStringList paths;
    for (const QModelIndex &index : indexes)
        if (index.column() == NameColumn && !paths.contains(pathOf(index)))
            paths << pathOf(index);
    if (paths.isEmpty())
        return nullptr;
    QMimeData *data = mimeFactory_ ? mimeFactory_(paths) : new QMimeData;
    data->setData(kPathsMimeType, paths.join('\n').toUtf8());
    return data;
}

bool FileTreeModel::canDropMimeData(const QMimeData *data, Qt::DropAction, int, int, const QModelIndex &parent) const
{
    if (!root_ || (parent.isValid() && !isDirectory(parent)))
        return false;
    if (data->hasFormat(kPathsMimeType))
        return true;
    if (!data->hasUrls())
        return false;
    const auto urls = data->urls();
    return std::all_of(urls.begin(), urls.end(), [](const QUrl &url) { return url.isLocalFile(); });
}

bool FileTreeModel::dropMimeData(const QMimeData *data, Qt::DropAction action, int row, int column,
                                 const QModelIndex &parent)
{
    if (!canDropMimeData(data, action, row, column, parent))
        return false;
    const QString target = parent.isValid() ? pathOf(parent) : rootPath();
    if (data->hasFormat(kPathsMimeType)) {
        // Inside the tree: a move, done by the sandbox; the watch stream shows the result.
        for (const QString &source : QString::fromUtf8(data->data(kPathsMimeType)).split('\n', Qt::SkipEmptyParts)) {
            const QString destination = joinPath(target, source.mid(source.lastIndexOf('/') + 1));
            if (destination == source || target.startsWith(source + '/') || target == source)
                continue;
            emit moveRequested(source, destination);
        }
        return false; // the tree changes through the watch stream, not through the view's drop
    }
    QStringList localPaths;
    for (const QUrl &url : data->urls())
        localPaths << url.toLocalFile();
    emit uploadRequested(localPaths, target);
    return false; // rows arrive through the watch stream when the uploads land
}

Qt::DropActions FileTreeModel::supportedDropActions() const
{
    return Qt::CopyAction | Qt::MoveAction;
}

Qt::DropActions FileTreeModel::supportedDragActions() const
{
    return Qt::CopyAction | Qt::MoveAction;
}

} // namespace sandbench::ui
