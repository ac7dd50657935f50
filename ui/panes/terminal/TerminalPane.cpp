#include "panes/terminal/TerminalPane.h"

#include "panes/terminal/TerminalTab.h"
#include "widgets/Confirm.h"
#include "widgets/MessageBanner.h"
#include "widgets/Remembered.h"
#include "widgets/TerminalView.h"

#include <QApplication>
#include <QDesktopServices>
#include <QFontDatabase>
#include <QFontDialog>
#include <QJsonArray>
#include <QMenu>
#include <QSettings>
#include <QStackedWidget>
#include <QStyle>
#include <QTabWidget>
#include <QToolBar>
#include <QTabBar>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace sandbench::ui {

namespace {

QFont terminalFont()
{
    QFont font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    const QString saved = QSettings().value(TerminalPane::kFontKey).toString();
    if (!saved.isEmpty())
        font.fromString(saved);
    return font;
}

} // namespace

TerminalPane::TerminalPane(EngineClient *client, const QString &sandboxId, QWidget *parent)
    : SandboxPane(client, sandboxId, tr("This sandbox is not running. Start it to use its terminals."), parent),
      api_(client, sandboxId), tabs_(new QTabWidget(this)), area_(new QStackedWidget(this)), attachMenu_(new QMenu(this))
{
    auto *bar = new QToolBar(this);
    bar->setIconSize(QSize(16, 16));
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    QAction *newTerminal = bar->addAction(style()->standardIcon(QStyle::SP_FileIcon), tr("New Terminal"), this,
                                          &TerminalPane::openNewTerminal);
    newTerminal->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T));
    newTerminal->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    newTerminal->setToolTip(tr("A shell in a new session of the sandbox (Ctrl+Shift+T)"));
    addAction(newTerminal);
    attachMenu_->setTitle(tr("Attach to Session"));
    connect(attachMenu_, &QMenu::aboutToShow, this, &TerminalPane::fillAttachMenu);
    auto *attach = new QToolButton(bar);
    attach->setText(tr("Attach to Session"));
    attach->setToolTip(tr("A terminal on the shell of an existing session (the Commands pane's, another tab's)"));
    attach->setMenu(attachMenu_);
    attach->setPopupMode(QToolButton::InstantPopup);
    attach->setToolButtonStyle(Qt::ToolButtonTextOnly);
    bar->addWidget(attach);
    QAction *end = bar->addAction(style()->standardIcon(QStyle::SP_DialogCancelButton), tr("End Shell…"), this,
                                  [this] { endShell(); });
    end->setToolTip(tr("End the current terminal's shell and its session (closing the tab leaves it running)"));
    bar->addSeparator();
    bar->addAction(tr("Font…"), this, &TerminalPane::chooseFont);

    tabs_->setObjectName("terminalTabs");
    tabs_->setTabsClosable(true);
    tabs_->setDocumentMode(true);
    tabs_->setMovable(true);
    connect(tabs_, &QTabWidget::tabCloseRequested, this, &TerminalPane::closeTab);
    // Typing goes to the current terminal: the pane's focus is its (Ctrl+6, a click on the
    // pane's tab, a tab switch), and the tab bar never takes it.
    tabs_->tabBar()->setFocusPolicy(Qt::NoFocus);
    connect(tabs_, &QTabWidget::currentChanged, this, [this, end] {
        end->setEnabled(currentTerminal() != nullptr);
        setFocusProxy(currentTerminal());
        if (TerminalTab *tab = currentTerminal()) {
            updateTab(tab); // a bell's mark goes once seen
            tab->setFocus();
        }
    });
    end->setEnabled(false);
    auto *closeAction = new QAction(tr("Close Terminal"), this);
    closeAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_W));
    closeAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(closeAction, &QAction::triggered, this, [this] {
        if (tabs_->count() > 0)
            closeTab(tabs_->currentIndex());
    });
    addAction(closeAction);
    // Ctrl+PgDn / Ctrl+PgUp switch terminals, as in other terminal windows.
    for (const auto &[key, step] : {std::pair{Qt::Key_PageDown, 1}, std::pair{Qt::Key_PageUp, -1}}) {
        auto *switchTab = new QAction(step > 0 ? tr("Next Terminal") : tr("Previous Terminal"), this);
        switchTab->setShortcut(QKeySequence(Qt::CTRL | key));
        switchTab->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        connect(switchTab, &QAction::triggered, this, [this, step = step] {
            if (tabs_->count() > 1)
                tabs_->setCurrentIndex((tabs_->currentIndex() + step + tabs_->count()) % tabs_->count());
        });
        addAction(switchTab);
    }
    area_->addWidget(hintLabel(tr("New Terminal (Ctrl+Shift+T) opens a shell in the sandbox. Closing its tab "
                                  "leaves the shell running: Attach to Session shows it again."),
                               this));
    area_->addWidget(tabs_);

    auto *layout = new QVBoxLayout(livePage());
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(banner());
    layout->addWidget(bar);
    layout->addWidget(area_, 1);
    updateLiveState();

    // The terminals of the last run come back (their shells, if the sandbox kept running;
    // new ones in the same sessions if not).
    const QStringList remembered = QSettings().value(tabsKey()).toStringList();
    for (const QString &session : remembered)
        openTerminal(session);
    if (!remembered.isEmpty())
        tabs_->setCurrentIndex(0);
    connect(tabs_->tabBar(), &QTabBar::tabMoved, this, &TerminalPane::rememberTabs);
}

