#include "panes/interpreter/InterpreterPane.h"

#include "client/EventStream.h"
#include "panes/interpreter/CellView.h"
#include "widgets/CodeEditor.h"
#include "widgets/Confirm.h"
#include "widgets/MessageBanner.h"

#include <QComboBox>
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
      cellHolder_(new QWidget), cellLayout_(new QVBoxLayout(cellHolder_))
{
    // The context bar.
    contexts_->setMinimumContentsLength(24);
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
    bar->addWidget(new QLabel(tr("Context:"), this));
    bar->addWidget(contexts_);
    bar->addWidget(state_);
    bar->addWidget(newButton);
    bar->addAction(style()->standardIcon(QStyle::SP_MediaStop), tr("Interrupt"), this, &InterpreterPane::interruptContext)
        ->setToolTip(tr("Stop the running cell; the context keeps its names"));
    bar->addAction(style()->standardIcon(QStyle::SP_BrowserReload), tr("Restart"), this, &InterpreterPane::restartContext)
        ->setToolTip(tr("A fresh interpreter for this context: its names are lost"));
    bar->addAction(style()->standardIcon(QStyle::SP_TrashIcon), tr("Delete"), this, &InterpreterPane::deleteContext)
        ->setToolTip(tr("End this context and its interpreter"));

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
    if (state.isEmpty()) {
        state_->setText(tr("none yet: the first run makes a %1 context").arg(languageTitle(language_)));
        return;
    }
    const QString colour = state == "dead" ? "#c0392b" : state == "busy" ? "#d68910" : "#1e8449";
    const QString text = state == "dead" ? tr("dead: restart it") : state == "busy" ? tr("busy") : tr("idle");
    state_->setText(QStringLiteral("<span style='color:%1'>●</span> %2").arg(colour, text.toHtmlEscaped()));
}

void InterpreterPane::updateLiveState()
{
    SandboxPane::updateLiveState();
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
        const QString keep = select.isEmpty() ? currentContext() : select;
        QSignalBlocker blocker(contexts_);
        contexts_->clear();
        for (const QJsonValue &value : result.body["contexts"].toArray()) {
            const QJsonObject context = value.toObject();
            const QString id = context["id"].toString();
            contexts_->addItem(QStringLiteral("%1 · %2").arg(languageTitle(context["language"].toString()), id.left(8)),
                               id);
            const int row = contexts_->count() - 1;
            contexts_->setItemData(row, context["language"].toString(), Qt::UserRole + 1);
            contexts_->setItemData(row, context["state"].toString(), Qt::UserRole + 2);
            contexts_->setItemData(row, tr("%1 in %2").arg(id, context["cwd"].toString()), Qt::ToolTipRole);
        }
        const int index = contexts_->findData(keep);
        contexts_->setCurrentIndex(index >= 0 ? index : (contexts_->count() > 0 ? 0 : -1));
        blocker.unblock();
        for (CellView *cell : cells())
            cell->setLanguage(currentLanguage());
        showState();
    });
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
        const QString id = result.body["contextId"].toString();
        contexts_->addItem(QStringLiteral("%1 · %2").arg(languageTitle(result.body["language"].toString()), id.left(8)), id);
        const int row = contexts_->count() - 1;
        contexts_->setItemData(row, result.body["language"].toString(), Qt::UserRole + 1);
        contexts_->setItemData(row, "idle", Qt::UserRole + 2);
        contexts_->setCurrentIndex(row);
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
                       tr("Restart the context? Its interpreter starts afresh and every name it defined is lost."),
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
                       tr("Delete the context %1? Its interpreter ends and its names are lost; the notebook stays.")
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
        return banner()->showError(tr("The sandbox is not running."));
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
            guard->finishRun(0);
            if (event["ename"].toString() == "ContextDied")
                refreshContexts(contextId);
        }
    });
    connect(stream, &EventStream::finished, this, [this, guard, stream](const QString &error) {
        if (guard) {
            if (guard->isRunning())
                guard->finishRun(0);
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
    });
}

void InterpreterPane::openNotebook(const QString &path)
{
    api_.read(path, this, [this, path](const ApiResult &result) {
        if (!result.ok())
            return banner()->showError(tr("Could not open %1: %2").arg(path, result.errorMessage));
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(result.body["content"].toString().toUtf8(), &parseError);
        QString language, error;
        const auto contents = document.isObject() ? notebookFromIpynb(document.object(), &language, &error)
                                                  : std::nullopt;
        if (!contents)
            return banner()->showError(tr("%1 is not a notebook: %2")
                                           .arg(path, error.isEmpty() ? parseError.errorString() : error));
        notebookPath_ = path;
        setNotebook(*contents, language);
    });
}

void InterpreterPane::askSave()
{
    bool ok = false;
    const QString path = QInputDialog::getText(this, tr("Save Notebook"), tr("Save as (a path in the sandbox):"),
                                               QLineEdit::Normal,
                                               notebookPath_.isEmpty() ? "/workspace/notebook.ipynb" : notebookPath_, &ok);
    if (ok && !path.trimmed().isEmpty())
        saveNotebook(path.trimmed());
}

void InterpreterPane::askOpen()
{
    bool hasWork = false;
    for (const CellContent &cell : notebook())
        hasWork = hasWork || !cell.source.trimmed().isEmpty();
    bool ok = false;
    const QString path = QInputDialog::getText(this, tr("Open Notebook"), tr("Open (a path in the sandbox):"),
                                               QLineEdit::Normal,
                                               notebookPath_.isEmpty() ? "/workspace/notebook.ipynb" : notebookPath_, &ok);
    if (!ok || path.trimmed().isEmpty())
        return;
    if (hasWork && !confirmAction(this, tr("Open Notebook"),
                                  tr("Replace the cells of this pane with %1? Cells not saved are lost.").arg(path),
                                  tr("Replace")))
        return;
    openNotebook(path.trimmed());
}

} // namespace sandbench::ui
