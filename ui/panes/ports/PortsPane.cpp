#include "panes/ports/PortsPane.h"

#include "panes/ports/PreviewTab.h"
#include "widgets/Confirm.h"
#include "widgets/MessageBanner.h"
#include "widgets/Remembered.h"

#include <QApplication>
#include <QClipboard>
#include <QDesktopServices>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLineEdit>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStyle>
#include <QTabWidget>
#include <QToolBar>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QWebEngineDownloadRequest>

namespace sandbench::ui {

namespace {

enum Column { PortColumn, NameColumn, StateColumn, UrlColumn };
constexpr int kPortRole = Qt::UserRole;

// The engine's rule for ports that can be exposed (1024-65535, not its control port 3000).
bool isExposable(int port)
{
    return port >= 1024 && port <= 65535 && port != 3000;
}

constexpr int kMostPreviews = 20; // tabs per sandbox: a page cannot open windows without end

// "site (8080)", or the page's title when it has one: "Dashboard · 8080".
QString tabTitle(const QJsonObject &entry, const QString &pageTitle = {})
{
    const QString name = entry.value("name").toString();
    const int port = entry.value("port").toInt();
    if (!pageTitle.isEmpty() && !pageTitle.startsWith(QStringLiteral("http")))
        return QStringLiteral("%1 · %2").arg(pageTitle.left(28)).arg(port);
    return name.isEmpty() ? QString::number(port) : QStringLiteral("%1 (%2)").arg(name).arg(port);
}

} // namespace

PortsPane::PortsPane(EngineClient *client, const QString &sandboxId, QWidget *parent)
    : SandboxPane(client, sandboxId, QString(), parent), // the ports and their URLs show in any status
      api_(client, sandboxId), list_(new QTreeWidget(this)), tabs_(new QTabWidget(this)),
      previewArea_(new QStackedWidget(this))
{
    list_->setObjectName("portList");
    list_->setAccessibleName(tr("Ports"));
    setUpRowList(list_, {tr("Port"), tr("Name"), tr("State"), tr("Preview URL")}, UrlColumn);

    auto *bar = new QToolBar(this);
    bar->setIconSize(QSize(16, 16));
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    exposeAction_ = bar->addAction(style()->standardIcon(QStyle::SP_FileDialogNewFolder), tr("Expose Port…"), this,
                                   &PortsPane::askToExpose);
    exposeAction_->setToolTip(tr("Give a port of the sandbox a preview URL"));
    openAction_ = bar->addAction(style()->standardIcon(QStyle::SP_DesktopIcon), tr("Preview"), this, [this] {
        if (isExposed(selectedPort()))
            openPreview(selectedPort());
        else
            exposePort(selectedPort(), {}, true);
    });
    openAction_->setToolTip(tr("Open the port's preview in a tab below (double-click a port)"));
    browserAction_ = bar->addAction(QIcon::fromTheme("internet-web-browser"), tr("Open in Browser"), this,
                                    [this] { openInBrowser(urlOf(selectedPort())); });
    copyAction_ = bar->addAction(style()->standardIcon(QStyle::SP_FileLinkIcon), tr("Copy URL"), this,
                                 [this] { copyUrl(selectedPort()); });
    unexposeAction_ = bar->addAction(style()->standardIcon(QStyle::SP_DialogCancelButton), tr("Unexpose"), this,
                                     [this] { unexposePort(selectedPort()); });
    unexposeAction_->setToolTip(tr("Revoke the preview URL: it stops working at once (Delete)"));
    unexposeAction_->setShortcut(QKeySequence::Delete);
    copyAction_->setShortcut(QKeySequence::Copy);
    copyAction_->setToolTip(tr("Copy the preview URL (Ctrl+C)"));
    for (QAction *action : {openAction_, browserAction_, copyAction_, unexposeAction_}) {
        action->setShortcutContext(Qt::WidgetShortcut); // on the list only
        list_->addAction(action);
    }
    connect(list_, &QTreeWidget::currentItemChanged, this, &PortsPane::updateActions);
    connect(list_, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem *item) {
        const int port = item->data(PortColumn, kPortRole).toInt();
        if (isExposed(port))
            openPreview(port);
        else
            exposePort(port, {}, true);
    });