QString TerminalPane::tabsKey() const
{
    return QStringLiteral("terminal/sessions/") + sandboxId();
}

void TerminalPane::rememberTabs()
{
    QStringList sessions;
    for (TerminalTab *tab : terminals())
        sessions << tab->sessionId();
    if (sessions.isEmpty())
        QSettings().remove(tabsKey());
    else
        QSettings().setValue(tabsKey(), sessions);
}

QList<TerminalTab *> TerminalPane::terminals() const
{
    QList<TerminalTab *> all;
    for (int i = 0; i < tabs_->count(); ++i)
        all << static_cast<TerminalTab *>(tabs_->widget(i));
    return all;
}

TerminalTab *TerminalPane::currentTerminal() const
{
    return static_cast<TerminalTab *>(tabs_->currentWidget());
}

TerminalTab *TerminalPane::openTerminal(const QString &sessionId)
{
    for (TerminalTab *tab : terminals()) {
        if (tab->sessionId() == sessionId) {
            tabs_->setCurrentWidget(tab);
            tab->setFocus();
            return tab;
        }
    }
    auto *tab = new TerminalTab(client(), sandboxId(), sessionId, tabs_);
    tab->view()->setTerminalFont(terminalFont());
    connect(tab, &TerminalTab::titleChanged, this, [this, tab] { updateTab(tab); });
    connect(tab, &TerminalTab::stateChanged, this, [this, tab] { updateTab(tab); });
    connect(tab->view(), &TerminalView::urlActivated, this, &TerminalPane::openUrl);
    connect(tab->view(), &TerminalView::bellRang, this, [this, tab] {
        if (tab == currentTerminal() && isVisible())
            QApplication::beep();
        else
            tabs_->setTabIcon(tabs_->indexOf(tab), style()->standardIcon(QStyle::SP_MessageBoxInformation));
    });
    tabs_->setCurrentIndex(tabs_->addTab(tab, sessionId));
    rememberTabs();
    updateTab(tab);
    area_->setCurrentIndex(1);
    tab->setSandboxRunning(sandboxRunning());
    tab->setFocus();
    return tab;
}

void TerminalPane::openNewTerminal()
{
    // The first free name: the PTY route makes the session.
    api_.sessions(this, [this](const ApiResult &result) {
        QStringList taken;
        for (const QJsonValue &id : result.body.value("data").toArray())
            taken << id.toString();
        for (TerminalTab *tab : terminals())
            taken << tab->sessionId();
        int number = 1;
        while (taken.contains(QStringLiteral("terminal-%1").arg(number)))
            ++number;
        openTerminal(QStringLiteral("terminal-%1").arg(number));
    });
}

