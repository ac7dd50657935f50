#include "panes/commands/CommandsPane.h"

#include "client/EngineClient.h"
#include "client/SandboxApi.h"
#include "models/ProcessListModel.h"
#include "panes/commands/CommandDialogs.h"
#include "widgets/CommandLog.h"
#include "widgets/MessageBanner.h"
#include "widgets/Remembered.h"
#include "widgets/Confirm.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStyle>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

namespace sandbench::ui {

namespace {

constexpr const char *kDefaultSession = "default";
constexpr int kHistoryLimit = 200;

} // namespace

CommandsPane::CommandsPane(EngineClient *client, const QString &sandboxId, QWidget *parent)
    : SandboxPane(client, sandboxId, tr("This sandbox is not running. Start it to run commands."), parent),
      api_(client, sandboxId), banner_(banner()), sessions_(new QComboBox(this)), log_(new CommandLog(this)),
      commandLine_(new QLineEdit(this)), runButton_(new QPushButton(tr("Run"), this)),
      processes_(new ProcessListModel(this)), processTable_(new QTableView(this)),
      showStreamed_(new QCheckBox(tr("Show streamed commands"), this)), processLog_(new CommandLog(this)),
      processPoll_(new QTimer(this))
{
    // Sessions.
    sessions_->setMinimumContentsLength(14);
    sessions_->setToolTip(tr("The shell the commands run in: each session keeps its own directory and environment"));
    auto *newSession = new QPushButton(tr("New Session…"), this);
    auto *removeSession = new QPushButton(tr("Delete Session"), this);
    auto *terminalHere = new QPushButton(tr("Open Terminal Here"), this);
    terminalHere->setToolTip(tr("A terminal on this session, in the Terminal pane: a new one starts in the "
                                "session's directory with its variables; one already open keeps its own"));
    connect(terminalHere, &QPushButton::clicked, this, [this] { emit terminalRequested(currentSession()); });
    connect(newSession, &QPushButton::clicked, this, &CommandsPane::showNewSessionDialog);
    connect(removeSession, &QPushButton::clicked, this, &CommandsPane::deleteSession);
    auto *sessionRow = new QHBoxLayout;
    auto *sessionLabel = new QLabel(tr("S&ession:"), this);
    sessionLabel->setBuddy(sessions_);
    sessionRow->addWidget(sessionLabel);
    sessionRow->addWidget(sessions_);
    sessionRow->addWidget(newSession);
    sessionRow->addWidget(removeSession);
    sessionRow->addWidget(terminalHere);
    sessionRow->addStretch();

    // The command line, with history on Up and Down; the pane's focus goes to it (Ctrl+2).
    setFocusProxy(commandLine_);
    commandLine_->setPlaceholderText(tr("Command to run in the session, e.g. ls -la (Enter runs, Up/Down for history)"));
    commandLine_->setFont(log_->font());
    commandLine_->installEventFilter(this);
    connect(commandLine_, &QLineEdit::returnPressed, this, [this] {
        if (!isRunning())
            run(commandLine_->text());
    });
    connect(runButton_, &QPushButton::clicked, this, [this] {
        if (isRunning())
            stopRunning();
        else
            run(commandLine_->text());
    });
    auto *commandRow = new QHBoxLayout;
    commandRow->addWidget(commandLine_, 1);
    commandRow->addWidget(runButton_);
    history_ = QSettings().value("commands/history").toStringList();

    // Background processes: table and the followed process's log.
    processTable_->setModel(processes_);
    processTable_->setSelectionBehavior(QAbstractItemView::SelectRows);
    processTable_->setSelectionMode(QAbstractItemView::SingleSelection);
    processTable_->verticalHeader()->hide();
    processTable_->setWordWrap(false);
    processTable_->setTextElideMode(Qt::ElideRight);
    processTable_->horizontalHeader()->setStretchLastSection(false);
    processTable_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    processTable_->horizontalHeader()->setSectionResizeMode(ProcessListModel::CommandColumn, QHeaderView::Stretch);
    // A long chosen id is elided (the tooltip has it whole): the command keeps its room.
    processTable_->horizontalHeader()->setSectionResizeMode(ProcessListModel::IdColumn, QHeaderView::Interactive);
    processTable_->horizontalHeader()->resizeSection(ProcessListModel::IdColumn, 110);
    processTable_->verticalHeader()->setDefaultSectionSize(processTable_->fontMetrics().height() + 6); // compact rows
    processTable_->setAccessibleName(tr("Background processes"));
    processTable_->viewport()->installEventFilter(this); // narrow: the command keeps the room
    auto *processBar = new QToolBar(this);
    processBar->setIconSize(QSize(16, 16));
    processBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    processBar->addAction(style()->standardIcon(QStyle::SP_MediaPlay), tr("Start…"), this,
                          &CommandsPane::showStartProcessDialog);
    QAction *follow = processBar->addAction(style()->standardIcon(QStyle::SP_FileDialogContentsView), tr("Follow Logs"),
                                            this, [this] { followProcess(selectedProcess()); });
    QAction *killOne = processBar->addAction(style()->standardIcon(QStyle::SP_MediaStop), tr("Kill"), this,
                                             [this] { killProcess(selectedProcess()); });
    QAction *killAll = processBar->addAction(style()->standardIcon(QStyle::SP_DialogDiscardButton), tr("Kill All"),
                                             this, &CommandsPane::killAllProcesses);
    // Only with a process selected (the list refreshes: the selection may go with it).
    const auto updateSelectionActions = [this, follow, killOne, killAll] {
        const bool selected = processTable_->selectionModel()->hasSelection();
        follow->setEnabled(selected);
        killOne->setEnabled(selected);
        killAll->setEnabled(processes_->hasRunning());
    };
    connect(processTable_->selectionModel(), &QItemSelectionModel::selectionChanged, this, updateSelectionActions);
    connect(processes_, &QAbstractItemModel::modelReset, this, updateSelectionActions);
    connect(processes_, &QAbstractItemModel::rowsRemoved, this, updateSelectionActions);
    connect(processes_, &QAbstractItemModel::dataChanged, this, updateSelectionActions);
    connect(processes_, &QAbstractItemModel::rowsInserted, this, updateSelectionActions);
    updateSelectionActions();
    connect(processTable_, &QTableView::doubleClicked, this,
            [this](const QModelIndex &index) { followProcess(processes_->processId(index.row())); });
    auto *processSide = new QWidget(this);
    auto *processLayout = new QVBoxLayout(processSide);
    processLayout->setContentsMargins(0, 0, 0, 0);
    processLayout->setSpacing(2);
    // Commands streamed by sandbenchctl exec or an SDK's execStream leave a process record
    // too; they are not background processes, so they are listed only on request.
    showStreamed_->setToolTip(tr("Also list the commands streamed by sandbenchctl exec or an SDK's execStream "
                                 "(shown in italics); they are not background processes"));
    connect(showStreamed_, &QCheckBox::toggled, processes_, &ProcessListModel::setShowsStreamedCommands);
    auto *processTitleRow = new QHBoxLayout;
    processTitleRow->addWidget(new QLabel(tr("Background processes"), this));
    processTitleRow->addStretch();
    processTitleRow->addWidget(showStreamed_);
    processLayout->addLayout(processTitleRow);
    processLayout->addWidget(processBar);
    processLayout->addWidget(processTable_, 1);
    processLog_->setPlaceholderText(tr("Double-click a process to follow its output here."));
    auto *processSplitter = new QSplitter(Qt::Horizontal, this);
    processSplitter->addWidget(processSide);
    processSplitter->addWidget(processLog_);
    processSplitter->setStretchFactor(0, 3);
    processSplitter->setStretchFactor(1, 2);

    log_->setPlaceholderText(tr("Output of the commands you run appears here, one block per command."));
    auto *commandSide = new QWidget(this);
    auto *commandLayout = new QVBoxLayout(commandSide);
    commandLayout->setContentsMargins(0, 0, 0, 0);
    commandLayout->setSpacing(4);
    commandLayout->addLayout(sessionRow);
    commandLayout->addWidget(banner_);
    commandLayout->addWidget(log_, 1);
    commandLayout->addLayout(commandRow);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(commandSide);
    splitter->addWidget(processSplitter);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    splitter->setChildrenCollapsible(false);
    rememberSplitter(splitter, "commands/splitter", {450, 200});

    auto *liveLayout = new QVBoxLayout(livePage());
    liveLayout->setContentsMargins(4, 4, 4, 4);
    liveLayout->addWidget(splitter);

    processPoll_->setInterval(2000);
    connect(processPoll_, &QTimer::timeout, this, &CommandsPane::refreshProcesses);
    sessions_->addItem(kDefaultSession);
    updateLiveState();
}

bool CommandsPane::isRunning() const
{
    return running_ != nullptr;
}

void CommandsPane::sandboxStarted()
{
    refreshSessions();
    refreshProcesses();
    if (followedProcess_.isEmpty())
        return;
    // The followed process belonged to the sandbox's earlier run: its output is history,
    // not something that goes on.
    const QString earlier = followedProcess_;
    stopFollowing();
    processLog_->clearLog();
    processLog_->appendNote(tr("The sandbox started again: %1 belonged to its earlier run. Double-click a process "
                               "to follow it.")
                                .arg(ProcessListModel::shortProcessId(earlier)));
}

void CommandsPane::stopFollowing()
{
    if (following_) {
        following_->close();
        following_->deleteLater();
    }
    following_ = nullptr;
    followedProcess_.clear();
}

void CommandsPane::showEvent(QShowEvent *event)
{
    SandboxPane::showEvent(event);
    if (sandboxRunning()) {
        refreshSessions();
        refreshProcesses();
    }
}

void CommandsPane::updateLiveState()
{
    SandboxPane::updateLiveState();
    // The process list is polled only while someone looks at it (the protocol has no list events).
    if (isLive())
        processPoll_->start();
    else
        processPoll_->stop();
}

QString CommandsPane::currentSession() const
{
    return sessions_->currentText().isEmpty() ? QString(kDefaultSession) : sessions_->currentText();
}

bool CommandsPane::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == processTable_->viewport() && event->type() == QEvent::Resize) {
        // The command comes first: on a narrow table the start time, then the pid, make room.
        const int width = processTable_->viewport()->width();
        processTable_->setColumnHidden(ProcessListModel::StartedColumn, width < 560);
        processTable_->setColumnHidden(ProcessListModel::PidColumn, width < 440);
    }
    if (watched != commandLine_ || event->type() != QEvent::KeyPress)
        return QWidget::eventFilter(watched, event);
    const auto *keyEvent = static_cast<QKeyEvent *>(event);
    if (keyEvent->matches(QKeySequence::Find)) {
        log_->showFind(); // the log's find, from where the focus usually is
        return true;
    }
    const int key = keyEvent->key();
    if (key == Qt::Key_Escape && isRunning()) {
        stopRunning(); // the keyboard's Stop, as Ctrl+C in a terminal
        return true;
    }
    if (key != Qt::Key_Up && key != Qt::Key_Down)
        return false;
    if (history_.isEmpty())
        return true;
    if (key == Qt::Key_Up)
        historyIndex_ = historyIndex_ < 0 ? static_cast<int>(history_.size()) - 1 : std::max(0, historyIndex_ - 1);
    else if (historyIndex_ >= 0)
        historyIndex_ = historyIndex_ + 1 >= history_.size() ? -1 : historyIndex_ + 1;
    commandLine_->setText(historyIndex_ < 0 ? QString() : history_.at(historyIndex_));
    return true;
}

