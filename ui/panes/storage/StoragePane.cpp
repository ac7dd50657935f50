#include "panes/storage/StoragePane.h"

#include "widgets/Confirm.h"
#include "widgets/MessageBanner.h"
#include "widgets/Remembered.h"

#include <QCheckBox>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QLocale>
#include <QSplitter>
#include <QStandardPaths>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QEvent>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QStyle>
#include <QToolBar>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace sandbench::ui {

namespace {

// Selects a line edit's text when focus enters it while the text is a suggestion.
class SelectSuggestionOnFocus : public QObject {
public:
    SelectSuggestionOnFocus(const bool *typed, QLineEdit *edit) : QObject(edit), typed_(typed), edit_(edit) {}
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::FocusIn && !*typed_)
            QTimer::singleShot(0, edit_, &QLineEdit::selectAll); // after the click places the cursor
        return QObject::eventFilter(watched, event);
    }

private:
    const bool *typed_;
    QLineEdit *edit_;
};


enum Column { PathColumn, BucketColumn, EndpointColumn, StateColumn };
constexpr int kPathRole = Qt::UserRole;

QString localTime(const QJsonValue &iso)
{
    return QLocale().toString(QDateTime::fromString(iso.toString(), Qt::ISODateWithMs).toLocalTime(),
                              QLocale::ShortFormat);
}

// When the backup's folder was as the backup has it: an import says when its archive was
// made (madeAt), not when it was imported (createdAt).
QString madeOf(const QJsonObject &backup)
{
    return localTime(backup.contains("madeAt") ? backup.value("madeAt") : backup.value("createdAt"));
}

QString stateText(const QString &state)
{
    if (state == "mounted")
        return StoragePane::tr("Mounted");
    if (state == "mounting")
        return StoragePane::tr("Mounting…");
    if (state == "unmounting")
        return StoragePane::tr("Unmounting…");
    if (state == "failed")
        return StoragePane::tr("Failed");
    return StoragePane::tr("Not mounted");
}

// The engine's bucket name rule, checked before asking it.
bool isBucketName(const QString &name)
{
    static const QRegularExpression pattern(QStringLiteral("^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$"));
    return name.size() >= 3 && pattern.match(name).hasMatch();
}

QLabel *sectionLabel(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    QFont font = label->font();
    font.setBold(true);
    label->setFont(font);
    return label;
}

} // namespace

