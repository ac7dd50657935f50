#include "window/MainWindow.h"

#include "client/EngineClient.h"
#include "client/SandboxApi.h"
#include "models/SandboxListModel.h"
#include "widgets/MessageBanner.h"
#include "widgets/Remembered.h"
#include "window/NewSandboxDialog.h"
#include "window/RecoveredChanges.h"
#include "panes/files/FileEditor.h"
#include "panes/storage/StoragePane.h"
#include "panes/files/FilesPane.h"
#include "widgets/Confirm.h"
#include "window/SandboxView.h"

#include <QJsonArray>
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QLabel>
#include <QListView>
#include <QMenuBar>
#include <QEventLoop>
#include <QMessageBox>
#include <QPainter>
#include <QPushButton>
#include <QStyledItemDelegate>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

namespace sandbench::ui {

namespace {

// List rows: the status dot and id, with the status in muted text on the right.
class SandboxRowDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::paint(painter, option, index);
        const QString status = SandboxListModel::statusText(index.data(SandboxListModel::StatusRole).toString());
        const bool selected = option.state & QStyle::State_Selected;
        painter->save();
        painter->setPen(option.palette.color(selected ? QPalette::HighlightedText : QPalette::PlaceholderText));
        painter->drawText(option.rect.adjusted(0, 0, -8, 0), Qt::AlignRight | Qt::AlignVCenter, status);
        painter->restore();
    }
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        const QSize size = QStyledItemDelegate::sizeHint(option, index);
        return {size.width(), std::max(size.height(), 24)};
    }
};

} // namespace

MainWindow::MainWindow(EngineClient *client, const QString &engineLabel, QWidget *parent)
    : QMainWindow(parent), client_(client), model_(new SandboxListModel(this))
{
    setWindowTitle(QStringLiteral("Sandbench"));
    createActions();
    createLayout();
    connection_ = new QLabel(this);
    statusBar()->addPermanentWidget(connection_);
    connection_->setToolTip(tr("Engine: %1").arg(engineLabel));
    connection_->setText(tr("Connecting to the engine…"));

    if (!restoreGeometry(QSettings().value("window/geometry").toByteArray()))
        resize(1200, 760);
    rememberSplitter(splitter_, "window/splitter", {260, 940});
    connectEvents();
    updateSelection();
}

MainWindow::~MainWindow() = default;

void MainWindow::createActions()
{
    auto *fileMenu = menuBar()->addMenu(tr("&File"));
    newAction_ = fileMenu->addAction(QIcon::fromTheme("list-add", style()->standardIcon(QStyle::SP_FileDialogNewFolder)),
                                     tr("&New Sandbox…"), this, &MainWindow::showNewSandboxDialog);
    newAction_->setShortcut(QKeySequence::New);
    fileMenu->addSeparator();
    QAction *quit = fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    auto *sandboxMenu = menuBar()->addMenu(tr("&Sandbox"));
    startAction_ = sandboxMenu->addAction(style()->standardIcon(QStyle::SP_MediaPlay), tr("&Start"), this,
                                          [this] { startSandbox(selectedSandbox()); });
    startAction_->setShortcut(Qt::CTRL | Qt::Key_R);
    stopAction_ = sandboxMenu->addAction(style()->standardIcon(QStyle::SP_MediaStop), tr("S&top"), this,
                                         [this] { stopSandbox(selectedSandbox()); });
    stopAction_->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_R);
    settingsAction_ = sandboxMenu->addAction(QIcon::fromTheme("document-properties",
                                                              style()->standardIcon(QStyle::SP_FileDialogDetailedView)),
                                             tr("S&ettings…"), this, [this] {
        if (const QString id = selectedSandbox(); !id.isEmpty())
            showSettingsDialog(model_->sandbox(id));
    });
    settingsAction_->setShortcut(Qt::CTRL | Qt::Key_Comma); // Ctrl+E is End in text fields
    sandboxMenu->addSeparator();
    destroyAction_ = sandboxMenu->addAction(style()->standardIcon(QStyle::SP_TrashIcon), tr("&Destroy…"), this,
                                            &MainWindow::confirmDestroy);
    destroyAction_->setShortcut(Qt::CTRL | Qt::Key_Delete);
    // Only from the sandbox list: in a text field Ctrl+Del deletes the next word.
    destroyAction_->setShortcutContext(Qt::WidgetWithChildrenShortcut);

    // The panes of the selected sandbox, Ctrl+1..N from anywhere in the window.
    auto *viewMenu = menuBar()->addMenu(tr("&View"));
    const QStringList panes = SandboxView::paneNames();
    for (int index = 0; index < panes.size(); ++index) {
        QAction *show = viewMenu->addAction(panes.at(index), this, [this, index] {
            if (SandboxView *view = currentView())
                view->showPane(index);
        });
        show->setShortcut(QKeySequence(Qt::CTRL | (Qt::Key_1 + index)));
    }

    auto *helpMenu = menuBar()->addMenu(tr("&Help"));
    QAction *about = helpMenu->addAction(tr("&About Sandbench"), this, &MainWindow::showAbout);
    about->setMenuRole(QAction::AboutRole);
}