    tabs_->setObjectName("previewTabs");
    tabs_->setTabsClosable(true);
    tabs_->setDocumentMode(true);
    tabs_->setMovable(true);
    connect(tabs_, &QTabWidget::tabCloseRequested, this, [this](int index) {
        QWidget *tab = tabs_->widget(index);
        tabs_->removeTab(index);
        delete tab;
        previewArea_->setCurrentIndex(tabs_->count() == 0 ? 0 : 1);
    });
    auto *closeTab = new QAction(tr("Close Preview"), tabs_);
    closeTab->setShortcut(QKeySequence::Close);
    closeTab->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(closeTab, &QAction::triggered, this, [this] {
        if (tabs_->count() > 0)
            emit tabs_->tabCloseRequested(tabs_->currentIndex());
    });
    tabs_->addAction(closeTab);
    previewArea_->addWidget(hintLabel(tr("Double-click an exposed port to preview it here. Ports that start "
                                         "listening in the sandbox appear in the list by themselves."),
                                      this));
    previewArea_->addWidget(tabs_);

    auto *top = new QWidget(this);
    auto *topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(bar);
    topLayout->addWidget(list_, 1);
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(top);
    splitter->addWidget(previewArea_);
    splitter->setStretchFactor(1, 1);
    splitter->setChildrenCollapsible(false);
    rememberSplitter(splitter, "ports/splitter", {160, 480});

    auto *layout = new QVBoxLayout(livePage());
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(banner());
    layout->addWidget(splitter, 1);
    updateActions();
    updateLiveState();
}

PortsPane::~PortsPane()
{
    qDeleteAll(previews()); // their pages go before the profile
}

QList<PreviewTab *> PortsPane::previews() const
{
    QList<PreviewTab *> all;
    for (int i = 0; i < tabs_->count(); ++i)
        all << static_cast<PreviewTab *>(tabs_->widget(i));
    return all;
}

QUrl PortsPane::urlOf(int port) const
{
    return QUrl(exposed_.value(port).value("url").toString());
}

int PortsPane::selectedPort() const
{
    const QTreeWidgetItem *item = list_->currentItem();
    return item ? item->data(PortColumn, kPortRole).toInt() : 0;
}

void PortsPane::updateActions()
{
    const int port = selectedPort();
    const bool exposed = isExposed(port);
    exposeAction_->setEnabled(true);
    openAction_->setEnabled(port != 0); // a listening port is exposed first
    for (QAction *action : {browserAction_, copyAction_, unexposeAction_})
        action->setEnabled(exposed);
}

void PortsPane::refresh()
{
    api_.ports(this, [this](const ApiResult &result) {
        if (!result.ok()) {
            banner()->showError(tr("Could not list the ports: %1").arg(result.errorMessage));
            return;
        }
        showPorts(result.body);
    });
}