void TerminalPane::fillAttachMenu()
{
    attachMenu_->clear();
    QAction *loading = attachMenu_->addAction(tr("Listing sessions…"));
    loading->setEnabled(false);
    api_.sessions(this, [this](const ApiResult &result) {
        attachMenu_->clear();
        QStringList ids{QStringLiteral("default")};
        for (const QJsonValue &id : result.body.value("data").toArray())
            if (!ids.contains(id.toString()))
                ids << id.toString();
        QStringList open;
        for (TerminalTab *tab : terminals())
            open << tab->sessionId();
        for (const QString &id : std::as_const(ids)) {
            QAction *action = attachMenu_->addAction(id, this, [this, id] { openTerminal(id); });
            action->setCheckable(true);
            action->setChecked(open.contains(id)); // shown in a tab already
        }
        if (!result.ok()) {
            QAction *failed = attachMenu_->addAction(tr("Could not list the sessions: %1").arg(result.errorMessage));
            failed->setEnabled(false);
        }
    });
}

void TerminalPane::closeTab(int index)
{
    QWidget *tab = tabs_->widget(index);
    if (!tab)
        return;
    setFocusProxy(nullptr);
    tabs_->removeTab(index);
    delete tab; // its socket closes; the shell keeps running
    rememberTabs();
    setFocusProxy(currentTerminal());
    area_->setCurrentIndex(tabs_->count() == 0 ? 0 : 1);
}

void TerminalPane::endShell(bool askFirst)
{
    TerminalTab *tab = currentTerminal();
    if (!tab)
        return;
    const QString session = tab->sessionId();
    if (askFirst && !confirmAction(this, tr("End Shell"), tr("End the shell of session \"%1\"?").arg(session),
                                   tr("End Shell"),
                                   tr("The session ends with it: the programs running in its shell and its "
                                      "background processes stop, and every terminal on it closes.")))
        return;
    api_.deleteSession(session, this, [this, session](const ApiResult &result) {
        if (!result.ok() && result.status != 404) {
            banner()->showError(tr("Could not end the shell of session %1: %2").arg(session, result.errorMessage));
            return;
        }
        for (TerminalTab *other : terminals())
            if (other->sessionId() == session)
                closeTab(tabs_->indexOf(other));
    });
}

void TerminalPane::chooseFont()
{
    bool chosen = false;
    const QFont font = QFontDialog::getFont(&chosen, terminalFont(), this, tr("Terminal Font"),
                                            QFontDialog::MonospacedFonts);
    if (!chosen)
        return;
    QSettings().setValue(kFontKey, font.toString());
    for (TerminalTab *tab : terminals())
        tab->view()->setTerminalFont(font);
}

void TerminalPane::openUrl(const QUrl &url)
{
    const int port = sandboxPortOf(url);
    if (port > 0)
        emit previewRequested(port); // localhost means the sandbox's own: the host's would be wrong
    else if (url.scheme() == "http" || url.scheme() == "https")
        QDesktopServices::openUrl(url);
}

void TerminalPane::updateTab(TerminalTab *tab)
{
    const int index = tabs_->indexOf(tab);
    if (index < 0)
        return;
    QString title = tab->title();
    if (title.size() > 32)
        title = title.left(31) + QChar(0x2026);
    tabs_->setTabText(index, title);
    tabs_->setTabToolTip(index, tr("Session %1").arg(tab->sessionId()));
    QIcon icon;
    if (tab->state() == TerminalTab::State::Reconnecting || tab->state() == TerminalTab::State::Connecting)
        icon = style()->standardIcon(QStyle::SP_BrowserReload);
    else if (tab->state() == TerminalTab::State::Exited)
        icon = style()->standardIcon(QStyle::SP_MessageBoxWarning);
    tabs_->setTabIcon(index, icon);
}

void TerminalPane::showEvent(QShowEvent *event)
{
    SandboxPane::showEvent(event);
    // Shown by a click on its tab (the view's tab bar has the focus then): the terminal takes it.
    QTimer::singleShot(0, this, [this] {
        if (TerminalTab *tab = currentTerminal(); tab && isVisible())
            tab->setFocus();
    });
}

void TerminalPane::updateLiveState()
{
    SandboxPane::updateLiveState();
    // Terminals stay connected while the pane is hidden: their shells go on either way.
    for (TerminalTab *tab : terminals())
        tab->setSandboxRunning(sandboxRunning());
}

} // namespace sandbench::ui
