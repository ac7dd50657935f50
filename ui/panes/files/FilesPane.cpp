#include "panes/files/FilesPane.h"

#include "client/EngineClient.h"
#include "client/SandboxApi.h"
#include "models/FileTreeModel.h"
#include "panes/files/FileEditor.h"
#include "panes/files/TransferList.h"
#include "widgets/Confirm.h"
#include "widgets/CodeEditor.h"
#include "widgets/MessageBanner.h"
#include "widgets/Remembered.h"

#include <QEvent>
#include <QKeyEvent>
#include <QAction>
#include <QCheckBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QJsonObject>
#include <QPushButton>
#include <QRegularExpression>
#include <QDir>
#include <QDirIterator>
#include <QEventLoop>
#include <QFileDialog>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QMimeData>
#include <QSplitter>
#include <QStackedWidget>
#include <QStyle>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <QTreeView>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>
#include <memory>

namespace sandbench::ui {

namespace {

QString fileName(const QString &path)
{
    return path.mid(path.lastIndexOf('/') + 1);
}

// Paths whose folder is not among them too (a folder's delete or download takes its contents).
QStringList withoutNested(const QStringList &paths)
{
    QStringList outer;
    for (const QString &path : paths)
        if (std::none_of(paths.begin(), paths.end(),
                         [&](const QString &other) { return path.startsWith(other + '/'); }))
            outer << path;
    return outer;
}

QString shellQuote(const QString &text)
{
    QString quoted = text;
    quoted.replace('\'', QStringLiteral("'\\''"));
    return '\'' + quoted + '\'';
}

} // namespace

// Drag data for files leaving the tree: the bytes are fetched when the drop target asks
// for the URLs (at the drop), into a staging folder, while the event loop keeps running.
class SandboxFilesMimeData : public QMimeData {
public:
    SandboxFilesMimeData(FilesPane *pane, QStringList paths, QString stagingDir)
        : pane_(pane), paths_(std::move(paths)), stagingDir_(std::move(stagingDir)) {}

    QStringList formats() const override
    {
        QStringList formats = QMimeData::formats();
        if (!formats.contains("text/uri-list"))
            formats << QStringLiteral("text/uri-list");
        return formats;
    }

protected:
    QVariant retrieveData(const QString &mimeType, QMetaType type) const override
    {
        if (mimeType != "text/uri-list" || !pane_)
            return QMimeData::retrieveData(mimeType, type);
        if (urls_.isEmpty())
            fetch();
        QList<QVariant> urls;
        for (const QUrl &url : urls_)
            urls << url;
        return urls;
    }

private:
    void fetch() const
    {
        QDir().mkpath(stagingDir_);
        // Shared: a listing that answers after the wait gave up finds it still there.
        auto listings = std::make_shared<int>(0);
        for (const QString &path : paths_) {
            const QString local = stagingDir_ + '/' + fileName(path);
            if (pane_->model()->isDirectory(pane_->model()->indexForPath(path))) {
                ++*listings;
                pane_->downloadFolder(path, local, [listings] { --*listings; });
            } else {
                pane_->download(path, local);
            }
            urls_ << QUrl::fromLocalFile(local);
        }
        // Each download reports through the transfer list; wait until every folder is listed
        // and every transfer has ended.
        QEventLoop loop;
        QTimer check;
        QObject::connect(&check, &QTimer::timeout, &loop, [this, listings, &loop] {
            if (!pane_ || (*listings == 0 && pane_->transfers()->activeCount() == 0))
                loop.quit();
        });
        check.start(20);
        QTimer::singleShot(std::chrono::minutes(10), &loop, &QEventLoop::quit);
        loop.exec();
    }