void CommandsPane::remember(const QString &command)
{
    history_.removeAll(command);
    history_.append(command);
    while (history_.size() > kHistoryLimit)
        history_.removeFirst();
    historyIndex_ = -1;
    QSettings().setValue("commands/history", history_);
}

void CommandsPane::run(const QString &text)
{
    const QString command = text.trimmed();
    if (command.isEmpty() || isRunning())
        return;
    remember(command);
    commandLine_->clear();
    banner_->hide();
    const QString session = currentSession();
    log_->beginCommand(command, session);
    running_ = api_.executeInSession(command, session, this);
    runButton_->setText(tr("Stop"));
    auto outcome = std::make_shared<std::optional<int>>();
    auto failure = std::make_shared<QString>();
    connect(running_, &EventStream::event, this, [this, outcome, failure](const QJsonObject &event) {
        const QString type = event.value("type").toString();
        if (type == "stdout" || type == "stderr")
            log_->appendOutput(event.value("data").toString(), type == "stderr");
        else if (type == "complete")
            *outcome = event.value("exitCode").toInt();
        else if (type == "error")
            *failure = event.value("error").toString();
        else if (type == "waiting") // another client's command holds the session
            log_->appendNote(tr("Waiting: session %1 is running an earlier command (from another client); this one "
                                "starts when it ends. Stop cancels it.")
                                 .arg(event.value("sessionId").toString()));
    });
    connect(running_, &EventStream::finished, this, [this, outcome, failure](const QString &error) {
        log_->endCommand(*outcome, failure->isEmpty() ? error : *failure);
        running_->deleteLater();
        running_ = nullptr;
        runButton_->setText(tr("Run"));
        if (!outcome->has_value())
            refreshSessions(); // the session may have ended with it
    });
}

