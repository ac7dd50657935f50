#include "panes/overview/OverviewPane.h"

#include "models/SandboxListModel.h"

#include <QDateTime>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonValue>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QStyle>
#include <QTableWidget>
#include <QVBoxLayout>

namespace sandbench::ui {

namespace {

// 600 -> "10 min": the largest unit that divides the duration.
QString durationText(int seconds)
{
    if (seconds > 0 && seconds % 86400 == 0)
        return OverviewPane::tr("%1 d").arg(seconds / 86400);
    if (seconds > 0 && seconds % 3600 == 0)
        return OverviewPane::tr("%1 h").arg(seconds / 3600);
    if (seconds > 0 && seconds % 60 == 0)
        return OverviewPane::tr("%1 min").arg(seconds / 60);
    return OverviewPane::tr("%1 s").arg(seconds);
}

} // namespace

OverviewPane::OverviewPane(EngineClient *client, const QString &sandboxId, QWidget *parent)
    : SandboxPane(client, sandboxId, {}, parent), title_(new QLabel(this)), status_(new QLabel(this)), created_(new QLabel(this)),
      idle_(new QLabel(this)), limits_(new QLabel(this)), network_(new QLabel(this)), oomKills_(new QLabel(this)), error_(new QLabel(this)),
      env_(new QTableWidget(0, 2, this)), start_(new QPushButton(tr("&Start"), this)),
      stop_(new QPushButton(tr("S&top"), this)), settings_(new QPushButton(tr("S&ettings…"), this))
{
    start_->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
    stop_->setIcon(style()->standardIcon(QStyle::SP_MediaStop));
    settings_->setToolTip(tr("Change the environment variables, idle behaviour, limits and network"));
    connect(start_, &QPushButton::clicked, this, &SandboxPane::startRequested);
    connect(stop_, &QPushButton::clicked, this, &OverviewPane::stopRequested);
    connect(settings_, &QPushButton::clicked, this, [this] { emit settingsRequested(sandbox_); });
    QFont titleFont = title_->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.4);
    titleFont.setBold(true);
    title_->setFont(titleFont);
    title_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    error_->setWordWrap(true);
    error_->setTextFormat(Qt::PlainText);
    error_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    env_->setHorizontalHeaderLabels({tr("Name"), tr("Value")});
    env_->horizontalHeader()->setStretchLastSection(true);
    env_->verticalHeader()->hide();
    env_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    env_->setSelectionBehavior(QAbstractItemView::SelectRows);

    auto *form = new QFormLayout;
    form->addRow(tr("Status:"), status_);
    form->addRow(tr("Created:"), created_);
    form->addRow(tr("When idle:"), idle_);
    limits_->setWordWrap(true);
    limits_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(tr("Limits:"), limits_);
    network_->setWordWrap(true);
    network_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(tr("Network:"), network_);
    form->addRow(tr("Out-of-memory kills:"), oomKills_);
    form->addRow(tr("Last error:"), error_);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(title_, 1);
    buttons->addWidget(start_);
    buttons->addWidget(stop_);
    buttons->addWidget(settings_);
    auto *layout = new QVBoxLayout(livePage());
    layout->addLayout(buttons);
    layout->addLayout(form);
    layout->addWidget(new QLabel(tr("Environment variables:"), this));
    layout->addWidget(env_, 1);
}