    QPointer<FilesPane> pane_;
    QStringList paths_;
    QString stagingDir_;
    mutable QList<QUrl> urls_;
};

FilesPane::FilesPane(EngineClient *client, const QString &sandboxId, QWidget *parent)
    : SandboxPane(client, sandboxId, tr("This sandbox is not running. Start it to browse its files."), parent),
      client_(client), sandbox_(sandboxId), api_(client, sandboxId), model_(new FileTreeModel(client, this)), treeSide_(new QWidget(this)),
      tree_(new QTreeView(this)), pathBar_(new QLineEdit(this)), pathMessage_(new QLabel(this)),
      banner_(SandboxPane::banner()), transfers_(new TransferList(this)),
      editorArea_(new QStackedWidget(this)), editors_(new QTabWidget(this))
{
    tree_->setModel(model_);
    tree_->setUniformRowHeights(true);
    tree_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    tree_->setDragDropMode(QAbstractItemView::DragDrop);
    tree_->setDefaultDropAction(Qt::CopyAction);
    tree_->setDropIndicatorShown(true);
    tree_->setEditTriggers(QAbstractItemView::EditKeyPressed);
    tree_->setContextMenuPolicy(Qt::ActionsContextMenu);
    tree_->setAccessibleName(tr("Files"));
    // The name takes the room; the other columns are as wide as what they show.
    tree_->header()->setStretchLastSection(false);
    tree_->header()->setSectionResizeMode(FileTreeModel::NameColumn, QHeaderView::Stretch);
    for (int column : {FileTreeModel::SizeColumn, FileTreeModel::ModifiedColumn, FileTreeModel::PermissionsColumn})
        tree_->header()->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    model_->setMimeFactory([this](const QStringList &paths) { return dragOut(paths); });
    tree_->viewport()->installEventFilter(this); // narrow: the name keeps the room (see fitColumns)

    editors_->setTabsClosable(true);
    editors_->setMovable(true);
    editors_->setDocumentMode(true);
    editorArea_->addWidget(hintLabel(tr("Double-click a file to open it."), editorArea_));
    // An empty workspace says what to do instead of showing a blank tree.
    emptyHint_ = hintLabel(tr("The workspace is empty.\nDrop files here, or use New File and New Folder."), tree_->viewport());
    emptyHint_->hide();
    (new QVBoxLayout(tree_->viewport()))->addWidget(emptyHint_);
    const auto updateEmptyHint = [this] { emptyHint_->setVisible(model_->rowCount() == 0 && model_->isRootListed()); };
    connect(model_, &FileTreeModel::directoryLoaded, this, updateEmptyHint);
    connect(model_, &QAbstractItemModel::rowsInserted, this, updateEmptyHint);
    connect(model_, &QAbstractItemModel::rowsRemoved, this, updateEmptyHint);
    connect(model_, &QAbstractItemModel::modelReset, this, updateEmptyHint);
    editorArea_->addWidget(editors_);

    auto *treeSide = treeSide_;
    auto *toolbar = new QToolBar(treeSide);
    toolbar->setIconSize(QSize(16, 16));
    auto *treeLayout = new QVBoxLayout(treeSide);
    treeLayout->setContentsMargins(0, 0, 0, 0);
    treeLayout->setSpacing(2);
    treeLayout->addWidget(toolbar);
    treeLayout->addWidget(pathBar_);
    treeLayout->addWidget(pathMessage_);
    treeLayout->addWidget(banner_);
    treeLayout->addWidget(tree_, 1);
    treeLayout->addWidget(transfers_);
    transfers_->setMaximumHeight(140);
    treeSide->setMinimumWidth(280); // the name and the size, at 800 pixels of window
    editorArea_->setMinimumWidth(200);

    auto *splitter = new QSplitter(Qt::Horizontal, livePage());
    splitter->addWidget(treeSide);
    splitter->addWidget(editorArea_);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    splitter->setChildrenCollapsible(false);
    rememberSplitter(splitter, "files/splitter", {460, 540}); // shared by every Files pane
    auto *liveLayout = new QVBoxLayout(livePage());
    liveLayout->setContentsMargins(0, 0, 0, 0);
    liveLayout->addWidget(splitter);


    createActions();
    toolbar->addActions(actions());

    // The path bar: the current folder, and a way to go to a path by typing it.
    pathBar_->setAccessibleName(tr("Path"));
    pathBar_->setPlaceholderText(tr("Path of a file or folder (Enter shows it)"));
    pathBar_->setToolTip(tr("The folder of the selected item. Type a path, absolute or within /workspace, and "
                            "press Enter to show it in the tree; Esc goes back."));
    pathBar_->setClearButtonEnabled(true);
    pathBar_->installEventFilter(this);
    pathMessage_->setWordWrap(true);
    pathMessage_->setTextFormat(Qt::PlainText); // paths are the sandbox's
    pathMessage_->setStyleSheet(QStringLiteral("color: #cf222e; padding: 0 4px;"));
    pathMessage_->hide();
    connect(pathBar_, &QLineEdit::returnPressed, this, [this] { revealPath(pathBar_->text()); });
    connect(pathBar_, &QLineEdit::textEdited, pathMessage_, &QLabel::hide);
    connect(tree_->selectionModel(), &QItemSelectionModel::currentChanged, this, &FilesPane::updatePathBar);
    connect(model_, &QAbstractItemModel::modelReset, this, &FilesPane::updatePathBar);
    connect(model_, &FileTreeModel::directoryLoaded, this, [this](const QString &path) {
        if (path == model_->rootPath())
            updatePathBar();
    });

    connect(tree_, &QTreeView::doubleClicked, this, [this](const QModelIndex &index) {
        if (!model_->isDirectory(index))
            openFile(model_->pathOf(index));
    });
    connect(model_, &FileTreeModel::errorOccurred, banner_, &MessageBanner::showError);
    connect(model_, &FileTreeModel::uploadRequested, this, &FilesPane::upload);
    connect(model_, &FileTreeModel::renameRequested, this, [this](const QString &from, const QString &to) {
        unlessItWouldReplace(to, [this, from, to] { model_->rename(from, to); });
    });
    connect(model_, &FileTreeModel::moveRequested, this, [this](const QString &source, const QString &destination) {
        unlessItWouldReplace(destination, [this, source, destination] { model_->move(source, destination); });
    });
    connect(model_, &FileTreeModel::fileModified, this, [this](const QString &path) {
        if (FileEditor *editor = editorFor(path))
            editor->changedInSandbox();
    });
    connect(model_, &FileTreeModel::pathRemoved, this, [this](const QString &path) {
        for (int tab = 0; tab < editors_->count(); ++tab) {
            auto *editor = static_cast<FileEditor *>(editors_->widget(tab));
            if (editor->path() == path || editor->path().startsWith(path + '/'))
                editor->removedInSandbox();
        }
    });
    connect(model_, &FileTreeModel::pathRenamed, this, [this](const QString &from, const QString &to) {
        // A tab on the name that was replaced shows a file that is gone: it reloads (or, with
        // unsaved edits, says so), and goes when the moved file's own tab takes its place.
        FileEditor *replaced = editorFor(to);
        bool movedTabArrives = false;
        for (int tab = 0; tab < editors_->count(); ++tab) {
            auto *editor = static_cast<FileEditor *>(editors_->widget(tab));
            if (editor->path() == from || editor->path().startsWith(from + '/')) {
                editor->renamedTo(to + editor->path().mid(from.size()));
                movedTabArrives = movedTabArrives || editor->path() == to;
            }
        }
        if (!replaced)
            return;
        if (movedTabArrives && !replaced->isModified())
            closeEditor(editors_->indexOf(replaced));
        else
            replaced->changedInSandbox();
    });
    connect(editors_, &QTabWidget::tabCloseRequested, this, &FilesPane::closeEditor);
    updateLiveState();
}

FilesPane::~FilesPane()
{
    closeWatch();
}

void FilesPane::createActions()
{
    auto add = [this](const QIcon &icon, const QString &text, const QKeySequence &keys, auto slot) {
        auto *action = new QAction(icon, text, this);
        action->setShortcut(keys);
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        connect(action, &QAction::triggered, this, slot);
        addAction(action);
        tree_->addAction(action);
        return action;
    };
    add(style()->standardIcon(QStyle::SP_FileIcon), tr("New &File…"), QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_N),
        &FilesPane::newFile);
    add(style()->standardIcon(QStyle::SP_FileDialogNewFolder), tr("New F&older…"),
        QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N), &FilesPane::newFolder);
    add(QIcon::fromTheme("edit-rename", style()->standardIcon(QStyle::SP_FileDialogDetailedView)), tr("&Rename"), QKeySequence(Qt::Key_F2), [this] {
        if (tree_->currentIndex().isValid())
            tree_->edit(tree_->currentIndex().siblingAtColumn(FileTreeModel::NameColumn));
    });
    add(style()->standardIcon(QStyle::SP_TrashIcon), tr("&Delete…"), QKeySequence::Delete, &FilesPane::deleteSelected);
    add(style()->standardIcon(QStyle::SP_ArrowUp), tr("&Upload…"), QKeySequence(Qt::CTRL | Qt::Key_U),
        &FilesPane::uploadWithDialog);
    add(style()->standardIcon(QStyle::SP_ArrowDown), tr("Do&wnload…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D),
        &FilesPane::downloadSelected);
    add(style()->standardIcon(QStyle::SP_BrowserReload), tr("Re&fresh"), QKeySequence::Refresh,
        [this] { model_->refreshAll(); });
    add(QIcon::fromTheme("vcs-normal", style()->standardIcon(QStyle::SP_DirLinkIcon)), tr("&Clone Repository…"),
        QKeySequence(), [this] { cloneRepository(); });
    // The folder selected (or the selected file's), kept as a backup in the Storage pane.
    add(style()->standardIcon(QStyle::SP_DialogSaveButton), tr("&Back Up This Folder…"), QKeySequence(),
        [this] { emit backupRequested(model_->directoryFor(tree_->currentIndex())); });
}