void CommandsPane::stopRunning()
{
    if (!running_)
        return;
    // Closing the stream stops the command's processes in the sandbox.
    EventStream *stream = running_;
    running_ = nullptr;
    stream->close();
    stream->deleteLater();
    log_->endCommand(std::nullopt, tr("stopped"));
    runButton_->setText(tr("Run"));
    commandLine_->setFocus(); // ready for the next command, as after Ctrl+C in a terminal
}

void CommandsPane::refreshSessions(const QString &select)
{
    api_.sessions(this, [this, select](const ApiResult &result) {
        if (!result.ok())
            return;
        QStringList ids{kDefaultSession};
        for (const QJsonValue &id : result.body.value("data").toArray())
            if (!ids.contains(id.toString()))
                ids << id.toString();
        const QString keep = select.isEmpty() ? currentSession() : select;
        sessions_->clear();
        sessions_->addItems(ids);
        sessions_->setCurrentText(ids.contains(keep) ? keep : QString(kDefaultSession));
    });
}

void CommandsPane::createSession(const QString &id, const QString &cwd, const QJsonObject &env)
{
    QJsonObject body;
    if (!id.isEmpty())
        body.insert("id", id);
    if (!cwd.isEmpty())
        body.insert("cwd", cwd);
    if (!env.isEmpty())
        body.insert("env", env);
    api_.createSession(body, this, [this](const ApiResult &result) {
        if (!result.ok()) {
            banner_->showError(tr("Could not create the session: %1").arg(result.errorMessage));
            return;
        }
        refreshSessions(result.body.value("sessionId").toString());
    });
}

