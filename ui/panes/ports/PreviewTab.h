// One preview of an exposed port in the Ports pane: an address bar, back, forward and
// reload, and a Qt WebEngine view on the sandbox's PreviewProfile. The profile is off the
// record and lets pages reach nothing but the sandbox's own preview URLs: a page served
// by (hostile) code in the sandbox cannot read local files or call other services on
// this computer through the embedded browser.
#pragma once

#include <QUrl>
#include <QWebEnginePage>
#include <QWebEngineProfile>
#include <QWidget>

#include <functional>

class QLineEdit;
class QStackedWidget;
class QWebEngineView;

namespace sandbench::ui {

// Qt WebEngine's needs, before the QApplication is made: shared OpenGL contexts, and as
// root (where Chromium refuses its own sandbox) QTWEBENGINE_DISABLE_SANDBOX. The pages
// still reach nothing but the sandbox's previews (PreviewProfile).
void prepareWebEngine();

// Whether url is one of the sandbox's preview URLs on this engine:
// http or ws://{port}-{sandboxId}-{token}.localhost:{enginePort}/...
bool isPreviewUrl(const QUrl &url, const QString &sandboxId, int enginePort);

class PreviewProfile : public QWebEngineProfile {
    Q_OBJECT
public:
    PreviewProfile(const QString &sandboxId, int enginePort, QObject *parent);
    bool allows(const QUrl &url) const;

private:
    QString sandboxId_;
    int enginePort_;
};

// Refuses navigation outside the sandbox's previews (reported, so the pane can offer the
// system browser), denies every permission, and opens new windows through the pane.
class PreviewPage : public QWebEnginePage {
    Q_OBJECT
public:
    PreviewPage(PreviewProfile *profile, QObject *parent);
    std::function<QWebEnginePage *()> openWindow; // a page in a new tab, or nullptr
    // The preview URL for a link to the sandbox's own loopback (localhost:PORT), or invalid.
    std::function<QUrl(const QUrl &)> previewOfLoopback;

signals:
    void navigationRefused(const QUrl &url);

protected:
    bool acceptNavigationRequest(const QUrl &url, NavigationType type, bool isMainFrame) override;
    QWebEnginePage *createWindow(WebWindowType type) override;

private:
    PreviewProfile *profile_;
};

class PreviewTab : public QWidget {
    Q_OBJECT
public:
    // base: the port's preview URL (http://{port}-{id}-{token}.localhost:{p}/).
    PreviewTab(PreviewProfile *profile, int port, const QUrl &base, QWidget *parent = nullptr);
    ~PreviewTab() override;
    int port() const { return port_; }
    QUrl base() const { return base_; }
    QUrl url() const;
    QWebEngineView *view() const { return view_; }
    PreviewPage *page() const { return page_; }

    void load(const QUrl &url);
    void reload();
    // The port's URL changed (its token was rotated): the same path at the new URL.
    void rebase(const QUrl &base);
    // The sandbox stopped: the page is discarded behind a notice (nothing reloads, which
    // would start it again; the history stays); resume() shows it again.
    void suspend();
    void resume();
    bool isSuspended() const { return suspended_; }

signals:
    void titleChanged(const QString &title);
    void navigationRefused(const QUrl &url);
    void openInBrowserRequested(const QUrl &url);

private:
    void navigateToTyped();

    int port_;
    QUrl base_;
    QUrl rebased_; // where a rotated token moves the page once it resumes
    bool suspended_ = false;
    PreviewPage *page_;
    QWebEngineView *view_;
    QLineEdit *address_;
    QStackedWidget *pages_; // the view, or the notice while the sandbox is stopped
};

} // namespace sandbench::ui