bool FilesPane::isWatching() const
{
    return watch_ && watch_->isOpen();
}

bool FilesPane::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == tree_->viewport() && event->type() == QEvent::Resize)
        fitColumns();
    if (watched == pathBar_ && event->type() == QEvent::KeyPress &&
        static_cast<QKeyEvent *>(event)->key() == Qt::Key_Escape) {
        updatePathBar(); // back to the current folder
        pathMessage_->hide();
        return true;
    }
    return SandboxPane::eventFilter(watched, event);
}

void FilesPane::fitColumns()
{
    // Names come first: on a narrow tree the permissions, then the times, make room.
    const int width = tree_->viewport()->width();
    tree_->setColumnHidden(FileTreeModel::PermissionsColumn, width < 520);
    tree_->setColumnHidden(FileTreeModel::ModifiedColumn, width < 380);
}

bool FilesPane::keepsContentWhenStopped() const
{
    return editors_->count() > 0; // open files are the user's work
}

void FilesPane::updateLiveState()
{
    SandboxPane::updateLiveState();
    const bool running = sandboxRunning();
    const bool keepEditors = !running && keepsContentWhenStopped();
    tree_->setEnabled(running);
    pathBar_->setEnabled(running);
    for (QAction *action : actions())
        action->setEnabled(running);
    if (keepEditors) {
        banner_->showInfo(tr("The sandbox is not running. Start it to browse and save its files; open files stay "
                             "here (Ctrl+Shift+S saves a copy on this computer)."));
        stoppedNoticeShown_ = true;
    } else if (running && stoppedNoticeShown_) {
        banner_->hide();
        stoppedNoticeShown_ = false;
    }
    if (isLive()) // a hidden pane does not keep the sandbox awake with its watch
        openWatch();
    else
        closeWatch();
}