void CommandsPane::showNewSessionDialog()
{
    auto *dialog = new NewSessionDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const QJsonObject body = dialog->requestBody();
        createSession(body.value("id").toString(), body.value("cwd").toString(), body.value("env").toObject());
    });
    dialog->open();
}

void CommandsPane::deleteSession()
{
    const QString session = currentSession();
    if (!confirmAction(this, tr("Delete Session"), tr("Delete the session \"%1\"?").arg(session), tr("Delete Session"),
                       tr("Its shell and its background processes end.")))
        return;
    api_.deleteSession(session, this,
                        [this, session](const ApiResult &result) {
        if (!result.ok())
            banner_->showError(tr("Could not delete the session %1: %2").arg(session, result.errorMessage));
        refreshSessions(kDefaultSession);
        refreshProcesses();
    });
}

void CommandsPane::showStartProcessDialog()
{
    QStringList sessions;
    for (int i = 0; i < sessions_->count(); ++i)
        sessions << sessions_->itemText(i);
    auto *dialog = new StartProcessDialog(sessions, currentSession(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { startProcess(dialog->requestBody()); });
    dialog->open();
}

void CommandsPane::startProcess(const QJsonObject &body)
{
    api_.startProcess(body, this, [this](const ApiResult &result) {
        if (!result.ok()) {
            banner_->showError(tr("Could not start the process: %1").arg(result.errorMessage));
            return;
        }
        const QString id = result.body.value("processId").toString();
        refreshProcesses();
        followProcess(id);
    });
}

void CommandsPane::refreshProcesses()
{
    api_.processes(this, [this](const ApiResult &result) {
        if (!result.ok())
            return;
        const QString selected = selectedProcess();
        processes_->update(result.body.value("processes").toArray());
        if (const int row = processes_->rowOf(selected); row >= 0 && selectedProcess() != selected)
            processTable_->selectRow(row);
    });
}

QString CommandsPane::selectedProcess() const
{
    const QModelIndexList rows = processTable_->selectionModel()->selectedRows();
    return rows.isEmpty() ? followedProcess_ : processes_->processId(rows.first().row());
}

void CommandsPane::followProcess(const QString &processId)
{
    if (processId.isEmpty())
        return;
    stopFollowing();
    followedProcess_ = processId;
    processLog_->clearLog();
    processLog_->appendNote(tr("Output of %1:").arg(processId));
    following_ = api_.processOutput(processId, this);
    EventStream *stream = following_;
    connect(stream, &EventStream::event, this, [this, stream](const QJsonObject &event) {
        if (stream != following_)
            return;
        const QString type = event.value("type").toString();
        if (type == "process_info")
            processLog_->appendNote(tr("$ %1").arg(event.value("command").toString()));
        else if (type == "stdout" || type == "stderr")
            processLog_->appendOutput(event.value("data").toString(), type == "stderr");
        else if (type == "exit")
            processLog_->appendNote(event.value("data").toString());
    });
    connect(stream, &EventStream::finished, this, [this, stream](const QString &error) {
        if (!error.isEmpty() && stream == following_)
            processLog_->appendNote(tr("The log stream ended: %1").arg(error));
        stream->deleteLater();
        refreshProcesses();
    });
}

void CommandsPane::killProcess(const QString &processId)
{
    if (processId.isEmpty())
        return;
    api_.killProcess(processId, this,
                  [this, processId](const ApiResult &result) {
        if (!result.ok())
            banner_->showError(tr("Could not kill %1: %2").arg(processId, result.errorMessage));
        refreshProcesses();
    });
}

void CommandsPane::killAllProcesses()
{
    if (!confirmAction(this, tr("Kill All"), tr("Kill every running background process of this sandbox?"),
                       tr("Kill All")))
        return;
    api_.killAllProcesses(this,
                  [this](const ApiResult &result) {
        if (!result.ok())
            banner_->showError(tr("Could not kill the processes: %1").arg(result.errorMessage));
        refreshProcesses();
    });
}

} // namespace sandbench::ui