StoragePane::StoragePane(EngineClient *client, const QString &sandboxId, QWidget *parent)
    : SandboxPane(client, sandboxId, QString(), parent), // remembered mounts show in any status
      api_(client, sandboxId), list_(new QTreeWidget(this)), details_(new QLabel(this))
{
    list_->setObjectName("mountList");
    list_->setAccessibleName(tr("Bucket mounts"));
    setUpRowList(list_, {tr("Mounted at"), tr("Bucket"), tr("Endpoint"), tr("State")}, EndpointColumn);

    auto *bar = new QToolBar(this);
    bar->setIconSize(QSize(16, 16));
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    mountAction_ = bar->addAction(style()->standardIcon(QStyle::SP_DriveNetIcon), tr("Mount Bucket…"), this,
                                  [this] { askToMount(); });
    mountAction_->setToolTip(tr("Mount an S3-compatible bucket (R2, S3, GCS, MinIO…) at a path in the sandbox"));
    againAction_ = bar->addAction(style()->standardIcon(QStyle::SP_BrowserReload), tr("Mount Again…"), this,
                                  [this] { askToMount(mountAt(selectedPath())); });
    againAction_->setToolTip(tr("Mount the selected bucket again (its credentials are asked for when they "
                                "were not remembered)"));
    unmountAction_ = bar->addAction(style()->standardIcon(QStyle::SP_DialogCancelButton), tr("Unmount"), this,
                                    [this] { unmountBucket(selectedPath()); });
    unmountAction_->setToolTip(tr("Unmount the bucket; its objects stay in the bucket (Delete)"));
    unmountAction_->setShortcut(QKeySequence::Delete);
    unmountAction_->setShortcutContext(Qt::WidgetShortcut);
    for (QAction *action : {againAction_, unmountAction_})
        list_->addAction(action);
    connect(list_, &QTreeWidget::currentItemChanged, this, &StoragePane::updateActions);
    connect(list_, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem *item) {
        const QJsonObject mount = mountAt(item->data(PathColumn, kPathRole).toString());
        if (mount.value("state").toString() != "mounted" && againAction_->isEnabled())
            askToMount(mount);
    });

    details_->setObjectName("mountDetails");
    details_->setWordWrap(true);
    details_->setTextFormat(Qt::PlainText); // a mount's last error: s3fs's words
    details_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    details_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    details_->setMargin(4);

    backups_ = new QTreeWidget(this);
    backups_->setObjectName("backupList");
    backups_->setAccessibleName(tr("Backups"));
    setUpRowList(backups_, {tr("Backup"), tr("Folder"), tr("Made"), tr("Size"), tr("Expires")}, 1);
    backups_->setTextElideMode(Qt::ElideMiddle); // where two long folders differ is often their end
    auto *backupBar = new QToolBar(this);
    backupBar->setIconSize(QSize(16, 16));
    backupBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    backUpAction_ = backupBar->addAction(style()->standardIcon(QStyle::SP_DialogSaveButton), tr("Back Up Folder…"), this,
                                         [this] { askToBackUp(); });
    backUpAction_->setToolTip(tr("Keep a snapshot of a folder of the sandbox, to restore later"));
    restoreAction_ = backupBar->addAction(style()->standardIcon(QStyle::SP_BrowserReload), tr("Restore…"), this,
                                          [this] { restoreBackup(selectedBackup()); });
    restoreAction_->setToolTip(tr("Put the folder back as it was in the backup (asks first)"));
    restoreIntoAction_ = backupBar->addAction(style()->standardIcon(QStyle::SP_DirOpenIcon), tr("Restore Into…"), this, [this] {
        const QJsonObject backup = backupWithId(selectedBackup());
        QDialog dialog(this);
        dialog.setWindowTitle(tr("Restore Into"));
        auto *into = new QLineEdit(backup.value("dir").toString() + QStringLiteral("-restored"), &dialog);
        into->setObjectName("restoreInto");
        auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
        buttons->button(QDialogButtonBox::Ok)->setText(tr("Restore"));
        connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
        connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
        auto *form = new QFormLayout(&dialog);
        form->addRow(noteLabel(tr("A folder below /workspace, /home, /tmp, /var/tmp or /app. If it exists, its "
                                  "content is replaced."), &dialog));
        form->addRow(tr("&Folder:"), into);
        form->addRow(buttons);
        dialog.setMinimumWidth(460);
        if (dialog.exec() == QDialog::Accepted && !into->text().trimmed().isEmpty())
            restoreBackup(backup.value("id").toString(), into->text().trimmed());
    });
    downloadAction_ = backupBar->addAction(style()->standardIcon(QStyle::SP_ArrowDown), tr("Download…"), this,
                                           [this] { downloadBackup(selectedBackup()); });
    downloadAction_->setToolTip(tr("Save the backup's archive (squashfs) on this computer"));
    importAction_ = backupBar->addAction(style()->standardIcon(QStyle::SP_ArrowUp), tr("Import…"), this,
                                         [this] { importBackup(); });
    importAction_->setToolTip(tr("Bring in a backup archive (.sqsh) saved before, from this or another sandbox"));
    deleteAction_ = backupBar->addAction(style()->standardIcon(QStyle::SP_TrashIcon), tr("Delete"), this,
                                         [this] { deleteBackup(selectedBackup()); });
    deleteAction_->setShortcut(QKeySequence::Delete);
    deleteAction_->setShortcutContext(Qt::WidgetShortcut);
    for (QAction *action : {restoreAction_, restoreIntoAction_, downloadAction_, deleteAction_})
        backups_->addAction(action);
    connect(backups_, &QTreeWidget::currentItemChanged, this, &StoragePane::updateActions);
    connect(backups_, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem *item) {
        if (restoreAction_->isEnabled())
            restoreBackup(item->data(0, kPathRole).toString());
    });

    auto *mountsPart = new QWidget(this);
    auto *mountsLayout = new QVBoxLayout(mountsPart);
    mountsLayout->setContentsMargins(0, 0, 0, 0);
    mountsLayout->addWidget(sectionLabel(tr("Bucket mounts"), mountsPart));
    mountsLayout->addWidget(bar);
    mountsLayout->addWidget(list_, 1);
    mountsLayout->addWidget(details_);
    auto *backupsPart = new QWidget(this);
    auto *backupsLayout = new QVBoxLayout(backupsPart);
    backupsLayout->setContentsMargins(0, 0, 0, 0);
    backupsLayout->addWidget(sectionLabel(tr("Backups"), backupsPart));
    backupsLayout->addWidget(backupBar);
    backupsLayout->addWidget(backups_, 1);
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(mountsPart);
    splitter->addWidget(backupsPart);
    splitter->setChildrenCollapsible(false);
    rememberSplitter(splitter, "storage/splitter", {260, 300});

    auto *layout = new QVBoxLayout(livePage());
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(banner());
    layout->addWidget(splitter, 1);
    updateActions();
    updateLiveState();
}

QJsonObject StoragePane::backupWithId(const QString &backupId) const
{
    for (const QJsonObject &backup : backupEntries_)
        if (backup.value("id").toString() == backupId)
            return backup;
    return {};
}

QString StoragePane::selectedBackup() const
{
    const QTreeWidgetItem *item = backups_->currentItem();
    return item ? item->data(0, kPathRole).toString() : QString();
}

void StoragePane::refreshBackups()
{
    api_.backups(this, [this](const ApiResult &result) {
        if (!result.ok()) {
            banner()->showError(tr("Could not list the backups: %1").arg(result.errorMessage));
            return;
        }
        showBackups(result.body.value("backups").toArray());
    });
}