void PortsPane::showPorts(const QJsonObject &answer)
{
    const int selected = selectedPort();
    QHash<int, QJsonObject> exposed;
    for (const QJsonValue &value : answer.value("ports").toArray())
        exposed.insert(value.toObject().value("port").toInt(), value.toObject());
    listeningNotExposed_.clear();
    for (const QJsonValue &value : answer.value("listeningNotExposed").toArray())
        listeningNotExposed_ << value.toInt();

    // Previews follow their port: a new token moves them, an unexposed port closes them.
    for (PreviewTab *tab : previews()) {
        const int index = tabs_->indexOf(tab);
        if (!exposed.contains(tab->port())) {
            tabs_->removeTab(index);
            delete tab;
            continue;
        }
        const QUrl base(exposed[tab->port()].value("url").toString());
        if (base != tab->base())
            tab->rebase(base);
        tabs_->setTabText(index, tabTitle(exposed[tab->port()], tab->page()->title()));
    }
    previewArea_->setCurrentIndex(tabs_->count() == 0 ? 0 : 1);
    exposed_ = exposed;

    list_->clear();
    QList<int> ports = exposed_.keys();
    std::sort(ports.begin(), ports.end());
    const QColor muted = palette().color(QPalette::Disabled, QPalette::Text);
    for (const int port : std::as_const(ports)) {
        const QJsonObject &entry = exposed_[port];
        const bool listening = entry.value("listening").toBool();
        const QString state = entry.value("listening").isNull() ? tr("Sandbox stopped")
                              : listening                        ? tr("Listening")
                                                                 : tr("Not listening");
        auto *item = new QTreeWidgetItem(list_, {QString::number(port), entry.value("name").toString(), state,
                                                 entry.value("url").toString()});
        item->setToolTip(UrlColumn, entry.value("url").toString());
        if (!listening)
            item->setForeground(StateColumn, muted);
        item->setData(PortColumn, kPortRole, port);
    }
    for (const int port : std::as_const(listeningNotExposed_)) {
        auto *item = new QTreeWidgetItem(list_, {QString::number(port), QString(), tr("Listening, not exposed"),
                                                 tr("Double-click to expose")});
        item->setForeground(UrlColumn, muted);
        item->setData(PortColumn, kPortRole, port);
    }
    // The port selected before, else the first: the actions always have a port to act on.
    list_->setCurrentItem(list_->topLevelItem(0));
    for (int row = 0; row < list_->topLevelItemCount(); ++row)
        if (list_->topLevelItem(row)->data(PortColumn, kPortRole).toInt() == selected)
            list_->setCurrentItem(list_->topLevelItem(row));
    updateActions();
}

