// For the GUI suites: a real engine embedded in the test process (temporary state and
// runtime directories), a GUI client and a plain HTTP client for it, and screenshots
// saved into <build>/screenshots for a human to look at.
#pragma once

#include "EmbeddedEngine.h"

#include "client/EngineClient.h"
#include "client/HttpClient.h"

#include <QAbstractButton>
#include <QApplication>
#include <QDir>
#include <QLabel>
#include <QMessageBox>
#include <QSettings>
#include <QTemporaryDir>
#include <QTimer>
#include <QWidget>

#include <sys/stat.h>

#include <functional>
#include <memory>

namespace sandbench::test {

class GuiEngine {
public:
    // Starts the engine; throws std::runtime_error when it cannot.
    void start()
    {
        // The window's settings of this run only (a previous run's open terminals, say,
        // must not come back), beside its state, as the app's --state-dir does.
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, state_.path());
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

// What a message box said and which buttons it offered, once answered.
struct AnsweredBox {
    bool cancelled = false; // set to stop waiting for a box that should not come
    bool seen = false;
    QString text;
    QStringList buttons;
    bool plainText = true; // every label of the box shows text as it is, never markup
};

// Answers the next modal message box (within 5 s) by pressing the button with that text
// (mnemonics ignored); an empty screenshot name takes none. Returns at once: the answer
// comes from the event loop, so call it before what opens the box.
inline std::shared_ptr<AnsweredBox> answerNextMessageBox(QObject *context, const QString &button,
                                                         const QString &screenshot = {})
{
    auto answered = std::make_shared<AnsweredBox>();
    auto attempts = std::make_shared<int>(0);
    auto poll = std::make_shared<std::function<void()>>();
    *poll = [context, button, screenshot, answered, attempts, poll] {
        if (answered->cancelled)
            return;
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (!box) {
            if (++*attempts < 100)
                QTimer::singleShot(50, context, *poll);
            return;
        }
        answered->seen = true;
        answered->text = box->text() + '\n' + box->informativeText();
        for (QLabel *label : box->findChildren<QLabel *>())
            answered->plainText = answered->plainText && (label->textFormat() == Qt::PlainText || label->text().isEmpty());
        for (QAbstractButton *candidate : box->buttons())
            if (box->buttonRole(candidate) != QMessageBox::ActionRole) // "Show Details…" is not an answer
                answered->buttons << candidate->text().remove('&');
        if (!screenshot.isEmpty())
            saveScreenshot(box, screenshot);
        for (QAbstractButton *candidate : box->buttons())
            if (candidate->text().remove('&') == button) {
                candidate->click();
                return;
            }
    };
    QTimer::singleShot(50, context, *poll);
    return answered;
}

} // namespace sandbench::test