void StoragePane::showBackups(const QJsonArray &backups)
{
    const QString selected = selectedBackup();
    backupEntries_.clear();
    backups_->clear();
    const QColor muted = palette().color(QPalette::Disabled, QPalette::Text);
    for (const QJsonValue &value : backups) {
        const QJsonObject backup = value.toObject();
        backupEntries_ << backup;
        const QString name = backup.value("name").toString();
        const bool expired = backup.value("expired").toBool();
        auto *item = new QTreeWidgetItem(
            backups_, {name.isEmpty() ? tr("(unnamed)") : name, backup.value("dir").toString(), madeOf(backup),
                       QLocale().formattedDataSize(backup.value("sizeBytes").toInteger()),
                       expired ? tr("expired") : localTime(backup.value("expiresAt"))});
        item->setData(0, kPathRole, backup.value("id").toString());
        item->setToolTip(1, plainToolTip(backup.value("dir").toString())); // a long path is cut in its middle
        item->setToolTip(0, tr("Backup %1\nSHA-256 %2").arg(backup.value("id").toString(),
                                                             backup.value("sha256").toString()));
        if (backup.value("imported").toBool()) // it expires counting from its import
            item->setToolTip(2, tr("Imported %1").arg(localTime(backup.value("createdAt"))));
        if (name.isEmpty())
            item->setForeground(0, muted);
        if (expired)
            for (int column = 0; column < 5; ++column)
                item->setForeground(column, muted);
    }
    backups_->setCurrentItem(backups_->topLevelItem(0)); // the newest
    for (int row = 0; row < backups_->topLevelItemCount() && !selectNewest_; ++row)
        if (backups_->topLevelItem(row)->data(0, kPathRole).toString() == selected)
            backups_->setCurrentItem(backups_->topLevelItem(row));
    selectNewest_ = false; // after one made or imported here: that one
    updateActions();
}

void StoragePane::askToBackUp(const QString &dir)
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Back Up Folder"));
    dialog.setMinimumWidth(520);
    auto *folder = new QLineEdit(dir, &dialog);
    folder->setObjectName("backupDir");
    auto *name = new QLineEdit(&dialog);
    name->setObjectName("backupName");
    name->setMaxLength(256);
    name->setPlaceholderText(tr("Optional, e.g. before the upgrade"));
    auto *excludes = new QLineEdit(&dialog);
    excludes->setObjectName("backupExcludes");
    excludes->setPlaceholderText(tr("Optional patterns left out, e.g. node_modules, *.log"));
    auto *gitignore = new QCheckBox(tr("Leave out what .git&ignore ignores"), &dialog);
    gitignore->setObjectName("backupGitignore");
    auto *problem = problemLabel(&dialog);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Back Up"));
    connect(buttons, &QDialogButtonBox::accepted, &dialog, [&] {
        static const QStringList roots = {"/workspace", "/home", "/tmp", "/var/tmp", "/app"};
        const QString path = folder->text().trimmed();
        const bool allowed = std::any_of(roots.begin(), roots.end(), [&path](const QString &root) {
            return path == root || path.startsWith(root + '/');
        });
        if (!allowed || path.contains(QStringLiteral("/../")) || path.endsWith(QStringLiteral("/.."))) {
            showProblem(problem, tr("Back up a folder below /workspace, /home, /tmp, /var/tmp or /app."), folder);
            return;
        }
        dialog.accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto *form = new QFormLayout(&dialog);
    form->addRow(tr("&Folder:"), folder);
    form->addRow(tr("&Name:"), name);
    form->addRow(tr("&Leave out:"), excludes);
    form->addRow(gitignore);
    form->addRow(problem);
    form->addRow(buttons);
    if (dialog.exec() != QDialog::Accepted)
        return;
    QJsonObject options{{"dir", folder->text().trimmed()}, {"gitignore", gitignore->isChecked()}};
    if (!name->text().trimmed().isEmpty())
        options["name"] = name->text().trimmed();
    QJsonArray patterns;
    for (const QString &pattern : excludes->text().split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts))
        patterns.append(pattern);
    if (!patterns.isEmpty())
        options["excludes"] = patterns;
    backUp(options);
}

void StoragePane::backUp(const QJsonObject &options)
{
    const QString dir = options.value("dir").toString();
    backupBusy_ = true;
    updateActions();
    banner()->showProgress(tr("Backing up %1…").arg(dir));
    api_.createBackup(options, this, [this, dir](const ApiResult &result) {
        backupBusy_ = false;
        if (!result.ok()) {
            banner()->showError(tr("Could not back up %1: %2").arg(dir, result.errorMessage));
            updateActions();
            emit backupFinished({}, false);
            return;
        }
        const QJsonObject backup = result.body.value("backup").toObject();
        QString done = tr("Backed up %1 (%2).").arg(dir, QLocale().formattedDataSize(backup.value("sizeBytes").toInteger()));
        for (const QJsonValue &warning : result.body.value("warnings").toArray())
            done += ' ' + warning.toString();
        banner()->showInfo(done);
        selectNewest_ = true;
        refreshBackups();
        emit backupFinished(result.body.value("id").toString(), true);
    });
}

