#include "panes/storage/StoragePane.h"

#include "widgets/Confirm.h"
#include "widgets/MessageBanner.h"
#include "widgets/Remembered.h"

#include <QCheckBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QStyle>
#include <QToolBar>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace sandbench::ui {

namespace {

enum Column { PathColumn, BucketColumn, EndpointColumn, StateColumn };
constexpr int kPathRole = Qt::UserRole;

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

} // namespace

StoragePane::StoragePane(EngineClient *client, const QString &sandboxId, QWidget *parent)
    : SandboxPane(client, sandboxId, QString(), parent), // remembered mounts show in any status
      api_(client, sandboxId), list_(new QTreeWidget(this)), details_(new QLabel(this))
{
    list_->setObjectName("mountList");
    list_->setAccessibleName(tr("Bucket mounts"));
    list_->setHeaderLabels({tr("Mounted at"), tr("Bucket"), tr("Endpoint"), tr("State")});
    list_->setRootIsDecorated(false);
    list_->setUniformRowHeights(true);
    list_->setAllColumnsShowFocus(true);
    list_->header()->setStretchLastSection(false);
    list_->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    list_->header()->setSectionResizeMode(EndpointColumn, QHeaderView::Stretch);
    list_->setContextMenuPolicy(Qt::ActionsContextMenu);

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
        if (mount.value("state").toString() != "mounted")
            askToMount(mount);
    });

    details_->setObjectName("mountDetails");
    details_->setWordWrap(true);
    details_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    details_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    details_->setMargin(4);

    auto *layout = new QVBoxLayout(livePage());
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(banner());
    layout->addWidget(bar);
    layout->addWidget(list_, 1);
    layout->addWidget(details_);
    updateActions();
    updateLiveState();
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
        item->setToolTip(StateColumn, mount.value("lastError").toString());
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
    const QJsonObject mount = mountAt(selectedPath());
    const QString state = mount.value("state").toString();
    const bool known = !mount.isEmpty();
    const bool working = busy_.contains(selectedPath()) || state == "mounting" || state == "unmounting";
    unmountAction_->setEnabled(known && !working);
    againAction_->setEnabled(known && !working && state != "mounted");
    if (!known) {
        details_->setText(mounts_.isEmpty() ? tr("No buckets are mounted. Mount Bucket… puts an S3-compatible bucket "
                                                 "at a path in the sandbox, such as /mnt/data: its objects are files "
                                                 "there, and files written there land in the bucket.")
                                            : QString());
        return;
    }
    QStringList lines;
    if (!mount.value("lastError").toString().isEmpty())
        lines << tr("Last error: %1").arg(mount.value("lastError").toString());
    lines << (mount.value("credentialsRemembered").toBool()
                  ? tr("The credentials are remembered: the mount comes back when the sandbox starts again.")
                  : tr("The credentials are not remembered: after a restart, mount it again."));
    if (!mount.value("s3fsOptions").toArray().isEmpty()) {
        QStringList options;
        for (const QJsonValue &option : mount.value("s3fsOptions").toArray())
            options << option.toString();
        lines << tr("s3fs options: %1").arg(options.join(QStringLiteral(", ")));
    }
    details_->setText(lines.join('\n'));
}

void StoragePane::askToMount(const QJsonObject &previous)
{
    QDialog dialog(this);
    dialog.setWindowTitle(previous.isEmpty() ? tr("Mount Bucket") : tr("Mount Bucket Again"));
    dialog.setMinimumWidth(520);
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
    path->setPlaceholderText(QStringLiteral("/mnt/data"));
    // The path follows the bucket's name until it is typed in.
    bool pathTyped = !path->text().isEmpty();
    connect(path, &QLineEdit::textEdited, &dialog, [&pathTyped] { pathTyped = true; });
    connect(bucket, &QLineEdit::textChanged, &dialog, [&pathTyped, path](const QString &name) {
        if (!pathTyped)
            path->setText(name.isEmpty() ? QString() : QStringLiteral("/mnt/") + name);
    });
    auto *keyId = new QLineEdit(&dialog);
    keyId->setObjectName("accessKeyId");
    keyId->setPlaceholderText(tr("Empty: the sandbox's AWS_ACCESS_KEY_ID (or R2_ACCESS_KEY_ID)"));
    auto *secret = new QLineEdit(&dialog);
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
    auto *problem = new QLabel(&dialog);
    problem->setStyleSheet(QStringLiteral("color: #cf222e;"));
    problem->setWordWrap(true);
    problem->hide();
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Mount"));
    auto complain = [problem](const QString &text, QLineEdit *field) {
        problem->setText(text);
        problem->show();
        field->setFocus();
        field->selectAll();
    };
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
            return complain(tr("Mount at an absolute path below /, such as /mnt/data."), path);
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
    (previous.isEmpty() ? endpoint : keyId)->setFocus();
    if (dialog.exec() != QDialog::Accepted)
        return;
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
}

void StoragePane::mountBucket(const QJsonObject &request)
{
    const QString path = request.value("mountPath").toString();
    const QString bucket = request.value("bucket").toString();
    busy_ << path;
    updateActions();
    banner()->showInfo(tr("Mounting %1 at %2…").arg(bucket, path));
    api_.mountBucket(request, this, [this, path, bucket, request](const ApiResult &result) {
        busy_.removeAll(path);
        if (!result.ok()) {
            banner()->showError(tr("Could not mount %1 at %2: %3").arg(bucket, path, result.errorMessage));
            // The same settings again, with the credentials to type (they are not kept here).
            QJsonObject previous{{"bucket", bucket}, {"mountPath", path}};
            const QJsonObject options = request.value("options").toObject();
            for (const char *field : {"endpoint", "prefix", "readOnly", "s3fsOptions"})
                previous[field] = options.value(field);
            previous["credentialsRemembered"] = options.value("rememberCredentials");
            banner()->addAction(tr("Change and Retry…"), [this, previous] { askToMount(previous); });
            updateActions();
            emit mountFinished(path, false);
            return;
        }
        banner()->showInfo(tr("%1 is mounted at %2.").arg(bucket, path));
        refresh();
        emit mountFinished(path, true);
    });
}

void StoragePane::unmountBucket(const QString &mountPath, bool askFirst)
{
    if (mountPath.isEmpty())
        return;
    const QJsonObject mount = mountAt(mountPath);
    if (askFirst && mount.value("state").toString() == "mounted" &&
        !confirmAction(this, tr("Unmount Bucket"),
                 tr("Unmount %1 from %2? Its objects stay in the bucket; programs in the sandbox using files "
                    "there may fail.").arg(mount.value("bucket").toString(), mountPath),
                 tr("Unmount")))
        return;
    busy_ << mountPath;
    updateActions();
    api_.unmountBucket(mountPath, this, [this, mountPath](const ApiResult &result) {
        busy_.removeAll(mountPath);
        if (!result.ok())
            banner()->showError(tr("Could not unmount %1: %2").arg(mountPath, result.errorMessage));
        refresh();
    });
}

} // namespace sandbench::ui