void MainWindow::createLayout()
{
    // Across the window: the sandbox actions, named beside their icons, so what is enabled
    // reads at a glance (a window too narrow for them moves the last ones into the toolbar's
    // overflow menu).
    auto *toolbar = addToolBar(tr("Sandbox"));
    toolbar->setObjectName("sandboxToolBar");
    toolbar->setMovable(false);
    toolbar->setFloatable(false);
    toolbar->toggleViewAction()->setEnabled(false); // no context menu that hides it for good
    toolbar->setIconSize(QSize(16, 16));
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolbar->addAction(newAction_);
    toolbar->addSeparator();
    toolbar->addAction(startAction_);
    toolbar->addAction(stopAction_);
    toolbar->addAction(settingsAction_);
    toolbar->addSeparator();
    toolbar->addAction(destroyAction_);

    // Left: error banner and the list (or its empty state).
    auto *left = new QWidget(this);
    banner_ = new MessageBanner(left);
    list_ = new QListView(left);
    list_->setObjectName("sandboxList");
    list_->setModel(model_);
    list_->setItemDelegate(new SandboxRowDelegate(list_));
    list_->setUniformItemSizes(true);
    list_->setIconSize(QSize(16, 16));
    list_->setContextMenuPolicy(Qt::ActionsContextMenu);
    list_->addActions({startAction_, stopAction_, destroyAction_});
    list_->setAccessibleName(tr("Sandboxes"));

    auto *emptyPage = new QWidget(left);
    auto *emptyLayout = new QVBoxLayout(emptyPage);
    emptyLayout->addStretch();
    emptyLayout->addWidget(hintLabel(tr("No sandboxes yet: create one."), emptyPage));
    auto *createButton = new QPushButton(tr("New Sandbox…"), emptyPage);
    connect(createButton, &QPushButton::clicked, this, &MainWindow::showNewSandboxDialog);
    emptyLayout->addWidget(createButton, 0, Qt::AlignHCenter);
    emptyLayout->addStretch();
    emptyOrList_ = new QStackedWidget(left);
    emptyOrList_->addWidget(emptyPage);
    emptyOrList_->addWidget(list_);

    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->setSpacing(4);
    leftLayout->addWidget(banner_);
    leftLayout->addWidget(emptyOrList_, 1);

    // Right: the panes of the selected sandbox, or a hint.
    right_ = new QStackedWidget(this);
    rightEmpty_ = hintLabel(tr("Select a sandbox to see its files, commands and details."), right_);
    right_->addWidget(rightEmpty_);

    splitter_ = new QSplitter(Qt::Horizontal, this);
    splitter_->addWidget(left);
    splitter_->addWidget(right_);
    splitter_->setStretchFactor(1, 1);
    splitter_->setChildrenCollapsible(false);
    setCentralWidget(splitter_);

    connect(list_->selectionModel(), &QItemSelectionModel::currentChanged, this, &MainWindow::updateSelection);
    connect(model_, &QAbstractItemModel::rowsInserted, this, &MainWindow::updateViews);
    connect(model_, &QAbstractItemModel::rowsRemoved, this, &MainWindow::updateViews);
    connect(model_, &QAbstractItemModel::modelReset, this, &MainWindow::updateViews);
    connect(model_, &QAbstractItemModel::dataChanged, this, &MainWindow::updateViews);
}