void StoragePane::restoreBackup(const QString &backupId, const QString &into, bool askFirst)
{
    const QJsonObject backup = backupWithId(backupId);
    if (backup.isEmpty())
        return;
    const QString target = into.isEmpty() ? backup.value("dir").toString() : into;
    if (const QJsonObject mount = mountAt(target); !mount.isEmpty()) {
        // Restoring there would put a folder where the bucket's link is: refused, so say it now.
        banner()->showError(tr("%1 is where the bucket %2 is mounted: unmount it first, or restore into another "
                               "folder.").arg(target, mount.value("bucket").toString()));
        return;
    }
    if (!askFirst)
        return startRestore(backupId, into);
    // Buckets on the way: one above the folder receives what is restored (uploads, so ask
    // even for a new folder); one below it is left as it is (the restore goes around it).
    QString bucketAbove;
    QStringList bucketsBelow;
    for (const QJsonObject &mount : std::as_const(mounts_)) {
        const QString path = mount.value("mountPath").toString();
        if (target.startsWith(path + '/'))
            bucketAbove = mount.value("bucket").toString();
        else if (path.startsWith(target + '/') || target == "/")
            bucketsBelow << tr("%1 at %2").arg(mount.value("bucket").toString(), path);
    }
    // Only a folder that is there has anything to lose: ask then, naming what goes.
    api_.exists(target, this, [this, backupId, into, target, bucketAbove, bucketsBelow](const ApiResult &found) {
        const QJsonObject backup = backupWithId(backupId);
        if (backup.isEmpty())
            return;
        const bool isThere = !found.ok() || found.body.value("exists").toBool();
        if (!isThere && bucketAbove.isEmpty())
            return startRestore(backupId, into);
        const QString name = backup.value("name").toString();
        const QString made = madeOf(backup);
        const QString dir = backup.value("dir").toString();
        QString question;
        if (!isThere)
            question = tr("Restore the backup of %1 into %2?").arg(dir, target);
        else if (target == dir)
            question = name.isEmpty() ? tr("Put %1 back as it was on %2?").arg(target, made)
                                      : tr("Put %1 back as it was on %2 (backup “%3”)?").arg(target, made, name);
        else
            question = name.isEmpty() ? tr("Replace everything in %1 with the backup of %2 made %3?").arg(target, dir, made)
                                      : tr("Replace everything in %1 with the backup “%2” of %3, made %4?")
                                            .arg(target, name, dir, made);
        QStringList detail;
        if (isThere && target == dir)
            detail << tr("Files made or changed in %1 since then are lost; the folder is replaced in one step, so a "
                         "restore that fails leaves it as it is.").arg(target);
        else if (isThere)
            detail << tr("All that %1 holds now is deleted; the folder is replaced in one step, so a restore that "
                         "fails leaves it as it is.").arg(target);
        if (!bucketAbove.isEmpty())
            detail << tr("%1 is inside the bucket %2: what is restored is uploaded to the bucket.").arg(target, bucketAbove);
        if (!bucketsBelow.isEmpty())
            detail << tr("Buckets mounted below it stay mounted: %1.").arg(bucketsBelow.join(QStringLiteral(", ")));
        QStringList leftOut;
        for (const QJsonValue &pattern : backup.value("excludes").toArray())
            leftOut << pattern.toString();
        if (backup.value("gitignore").toBool())
            leftOut << tr("what .gitignore names");
        if (isThere && !leftOut.isEmpty())
            detail << tr("What the backup left out (%1) is removed too.").arg(leftOut.join(QStringLiteral(", ")));
        if (confirmAction(this, tr("Restore Backup"), question, tr("Restore"), detail.join(' ')))
            startRestore(backupId, into);
    });
}

void StoragePane::startRestore(const QString &backupId, const QString &into)
{
    const QString target = into.isEmpty() ? backupWithId(backupId).value("dir").toString() : into;
    backupBusy_ = true;
    updateActions();
    banner()->showProgress(tr("Restoring into %1…").arg(target));
    api_.restoreBackup(backupId, into, this, [this, backupId, target](const ApiResult &result) {
        backupBusy_ = false;
        updateActions();
        if (!result.ok())
            banner()->showError(tr("Could not restore into %1: %2").arg(target, result.errorMessage));
        else
            banner()->showInfo(tr("Restored %1.").arg(target));
        emit restoreFinished(backupId, result.ok());
    });
}

void StoragePane::deleteBackup(const QString &backupId, bool askFirst)
{
    const QJsonObject backup = backupWithId(backupId);
    if (backup.isEmpty())
        return;
    if (askFirst && !confirmAction(this, tr("Delete Backup"),
                                   tr("Delete the backup of %1 made %2? It cannot be restored afterwards.")
                                       .arg(backup.value("dir").toString(), madeOf(backup)),
                                   tr("Delete")))
        return;
    api_.deleteBackup(backupId, this, [this](const ApiResult &result) {
        if (!result.ok())
            banner()->showError(tr("Could not delete the backup: %1").arg(result.errorMessage));
        refreshBackups();
    });
}

