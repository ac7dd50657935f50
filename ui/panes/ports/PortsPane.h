// The Ports pane of one sandbox: its exposed ports (name, port, preview URL, whether
// something listens) and the ports listening inside but not exposed; expose and unexpose;
// copy a preview URL or open it in the system browser; and preview tabs, one web view per
// page, on the sandbox's own off-the-record browser profile (PreviewTab.h). It follows
// the engine's sandbox.ports and sandbox.listening events, so it never polls: a port that
// starts listening reloads its previews and is offered (portOffered) when not exposed.
#pragma once

#include "client/SandboxApi.h"
#include "panes/SandboxPane.h"

#include <QHash>
#include <QJsonObject>
#include <QSet>

class QAction;
class QStackedWidget;
class QTabWidget;
class QTreeWidget;
class QWebEngineDownloadRequest;

namespace sandbench::ui {

class PreviewProfile;
class PreviewTab;

class PortsPane : public SandboxPane {
    Q_OBJECT
public:
    PortsPane(EngineClient *client, const QString &sandboxId, QWidget *parent = nullptr);
    ~PortsPane() override;

    void refresh();
    // openAfter: a preview tab opens once the port is exposed.
    void exposePort(int port, const QString &name = {}, bool openAfter = false);
    void unexposePort(int port, bool askFirst = true);
    // The port's preview tab (made and loaded when there is none); nullptr when not exposed.
    PreviewTab *openPreview(int port);
    void copyUrl(int port);
    void openInBrowser(const QUrl &url);

    QTreeWidget *portList() const { return list_; }
    QTabWidget *previewTabs() const { return tabs_; }
    QList<PreviewTab *> previews() const;
    bool isExposed(int port) const { return exposed_.contains(port); }
    QUrl urlOf(int port) const;
    // Where the browser's downloads go: asks with a file dialog unless a test sets a chooser.
    std::function<QString(const QString &suggested)> chooseDownloadPath;

    void sandboxEvent(const QJsonObject &event) override;

signals:
    // A port started listening inside the sandbox and is not exposed (once per port and run).
    void portOffered(int port);
    void portExposed(int port, const QUrl &url);

protected:
    void updateLiveState() override;
    void sandboxStarted() override;

private:
    void showPorts(const QJsonObject &answer);
    void updateActions();
    int selectedPort() const;
    void askToExpose();
    PreviewTab *addPreview(int port, const QUrl &url);
    PreviewProfile *profile();
    void download(QWebEngineDownloadRequest *request);

    SandboxApi api_;
    QTreeWidget *list_;
    QTabWidget *tabs_;
    QStackedWidget *previewArea_;
    QAction *exposeAction_, *openAction_, *browserAction_, *copyAction_, *unexposeAction_;
    PreviewProfile *profile_ = nullptr; // made with the first preview (Qt WebEngine starts then)
    QHash<int, QJsonObject> exposed_;   // port -> {port, name, url, listening}
    QList<int> listeningNotExposed_;
    QSet<int> offered_;                 // in this run of the sandbox
    QString listedStatus_; // the status the list was last fetched in
    bool askingForDownload_ = false;
};

} // namespace sandbench::ui