void MainWindow::connectEvents()
{
    events_ = client_->openEvents("/v1/events", nullptr, this);
    connect(events_, &EventStream::opened, this, [this] {
        // The stream starts with a snapshot of every sandbox, so after a reconnect the list
        // updates itself; what is gone meanwhile is pruned once the engine lists what is
        // left. The rows (and so the views with their editors and terminals) stay.
        if (everConnected_)
            pruneAfterReconnect();
        everConnected_ = true;
        connection_->setText(tr("Connected"));
        client_->get("/v1/health", this, [this](const ApiResult &result) {
            engineLimits_ = result.body.value("limits").toObject();
            engineNetwork_ = result.body.value("network").toObject();
            for (SandboxView *view : std::as_const(views_))
                view->setEngineLimits(engineLimits_);
        });
    });
    connect(events_, &EventStream::event, model_, [this](const QJsonObject &event) {
        mentionedSinceReconnect_.insert(event.value("id").toString());
        model_->applyEvent(event);
    });
    connect(events_, &EventStream::event, this, [this](const QJsonObject &event) {
        if (event.value("type").toString() == "sandbox.oom")
            banner_->showError(event.value("message").toString());
        if (SandboxView *view = views_.value(event.value("id").toString()))
            view->deliverEvent(event);
    });
    connect(events_, &EventStream::finished, this, [this](const QString &error) {
        connection_->setText(error.isEmpty() ? tr("Engine connection closed; reconnecting…")
                                             : tr("Engine unreachable (%1); reconnecting…").arg(error));
        events_->deleteLater();
        QTimer::singleShot(1000, this, &MainWindow::connectEvents);
    });
}

void MainWindow::pruneAfterReconnect()
{
    QSet<QString> before;
    for (int row = 0; row < model_->rowCount(); ++row)
        before.insert(model_->index(row).data(SandboxListModel::IdRole).toString());
    mentionedSinceReconnect_.clear();
    client_->get("/v1/sandboxes", this, [this, before](const ApiResult &result) {
        if (!result.ok())
            return; // the next reconnect tries again
        QSet<QString> listed;
        for (const QJsonValue &sandbox : result.body.value("sandboxes").toArray())
            listed.insert(sandbox.toObject().value("id").toString());
        // Only rows from before the drop that nothing has mentioned since: a sandbox created
        // after the listing was answered has an event, and is kept.
        for (const QString &id : before)
            if (!listed.contains(id) && !mentionedSinceReconnect_.contains(id))
                model_->applyEvent(QJsonObject{{"type", "sandbox.deleted"}, {"id", id}});
    });
}

QString MainWindow::selectedSandbox() const
{
    return list_->currentIndex().data(SandboxListModel::IdRole).toString();
}

void MainWindow::selectSandbox(const QString &id)
{
    const int row = model_->rowOf(id);
    if (row >= 0)
        list_->setCurrentIndex(model_->index(row));
}

SandboxView *MainWindow::currentView() const
{
    return views_.value(selectedSandbox());
}

// Keeps each view in step with the engine's word on its sandbox; views of destroyed sandboxes go.
void MainWindow::updateViews()
{
    // A port offered by a sandbox that has stopped since (or gone) is no longer there.
    if (!offeredPort_.first.isEmpty() && model_->sandbox(offeredPort_.first).value("status").toString() != "running") {
        if (banner_->isVisible() && banner_->text().startsWith(tr("Port %1 is listening in %2.")
                                                                   .arg(offeredPort_.second)
                                                                   .arg(offeredPort_.first)))
            banner_->hide();
        offeredPort_ = {};
    }
    for (auto it = views_.begin(); it != views_.end();) {
        if (model_->rowOf(it.key()) < 0) {
            // Destroyed: unsaved files move into a window of their own instead of going with it.
            if (const auto unsaved = it.value()->files()->takeUnsavedEditors(); !unsaved.isEmpty()) {
                auto *window = new RecoveredChanges(it.key(), unsaved, this);
                recovered_ << window;
                window->show();
            }
            it.value()->deleteLater();
            it = views_.erase(it);
        } else {
            it.value()->update(model_->sandbox(it.key()));
            ++it;
        }
    }
    updateSelection();
}