void FilesPane::openWatch()
{
    if (watch_)
        return;
    watch_ = api_.watch("/workspace", true, this);
    connect(watch_, &EventStream::event, this, [this](const QJsonObject &event) {
        if (event.value("type").toString() == "watching") {
            // List only once the watch is in place, so no change falls between the two.
            if (!everWatched_)
                model_->setSandbox(sandbox_);
            else
                model_->refreshAll();
            everWatched_ = true;
            return;
        }
        model_->applyWatchEvent(event);
    });
    connect(watch_, &EventStream::finished, this, [this](const QString &error) {
        watch_->deleteLater();
        watch_ = nullptr;
        if (!error.isEmpty() && sandboxRunning())
            banner_->showError(tr("The live view of the files stopped: %1").arg(error));
        QTimer::singleShot(1000, this, &FilesPane::updateLiveState); // reconnects while still wanted
    });
}

void FilesPane::closeWatch()
{
    if (!watch_)
        return;
    watch_->close();
    watch_->deleteLater();
    watch_ = nullptr;
}

void FilesPane::updatePathBar()
{
    const QModelIndex current = tree_->currentIndex();
    pathBar_->setText(current.isValid() ? model_->directoryFor(current) : model_->rootPath());
}

void FilesPane::showPathMessage(const QString &text)
{
    pathMessage_->setText(text);
    pathMessage_->show();
}

void FilesPane::revealPath(const QString &typed)
{
    const QString root = model_->rootPath();
    QString path = typed.trimmed();
    if (path.isEmpty() || root.isEmpty())
        return;
    if (!path.startsWith('/'))
        path = root + '/' + path; // relative to the tree's root
    path = QDir::cleanPath(path);
    pathMessage_->hide();
    const quint64 generation = ++revealGeneration_;
    if (path != root && !path.startsWith(root + '/')) {
        showPathMessage(tr("Only %1 and what is in it shows here.").arg(root));
        return;
    }
    api_.exists(path, this, [this, path, generation](const ApiResult &result) {
        if (generation != revealGeneration_)
            return;
        if (!result.ok())
            showPathMessage(tr("Could not check %1: %2").arg(path, result.errorMessage));
        else if (!result.body.value("exists").toBool())
            showPathMessage(tr("%1 does not exist.").arg(path));
        else
            expandTowards(path, generation, 0);
    });
}

void FilesPane::expandTowards(const QString &path, quint64 generation, int attempt)
{
    if (generation != revealGeneration_)
        return;
    if (path == model_->rootPath()) {
        tree_->setCurrentIndex({});
        updatePathBar();
        return;
    }
    if (const QModelIndex target = model_->indexForPath(path); target.isValid()) {
        for (QModelIndex folder = target.parent(); folder.isValid(); folder = folder.parent())
            tree_->expand(folder);
        tree_->selectionModel()->setCurrentIndex(target, QItemSelectionModel::ClearAndSelect |
                                                             QItemSelectionModel::Rows);
        tree_->scrollTo(target);
        updatePathBar(); // also when it was current already: the bar shows the clean path
        return;
    }
    // A folder on the way is not listed yet (or not since the item appeared): the deepest
    // one shown is listed, and then the next step is taken.
    QString folder = path.left(path.lastIndexOf('/'));
    while (folder != model_->rootPath() && !model_->indexForPath(folder).isValid())
        folder = folder.left(folder.lastIndexOf('/'));
    if (attempt > 2 * path.count('/') + 4) { // listed, and still not there: gone meanwhile
        showPathMessage(tr("%1 does not exist.").arg(path));
        return;
    }
    auto connection = std::make_shared<QMetaObject::Connection>();
    *connection = connect(model_, &FileTreeModel::directoryLoaded, this,
                          [this, connection, folder, path, generation, attempt](const QString &loaded) {
        if (loaded != folder)
            return;
        disconnect(*connection);
        expandTowards(path, generation, attempt + 1);
    });
    const QModelIndex folderIndex = model_->indexForPath(folder);
    if (model_->canFetchMore(folderIndex))
        model_->fetchMore(folderIndex);
    else
        model_->refreshDirectory(folder);
}

