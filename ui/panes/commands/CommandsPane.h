// The Commands pane of one sandbox: a session selector, a command line with
// history, the command log (each command a block, streamed live), and the
// background processes with their live logs.
#pragma once

#include "client/SandboxApi.h"
#include "panes/SandboxPane.h"

#include <QPointer>

class QCheckBox;
class QComboBox;
class QLineEdit;
class QPushButton;
class QTableView;
class QTimer;

namespace sandbench::ui {

class CommandLog;
class EngineClient;
class EventStream;
class MessageBanner;
class ProcessListModel;

class CommandsPane : public SandboxPane {
    Q_OBJECT
public:
    CommandsPane(EngineClient *client, const QString &sandboxId, QWidget *parent = nullptr);

    // Runs a command in the selected session's shell (cd and export persist), streaming its output.
    void run(const QString &command);
    void stopRunning();
    bool isRunning() const; // a command of the command line
    QString currentSession() const;

    void createSession(const QString &id, const QString &cwd, const QJsonObject &env);
    void startProcess(const QJsonObject &body); // POST /api/process/start
    void followProcess(const QString &processId);
    void killProcess(const QString &processId);
    void killAllProcesses();
    void refreshProcesses();

    CommandLog *log() const { return log_; }
    CommandLog *processLog() const { return processLog_; }
    ProcessListModel *processes() const { return processes_; }
    QLineEdit *commandLine() const { return commandLine_; }
    QPushButton *runButton() const { return runButton_; }
    QTableView *processTable() const { return processTable_; }
    QCheckBox *showStreamedCommands() const { return showStreamed_; }
    QString followedProcess() const { return followedProcess_; }

signals:
    // "Open Terminal Here": a terminal on the session, in the Terminal pane.
    void terminalRequested(const QString &sessionId);

protected:
    void showEvent(QShowEvent *event) override;
    void updateLiveState() override;
    void sandboxStarted() override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void refreshSessions(const QString &select = {});
    void showNewSessionDialog();
    void deleteSession();
    void showStartProcessDialog();
    QString selectedProcess() const;
    void remember(const QString &command);
    void stopFollowing();

    SandboxApi api_;
    MessageBanner *banner_; // the pane's (SandboxPane::banner)
    QComboBox *sessions_;
    CommandLog *log_;
    QLineEdit *commandLine_;
    QPushButton *runButton_;
    QPointer<EventStream> running_;
    ProcessListModel *processes_;
    QTableView *processTable_;
    QCheckBox *showStreamed_;
    CommandLog *processLog_;
    QPointer<EventStream> following_;
    QString followedProcess_;
    QTimer *processPoll_;
    QStringList history_;
    int historyIndex_ = -1;
};

} // namespace sandbench::ui