void MainWindow::updateSelection()
{
    emptyOrList_->setCurrentIndex(model_->rowCount() == 0 ? 0 : 1);
    // After a relaunch, the sandbox selected last time is selected again once it is listed.
    if (!list_->currentIndex().isValid() && !restoredSelection_) {
        const int row = model_->rowOf(QSettings().value("window/selectedSandbox").toString());
        if (row >= 0) {
            restoredSelection_ = true;
            list_->setCurrentIndex(model_->index(row)); // comes back here through the selection signal
            return;
        }
    }
    const QString id = selectedSandbox();
    if (!id.isEmpty()) {
        restoredSelection_ = true; // the user's own choice from now on
        QSettings().setValue("window/selectedSandbox", id);
    }
    const QString status = list_->currentIndex().data(SandboxListModel::StatusRole).toString();
    startAction_->setEnabled(!id.isEmpty() && (status == "stopped" || status == "failed"));
    stopAction_->setEnabled(!id.isEmpty() && (status == "running" || status == "starting"));
    destroyAction_->setEnabled(!id.isEmpty());
    settingsAction_->setEnabled(!id.isEmpty());
    if (id.isEmpty()) {
        right_->setCurrentWidget(rightEmpty_);
        setWindowTitle(QStringLiteral("Sandbench"));
        return;
    }
    SandboxView *view = views_.value(id);
    if (!view) {
        view = new SandboxView(client_, id, right_);
        connect(view, &SandboxView::startRequested, this, &MainWindow::startSandbox);
        connect(view, &SandboxView::stopRequested, this, &MainWindow::stopSandbox);
        connect(view, &SandboxView::settingsRequested, this, &MainWindow::showSettingsDialog);
        connect(view, &SandboxView::portOffered, this, &MainWindow::offerPort);
        connect(view, &SandboxView::portExposed, this, [this](const QString &sandboxId, int port, const QUrl &url) {
            // The notice that offered this port turns into where it now is.
            if (!banner_->isVisible() || offeredPort_ != qMakePair(sandboxId, port))
                return;
            offeredPort_ = {};
            banner_->showInfo(tr("Port %1 of %2 is exposed at %3").arg(port).arg(sandboxId, url.toString()));
            banner_->addAction(tr("Copy URL"), [url] { QApplication::clipboard()->setText(url.toString()); });
        });
        views_.insert(id, view);
        right_->addWidget(view);
        view->setEngineLimits(engineLimits_);
        view->update(model_->sandbox(id));
    }
    right_->setCurrentWidget(view);
    setWindowTitle(QStringLiteral("%1 — Sandbench").arg(id));
}

void MainWindow::offerPort(const QString &sandboxId, int port)
{
    banner_->showInfo(tr("Port %1 is listening in %2.").arg(port).arg(sandboxId));
    offeredPort_ = qMakePair(sandboxId, port);
    const auto expose = [this, sandboxId, port](bool preview) {
        if (SandboxView *view = views_.value(sandboxId)) {
            if (preview)
                selectSandbox(sandboxId);
            view->exposePort(port, preview);
        }
    };
    banner_->addAction(tr("Expose"), [expose] { expose(false); });
    banner_->addAction(tr("Open"), [expose] { expose(true); });
}

void MainWindow::showNewSandboxDialog()
{
    auto *dialog = new NewSandboxDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setEngineNetwork(engineNetwork_);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { createSandbox(dialog->sandboxId(), dialog->requestBody()); });
    dialog->open();
}

void MainWindow::showSettingsDialog(const QJsonObject &sandbox)
{
    auto *dialog = new NewSandboxDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setEngineNetwork(engineNetwork_);
    dialog->showSettingsOf(sandbox);
    const QString id = sandbox.value("id").toString();
    // Destroyed meanwhile (by any client): there is nothing left to edit.
    connect(model_, &QAbstractItemModel::rowsRemoved, dialog, [this, dialog, id] {
        if (model_->rowOf(id) >= 0)
            return;
        dialog->reject();
        banner_->showError(tr("%1 was destroyed: its settings were not saved.").arg(id));
    });
    dialog->setSaveHandler([this, dialog, id](const QJsonObject &changes, std::function<void(const QString &)> done) {
        // Answered into the dialog (its context: a closed dialog hears nothing).
        SandboxApi(client_, id).changeSettings(changes, dialog, [this, done](const ApiResult &result) {
            if (result.ok())
                banner_->hide();
            done(result.ok() ? QString() : tr("Not saved: %1").arg(result.errorMessage));
        });
    });
    dialog->open();
}

std::function<void(const ApiResult &)> MainWindow::reportingFailure(const QString &failure)
{
    return [this, failure](const ApiResult &result) {
        if (!result.ok())
            banner_->showError(failure.arg(result.errorMessage));
        else
            banner_->hide(); // an earlier failure is no longer the news
    };
}