QStringList FilesPane::selectedPaths() const
{
    QStringList paths;
    for (const QModelIndex &index : tree_->selectionModel()->selectedRows(FileTreeModel::NameColumn))
        paths << model_->pathOf(index);
    return paths;
}

FileEditor *FilesPane::editorFor(const QString &path) const
{
    for (int tab = 0; tab < editors_->count(); ++tab) {
        auto *editor = static_cast<FileEditor *>(editors_->widget(tab));
        if (editor->path() == path)
            return editor;
    }
    return nullptr;
}

FileEditor *FilesPane::openFile(const QString &path)
{
    if (FileEditor *open = editorFor(path)) {
        editors_->setCurrentWidget(open);
        return open;
    }
    auto *editor = new FileEditor(client_, sandbox_, path, editors_);
    const int tab = editors_->addTab(editor, editor->title());
    editors_->setTabToolTip(tab, path);
    editors_->setCurrentIndex(tab);
    editorArea_->setCurrentWidget(editors_);
    connect(editor, &FileEditor::titleChanged, this, [this, editor] {
        const int at = editors_->indexOf(editor);
        editors_->setTabText(at, editor->title());
        editors_->setTabToolTip(at, editor->path());
    });
    connect(editor, &FileEditor::loaded, this, [editor] {
        if (editor->isText())
            editor->codeEditor()->setFocus();
    });
    return editor;
}

QList<FileEditor *> FilesPane::unsavedEditors() const
{
    return unsavedEditorsIn(editors_);
}

QList<FileEditor *> FilesPane::takeUnsavedEditors()
{
    const QList<FileEditor *> unsaved = unsavedEditors();
    for (FileEditor *editor : unsaved) {
        editors_->removeTab(editors_->indexOf(editor));
        editor->setParent(nullptr);
    }
    return unsaved;
}

void FilesPane::unlessItWouldReplace(const QString &destination, std::function<void()> then)
{
    api_.exists(destination, this,
                        [this, destination, then = std::move(then)](const ApiResult &result) {
        if (!result.ok()) {
            banner_->showError(tr("Could not check %1: %2").arg(destination, result.errorMessage));
            return;
        }
        if (result.body.value("isDirectory").toBool()) {
            // Onto a folder the sandbox would move the item into it, replacing a namesake there.
            banner_->showError(tr("%1 is a folder. Choose another name, or drop onto the folder to move into it.")
                                   .arg(destination));
            return;
        }
        if (!result.body.value("exists").toBool() || askReplace(this, {destination}, false) == ReplaceChoice::Replace)
            then();
    });
}

bool FilesPane::closeEditor(int tab)
{
    auto *editor = static_cast<FileEditor *>(editors_->widget(tab));
    if (editor->isModified()) {
        QMessageBox box(QMessageBox::Question, tr("Unsaved Changes"),
                        tr("Save the changes to %1 before closing?").arg(editor->path()),
                        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, this);
        box.setDefaultButton(QMessageBox::Save);
        plainTextOnly(box);
        const auto answer = static_cast<QMessageBox::StandardButton>(box.exec());
        if (answer == QMessageBox::Cancel)
            return false;
        if (answer == QMessageBox::Save)
            editor->save(); // the write goes on after the tab is gone: it holds its own copy
    }
    editors_->removeTab(tab);
    editor->deleteLater();
    if (editors_->count() == 0)
        editorArea_->setCurrentIndex(0);
    return true;
}

void FilesPane::newFile()
{
    const QString directory = model_->directoryFor(tree_->currentIndex());
    const QString name = QInputDialog::getText(this, tr("New File"), tr("Name of the new file in %1:").arg(directory));
    if (name.isEmpty())
        return;
    const QString path = directory + '/' + name;
    // Never over an existing file: a new file is empty.
    api_.exists(path, this, [this, path](const ApiResult &found) {
        if (found.ok() && found.body.value("exists").toBool()) {
            banner_->showError(tr("%1 already exists. Choose another name.").arg(path));
            return;
        }
        api_.write(path, QString(), this,
                            [this, path](const ApiResult &result) {
            if (!result.ok()) {
                banner_->showError(tr("Could not create %1: %2").arg(path, result.errorMessage));
                return;
            }
            banner_->hide(); // an earlier "already exists" is old news
            openFile(path);
            selectWhenListed(path);
        });
    });
}

void FilesPane::selectWhenListed(const QString &path, int attempt)
{
    const QModelIndex index = model_->indexForPath(path);
    if (index.isValid()) {
        tree_->setCurrentIndex(index);
        tree_->scrollTo(index);
    } else if (attempt < 40) {
        QTimer::singleShot(50, this, [this, path, attempt] { selectWhenListed(path, attempt + 1); });
    }
}