void OverviewPane::showSandbox(const QJsonObject &sandbox)
{
    SandboxPane::showSandbox(sandbox);
    start_->setEnabled(status() == "stopped" || status() == "failed");
    stop_->setEnabled(status() == "running" || status() == "starting");
    title_->setText(sandbox.value("id").toString());
    const QString status = sandbox.value("status").toString();
    status_->setText(QStringLiteral("<span style=\"color:%1\">●</span> %2")
                         .arg(SandboxListModel::statusColor(status).name(), SandboxListModel::statusText(status)));
    const QDateTime created = QDateTime::fromString(sandbox.value("createdAt").toString(), Qt::ISODateWithMs);
    created_->setText(created.isValid() ? QLocale().toString(created.toLocalTime(), QLocale::ShortFormat)
                                        : sandbox.value("createdAt").toString());
    if (sandbox.value("keepAlive").toBool())
        idle_->setText(tr("Keeps running"));
    else
        idle_->setText(tr("Sleeps after %1 idle").arg(durationText(sandbox.value("sleepAfter").toInt())));
    sandbox_ = sandbox;
    showLimits();
    showNetwork();
    const int kills = sandbox.value("oomKills").toInt();
    oomKills_->setText(kills == 0   ? tr("None")
                       : kills == 1 ? tr("1 process killed at the memory limit since the last start")
                                    : tr("%1 processes killed at the memory limit since the last start").arg(kills));
    oomKills_->setStyleSheet(kills == 0 ? QString() : QStringLiteral("color: #cf222e;"));
    const QString error = sandbox.value("lastError").toString();
    error_->setText(error.isEmpty() ? tr("None") : error);
    error_->setStyleSheet(error.isEmpty() ? QString() : QStringLiteral("color: #cf222e;"));
    const QJsonObject env = sandbox.value("envVars").toObject();
    env_->setRowCount(static_cast<int>(env.size()));
    int row = 0;
    for (auto it = env.begin(); it != env.end(); ++it, ++row) {
        env_->setItem(row, 0, new QTableWidgetItem(it.key()));
        env_->setItem(row, 1, new QTableWidgetItem(it.value().toString()));
    }
}

void OverviewPane::showNetwork()
{
    const auto describe = [](const QString &mode) {
        return mode == "egress" ? tr("Internet (egress)") : tr("None (loopback only)");
    };
    const QString mode = sandbox_.value("network").toString("none");
    QString text = describe(mode);
    QStringList allowed;
    for (const QJsonValue &cidr : sandbox_.value("networkAllow").toArray())
        allowed << cidr.toString();
    if (mode == "egress")
        text += allowed.isEmpty() ? tr("; this computer and its local network are unreachable")
                                  : tr("; also allowed: %1").arg(allowed.join(", "));
    const QString active = sandbox_.value("activeNetwork").toString();
    if (!active.isEmpty() && active != mode)
        text += QStringLiteral("<br><span style=\"color: #9a6700;\">%1</span>")
                    .arg(tr("Applies at the next start; now: %1").arg(describe(active)));
    network_->setText(text);
}

void OverviewPane::setEngineLimits(const QJsonObject &limits)
{
    engineLimits_ = limits;
    showLimits();
}

void OverviewPane::showLimits()
{
    const QJsonObject limits = sandbox_.value("limits").toObject();
    if (limits.isEmpty()) {
        limits_->setText(tr("Unknown"));
        return;
    }
    const double cpus = limits.value("cpus").toDouble();
    QString text = tr("%1 MiB memory, %2, %3 processes")
                       .arg(limits.value("memoryMiB").toInt())
                       .arg(cpus > 0 ? tr("%1 CPU").arg(QLocale().toString(cpus)) : tr("no CPU cap"))
                       .arg(limits.value("pids").toInt());
    if (const int disk = limits.value("diskMiB").toInt(); disk > 0) {
        // A disk image is a hard limit; a usage watch stops the sandbox once it is passed.
        if (engineLimits_.value("disk").toString() == "watch")
            text += tr(", %1 MiB disk (watched: the sandbox stops when it is passed)").arg(disk);
        else
            text += tr(", %1 MiB disk").arg(disk);
        const int inForce = sandbox_.value("diskImageMiB").toInt();
        if (inForce > 0 && inForce != disk)
            text += tr(" (now %1 MiB)").arg(inForce);
    }
    if (!engineLimits_.isEmpty()) {
        // Say plainly what this host does not enforce.
        QStringList missing;
        if (!engineLimits_.value("memory").toBool())
            missing << tr("memory");
        if (!engineLimits_.value("cpu").toBool())
            missing << tr("CPU");
        if (!engineLimits_.value("pids").toBool())
            missing << tr("processes");
        if (missing.isEmpty())
            text += QStringLiteral("<br><span style=\"color: gray;\">%1</span>")
                        .arg(tr("Enforced through cgroup %1").arg(engineLimits_.value("cgroupVersion").toString()));
        else
            text += QStringLiteral("<br><span style=\"color: #9a6700;\">%1</span>")
                        .arg(tr("Not enforced on this host: %1. %2")
                                 .arg(missing.join(", "), engineLimits_.value("cgroupNote").toString().toHtmlEscaped()));
    }
    limits_->setText(text);
}

} // namespace sandbench::ui