void MainWindow::createSandbox(const QString &id, const QJsonObject &body)
{
    banner_->hide();
    SandboxApi(client_, id).create(body, this, [this, id](const ApiResult &result) {
        if (!result.ok()) {
            banner_->showError(tr("Could not create %1: %2").arg(id, result.errorMessage));
            return;
        }
        // The event stream may not have delivered it yet: add it now, the stream agrees later.
        const QJsonObject sandbox = result.body.value("sandbox").toObject();
        const QJsonObject event{{"type", "sandbox.created"}, {"id", id}, {"status", sandbox.value("status")},
                                {"sandbox", sandbox}};
        model_->applyEvent(event);
        selectSandbox(id);
    });
}

void MainWindow::startSandbox(const QString &id)
{
    if (!id.isEmpty())
        SandboxApi(client_, id).start(this, reportingFailure(tr("Could not start %1: %2").arg(id, "%1")));
}

void MainWindow::stopSandbox(const QString &id)
{
    if (!id.isEmpty())
        SandboxApi(client_, id).stop(this, reportingFailure(tr("Could not stop %1: %2").arg(id, "%1")));
}

void MainWindow::destroySandbox(const QString &id)
{
    if (!id.isEmpty())
        SandboxApi(client_, id).destroy(this, reportingFailure(tr("Could not destroy %1: %2").arg(id, "%1")));
}

void MainWindow::confirmDestroy()
{
    const QString id = selectedSandbox();
    if (id.isEmpty() || destroyAsked_.contains(id))
        return;
    destroyAsked_ << id;
    // The question names what goes with the sandbox: its backups and the buckets mounted in
    // it (asked for first; a list that cannot be had is spoken of in general).
    const SandboxApi api(client_, id);
    api.backups(this, [this, id, api](const ApiResult &backups) {
        api.mounts(this, [this, id, backups](const ApiResult &mounts) {
            destroyAsked_.remove(id);
            if (model_->rowOf(id) < 0)
                return; // gone meanwhile
            QStringList details{tr("Its processes are stopped and its workspace is deleted.")};
            const qsizetype backupCount = backups.body.value("backups").toArray().size();
            if (!backups.ok())
                details << tr("Its backups are deleted too.");
            else if (backupCount == 1)
                details << tr("Its backup is deleted too.");
            else if (backupCount > 1)
                details << tr("Its %1 backups are deleted too.").arg(backupCount);
            QStringList buckets;
            for (const QJsonValue &mount : mounts.body.value("mounts").toArray())
                buckets << tr("%1 at %2").arg(mount["bucket"].toString(), mount["mountPath"].toString());
            if (!mounts.ok())
                details << tr("Its buckets are unmounted; their objects stay in the buckets.");
            else if (!buckets.isEmpty())
                details << tr("Its buckets are unmounted; their objects stay in the buckets: %1.").arg(buckets.join(", "));
            details << tr("This cannot be undone.");
            if (SandboxView *view = views_.value(id); view && !view->files()->unsavedEditors().isEmpty())
                details << tr("Files with unsaved changes stay open in a window of their own.");
            if (confirmAction(this, tr("Destroy Sandbox"), tr("Destroy \"%1\"?").arg(id), tr("Destroy"), details.join(' ')))
                destroySandbox(id);
        });
    });
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About Sandbench"),
                       tr("<h3>Sandbench %1</h3>"
                          "<p>Local, isolated sandboxes on your own machine: commands, files, "
                          "watching and more, offline and without Docker.</p>"
                          "<p>Qt %2</p>")
                           .arg(QApplication::applicationVersion(), QString::fromLatin1(qVersion())));
}

void MainWindow::setEmbeddedEngine(std::function<void(bool)> stopSandboxesOnExit)
{
    stopSandboxesOnExit_ = std::move(stopSandboxesOnExit);
}