FilesPane::CloneStep FilesPane::cloneStep(const QString &phase, int percent) const
{
    // git's steps in order, each a share of the whole bar (receiving is most of the time).
    struct Known {
        const char *phase;
        QString name;
        int from, to;
    };
    const Known steps[] = {
        {"Enumerating objects", tr("enumerating objects"), 0, 2},
        {"Counting objects", tr("counting objects"), 2, 5},
        {"Compressing objects", tr("compressing objects"), 5, 10},
        {"Receiving objects", tr("receiving objects"), 10, 85},
        {"Resolving deltas", tr("resolving deltas"), 85, 95},
        {"Updating files", tr("updating files"), 95, 100},
    };
    for (const Known &step : steps)
        if (phase == QLatin1String(step.phase))
            return {step.name, step.from + (step.to - step.from) * std::clamp(percent, 0, 100) / 100};
    return {phase, 0};
}

void FilesPane::cloneRepository(const QJsonObject &previous)
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Clone Repository"));
    dialog.setMinimumWidth(560);
    auto *url = new QLineEdit(previous.value("repoUrl").toString(), &dialog);
    url->setObjectName("repoUrl");
    url->setPlaceholderText(tr("https://host/owner/project.git, or file:///path inside the sandbox"));
    auto *branch = new QLineEdit(previous.value("branch").toString(), &dialog);
    branch->setObjectName("branch");
    branch->setPlaceholderText(tr("Optional: the remote's default branch"));
    // Into the folder selected (the workspace when nothing is): "<folder>/<repository name>".
    const QModelIndex selected = tree_->selectionModel()->selectedRows().value(0);
    const QString folder = selected.isValid() ? model_->directoryFor(selected) : model_->rootPath();
    auto *target = new QLineEdit(previous.value("targetDir").toString(), &dialog);
    target->setObjectName("targetDir");
    target->setPlaceholderText(tr("%1/<name of the repository>").arg(folder));
    auto *shallow = new QCheckBox(tr("&Latest commit only (a shallow clone, --depth 1)"), &dialog);
    shallow->setObjectName("shallow");
    shallow->setChecked(previous.value("depth").toInt() == 1);
    auto *note = noteLabel(tr("The sandbox has no network unless its network is “egress”: a repository on the "
                              "internet needs that (New Sandbox or Settings)."), &dialog);
    auto *problem = problemLabel(&dialog);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Clone"));
    connect(buttons, &QDialogButtonBox::accepted, &dialog, [&] {
        if (!url->text().trimmed().isEmpty())
            return dialog.accept();
        showProblem(problem, tr("Enter the repository's URL."), url);
    });
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto *form = new QFormLayout(&dialog);
    form->addRow(tr("&Repository URL:"), url);
    form->addRow(tr("&Branch:"), branch);
    form->addRow(tr("&Into:"), target);
    form->addRow(shallow);
    form->addRow(note);
    form->addRow(problem);
    form->addRow(buttons);
    if (QLineEdit *focus = dialog.findChild<QLineEdit *>(previous.value("focus").toString())) {
        focus->setFocus();
        focus->selectAll();
    }
    if (dialog.exec() != QDialog::Accepted)
        return;
    const QString repo = url->text().trimmed();
    QString into = target->text().trimmed();
    if (into.isEmpty()) {
        QString name = repo.section(QRegularExpression(QStringLiteral("[/:]")), -1, -1, QString::SectionSkipEmpty);
        if (name.endsWith(QStringLiteral(".git")))
            name.chop(4);
        into = folder + '/' + (name.isEmpty() ? QStringLiteral("repository") : name);
    }
    QJsonObject options{{"repoUrl", repo}, {"targetDir", into}};
    if (!branch->text().trimmed().isEmpty())
        options["branch"] = branch->text().trimmed();
    if (shallow->isChecked())
        options["depth"] = 1;
    startClone(options, target->text().trimmed());
}

