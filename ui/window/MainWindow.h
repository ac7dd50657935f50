// The Sandbench window: the sandbox list on the left (kept current from the
// engine's event stream), the selected sandbox's panes on the right.
#pragma once

#include <QJsonObject>
#include <QMainWindow>
#include <QHash>
#include <QSet>
#include <QPointer>

#include <functional>

class QAction;
class QLabel;
class QListView;
class QSplitter;
class QStackedWidget;

namespace sandbench::ui {

class RecoveredChanges;

struct ApiResult;
class EngineClient;
class EventStream;
class MessageBanner;
class SandboxListModel;
class SandboxView;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // engineLabel: how the status bar describes the engine ("embedded", a URL).
    MainWindow(EngineClient *client, const QString &engineLabel, QWidget *parent = nullptr);
    ~MainWindow() override;

    SandboxListModel *sandboxModel() const { return model_; }
    QString selectedSandbox() const;
    void selectSandbox(const QString &id);
    // The panes of the selected sandbox (nullptr when none is selected).
    SandboxView *currentView() const;
    QAction *newSandboxAction() const { return newAction_; }

    // The lifecycle calls behind the actions (destroy asks nothing: the action confirms first).
    void createSandbox(const QString &id, const QJsonObject &body);
    void startSandbox(const QString &id);
    void stopSandbox(const QString &id);
    // The sandbox's settings in the New Sandbox dialog, saved with PATCH.
    void showSettingsDialog(const QJsonObject &sandbox);
    // A port that started listening: a notice with Expose and Open (a preview in the Ports pane).
    void offerPort(const QString &sandboxId, int port);
    void destroySandbox(const QString &id);
    // Destroy of the selected sandbox, after asking (the action behind Ctrl+Del).
    void confirmDestroy();

    // For an engine embedded in this process: Quit asks whether running sandboxes keep
    // running or stop, and tells the engine through stopSandboxesOnExit.
    void setEmbeddedEngine(std::function<void(bool stopSandboxes)> stopSandboxesOnExit);

protected:
    void closeEvent(QCloseEvent *event) override;
    // Quit with unsaved files: Save All (waits for the writes), Quit Without Saving, or
    // Cancel. False: stay.
    bool mayQuitWithUnsavedFiles();

private:
    void createActions();
    void createLayout();
    void connectEvents();
    void updateSelection();
    void updateViews();
    void showNewSandboxDialog();
    void showAbout();
    // A call's answer for the banner: failure (with %1 for the engine's message) or, on
    // success, an earlier failure cleared.
    std::function<void(const ApiResult &)> reportingFailure(const QString &failure);

    EngineClient *client_;
    SandboxListModel *model_;
    QPointer<EventStream> events_;
    bool everConnected_ = false;
    // After the event stream reconnects: rows the engine no longer lists go (views stay otherwise).
    void pruneAfterReconnect();
    QSet<QString> mentionedSinceReconnect_;
    QSet<QString> destroyAsked_; // sandboxes whose Destroy question is on its way

    QSplitter *splitter_ = nullptr;
    QListView *list_ = nullptr;
    QStackedWidget *emptyOrList_ = nullptr;
    MessageBanner *banner_ = nullptr;
    QStackedWidget *right_ = nullptr;
    QLabel *rightEmpty_ = nullptr;
    QHash<QString, SandboxView *> views_; // one per sandbox shown so far
    QList<QPointer<RecoveredChanges>> recovered_; // unsaved files of destroyed sandboxes
    bool restoredSelection_ = false;              // the last session's selection was restored (or replaced)
    QJsonObject engineLimits_;             // which limits the engine enforces (GET /v1/health)
    QJsonObject engineNetwork_;            // whether it can give sandboxes egress (GET /v1/health)
    std::function<void(bool)> stopSandboxesOnExit_;
    QLabel *connection_ = nullptr;

    QAction *newAction_ = nullptr;
    QAction *startAction_ = nullptr;
    QAction *stopAction_ = nullptr;
    QAction *destroyAction_ = nullptr;
    QAction *settingsAction_ = nullptr;
    QPair<QString, int> offeredPort_; // the port the banner offers (sandbox, port)
};

} // namespace sandbench::ui