bool MainWindow::mayQuitWithUnsavedFiles()
{
    QList<FileEditor *> inSandboxes;
    for (SandboxView *view : std::as_const(views_))
        inSandboxes << view->files()->unsavedEditors();
    QList<FileEditor *> detached;
    for (const auto &window : std::as_const(recovered_))
        if (window)
            detached << window->unsavedEditors();
    const int count = static_cast<int>(inSandboxes.size() + detached.size());
    if (count == 0)
        return true;
    QMessageBox question(QMessageBox::Warning, tr("Quit Sandbench"),
                         count == 1 ? tr("1 file has unsaved changes.") : tr("%1 files have unsaved changes.").arg(count),
                         QMessageBox::NoButton, this);
    QStringList names;
    for (FileEditor *editor : inSandboxes + detached)
        names << editor->path();
    question.setDetailedText(names.join('\n'));
    QPushButton *saveAll = question.addButton(tr("Save All and Quit"), QMessageBox::AcceptRole);
    QPushButton *discard = question.addButton(tr("Quit Without Saving"), QMessageBox::DestructiveRole);
    QPushButton *cancel = question.addButton(QMessageBox::Cancel);
    question.setDefaultButton(saveAll);
    question.setEscapeButton(cancel);
    question.exec();
    if (question.clickedButton() == discard)
        return true;
    if (question.clickedButton() != saveAll)
        return false;
    // Written into their sandboxes (waiting for each answer); files of destroyed sandboxes
    // are saved on this computer.
    int pending = static_cast<int>(inSandboxes.size());
    QStringList failures;
    QEventLoop loop;
    for (FileEditor *editor : inSandboxes) {
        connect(editor, &FileEditor::saved, &loop, [&pending, &loop] {
            if (--pending == 0)
                loop.quit();
        });
        connect(editor, &FileEditor::failed, &loop, [&pending, &loop, &failures, editor](const QString &message) {
            failures << editor->path() + ": " + message;
            if (--pending == 0)
                loop.quit();
        });
        editor->save();
    }
    if (pending > 0) {
        QTimer::singleShot(std::chrono::seconds(20), &loop, &QEventLoop::quit);
        loop.exec();
    }
    for (FileEditor *editor : detached)
        if (!editor->saveToComputer())
            failures << editor->path() + ": " + tr("not saved");
    if (pending > 0 || !failures.isEmpty()) {
        banner_->showError(tr("Not quitting: some files were not saved. %1").arg(failures.join("; ")));
        return false;
    }
    return true;
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    // Unsaved files first (SIGTERM aside: it quits at once).
    if (!qApp->property("sandbench.quitOnSignal").toBool() && !mayQuitWithUnsavedFiles()) {
        event->ignore();
        return;
    }
    // The embedded engine ends with the window: running sandboxes may keep running (they
    // are re-adopted next time, and sleep when idle) or stop. SIGTERM never asks.
    int running = 0;
    for (int row = 0; row < model_->rowCount(); ++row) {
        const QString status = model_->index(row).data(SandboxListModel::StatusRole).toString();
        running += status == "running" || status == "starting";
    }
    if (stopSandboxesOnExit_ && running > 0 && !qApp->property("sandbench.quitOnSignal").toBool()) {
        QMessageBox question(QMessageBox::Question, tr("Quit Sandbench"),
                             running == 1 ? tr("1 sandbox is still running.")
                                          : tr("%1 sandboxes are still running.").arg(running),
                             QMessageBox::NoButton, this);
        QString informative = tr("Running sandboxes can keep running after Sandbench quits (they stop by themselves "
                                 "when idle, unless kept alive) or stop now.");
        QStringList busy; // the engine ends with the window, and its work with it
        for (auto it = views_.cbegin(); it != views_.cend(); ++it)
            if (const auto *storage = it.value()->pane<StoragePane>(); storage && storage->hasWorkUnderWay())
                busy << it.key();
        if (!busy.isEmpty())
            informative += ' ' + tr("A backup, restore or transfer under way in %1 stops either way.").arg(busy.join(", "));
        question.setInformativeText(informative);
        QPushButton *keep = question.addButton(tr("Keep Running"), QMessageBox::AcceptRole);
        QPushButton *stop = question.addButton(tr("Stop Sandboxes"), QMessageBox::DestructiveRole);
        question.addButton(QMessageBox::Cancel);
        question.setDefaultButton(keep);
        question.exec();
        if (question.clickedButton() != keep && question.clickedButton() != stop) {
            event->ignore();
            return;
        }
        stopSandboxesOnExit_(question.clickedButton() == stop);
    }
    QSettings().setValue("window/geometry", saveGeometry());
    QMainWindow::closeEvent(event);
}

} // namespace sandbench::ui