void FilesPane::startClone(const QJsonObject &options, const QString &typedTarget)
{
    const QString into = options.value("targetDir").toString();
    // What was typed, to change and retry after a failure (the folder only if it was typed).
    QJsonObject typed = options;
    typed["targetDir"] = typedTarget;
    const auto failed = [this, typed](const QString &why, const QString &code) {
        banner()->showError(tr("Could not clone: %1").arg(why));
        QJsonObject again = typed; // the cursor goes where the error is
        again["focus"] = code == "GIT_BRANCH_NOT_FOUND" ? "branch"
                         : code == "GIT_CLONE_FAILED" && why.contains("not empty") ? "targetDir"
                                                                                   : "repoUrl";
        banner()->addAction(tr("Change and Retry…"), [this, again] { cloneRepository(again); });
    };
    banner()->showProgress(tr("Cloning into %1…").arg(into));
    EventStream *clone = SandboxApi(client(), sandboxId()).gitCheckout(options, this);
    // Stop closes the stream; the agent then stops git, which removes what it had cloned.
    banner()->addAction(tr("Stop"), [this, clone, into] {
        clone->close();
        clone->deleteLater();
        banner()->showInfo(tr("Stopped cloning into %1.").arg(into));
    });
    auto overall = std::make_shared<int>(0); // git's steps as one bar that only moves on
    connect(clone, &EventStream::event, this, [this, into, failed, overall](const QJsonObject &event) {
        const QString type = event.value("type").toString();
        if (type == "progress" && banner()->showsProgress()) {
            const CloneStep step = cloneStep(event.value("phase").toString(), event.value("percent").toInt());
            *overall = std::max(*overall, step.overall);
            banner()->showProgress(tr("Cloning into %1: %2 %3%").arg(into, step.name).arg(event.value("percent").toInt()),
                                   *overall);
        } else if (type == "complete") {
            banner()->showInfo(tr("Cloned %1 (branch %2).").arg(into, event.value("branch").toString()));
            revealPath(into);
        } else if (type == "error") {
            failed(event.value("message").toString(), event.value("code").toString());
        }
    });
    connect(clone, &EventStream::finished, this, [clone, failed](const QString &error) {
        if (!error.isEmpty())
            failed(error, {});
        clone->deleteLater();
    });
}

void FilesPane::newFolder()
{
    const QString directory = model_->directoryFor(tree_->currentIndex());
    const QString name = QInputDialog::getText(this, tr("New Folder"), tr("Name of the new folder in %1:").arg(directory));
    if (name.isEmpty())
        return;
    const QString path = directory + '/' + name;
    api_.exists(path, this, [this, path](const ApiResult &found) {
        if (found.ok() && found.body.value("exists").toBool()) {
            banner_->showError(tr("%1 already exists. Choose another name.").arg(path));
            return;
        }
        api_.makeDirectory(path, this,
                            [this, path](const ApiResult &result) {
            if (!result.ok())
                banner_->showError(tr("Could not create %1: %2").arg(path, result.errorMessage));
            else
                selectWhenListed(path);
        });
    });
}

void FilesPane::deleteSelected()
{
    const QStringList paths = withoutNested(selectedPaths());
    if (paths.isEmpty())
        return;
    const QString what = paths.size() == 1 ? paths.first() : tr("%n items", nullptr, static_cast<int>(paths.size()));
    // Several: one question, with the count, and what they are in the details.
    QStringList named = paths.size() == 1 ? QStringList() : paths.mid(0, 8);
    if (paths.size() > named.size() && !named.isEmpty())
        named << QStringLiteral("…");
    named << tr("This cannot be undone.");
    if (!confirmAction(this, tr("Delete"), tr("Delete %1 from the sandbox?").arg(what), tr("Delete"),
                       named.join('\n')))
        return;
    for (const QString &path : paths) {
        // deleteFile refuses directories (as the protocol says): those go with rm -rf.
        const bool directory = model_->isDirectory(model_->indexForPath(path));
        auto done = [this, path](const ApiResult &result) {
            const bool failed = !result.ok() || result.body.value("exitCode").toInt() != 0;
            if (failed)
                banner_->showError(tr("Could not delete %1: %2")
                                       .arg(path, result.ok() ? result.body.value("stderr").toString() : result.errorMessage));
        };
        if (directory)
            api_.execute("rm -rf -- " + shellQuote(path), this, done);
        else
            api_.remove(path, this, done);
    }
}

void FilesPane::upload(const QStringList &localPaths, const QString &targetDirectory)
{
    // First which of them exist there already; then one question for all of those.
    struct Check {
        QStringList pending;
        QStringList existing;
    };
    auto check = std::make_shared<Check>();
    check->pending = localPaths;
    for (const QString &local : localPaths) {
        const QString remote = targetDirectory + '/' + QFileInfo(local).fileName();
        api_.exists(remote, this,
                            [this, check, local, remote, localPaths, targetDirectory](const ApiResult &found) {
            check->pending.removeOne(local);
            if (found.ok() && found.body.value("exists").toBool())
                check->existing << remote;
            if (!check->pending.isEmpty())
                return;
            QStringList chosen = localPaths;
            if (!check->existing.isEmpty()) {
                const ReplaceChoice choice = askReplace(this, check->existing, check->existing.size() < localPaths.size());
                if (choice == ReplaceChoice::Cancel)
                    return;
                if (choice == ReplaceChoice::Skip)
                    chosen.removeIf([&](const QString &path) {
                        return check->existing.contains(targetDirectory + '/' + QFileInfo(path).fileName());
                    });
            }
            uploadNow(chosen, targetDirectory);
        });
    }
}

