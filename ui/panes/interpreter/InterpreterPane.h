// The Interpreter pane of one sandbox: a notebook of cells run in a code context
// (Python, JavaScript or TypeScript), each cell's outputs drawn as they stream; the
// context bar (new, restart, interrupt, delete, and the context's state: idle, busy,
// dead); .ipynb files opened from and saved to the sandbox. The notebook is also kept on
// this computer as it changes (a moment after each edit or run) and restored when the
// pane opens again, so quitting or a crash loses no cell.
#pragma once

#include "client/SandboxApi.h"
#include "panes/SandboxPane.h"
#include "panes/interpreter/Notebook.h"

#include <QHash>
#include <QPointer>

class QAction;
class QComboBox;
class QLabel;
class QScrollArea;
class QTimer;
class QVBoxLayout;

namespace sandbench::ui {

class CellView;
class EventStream;

class InterpreterPane : public SandboxPane {
    Q_OBJECT
public:
    InterpreterPane(EngineClient *client, const QString &sandboxId, QWidget *parent = nullptr);

    // The context cells run in (empty until one is chosen or made by the first run).
    QString currentContext() const;
    QString currentLanguage() const; // of the context, or of the notebook without one
    QString contextState() const;    // idle, busy, dead, or empty
    void createContext(const QString &language);
    void interruptContext();
    void restartContext();
    void deleteContext();
    void refreshContexts(const QString &select = {});

    QList<CellView *> cells() const;
    CellView *addCell(const QString &source = {}, CellView *after = nullptr);
    void runCell(CellView *cell, bool moveOn = false);
    void runAll();
    void clearOutputs();

    QList<CellContent> notebook() const;
    void setNotebook(const QList<CellContent> &cells, const QString &language);
    void saveNotebook(const QString &path); // in the sandbox
    // askFirst: a notebook with typed cells asks before they are replaced.
    void openNotebook(const QString &path, bool askFirst = false);
    QString notebookPath() const { return notebookPath_; }
    // Where the notebook is kept on this computer (empty until the sandbox is known).
    QString keptNotebookPath() const;
    void keepNotebookNow();
    ~InterpreterPane() override;

    void showSandbox(const QJsonObject &sandbox) override;

protected:
    void sandboxStarted() override;
    void updateLiveState() override;
    bool keepsContentWhenStopped() const override { return true; }

private:
    void runWhenReady(CellView *cell);
    void start(CellView *cell);
    void showState();
    void removeCell(CellView *cell);
    void addContextItem(const QJsonObject &context); // {id, language, state, cwd}
    bool hasTypedCells() const;
    // A path in the sandbox for the notebook (empty when cancelled).
    QString askPath(const QString &title, const QString &label);
    void askSave();
    void askOpen();
    void notebookChanged();

    SandboxApi api_;
    QComboBox *contexts_;
    QLabel *state_;
    QLabel *notebookFile_ = nullptr;
    QAction *interruptAction_ = nullptr;
    QAction *restartAction_ = nullptr;
    QAction *deleteAction_ = nullptr;
    QScrollArea *scroll_;
    QWidget *cellHolder_;
    QVBoxLayout *cellLayout_;
    QString language_ = "python"; // the notebook's, when no context is chosen
    QString notebookPath_;
    QHash<CellView *, QPointer<EventStream>> running_;
    QList<QPointer<CellView>> waiting_; // cells run before their context exists
    bool creating_ = false;
    bool warmed_ = false;
    QString sandboxCreatedAt_; // with the id, names the kept notebook: a new sandbox of that id starts afresh
    QTimer *keepTimer_;
    QTimer *statePoll_;
    bool restoring_ = false;
};

} // namespace sandbench::ui