void PortsPane::askToExpose()
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Expose Port"));
    auto *port = new QSpinBox(&dialog);
    port->setRange(1, 99999); // what is typed stays; the rule is checked below, in words
    const int selected = selectedPort();
    port->setValue(selected ? selected : listeningNotExposed_.value(0, 8080));
    auto *name = new QLineEdit(&dialog);
    name->setMaxLength(64);
    name->setPlaceholderText(tr("Optional, e.g. web"));
    if (isExposed(port->value()))
        name->setText(exposed_.value(port->value()).value("name").toString());
    auto *problem = problemLabel(&dialog);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Expose"));
    connect(buttons, &QDialogButtonBox::accepted, &dialog, [&] {
        const int chosen = port->value();
        if (!isExposable(chosen)) {
            showProblem(problem,
                        chosen == 3000 ? tr("Port 3000 is the sandbox's control port and cannot be exposed.")
                                       : tr("Port %1 cannot be exposed: use a port from 1024 to 65535.").arg(chosen),
                        port);
            return;
        }
        dialog.accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    connect(port, &QSpinBox::valueChanged, problem, &QWidget::hide);
    auto *form = new QFormLayout(&dialog);
    form->addRow(tr("&Port:"), port);
    form->addRow(tr("&Name:"), name);
    form->addRow(problem);
    form->addRow(buttons);
    if (dialog.exec() == QDialog::Accepted)
        exposePort(port->value(), name->text().trimmed(), true);
}

void PortsPane::exposePort(int port, const QString &name, bool openAfter)
{
    api_.exposePort(port, name, this, [this, port, openAfter](const ApiResult &result) {
        if (!result.ok()) {
            banner()->showError(tr("Could not expose port %1: %2").arg(port).arg(result.errorMessage));
            return;
        }
        // Listed at once (the sandbox.ports event that follows lists it again).
        QJsonObject entry = exposed_.value(port);
        entry["port"] = port;
        entry["url"] = result.body.value("url");
        entry["name"] = result.body.value("name");
        entry["listening"] = listeningNotExposed_.contains(port) || entry.value("listening").toBool();
        exposed_.insert(port, entry);
        listeningNotExposed_.removeAll(port);
        QJsonArray ports, listening;
        for (const QJsonObject &each : std::as_const(exposed_))
            ports.append(each);
        for (const int other : std::as_const(listeningNotExposed_))
            listening.append(other);
        showPorts({{"ports", ports}, {"listeningNotExposed", listening}});
        for (int row = 0; row < list_->topLevelItemCount(); ++row)
            if (list_->topLevelItem(row)->data(PortColumn, kPortRole).toInt() == port)
                list_->setCurrentItem(list_->topLevelItem(row));
        emit portExposed(port, urlOf(port));
        if (openAfter)
            openPreview(port);
    });
}

void PortsPane::unexposePort(int port, bool askFirst)
{
    if (!isExposed(port))
        return;
    if (askFirst &&
        !confirmAction(this, tr("Unexpose Port"),
                       tr("Unexpose port %1? Its preview URL stops working at once, for everyone who has it, "
                          "and its preview tabs here close.").arg(port),
                       tr("Unexpose")))
        return;
    api_.unexposePort(port, this, [this, port](const ApiResult &result) {
        if (!result.ok()) {
            banner()->showError(tr("Could not unexpose port %1: %2").arg(port).arg(result.errorMessage));
            return;
        }
        refresh();
    });
}

PreviewProfile *PortsPane::profile()
{
    if (!profile_) {
        profile_ = new PreviewProfile(sandboxId(), client()->baseUrl().port(), this);
        connect(profile_, &QWebEngineProfile::downloadRequested, this, &PortsPane::download);
    }
    return profile_;
}

PreviewTab *PortsPane::openPreview(int port)
{
    if (!isExposed(port))
        return nullptr;
    for (PreviewTab *tab : previews()) {
        if (tab->port() == port) {
            tabs_->setCurrentWidget(tab);
            return tab;
        }
    }
    PreviewTab *tab = addPreview(port, urlOf(port));
    if (tab)
        tab->load(urlOf(port));
    return tab;
}

PreviewTab *PortsPane::addPreview(int port, const QUrl &url)
{
    if (tabs_->count() >= kMostPreviews) {
        banner()->showInfo(tr("At most %1 previews are open at once; close one to open another.").arg(kMostPreviews));
        return nullptr;
    }
    auto *tab = new PreviewTab(profile(), port, url, tabs_);
    const int index = tabs_->addTab(tab, tabTitle(exposed_.value(port)));
    tabs_->setCurrentIndex(index);
    previewArea_->setCurrentIndex(1);
    connect(tab, &PreviewTab::titleChanged, this, [this, tab](const QString &title) {
        tabs_->setTabToolTip(tabs_->indexOf(tab), title);
        tabs_->setTabText(tabs_->indexOf(tab), tabTitle(exposed_.value(tab->port()), title));
    });
    connect(tab, &PreviewTab::openInBrowserRequested, this, &PortsPane::openInBrowser);
    connect(tab, &PreviewTab::navigationRefused, this, [this](const QUrl &url) {
        if (isSandboxLoopback(url)) {
            banner()->showInfo(tr("%1 is the sandbox's own loopback, and port %2 is not exposed: expose it to "
                                  "follow the link.").arg(url.toDisplayString()).arg(url.port(80)));
            if (isExposable(url.port(80)))
                banner()->addAction(tr("Expose"), [this, url] { exposePort(url.port(80), {}, true); });
            return;
        }
        banner()->showInfo(tr("The preview only shows this sandbox's exposed ports; %1 was not opened here.")
                               .arg(url.toDisplayString()));
        if (url.scheme() == "http" || url.scheme() == "https")
            banner()->addAction(tr("Open in Browser"), [this, url] { openInBrowser(url); });
    });
    // A link that opens a new window: a new tab of the same port.
    tab->page()->openWindow = [this, port, url]() -> QWebEnginePage * {
        PreviewTab *opened = addPreview(port, url);
        return opened ? opened->page() : nullptr;
    };
    // A link to localhost:PORT in the sandbox is that port's preview, when it is exposed.
    tab->page()->previewOfLoopback = [this](const QUrl &target) -> QUrl {
        if (!isSandboxLoopback(target) || !isExposed(target.port(80)))
            return {};
        QUrl preview = urlOf(target.port(80));
        preview.setPath(target.path());
        preview.setQuery(target.query());
        preview.setFragment(target.fragment());
        return preview;
    };
    return tab;
}

void PortsPane::copyUrl(int port)
{
    if (!isExposed(port))
        return;
    QApplication::clipboard()->setText(urlOf(port).toString());
    banner()->showInfo(tr("Copied the preview URL of port %1. Whoever has it can reach the port while it is exposed.")
                           .arg(port));
}

void PortsPane::openInBrowser(const QUrl &url)
{
    if (!url.isValid() || QDesktopServices::openUrl(url))
        return;
    banner()->showError(tr("Could not start the system's web browser for %1").arg(url.toString()));
    banner()->addAction(tr("Copy URL"), [url] { QApplication::clipboard()->setText(url.toString()); });
}

void PortsPane::download(QWebEngineDownloadRequest *request)
{
    // One question at a time: a page asking for more while one is open gets nothing.
    if (askingForDownload_) {
        request->cancel();
        return;
    }
    QString folder = QSettings().value("ports/downloadFolder").toString();
    if (folder.isEmpty() || !QDir(folder).exists())
        folder = QStandardPaths::writableLocation(QStandardPaths::DownloadLocation);
    if (folder.isEmpty() || !QDir(folder).exists())
        folder = QDir::homePath();
    const QString suggested = QDir(folder).filePath(request->downloadFileName());
    askingForDownload_ = true;
    const QString path = chooseDownloadPath ? chooseDownloadPath(suggested)
                                            : QFileDialog::getSaveFileName(this, tr("Save Download"), suggested);
    askingForDownload_ = false;
    if (path.isEmpty()) {
        request->cancel();
        return;
    }
    const QFileInfo target(path);
    QSettings().setValue("ports/downloadFolder", target.absolutePath());
    request->setDownloadDirectory(target.absolutePath());
    request->setDownloadFileName(target.fileName());
    connect(request, &QWebEngineDownloadRequest::isFinishedChanged, this, [this, request, path, target] {
        if (request->state() == QWebEngineDownloadRequest::DownloadCompleted)
            banner()->showInfo(tr("Downloaded %1").arg(QDir::toNativeSeparators(path)));
        else if (request->state() == QWebEngineDownloadRequest::DownloadInterrupted)
            banner()->showError(tr("The download of %1 failed: %2").arg(target.fileName(), request->interruptReasonString()));
    });
    request->accept();
}

void PortsPane::sandboxEvent(const QJsonObject &event)
{
    const QString type = event.value("type").toString();
    if (type == "sandbox.ports") {
        refresh();
    } else if (type == "sandbox.listening") {
        QList<int> opened;
        for (const QJsonValue &value : event.value("opened").toArray()) {
            const int port = value.toInt();
            // A service that (re)starts: its previews load it now instead of the 502 page.
            for (PreviewTab *tab : previews())
                if (tab->port() == port)
                    tab->reload();
            opened << port;
        }
        // Offered once the list is known: a port exposed already is no news.
        api_.ports(this, [this, opened](const ApiResult &result) {
            if (!result.ok())
                return;
            showPorts(result.body);
            bool offeredNow = false;
            for (const int port : opened) {
                if (isExposable(port) && !isExposed(port) && !offered_.contains(port) && sandboxRunning()) {
                    offered_.insert(port);
                    if (!offeredNow) // one notice per event, however many ports opened
                        emit portOffered(port);
                    offeredNow = true;
                }
            }
        });
    }
}

void PortsPane::sandboxStarted()
{
    offered_.clear();
    for (PreviewTab *tab : previews())
        tab->resume();
}

void PortsPane::updateLiveState()
{
    SandboxPane::updateLiveState();
    const bool running = sandboxRunning();
    if (status() != listedStatus_ && !status().isEmpty()) {
        listedStatus_ = status();
        refresh(); // the listening state changes with it
    }
    if (!running) {
        // Not running: previews are put away, or their reloads would start the sandbox again.
        for (PreviewTab *tab : previews())
            tab->suspend(); // once; again is nothing
    }
    updateActions();
}

} // namespace sandbench::ui
