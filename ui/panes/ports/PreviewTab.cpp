#include "panes/ports/PreviewTab.h"

#include <QAction>
#include <QCoreApplication>
#include <QLineEdit>
#include <QWebEngineFullScreenRequest>
#include <QRegularExpression>
#include <QToolBar>
#include <QVBoxLayout>
#include <QWebEngineScript>
#include <QWebEngineScriptCollection>
#include <QWebEngineSettings>
#include <QStackedWidget>
#include <QLabel>
#include <QWebEngineUrlRequestInterceptor>
#include <QWebEngineView>

#include <unistd.h>

namespace sandbench::ui {

namespace {

// Blocks every request (sub-resources, fetches, WebSockets) that leaves the sandbox's previews.
class PreviewGate : public QWebEngineUrlRequestInterceptor {
public:
    explicit PreviewGate(PreviewProfile *profile) : QWebEngineUrlRequestInterceptor(profile), profile_(profile) {}
    void interceptRequest(QWebEngineUrlRequestInfo &info) override
    {
        if (!profile_->allows(info.requestUrl()))
            info.block(true);
    }

private:
    PreviewProfile *profile_;
};

} // namespace

void prepareWebEngine()
{
    QCoreApplication::setAttribute(Qt::AA_ShareOpenGLContexts);
    if (::geteuid() == 0 && !qEnvironmentVariableIsSet("QTWEBENGINE_DISABLE_SANDBOX"))
        qputenv("QTWEBENGINE_DISABLE_SANDBOX", "1");
    // WebRTC opens UDP and TCP of its own, which no request interceptor sees: without a
    // proxy this policy leaves it no way out (the pages also lose RTCPeerConnection).
    QByteArray flags = qgetenv("QTWEBENGINE_CHROMIUM_FLAGS");
    flags += " --force-webrtc-ip-handling-policy --webrtc-ip-handling-policy=disable_non_proxied_udp";
    qputenv("QTWEBENGINE_CHROMIUM_FLAGS", flags.trimmed());
}

bool isPreviewUrl(const QUrl &url, const QString &sandboxId, int enginePort)
{
    static const QRegularExpression label(QStringLiteral("^(\\d{4,5})-(.+)-[a-z0-9_]{1,16}\\.localhost$"));
    if ((url.scheme() != "http" && url.scheme() != "ws") || url.port() != enginePort || !url.userInfo().isEmpty())
        return false;
    const auto match = label.match(url.host());
    return match.hasMatch() && match.captured(2) == sandboxId;
}

PreviewProfile::PreviewProfile(const QString &sandboxId, int enginePort, QObject *parent)
    : QWebEngineProfile(parent), sandboxId_(sandboxId), enginePort_(enginePort)
{
    // No storage name: off the record, nothing of the pages is kept on disk.
    setHttpCacheType(QWebEngineProfile::MemoryHttpCache);
    setPersistentCookiesPolicy(QWebEngineProfile::NoPersistentCookies);
    QWebEngineSettings *web = settings();
    web->setAttribute(QWebEngineSettings::LocalContentCanAccessFileUrls, false);
    web->setAttribute(QWebEngineSettings::LocalContentCanAccessRemoteUrls, false);
    web->setAttribute(QWebEngineSettings::LocalStorageEnabled, true); // per origin, in memory
    web->setAttribute(QWebEngineSettings::JavascriptCanAccessClipboard, false);
    web->setAttribute(QWebEngineSettings::JavascriptCanOpenWindows, false); // popups only from a click
    web->setAttribute(QWebEngineSettings::WebRTCPublicInterfacesOnly, true);
    web->setAttribute(QWebEngineSettings::AllowWindowActivationFromJavaScript, false);
    web->setAttribute(QWebEngineSettings::PluginsEnabled, false);
    web->setAttribute(QWebEngineSettings::ScreenCaptureEnabled, false);
    web->setAttribute(QWebEngineSettings::AllowRunningInsecureContent, false);
    web->setAttribute(QWebEngineSettings::AllowGeolocationOnInsecureOrigins, false);
    setUrlRequestInterceptor(new PreviewGate(this));
    // WebRTC's connections bypass the interceptor: the pages do not get it at all.
    QWebEngineScript noWebRtc;
    noWebRtc.setName(QStringLiteral("sandbench-no-webrtc"));
    noWebRtc.setInjectionPoint(QWebEngineScript::DocumentCreation);
    noWebRtc.setWorldId(QWebEngineScript::MainWorld);
    noWebRtc.setRunsOnSubFrames(true);
    noWebRtc.setSourceCode(QStringLiteral(
        "(() => { const names = ['RTCPeerConnection', 'webkitRTCPeerConnection', 'RTCDataChannel', "
        "'RTCRtpSender', 'RTCRtpReceiver', 'RTCIceCandidate', 'RTCSessionDescription'];"
        " const off = (w) => { for (const n of names) { try { Object.defineProperty(w, n, {value: undefined, "
        "writable: false, configurable: false}); } catch (e) {} } };"
        " off(window);"
        " const frame = Object.getOwnPropertyDescriptor(HTMLIFrameElement.prototype, 'contentWindow');"
        " Object.defineProperty(HTMLIFrameElement.prototype, 'contentWindow', {configurable: false, get() {"
        " const w = frame.get.call(this); if (w) off(w); return w; }}); })();"));
    scripts()->insert(noWebRtc);
}

bool PreviewProfile::allows(const QUrl &url) const
{
    // data: and blob: stay inside the page; everything else must be one of our previews.
    return url.scheme() == "data" || url.scheme() == "blob" || url.scheme() == "about" ||
           isPreviewUrl(url, sandboxId_, enginePort_);
}

PreviewPage::PreviewPage(PreviewProfile *profile, QObject *parent) : QWebEnginePage(profile, parent), profile_(profile)
{
    connect(this, &QWebEnginePage::featurePermissionRequested, this, [this](const QUrl &origin, Feature feature) {
        setFeaturePermission(origin, feature, PermissionDeniedByUser);
    });
    connect(this, &QWebEnginePage::fullScreenRequested, this,
            [](QWebEngineFullScreenRequest request) { request.reject(); });
}

bool PreviewPage::acceptNavigationRequest(const QUrl &url, NavigationType type, bool isMainFrame)
{
    if (profile_->allows(url))
        return QWebEnginePage::acceptNavigationRequest(url, type, isMainFrame);
    if (!isMainFrame)
        return false;
    // A link to the sandbox's own loopback (http://localhost:8080/...) means that port's
    // preview: followed there when it is exposed.
    if (const QUrl preview = previewOfLoopback ? previewOfLoopback(url) : QUrl(); preview.isValid()) {
        QMetaObject::invokeMethod(this, [this, preview] { load(preview); }, Qt::QueuedConnection);
        return false;
    }
    emit navigationRefused(url);
    return false;
}

QWebEnginePage *PreviewPage::createWindow(WebWindowType type)
{
    Q_UNUSED(type);
    return openWindow ? openWindow() : nullptr;
}

PreviewTab::PreviewTab(PreviewProfile *profile, int port, const QUrl &base, QWidget *parent)
    : QWidget(parent), port_(port), base_(base), page_(new PreviewPage(profile, this)),
      view_(new QWebEngineView(this)), address_(new QLineEdit(this)), pages_(new QStackedWidget(this))
{
    view_->setPage(page_);
    auto *stopped = new QLabel(tr("The sandbox is stopped. This preview comes back when it starts."), this);
    stopped->setAlignment(Qt::AlignCenter);
    stopped->setWordWrap(true);
    stopped->setEnabled(false); // the palette's muted text
    pages_->addWidget(view_);
    pages_->addWidget(stopped);
    auto *bar = new QToolBar(this);
    bar->setIconSize(QSize(16, 16));
    QAction *back = view_->pageAction(QWebEnginePage::Back);
    QAction *forward = view_->pageAction(QWebEnginePage::Forward);
    QAction *reloadAction = view_->pageAction(QWebEnginePage::Reload);
    back->setToolTip(tr("Back (Alt+Left)"));
    forward->setToolTip(tr("Forward (Alt+Right)"));
    reloadAction->setToolTip(tr("Reload (F5)"));
    back->setShortcut(QKeySequence::Back);
    forward->setShortcut(QKeySequence::Forward);
    reloadAction->setShortcut(QKeySequence::Refresh);
    for (QAction *action : {back, forward, reloadAction}) {
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        addAction(action);
        bar->addAction(action);
    }
    address_->setObjectName("previewAddress");
    address_->setClearButtonEnabled(true);
    address_->setPlaceholderText(tr("A path, like /index.html, or this port's preview URL"));
    bar->addWidget(address_);
    QAction *browser = bar->addAction(QIcon::fromTheme("internet-web-browser"), tr("Open in Browser"));
    browser->setToolTip(tr("Open this page in the system's web browser"));
    connect(browser, &QAction::triggered, this, [this] { emit openInBrowserRequested(url()); });
    connect(address_, &QLineEdit::returnPressed, this, &PreviewTab::navigateToTyped);
    connect(page_, &QWebEnginePage::urlChanged, this, [this](const QUrl &shown) {
        if (!shown.isEmpty() && shown.scheme() != "about")
            address_->setText(shown.toString());
    });
    connect(page_, &QWebEnginePage::titleChanged, this, &PreviewTab::titleChanged);
    connect(page_, &PreviewPage::navigationRefused, this, &PreviewTab::navigationRefused);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(bar);
    layout->addWidget(pages_, 1);
    address_->setText(base.toString());
}

PreviewTab::~PreviewTab()
{
    delete view_; // the view and page go before the profile they use
    delete page_;
}

QUrl PreviewTab::url() const
{
    return page_->url().isEmpty() ? base_ : page_->url();
}

void PreviewTab::load(const QUrl &url)
{
    if (suspended_)
        return;
    address_->setText(url.toString());
    view_->load(url);
}

void PreviewTab::reload()
{
    if (suspended_)
        return;
    if (page_->url().isEmpty())
        load(base_);
    else
        view_->reload();
}

void PreviewTab::rebase(const QUrl &base)
{
    QUrl next = base;
    const QUrl current = url();
    next.setPath(current.path());
    next.setQuery(current.query());
    next.setFragment(current.fragment());
    base_ = base;
    rebased_ = next;
    if (!suspended_)
        load(std::exchange(rebased_, QUrl()));
}

void PreviewTab::suspend()
{
    if (suspended_)
        return;
    suspended_ = true;
    // Discarded keeps the history and the URL but nothing runs or loads (a reload would
    // start the sandbox again); only a hidden page can be discarded.
    pages_->setCurrentIndex(1);
    page_->triggerAction(QWebEnginePage::Stop);
    if (page_->lifecycleState() == QWebEnginePage::LifecycleState::Active && !page_->url().isEmpty())
        page_->setLifecycleState(QWebEnginePage::LifecycleState::Discarded);
}

void PreviewTab::resume()
{
    if (!suspended_)
        return;
    suspended_ = false;
    pages_->setCurrentIndex(0);
    if (rebased_.isValid())
        load(std::exchange(rebased_, QUrl()));
    else if (page_->lifecycleState() != QWebEnginePage::LifecycleState::Active)
        page_->setLifecycleState(QWebEnginePage::LifecycleState::Active); // loads the page again
    else
        reload();
}

void PreviewTab::navigateToTyped()
{
    // A URL when it says its scheme; anything else is a path on this port ("index.html").
    const QString typed = address_->text().trimmed();
    QUrl target = typed.contains(QStringLiteral("://")) ? QUrl(typed)
                                                       : base_.resolved(QUrl(typed.startsWith('/') ? typed : '/' + typed));
    if (!page_->profile() || !static_cast<PreviewProfile *>(page_->profile())->allows(target)) {
        emit navigationRefused(target);
        address_->setText(url().toString());
        return;
    }
    load(target);
}

} // namespace sandbench::ui
