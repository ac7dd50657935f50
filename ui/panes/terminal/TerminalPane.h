// The Terminal pane of one sandbox: terminals in tabs, each a shell in a session of the
// sandbox (TerminalTab). New Terminal opens a shell in a new session, or attaches to an
// existing one (the Commands pane's, another tab's: they share the shell and its
// screen). Closing a tab leaves the shell running, to attach to again; End Shell ends
// it with its session, after asking. The font comes from the app's settings (Font…), and
// the open tabs are remembered there for the next run.
#pragma once

#include "client/SandboxApi.h"
#include "panes/SandboxPane.h"

class QStackedWidget;
class QTabWidget;
class QMenu;

namespace sandbench::ui {

class TerminalTab;

class TerminalPane : public SandboxPane {
    Q_OBJECT
public:
    TerminalPane(EngineClient *client, const QString &sandboxId, QWidget *parent = nullptr);

    // A terminal on the session (a tab that shows it already, or a new one), made current.
    TerminalTab *openTerminal(const QString &sessionId);
    // A terminal in a session of its own ("terminal-1", "terminal-2", …).
    void openNewTerminal();
    // Ends the current tab's shell with its session (asks first unless told not to).
    void endShell(bool askFirst = true);
    void closeTab(int index);

    QTabWidget *tabs() const { return tabs_; }
    QList<TerminalTab *> terminals() const;
    TerminalTab *currentTerminal() const;

    // The settings key of the terminals' font.
    static constexpr const char *kFontKey = "terminal/font";

signals:
    // Ctrl+click on a URL of the sandbox's own loopback (a dev server) or of a preview.
    void previewRequested(int port);

protected:
    void updateLiveState() override;
    void showEvent(QShowEvent *event) override;

private:
    void fillAttachMenu();
    void chooseFont();
    void openUrl(const QUrl &url);
    void updateTab(TerminalTab *tab);
    // The sessions of the open tabs, in order, in the settings: the next run opens them.
    QString tabsKey() const;
    void rememberTabs();

    SandboxApi api_;
    QTabWidget *tabs_;
    QStackedWidget *area_;
    QMenu *attachMenu_;
};

} // namespace sandbench::ui