void FilesPane::uploadNow(const QStringList &localPaths, const QString &targetDirectory)
{
    for (const QString &local : localPaths) {
        const QFileInfo info(local);
        const QString remote = targetDirectory + '/' + info.fileName();
        if (!info.isDir()) {
            transfers_->track(api_.upload(local, remote, this), tr("%1 → %2").arg(info.fileName(), targetDirectory));
            continue;
        }
        // A folder: its directories (empty ones too) first, then every file; uploads create parents.
        api_.makeDirectory(remote, this, [](const ApiResult &) {});
        QDirIterator walk(local, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden, QDirIterator::Subdirectories);
        while (walk.hasNext()) {
            const QFileInfo entry(walk.next());
            const QString relative = QDir(local).relativeFilePath(entry.filePath());
            if (entry.isDir())
                api_.makeDirectory(remote + '/' + relative, this, [](const ApiResult &) {});
            else if (entry.isFile())
                transfers_->track(api_.upload(entry.filePath(), remote + '/' + relative, this),
                                  tr("%1 → %2").arg(info.fileName() + '/' + relative, targetDirectory));
        }
    }
}

void FilesPane::uploadWithDialog()
{
    const QStringList files = QFileDialog::getOpenFileNames(this, tr("Upload Files"));
    if (!files.isEmpty())
        upload(files, model_->directoryFor(tree_->currentIndex()));
}

void FilesPane::download(const QString &remotePath, const QString &localPath)
{
    transfers_->track(api_.download(remotePath, localPath, this), tr("%1 → %2").arg(fileName(remotePath), localPath));
}

void FilesPane::downloadSelected()
{
    const QStringList paths = selectedPaths();
    if (paths.isEmpty())
        return;
    if (paths.size() == 1 && !model_->isDirectory(model_->indexForPath(paths.first()))) {
        const QString local = QFileDialog::getSaveFileName(this, tr("Download"), QDir::homePath() + '/' + fileName(paths.first()));
        if (!local.isEmpty())
            download(paths.first(), local);
        return;
    }
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Download Into"), QDir::homePath());
    if (!folder.isEmpty())
        downloadInto(paths, folder);
}

void FilesPane::downloadInto(const QStringList &remotePaths, const QString &localFolder)
{
    QStringList chosen = withoutNested(remotePaths);
    const auto localFor = [&localFolder](const QString &remote) { return localFolder + '/' + fileName(remote); };
    QStringList existing;
    for (const QString &remote : chosen)
        if (QFileInfo::exists(localFor(remote)))
            existing << localFor(remote);
    if (!existing.isEmpty()) {
        const ReplaceChoice choice = askReplace(this, existing, existing.size() < chosen.size());
        if (choice == ReplaceChoice::Cancel)
            return;
        if (choice == ReplaceChoice::Skip)
            chosen.removeIf([&](const QString &remote) { return existing.contains(localFor(remote)); });
    }
    for (const QString &remote : chosen) {
        if (const QModelIndex index = model_->indexForPath(remote); index.isValid() && model_->isDirectory(index))
            downloadFolder(remote, localFor(remote));
        else
            download(remote, localFor(remote));
    }
}

void FilesPane::downloadFolder(const QString &remoteFolder, const QString &localFolder, std::function<void()> listed)
{
    // Listed whole, then every file below it fetched.
    api_.listFiles(remoteFolder, true, this,
                   [this, remoteFolder, localFolder, listed = std::move(listed)](const ApiResult &result) {
        if (!result.ok()) {
            banner_->showError(tr("Could not list %1: %2").arg(remoteFolder, result.errorMessage));
        } else if (!QDir().mkpath(localFolder)) {
            banner_->showError(tr("Could not download %1: the folder %2 cannot be created here.")
                                   .arg(remoteFolder, localFolder));
        } else {
            QStringList notCreated; // folders this computer refused: their files are not fetched
            for (const QJsonValue &value : result.body.value("files").toArray()) {
                const QJsonObject file = value.toObject();
                const QString local = localFolder + '/' + file.value("relativePath").toString();
                const QString folder = file.value("type").toString() == "directory" ? local : QFileInfo(local).path();
                if (!QDir().mkpath(folder)) {
                    if (!notCreated.contains(folder))
                        notCreated << folder;
                } else if (file.value("type").toString() == "file") {
                    download(file.value("absolutePath").toString(), local);
                }
            }
            if (!notCreated.isEmpty())
                banner_->showError(tr("Could not create %1 here, so what is in it was not downloaded.")
                                       .arg(notCreated.join(", ")));
        }
        if (listed)
            listed();
    });
}

QMimeData *FilesPane::dragOut(const QStringList &paths)
{
    if (!dragStaging_)
        dragStaging_ = std::make_unique<QTemporaryDir>(QDir::tempPath() + "/sandbench-drag-XXXXXX");
    static int serial = 0;
    return new SandboxFilesMimeData(this, paths, dragStaging_->path() + '/' + QString::number(++serial));
}

} // namespace sandbench::ui
