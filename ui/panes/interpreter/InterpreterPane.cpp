#include "panes/interpreter/InterpreterPane.h"

#include "client/EventStream.h"
#include "panes/interpreter/CellView.h"
#include "widgets/CodeEditor.h"
#include "widgets/Confirm.h"
#include "widgets/MessageBanner.h"
#include "widgets/Remembered.h"

#include <QComboBox>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QStandardPaths>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QMenu>
#include <QScrollArea>
#include <QScrollBar>
#include <QStyle>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <Qsci/qsciscintilla.h>

namespace sandbench::ui {

namespace {

QString languageTitle(const QString &language)
{
    if (language == "javascript")
        return QObject::tr("JavaScript");
    if (language == "typescript")
        return QObject::tr("TypeScript");
    return QObject::tr("Python");
}

} // namespace

InterpreterPane::InterpreterPane(EngineClient *client, const QString &sandboxId, QWidget *parent)
    : SandboxPane(client, sandboxId, tr("This sandbox is not running. Start it to run code."), parent),
      api_(client, sandboxId), contexts_(new QComboBox(this)), state_(new QLabel(this)), scroll_(new QScrollArea(this)),
      cellHolder_(new QWidget), cellLayout_(new QVBoxLayout(cellHolder_)), keepTimer_(new QTimer(this)), statePoll_(new QTimer(this))
{
    // A context can die while nobody runs anything in it (out of memory): its state is
    // asked for now and then while the pane is in view.
    statePoll_->setInterval(5000);
    connect(statePoll_, &QTimer::timeout, this, [this] {
        if (contexts_->count() > 0 && running_.isEmpty())
            refreshContexts();
    });
    keepTimer_->setSingleShot(true);
    keepTimer_->setInterval(1500);
    connect(keepTimer_, &QTimer::timeout, this, &InterpreterPane::keepNotebookNow);
    // The context bar.
    contexts_->setMinimumContentsLength(12);
    contexts_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    contexts_->setToolTip(tr("The context the cells run in: its own interpreter, names and working directory"));
    connect(contexts_, &QComboBox::currentIndexChanged, this, [this] {
        for (CellView *cell : cells())
            cell->setLanguage(currentLanguage());
        showState();
    });
    auto *bar = new QToolBar(this);
    bar->setIconSize(QSize(16, 16));
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    auto *newMenu = new QMenu(this);
    for (const QString language : {"python", "javascript", "typescript"})
        newMenu->addAction(languageTitle(language), this, [this, language] { createContext(language); });
    auto *newButton = new QToolButton(this);
    newButton->setText(tr("New Context"));
    newButton->setIcon(style()->standardIcon(QStyle::SP_FileIcon));
    newButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    newButton->setPopupMode(QToolButton::InstantPopup);
    newButton->setMenu(newMenu);
    auto *contextLabel = new QLabel(tr("Con&text:"), this);
    contextLabel->setBuddy(contexts_);
    bar->addWidget(contextLabel);
    bar->addWidget(contexts_);
    bar->addWidget(state_);
    bar->addWidget(newButton);
    interruptAction_ = bar->addAction(style()->standardIcon(QStyle::SP_MediaStop), tr("Interrupt"), this,
                                      &InterpreterPane::interruptContext);
    interruptAction_->setToolTip(tr("Stop the running cell; the context keeps its variables"));
    restartAction_ = bar->addAction(style()->standardIcon(QStyle::SP_BrowserReload), tr("Restart"), this,
                                    &InterpreterPane::restartContext);
    restartAction_->setToolTip(tr("A fresh interpreter for this context: its variables are lost"));
    deleteAction_ = bar->addAction(style()->standardIcon(QStyle::SP_TrashIcon), tr("Delete"), this,
                                   &InterpreterPane::deleteContext);
    deleteAction_->setToolTip(tr("End this context and its interpreter"));

    // The notebook bar.
    auto *notebookBar = new QToolBar(this);
    notebookBar->setIconSize(QSize(16, 16));
    notebookBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    notebookBar->addAction(style()->standardIcon(QStyle::SP_MediaPlay), tr("Run All"), this, &InterpreterPane::runAll);
    notebookBar->addAction(style()->standardIcon(QStyle::SP_FileDialogNewFolder), tr("Add Cell"), this,
                           [this] { addCell()->editor()->scintilla()->setFocus(); });
    notebookBar->addAction(style()->standardIcon(QStyle::SP_DialogResetButton), tr("Clear Outputs"), this,
                           &InterpreterPane::clearOutputs);
    notebookBar->addSeparator();
    notebookBar->addAction(style()->standardIcon(QStyle::SP_DialogOpenButton), tr("Open Notebook…"), this,
                           &InterpreterPane::askOpen);
    notebookBar->addAction(style()->standardIcon(QStyle::SP_DialogSaveButton), tr("Save Notebook…"), this,
                           &InterpreterPane::askSave);
    notebookBar->addSeparator();
    notebookFile_ = new QLabel(this);
    notebookFile_->setEnabled(false);
    notebookBar->addWidget(notebookFile_);

    cellLayout_->setContentsMargins(4, 4, 4, 4);
    cellLayout_->setSpacing(8);
    cellLayout_->addStretch();
    scroll_->setWidget(cellHolder_);
    scroll_->setWidgetResizable(true);
    scroll_->setFrameShape(QFrame::NoFrame);

    auto *layout = new QVBoxLayout(livePage());
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(bar);
    layout->addWidget(notebookBar);
    layout->addWidget(banner());
    layout->addWidget(scroll_, 1);
    addCell();
    showState();
    updateLiveState();
}

InterpreterPane::~InterpreterPane()
{
    if (keepTimer_->isActive())
        keepNotebookNow();
}

void InterpreterPane::showSandbox(const QJsonObject &sandbox)
{
    SandboxPane::showSandbox(sandbox);
    const QString createdAt = sandbox.value("createdAt").toString();
    if (createdAt.isEmpty() || createdAt == sandboxCreatedAt_)
        return;
    sandboxCreatedAt_ = createdAt;
    // The notebook kept from the last time, unless something was typed here already.
    QFile kept(keptNotebookPath());
    if (hasTypedCells() || !kept.open(QIODevice::ReadOnly))
        return;
    QString language, error;
    const auto cells = notebookFromIpynb(QJsonDocument::fromJson(kept.readAll()).object(), &language, &error);
    if (!cells)
        return;
    restoring_ = true;
    setNotebook(*cells, language);
    restoring_ = false;
}

QString InterpreterPane::keptNotebookPath() const
{
    if (sandboxCreatedAt_.isEmpty())
        return {};
    const QByteArray key = QCryptographicHash::hash((sandboxId() + '\n' + sandboxCreatedAt_).toUtf8(),
                                                    QCryptographicHash::Sha256).toHex().left(16);
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + "/notebooks/" + sandboxId() + "-" +
           QString::fromLatin1(key) + ".ipynb";
}

void InterpreterPane::notebookChanged()
{
    if (!restoring_ && !sandboxCreatedAt_.isEmpty())
        keepTimer_->start();
}

void InterpreterPane::keepNotebookNow()
{
    keepTimer_->stop();
    const QString path = keptNotebookPath();
    if (path.isEmpty())
        return;
    QDir().mkpath(QFileInfo(path).path());
    QSaveFile file(path); // whole or not at all
    if (!file.open(QIODevice::WriteOnly))
        return;
    file.write(QJsonDocument(notebookToIpynb(notebook(), currentLanguage())).toJson(QJsonDocument::Compact));
    file.commit();
}

QString InterpreterPane::currentContext() const
{
    return contexts_->currentData().toString();
}

QString InterpreterPane::currentLanguage() const
{
    const QString language = contexts_->currentData(Qt::UserRole + 1).toString();
    return language.isEmpty() ? language_ : language;
}

QString InterpreterPane::contextState() const
{
    if (currentContext().isEmpty())
        return {};
    for (auto it = running_.begin(); it != running_.end(); ++it)
        if (it.value())
            return "busy";
    return contexts_->currentData(Qt::UserRole + 2).toString();
}

void InterpreterPane::showState()
{
    const QString state = contextState();
    const bool context = !currentContext().isEmpty();
    interruptAction_->setEnabled(context && state == "busy");
    restartAction_->setEnabled(context);
    deleteAction_->setEnabled(context);
    notebookFile_->setText(notebookPath_.isEmpty() ? QString() : QFileInfo(notebookPath_).fileName());
    notebookFile_->setToolTip(plainToolTip(notebookPath_));
    if (state.isEmpty()) {
        state_->setText(tr("none yet"));
        state_->setToolTip(tr("Running a cell starts a %1 context; New Context starts one of any language")
                               .arg(languageTitle(language_)));
        return;
    }
    state_->setToolTip({});
    const QString colour = state == "dead" ? "#c0392b" : state == "busy" ? "#d68910" : "#1e8449";
    const QString text = state == "dead" ? tr("dead: restart it") : state == "busy" ? tr("busy") : tr("idle");
    state_->setText(QStringLiteral("<span style='color:%1'>●</span> %2").arg(colour, text.toHtmlEscaped()));
}

void InterpreterPane::updateLiveState()
{
    SandboxPane::updateLiveState();
    if (!sandboxRunning() && contexts_->count() > 0) {
        // A stopped sandbox has no contexts left: the next run after a start makes one.
        contexts_->clear();
        showState();
    }
    if (isLive())
        statePoll_->start();
    else
        statePoll_->stop();
    if (isLive() && !warmed_) {
        warmed_ = true;
        // The engine starts its warm runners at the first interpreter request: now, so
        // the first context is quick.
        client()->get(api_.path("/api/interpreter/health"), this, [](const ApiResult &) {});
        refreshContexts();
    }
}

void InterpreterPane::sandboxStarted()
{
    // Contexts did not survive the stop: the notebook stays, its counters say nothing now.
    banner()->hide();
    warmed_ = false;
    running_.clear();
    contexts_->clear();
    updateLiveState();
}

void InterpreterPane::refreshContexts(const QString &select)
{
    api_.codeContexts(this, [this, select](const ApiResult &result) {
        if (!result.ok())
            return banner()->showError(tr("Could not list the contexts: %1").arg(result.errorMessage));
        const QJsonArray listed = result.body["contexts"].toArray();
        // The same contexts as shown: only their states change (an open list stays open).
        bool same = listed.size() == contexts_->count() && select.isEmpty();
        for (int i = 0; same && i < listed.size(); ++i)
            same = contexts_->itemData(i).toString() == listed[i].toObject()["id"].toString();
        if (same) {
            for (int i = 0; i < listed.size(); ++i)
                contexts_->setItemData(i, listed[i].toObject()["state"].toString(), Qt::UserRole + 2);
            return showState();
        }
        const QString keep = select.isEmpty() ? currentContext() : select;
        QSignalBlocker blocker(contexts_);
        contexts_->clear();
        for (const QJsonValue &value : listed)
            addContextItem(value.toObject());
        const int index = contexts_->findData(keep);
        contexts_->setCurrentIndex(index >= 0 ? index : (contexts_->count() > 0 ? 0 : -1));
        blocker.unblock();
        for (CellView *cell : cells())
            cell->setLanguage(currentLanguage());
        showState();
    });
}

void InterpreterPane::addContextItem(const QJsonObject &context)
{
    const QString id = context["id"].toString();
    contexts_->addItem(QStringLiteral("%1 · %2").arg(languageTitle(context["language"].toString()), id.left(8)), id);
    const int row = contexts_->count() - 1;
    contexts_->setItemData(row, context["language"].toString(), Qt::UserRole + 1);
    contexts_->setItemData(row, context["state"].toString(), Qt::UserRole + 2);
    contexts_->setItemData(row, tr("%1 in %2").arg(id, context["cwd"].toString()), Qt::ToolTipRole);
}

bool InterpreterPane::hasTypedCells() const
{
    for (const CellContent &cell : notebook())
        if (!cell.source.trimmed().isEmpty())
            return true;
    return false;
}

void InterpreterPane::createContext(const QString &language)
{
    if (creating_)
        return;
    creating_ = true;
    language_ = language;
    state_->setText(tr("starting a %1 context…").arg(languageTitle(language)));
    api_.createCodeContext(language, this, [this](const ApiResult &result) {
        creating_ = false;
        if (!result.ok()) {
            for (const auto &cell : std::as_const(waiting_))
                if (cell)
                    cell->finishRun(0);
            waiting_.clear();
            showState();
            return banner()->showError(tr("Could not start the context: %1").arg(result.errorMessage));
        }
        addContextItem({{"id", result.body["contextId"]}, {"language", result.body["language"]}, {"state", "idle"},
                        {"cwd", result.body["cwd"]}});
        contexts_->setCurrentIndex(contexts_->count() - 1);
        const auto waiting = waiting_;
        waiting_.clear();
        for (const auto &cell : waiting)
            if (cell)
                start(cell);
    });
}

void InterpreterPane::interruptContext()
{
    if (currentContext().isEmpty())
        return;
    api_.interruptCodeContext(currentContext(), this, [this](const ApiResult &result) {
        if (!result.ok())
            banner()->showError(tr("Could not interrupt: %1").arg(result.errorMessage));
    });
}

void InterpreterPane::restartContext()
{
    if (currentContext().isEmpty())
        return;
    if (!confirmAction(this, tr("Restart Context"),
                       tr("Restart the context? Its interpreter starts afresh and every variable it defined is lost."),
                       tr("Restart")))
        return;
    state_->setText(tr("restarting…"));
    const QString id = currentContext();
    api_.restartCodeContext(id, this, [this, id](const ApiResult &result) {
        if (!result.ok())
            banner()->showError(tr("Could not restart the context: %1").arg(result.errorMessage));
        refreshContexts(id);
    });
}

void InterpreterPane::deleteContext()
{
    if (currentContext().isEmpty())
        return;
    if (!confirmAction(this, tr("Delete Context"),
                       tr("Delete the context %1? Its interpreter ends and its variables are lost; the notebook stays.")
                           .arg(contexts_->currentText()),
                       tr("Delete")))
        return;
    api_.deleteCodeContext(currentContext(), this, [this](const ApiResult &result) {
        if (!result.ok())
            banner()->showError(tr("Could not delete the context: %1").arg(result.errorMessage));
        refreshContexts();
    });
}

QList<CellView *> InterpreterPane::cells() const
{
    QList<CellView *> list;
    for (int i = 0; i < cellLayout_->count(); ++i)
        if (auto *cell = qobject_cast<CellView *>(cellLayout_->itemAt(i)->widget()))
            list << cell;
    return list;
}

CellView *InterpreterPane::addCell(const QString &source, CellView *after)
{
    auto *cell = new CellView(currentLanguage(), cellHolder_);
    if (!source.isEmpty())
        cell->setContent({"code", source, 0, {}});
    const int index = after ? cellLayout_->indexOf(after) + 1 : cellLayout_->count() - 1; // before the stretch
    cellLayout_->insertWidget(index, cell);
    connect(cell, &CellView::runRequested, this, &InterpreterPane::runCell);
    connect(cell, &CellView::removeRequested, this, &InterpreterPane::removeCell);
    connect(cell, &CellView::changed, this, &InterpreterPane::notebookChanged);
    connect(cell, &CellView::addBelowRequested, this,
            [this](CellView *current) { addCell({}, current)->editor()->scintilla()->setFocus(); });
    return cell;
}

void InterpreterPane::removeCell(CellView *cell)
{
    if (auto stream = running_.take(cell); stream)
        stream->close(); // the engine interrupts a cell whose client left
    if (cells().size() == 1)
        return cell->setContent({}); // the notebook keeps one cell to type in
    cell->deleteLater();
    cellLayout_->removeWidget(cell);
    notebookChanged();
}

void InterpreterPane::runCell(CellView *cell, bool moveOn)
{
    if (moveOn) {
        const QList<CellView *> all = cells();
        const int index = static_cast<int>(all.indexOf(cell));
        CellView *next = index + 1 < all.size() ? all[index + 1] : addCell({}, cell);
        next->editor()->scintilla()->setFocus();
        QTimer::singleShot(0, this, [this, next] { scroll_->ensureWidgetVisible(next, 0, 40); });
    }
    if (!cell->isCode() || cell->isRunning())
        return;
    if (!sandboxRunning())
        return banner()->showError(tr("The sandbox is not running: start it (Start in the toolbar, Ctrl+R) to run cells."));
    banner()->hide();
    cell->beginRun();
    runWhenReady(cell);
}

void InterpreterPane::runWhenReady(CellView *cell)
{
    if (!currentContext().isEmpty())
        return start(cell);
    waiting_ << cell;
    createContext(language_);
}

void InterpreterPane::start(CellView *cell)
{
    const QString contextId = currentContext();
    EventStream *stream = api_.runCode(contextId, cell->source(), this);
    running_.insert(cell, stream);
    showState();
    QPointer<CellView> guard(cell);
    connect(stream, &EventStream::event, this, [this, guard, contextId](const QJsonObject &event) {
        if (!guard)
            return;
        const QString type = event["type"].toString();
        if (type == "execution_complete") {
            guard->finishRun(event["execution_count"].toInt());
            return;
        }
        guard->addOutput(event);
        if (type == "error") {
            guard->finishRun(event["execution_count"].toInt());
            if (event["ename"].toString() == "ContextDied")
                refreshContexts(contextId);
        }
    });
    connect(stream, &EventStream::finished, this, [this, guard, stream](const QString &error) {
        if (guard) {
            if (guard->isRunning()) {
                // The stream ended before the cell did.
                guard->addOutput(QJsonObject{{"type", "note"},
                                             {"text", sandboxRunning() ? tr("The cell's output ended before the cell did "
                                                                           "(the engine went away).")
                                                                        : tr("The sandbox stopped while the cell ran.")}});
                guard->finishRun(0);
            }
            if (running_.value(guard) == stream)
                running_.remove(guard);
            if (!error.isEmpty())
                banner()->showError(tr("The cell could not run: %1").arg(error));
        }
        stream->deleteLater();
        showState();
    });
}

void InterpreterPane::runAll()
{
    for (CellView *cell : cells())
        runCell(cell, false);
}

void InterpreterPane::clearOutputs()
{
    for (CellView *cell : cells())
        if (!cell->isRunning()) {
            cell->clearOutputs();
            cell->finishRun(0);
        }
}

QList<CellContent> InterpreterPane::notebook() const
{
    QList<CellContent> list;
    for (CellView *cell : cells())
        list << cell->content();
    return list;
}

void InterpreterPane::setNotebook(const QList<CellContent> &contents, const QString &language)
{
    for (CellView *cell : cells()) {
        if (auto stream = running_.take(cell); stream)
            stream->close();
        cellLayout_->removeWidget(cell);
        delete cell;
    }
    language_ = language;
    // A context of the notebook's language, if there is one; else the first run makes one.
    if (currentLanguage() != language) {
        int match = -1;
        for (int i = 0; i < contexts_->count() && match < 0; ++i)
            if (contexts_->itemData(i, Qt::UserRole + 1).toString() == language)
                match = i;
        contexts_->setCurrentIndex(match);
    }
    for (const CellContent &content : contents) {
        CellView *cell = addCell();
        cell->setLanguage(currentLanguage());
        cell->setContent(content);
    }
    if (contents.isEmpty())
        addCell();
    showState();
}

void InterpreterPane::saveNotebook(const QString &path)
{
    const QJsonObject json = notebookToIpynb(notebook(), currentLanguage());
    const QString text = QString::fromUtf8(QJsonDocument(json).toJson(QJsonDocument::Indented));
    api_.write(path, text, this, [this, path](const ApiResult &result) {
        if (!result.ok())
            return banner()->showError(tr("Could not save %1: %2").arg(path, result.errorMessage));
        notebookPath_ = path;
        banner()->showInfo(tr("Saved %1.").arg(path));
        showState();
    });
}

void InterpreterPane::openNotebook(const QString &path, bool askFirst)
{
    api_.read(path, this, [this, path, askFirst](const ApiResult &result) {
        if (!result.ok())
            return banner()->showError(tr("Could not open %1: %2").arg(path, result.errorMessage));
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(result.body["content"].toString().toUtf8(), &parseError);
        QString language, error;
        if (parseError.error != QJsonParseError::NoError)
            error = tr("it is not valid JSON (%1 at character %2)").arg(parseError.errorString()).arg(parseError.offset);
        const auto contents = error.isEmpty() && document.isObject()
                                  ? notebookFromIpynb(document.object(), &language, &error)
                                  : std::nullopt;
        if (!contents)
            return banner()->showError(tr("%1 is not a notebook: %2").arg(path, error));
        // Asked once the file is known to be a notebook: nothing is replaced for a typo.
        if (askFirst && hasTypedCells() &&
            !confirmAction(this, tr("Open Notebook"),
                           tr("Replace the cells of this pane with %1? What is not saved in a notebook file is lost.")
                               .arg(path),
                           tr("Replace")))
            return;
        banner()->hide();
        notebookPath_ = path;
        setNotebook(*contents, language);
    });
}

QString InterpreterPane::askPath(const QString &title, const QString &label)
{
    bool ok = false;
    const QString path = QInputDialog::getText(this, title, label, QLineEdit::Normal,
                                               notebookPath_.isEmpty() ? "/workspace/notebook.ipynb" : notebookPath_, &ok);
    return ok ? path.trimmed() : QString();
}

void InterpreterPane::askSave()
{
    if (const QString path = askPath(tr("Save Notebook"), tr("Save as (a path in the sandbox):")); !path.isEmpty())
        saveNotebook(path);
}

void InterpreterPane::askOpen()
{
    if (const QString path = askPath(tr("Open Notebook"), tr("Open (a path in the sandbox):")); !path.isEmpty())
        openNotebook(path, true);
}

} // namespace sandbench::ui