void StoragePane::downloadBackup(const QString &backupId)
{
    const QJsonObject backup = backupWithId(backupId);
    if (backup.isEmpty())
        return;
    QString base = backup.value("name").toString();
    if (base.isEmpty())
        base = backup.value("dir").toString().section('/', -1);
    base.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]+")), QStringLiteral("-"));
    const QString suggested = QDir(QStandardPaths::writableLocation(QStandardPaths::DownloadLocation))
                                  .filePath(base + QStringLiteral(".sqsh"));
    const QString path = chooseSavePath ? chooseSavePath(suggested)
                                        : QFileDialog::getSaveFileName(this, tr("Save Backup Archive"), suggested,
                                                                       tr("squashfs archives (*.sqsh)"));
    if (path.isEmpty())
        return;
    backupBusy_ = true;
    updateActions();
    Transfer *transfer = api_.downloadBackup(backupId, path, this);
    showTransfer(transfer, tr("Downloading the backup to %1…").arg(path));
    connect(transfer, &Transfer::finished, this, [this, transfer, path](const QString &error) {
        backupBusy_ = false;
        updateActions();
        transfer->deleteLater();
        if (error.isEmpty())
            banner()->showInfo(tr("Saved the backup as %1.").arg(path));
        else if (transfer->property("cancelledByUser").toBool())
            banner()->showInfo(tr("Download cancelled: nothing was saved."));
        else
            banner()->showError(tr("Could not download the backup: %1").arg(error));
    });
}

void StoragePane::showTransfer(Transfer *transfer, const QString &text)
{
    banner()->showProgress(text, 0);
    banner()->addAction(tr("Cancel"), [transfer] {
        transfer->setProperty("cancelledByUser", true);
        transfer->cancel();
    });
    connect(transfer, &Transfer::progress, this, [this, text](qint64 done, qint64 total) {
        if (banner()->showsProgress() && total > 0)
            banner()->showProgress(text, static_cast<int>(done * 100 / total));
    });
}

void StoragePane::importBackup()
{
    const QString path = chooseArchive ? chooseArchive()
                                       : QFileDialog::getOpenFileName(this, tr("Import Backup Archive"), QString(),
                                                                      tr("squashfs archives (*.sqsh);;All files (*)"));
    if (path.isEmpty())
        return;
    const QString dir = QStringLiteral("/workspace/") + QFileInfo(path).completeBaseName();
    backupBusy_ = true;
    updateActions();
    Transfer *transfer = api_.importBackup(path, dir, QFileInfo(path).completeBaseName(), this);
    showTransfer(transfer, tr("Importing %1…").arg(path));
    connect(transfer, &Transfer::finished, this, [this, transfer, path, dir](const QString &error) {
        backupBusy_ = false;
        updateActions();
        transfer->deleteLater();
        if (!error.isEmpty()) {
            if (transfer->property("cancelledByUser").toBool())
                banner()->showInfo(tr("Import cancelled: no backup was added."));
            else
                banner()->showError(tr("Could not import %1: %2").arg(path, error));
            return;
        }
        banner()->showInfo(tr("Imported %1: it restores into %2 (or Restore Into… elsewhere).").arg(path, dir));
        selectNewest_ = true;
        refreshBackups();
    });
}

QJsonObject StoragePane::mountAt(const QString &mountPath) const
{
    for (const QJsonObject &mount : mounts_)
        if (mount.value("mountPath").toString() == mountPath)
            return mount;
    return {};
}

QString StoragePane::selectedPath() const
{
    const QTreeWidgetItem *item = list_->currentItem();
    return item ? item->data(PathColumn, kPathRole).toString() : QString();
}

void StoragePane::updateLiveState()
{
    SandboxPane::updateLiveState();
    updateActions();
    // Stopped: the lists stay (the engine keeps them); what runs in the sandbox waits.
    const bool stopped = !status().isEmpty() && !sandboxRunning();
    if (stopped && !stoppedNoticeShown_ && !banner()->showsError() && !banner()->showsProgress()) {
        banner()->showInfo(tr("The sandbox is not running. Start it to back up, restore or mount buckets; its "
                              "backups can be downloaded, imported or deleted meanwhile."));
        banner()->addAction(tr("Start"), [this] { emit startRequested(); });
        stoppedNoticeShown_ = true;
    } else if (!stopped && stoppedNoticeShown_) {
        if (banner()->text().startsWith(tr("The sandbox is not running.")))
            banner()->hide();
        stoppedNoticeShown_ = false;
    }
    if (isVisible() && !listed_)
        refresh();
}

void StoragePane::sandboxStarted()
{
    refresh();
}

void StoragePane::sandboxEvent(const QJsonObject &event)
{
    if (event.value("type").toString() == "sandbox.mounts")
        showMounts(event.value("mounts").toArray());
    if (event.value("type").toString() == "sandbox.backups")
        showBackups(event.value("backups").toArray());
}

void StoragePane::refresh()
{
    api_.mounts(this, [this](const ApiResult &result) {
        if (!result.ok()) {
            banner()->showError(tr("Could not list the bucket mounts: %1").arg(result.errorMessage));
            return;
        }
        listed_ = true;
        showMounts(result.body.value("mounts").toArray());
    });
    refreshBackups();
}

