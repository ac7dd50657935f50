// The selected sandbox at a glance: status, creation time, idle policy,
// environment variables and the last error, as the engine reports them.
#pragma once

#include "panes/SandboxPane.h"

class QLabel;
class QPushButton;
class QTableWidget;

namespace sandbench::ui {

class OverviewPane : public SandboxPane {
    Q_OBJECT
public:
    OverviewPane(EngineClient *client, const QString &sandboxId, QWidget *parent = nullptr);
    // The engine's public view of one sandbox (GET /v1/sandboxes/{id}).
    void showSandbox(const QJsonObject &sandbox) override;
    // Which limits the engine can enforce on this host (the "limits" of GET /v1/health).
    void setEngineLimits(const QJsonObject &limits);

    QPushButton *startButton() const { return start_; }
    QPushButton *stopButton() const { return stop_; }
    QPushButton *settingsButton() const { return settings_; }

signals:
    void stopRequested();
    void settingsRequested(const QJsonObject &sandbox);

private:
    void showLimits();
    void showNetwork();

    QLabel *title_;
    QLabel *status_;
    QLabel *created_;
    QLabel *idle_;
    QLabel *limits_;
    QLabel *network_;
    QLabel *oomKills_;
    QLabel *error_;
    QJsonObject sandbox_;
    QJsonObject engineLimits_;
    QTableWidget *env_;
    QPushButton *start_;
    QPushButton *stop_;
    QPushButton *settings_;
};

} // namespace sandbench::ui
