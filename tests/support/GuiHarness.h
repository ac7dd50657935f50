// For the GUI suites: a real engine embedded in the test process (temporary state and
// runtime directories), a GUI client and a plain HTTP client for it, and screenshots
// saved into <build>/screenshots for a human to look at.
#pragma once

#include "EmbeddedEngine.h"

#include "client/EngineClient.h"
#include "client/HttpClient.h"

#include <QDir>
#include <QTemporaryDir>
#include <QWidget>

#include <sys/stat.h>

#include <memory>

namespace sandbench::test {

class GuiEngine {
public:
    // Starts the engine; throws std::runtime_error when it cannot.
    void start()
    {
        chmod(state_.path().toLocal8Bit().constData(), 0711); // a root engine's sandboxes traverse it
        engine_ = std::make_unique<app::EmbeddedEngine>(state_.path().toStdString(), runtime_.path().toStdString());
        engine_->setStopSandboxesOnExit(true); // a suite leaves nothing running behind it
        engine_->start();
        client_ = std::make_unique<ui::EngineClient>(QUrl(QString::fromStdString(engine_->url())),
                                                     QString::fromStdString(engine_->token()));
    }
    void stop()
    {
        client_.reset();
        engine_.reset();
    }

    ui::EngineClient *client() const { return client_.get(); }
    client::EngineAddress address() const { return {engine_->url(), engine_->token()}; }
    client::HttpClient http() const { return client::HttpClient(address()); }

private:
    QTemporaryDir state_;
    QTemporaryDir runtime_;
    std::unique_ptr<app::EmbeddedEngine> engine_;
    std::unique_ptr<ui::EngineClient> client_;
};

inline bool saveScreenshot(QWidget *widget, const QString &name)
{
    QDir(SANDBENCH_SCREENSHOT_DIR).mkpath(".");
    return widget->grab().save(QStringLiteral(SANDBENCH_SCREENSHOT_DIR "/%1.png").arg(name));
}

} // namespace sandbench::test