void StoragePane::showMounts(const QJsonArray &mounts)
{
    const QString selected = selectedPath();
    mounts_.clear();
    for (const QJsonValue &value : mounts)
        mounts_ << value.toObject();
    list_->clear();
    const QColor muted = palette().color(QPalette::Disabled, QPalette::Text);
    for (const QJsonObject &mount : std::as_const(mounts_)) {
        const QString path = mount.value("mountPath").toString();
        QString bucket = mount.value("bucket").toString() + mount.value("prefix").toString();
        if (mount.value("readOnly").toBool())
            bucket += tr(" (read-only)");
        const QString state = mount.value("state").toString();
        auto *item = new QTreeWidgetItem(list_, {path, bucket, mount.value("endpoint").toString(), stateText(state)});
        item->setData(PathColumn, kPathRole, path);
        item->setToolTip(PathColumn, plainToolTip(path));
        item->setToolTip(EndpointColumn, plainToolTip(mount.value("endpoint").toString()));
        item->setToolTip(StateColumn, plainToolTip(mount.value("lastError").toString()));
        if (state == "failed")
            item->setForeground(StateColumn, QColor(0xcf, 0x22, 0x2e));
        else if (state != "mounted")
            item->setForeground(StateColumn, muted);
    }
    list_->setCurrentItem(list_->topLevelItem(0));
    for (int row = 0; row < list_->topLevelItemCount(); ++row)
        if (list_->topLevelItem(row)->data(PathColumn, kPathRole).toString() == selected)
            list_->setCurrentItem(list_->topLevelItem(row));
    updateActions();
}

void StoragePane::updateActions()
{
    const QJsonObject backup = backupWithId(selectedBackup());
    // What runs in the sandbox waits until it runs (the engine would start it unasked);
    // what the engine keeps (the lists, downloads, imports, deleting) is there in any status.
    const bool running = sandboxRunning();
    backUpAction_->setEnabled(!backupBusy_ && running);
    importAction_->setEnabled(!backupBusy_);
    restoreAction_->setEnabled(!backupBusy_ && running && !backup.isEmpty() && !backup.value("expired").toBool());
    restoreIntoAction_->setEnabled(restoreAction_->isEnabled());
    downloadAction_->setEnabled(!backupBusy_ && !backup.isEmpty());
    deleteAction_->setEnabled(!backupBusy_ && !backup.isEmpty());

    const QJsonObject mount = mountAt(selectedPath());
    const QString state = mount.value("state").toString();
    const bool known = !mount.isEmpty();
    const bool working = busy_.contains(selectedPath()) || state == "mounting" || state == "unmounting";
    mountAction_->setEnabled(running);
    unmountAction_->setEnabled(known && !working);
    againAction_->setEnabled(known && !working && running && state != "mounted");
    if (!known) {
        details_->setText(mounts_.isEmpty() ? tr("No buckets are mounted. Mount Bucket… puts an S3-compatible bucket "
                                                 "at a path in the sandbox, such as /workspace/data: its objects are files "
                                                 "there, and files written there land in the bucket.")
                                            : QString());
        return;
    }
    QStringList lines;
    lines << tr("%1 at %2").arg(mount.value("bucket").toString() + mount.value("prefix").toString(),
                                mount.value("endpoint").toString());
    if (!mount.value("lastError").toString().isEmpty() && mount.value("state").toString() != "unmounted")
        lines << tr("Last error: %1").arg(mount.value("lastError").toString());
    lines << (mount.value("credentialsRemembered").toBool()
                  ? tr("The credentials are remembered: the mount comes back when the sandbox starts again.")
                  : tr("The credentials are not remembered: after a restart, Mount Again… asks for them."));
    if (!mount.value("s3fsOptions").toArray().isEmpty()) {
        QStringList options;
        for (const QJsonValue &option : mount.value("s3fsOptions").toArray())
            options << option.toString();
        lines << tr("s3fs options: %1").arg(options.join(QStringLiteral(", ")));
    }
    details_->setText(lines.join('\n'));
}

bool StoragePane::askToMount(const QJsonObject &previous)
{
    QDialog dialog(this);
    dialog.setWindowTitle(previous.isEmpty() ? tr("Mount Bucket") : tr("Mount Bucket Again"));
    dialog.setMinimumWidth(680); // the hints in the fields show whole
    auto *endpoint = new QLineEdit(previous.value("endpoint").toString(), &dialog);
    endpoint->setObjectName("endpoint");
    endpoint->setPlaceholderText(tr("https://<account>.r2.cloudflarestorage.com or http://127.0.0.1:9000"));
    auto *bucket = new QLineEdit(previous.value("bucket").toString(), &dialog);
    bucket->setObjectName("bucket");
    auto *prefix = new QLineEdit(previous.value("prefix").toString(), &dialog);
    prefix->setObjectName("prefix");
    prefix->setPlaceholderText(tr("Optional: /folder, to mount only that part"));
    auto *path = new QLineEdit(previous.value("mountPath").toString(), &dialog);
    path->setObjectName("mountPath");
    path->setPlaceholderText(QStringLiteral("/workspace/data"));
    // The path follows the bucket's name until it is typed in: /workspace/<bucket>, where the
    // Files pane shows it.
    const auto defaultPath = [](const QString &name) {
        return name.isEmpty() ? QString() : QStringLiteral("/workspace/") + name;
    };
    bool pathTyped = !path->text().isEmpty() && path->text() != defaultPath(bucket->text());
    connect(path, &QLineEdit::textEdited, &dialog, [&pathTyped] { pathTyped = true; });
    // A suggested path is selected on entering the field: typing replaces it, not adds to it.
    path->installEventFilter(new SelectSuggestionOnFocus(&pathTyped, path));
    connect(bucket, &QLineEdit::textChanged, &dialog, [&pathTyped, path, defaultPath](const QString &name) {
        if (!pathTyped)
            path->setText(defaultPath(name));
    });
    const QJsonObject given = previous.value("credentials").toObject(); // a retry's, kept in this window only
    auto *keyId = new QLineEdit(given.value("accessKeyId").toString(), &dialog);
    keyId->setObjectName("accessKeyId");
    keyId->setPlaceholderText(tr("Empty: the sandbox's AWS_ACCESS_KEY_ID (or R2_ACCESS_KEY_ID)"));
    auto *secret = new QLineEdit(given.value("secretAccessKey").toString(), &dialog);
    secret->setObjectName("secretAccessKey");
    secret->setEchoMode(QLineEdit::Password);
    secret->setPlaceholderText(tr("Empty: the sandbox's AWS_SECRET_ACCESS_KEY"));
    auto *readOnly = new QCheckBox(tr("&Read-only (writes fail with “Read-only file system”)"), &dialog);
    readOnly->setObjectName("readOnly");
    readOnly->setChecked(previous.value("readOnly").toBool());
    auto *remember = new QCheckBox(tr("Re&member the credentials, so the mount comes back when the sandbox starts"),
                                   &dialog);
    remember->setObjectName("remember");
    remember->setChecked(previous.isEmpty() || previous.value("credentialsRemembered").toBool());
    remember->setToolTip(tr("Kept in the engine's state directory, readable by you alone (mode 0600). "
                            "Unchecked, they last until the sandbox stops."));
    QStringList previousOptions;
    for (const QJsonValue &option : previous.value("s3fsOptions").toArray())
        previousOptions << option.toString();
    auto *options = new QLineEdit(previousOptions.join(QStringLiteral(", ")), &dialog);
    options->setObjectName("s3fsOptions");
    options->setPlaceholderText(tr("Optional s3fs options, e.g. use_path_request_style, stat_cache_expire=60"));
    auto *problem = problemLabel(&dialog);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Mount"));
    auto complain = [problem](const QString &text, QLineEdit *field) { showProblem(problem, text, field); };
    connect(buttons, &QDialogButtonBox::accepted, &dialog, [&] {
        const QString url = endpoint->text().trimmed();
        if (!url.startsWith(QStringLiteral("http://")) && !url.startsWith(QStringLiteral("https://")))
            return complain(tr("The endpoint is the bucket service's address, starting with https:// or http://."),
                            endpoint);
        if (!isBucketName(bucket->text().trimmed()))
            return complain(tr("Bucket names are 3 to 63 characters of a-z, 0-9, '.' and '-', starting and ending "
                               "with a letter or digit."), bucket);
        if (!prefix->text().trimmed().isEmpty() && !prefix->text().trimmed().startsWith('/'))
            return complain(tr("A prefix starts with '/', such as /logs."), prefix);
        if (!path->text().trimmed().startsWith('/') || path->text().trimmed() == QStringLiteral("/"))
            return complain(tr("Mount at an absolute path below /, such as /workspace/data."), path);
        const QJsonObject existing = mountAt(path->text().trimmed());
        if (!existing.isEmpty() && existing.value("state").toString() != "failed" &&
            existing.value("state").toString() != "unmounted")
            return complain(tr("%1 is where %2 is mounted already: choose another folder.")
                                .arg(path->text().trimmed(), existing.value("bucket").toString()), path);
        if (keyId->text().trimmed().isEmpty() != secret->text().isEmpty())
            return complain(tr("Give both the access key ID and the secret, or neither (then the sandbox's "
                               "variables are used)."), keyId->text().trimmed().isEmpty() ? keyId : secret);
        dialog.accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto *form = new QFormLayout(&dialog);
    form->addRow(tr("&Endpoint:"), endpoint);
    form->addRow(tr("&Bucket:"), bucket);
    form->addRow(tr("&Prefix:"), prefix);
    form->addRow(tr("Mount &at:"), path);
    form->addRow(tr("Access &key ID:"), keyId);
    form->addRow(tr("&Secret access key:"), secret);
    form->addRow(readOnly);
    form->addRow(remember);
    form->addRow(tr("s3fs &options:"), options);
    form->addRow(problem);
    form->addRow(buttons);
    // A retry starts where the error was.
    const QString focus = previous.value("focus").toString();
    QLineEdit *first = previous.isEmpty() ? endpoint : keyId;
    for (QLineEdit *field : {endpoint, bucket, prefix, path, keyId, options})
        if (field->objectName() == focus)
            first = field;
    first->setFocus();
    first->selectAll();
    if (dialog.exec() != QDialog::Accepted)
        return false;
    QJsonObject settings{{"endpoint", endpoint->text().trimmed()}, {"readOnly", readOnly->isChecked()},
                         {"rememberCredentials", remember->isChecked()}};
    if (!prefix->text().trimmed().isEmpty())
        settings["prefix"] = prefix->text().trimmed();
    if (!keyId->text().trimmed().isEmpty())
        settings["credentials"] = QJsonObject{{"accessKeyId", keyId->text().trimmed()}, {"secretAccessKey", secret->text()}};
    QJsonArray extra;
    for (const QString &option : options->text().split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts))
        extra.append(option);
    if (!extra.isEmpty())
        settings["s3fsOptions"] = extra;
    mountBucket({{"bucket", bucket->text().trimmed()}, {"mountPath", path->text().trimmed()}, {"options", settings}});
    return true;
}

void StoragePane::offerRetry(const QString &error, const QJsonObject &previous)
{
    banner()->showError(error);
    // Cancelled, the dialog leaves the error and what was typed as they were.
    banner()->addAction(tr("Change and Retry…"), [this, error, previous] {
        if (!askToMount(previous))
            offerRetry(error, previous);
    });
}

void StoragePane::mountBucket(const QJsonObject &request)
{
    const QString path = request.value("mountPath").toString();
    const QString bucket = request.value("bucket").toString();
    if (!sandboxRunning()) { // the engine would start it: that is the user's to say (Start)
        banner()->showError(tr("The sandbox is not running: start it to mount %1.").arg(bucket));
        return;
    }
    busy_ << path;
    updateActions();
    banner()->showInfo(tr("Mounting %1 at %2…").arg(bucket, path));
    api_.mountBucket(request, this, [this, path, bucket, request](const ApiResult &result) {
        busy_.removeAll(path);
        if (!result.ok()) {
            banner()->showError(tr("Could not mount %1 at %2: %3").arg(bucket, path, result.errorMessage));
            // The same settings again (the credentials too: held by this closure only), the
            // cursor in the field the error is about.
            QJsonObject previous{{"bucket", bucket}, {"mountPath", path}};
            const QJsonObject options = request.value("options").toObject();
            for (const char *field : {"endpoint", "prefix", "readOnly", "s3fsOptions", "credentials"})
                previous[field] = options.value(field);
            previous["credentialsRemembered"] = options.value("rememberCredentials");
            const QString message = result.errorMessage;
            previous["focus"] = message.contains("nonempty") || message.contains("Mount path") ? "mountPath"
                                : message.contains("bucket name", Qt::CaseInsensitive) || message.contains("NoSuchBucket") ||
                                        message.contains("bucket or key not found")
                                    ? "bucket"
                                : message.contains("endpoint", Qt::CaseInsensitive) || message.contains("connect") ||
                                        message.contains("resolve")
                                    ? "endpoint"
                                : message.contains("s3fs option", Qt::CaseInsensitive) || message.contains("s3fsOptions")
                                    ? "s3fsOptions"
                                    : "accessKeyId";
            offerRetry(banner()->text(), previous);
            updateActions();
            emit mountFinished(path, false);
            return;
        }
        banner()->showInfo(tr("%1 is mounted at %2.").arg(bucket, path));
        showMounts(mountsWith(result.body.value("mount").toObject()));
        for (int row = 0; row < list_->topLevelItemCount(); ++row) // the new mount is the one selected
            if (list_->topLevelItem(row)->data(PathColumn, kPathRole).toString() == path)
                list_->setCurrentItem(list_->topLevelItem(row));
        emit mountFinished(path, true);
    });
}

QJsonArray StoragePane::mountsWith(const QJsonObject &mount) const
{
    QJsonArray all;
    for (const QJsonObject &each : mounts_)
        if (each.value("mountPath") != mount.value("mountPath"))
            all.append(each);
    all.append(mount);
    return all;
}

void StoragePane::unmountBucket(const QString &mountPath, bool askFirst)
{
    if (mountPath.isEmpty())
        return;
    const QJsonObject mount = mountAt(mountPath);
    const bool mounted = mount.value("state").toString() == "mounted";
    if (askFirst && mounted &&
        !confirmAction(this, tr("Unmount Bucket"),
                       tr("Unmount %1 from %2? Its objects stay in the bucket; programs in the sandbox using files "
                          "there may fail, and files open in the Files pane are no longer the bucket's.")
                           .arg(mount.value("bucket").toString(), mountPath),
                       tr("Unmount")))
        return;
    if (askFirst && !mounted &&
        !confirmAction(this, tr("Forget Mount"),
                       tr("Forget the mount of %1 at %2? It is not mounted now; it will not come back when the "
                          "sandbox starts, and its remembered credentials are deleted.")
                           .arg(mount.value("bucket").toString(), mountPath),
                       tr("Forget")))
        return;
    busy_ << mountPath;
    updateActions();
    api_.unmountBucket(mountPath, this, [this, mountPath, mounted](const ApiResult &result) {
        busy_.removeAll(mountPath);
        if (!result.ok())
            banner()->showError(tr("Could not unmount %1: %2").arg(mountPath, result.errorMessage));
        else
            banner()->showInfo(mounted ? tr("%1 is unmounted; the objects stay in the bucket.").arg(mountPath)
                                       : tr("The mount at %1 is forgotten.").arg(mountPath));
        refresh();
    });
}

} // namespace sandbench::ui
