#include "window/NewSandboxDialog.h"

#include "widgets/EnvironmentTable.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHostAddress>
#include <QStandardItemModel>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QTableWidget>
#include <QVBoxLayout>

namespace sandbench::ui {

namespace {

constexpr int kDefaultMemoryMiB = 2048;
constexpr int kDefaultPids = 1024;

const QRegularExpression &idPattern()
{
    static const QRegularExpression pattern(QStringLiteral("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"));
    return pattern;
}

const QRegularExpression &durationPattern()
{
    static const QRegularExpression pattern(QStringLiteral("^[1-9][0-9]{0,8}[smhd]?$"));
    return pattern;
}

// "192.168.1.0/24, 10.0.0.5" as a list; empty entries dropped.
QStringList allowList(const QString &text)
{
    QStringList entries;
    for (const QString &entry : text.split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts))
        entries << entry;
    return entries;
}

} // namespace

bool NewSandboxDialog::isValidId(const QString &text)
{
    return idPattern().match(text).hasMatch();
}

NewSandboxDialog::NewSandboxDialog(QWidget *parent)
    : QDialog(parent), id_(new QLineEdit(this)), env_(new EnvironmentTable(this)), keepAlive_(new QCheckBox(this)),
      previewAutostart_(new QCheckBox(this)),
      sleepAfter_(new QLineEdit(this)), memory_(new QSpinBox(this)), cpus_(new QDoubleSpinBox(this)),
      pids_(new QSpinBox(this)), network_(new QComboBox(this)), networkAllow_(new QLineEdit(this)),
      problem_(new QLabel(this)),
      buttons_(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("New Sandbox"));
    id_->setPlaceholderText(tr("for example my-project"));
    id_->setMaxLength(63);
    // Capitals, spaces, underscores and dots become what an id allows, as they are typed;
    // anything else stays visible and is explained (never dropped silently).
    connect(id_, &QLineEdit::textEdited, this, [this](const QString &text) {
        QString converted = text.toLower();
        converted.replace(QRegularExpression(QStringLiteral("[ _.]")), QStringLiteral("-"));
        if (converted != text) {
            const int cursor = id_->cursorPosition();
            id_->setText(converted);
            id_->setCursorPosition(cursor);
            idNote_ = tr("Sandbox IDs are lower case, with dashes for spaces and underscores.");
        }
        validate();
    });
    id_->setToolTip(tr("Lower-case letters, digits and dashes; at most 63 characters"));

    keepAlive_->setText(tr("Keep running while idle"));
    previewAutostart_->setText(tr("Opening a preview URL starts it when stopped"));
    previewAutostart_->setToolTip(tr("Off: a preview of a stopped sandbox says so instead, and the sandbox stays stopped"));
    previewAutostart_->setChecked(true);
    sleepAfter_->setPlaceholderText(tr("default (10m)"));
    sleepAfter_->setToolTip(tr("Idle time before the sandbox sleeps: 30s, 10m, 1h, 1d"));
    problem_->setStyleSheet(QStringLiteral("color: #cf222e;"));

    // The engine's defaults; only values the user changed are sent.
    memory_->setRange(64, 1 << 20);
    memory_->setValue(kDefaultMemoryMiB);
    memory_->setSuffix(tr(" MiB"));
    memory_->setSingleStep(256);
    memory_->setToolTip(tr("Memory for the sandbox's processes and its /tmp, /var, /home"));
    cpus_->setRange(0, 1024);
    cpus_->setDecimals(2);
    cpus_->setSingleStep(0.5);
    cpus_->setSpecialValueText(tr("no cap"));
    cpus_->setToolTip(tr("CPU time in cores (0.5 is half a core)"));
    pids_->setRange(16, 1 << 20);
    pids_->setValue(kDefaultPids);
    pids_->setToolTip(tr("Processes and threads"));
    auto *limits = new QHBoxLayout;
    limits->addWidget(memory_);
    limits->addWidget(new QLabel(tr("CPUs:"), this));
    limits->addWidget(cpus_);
    limits->addWidget(new QLabel(tr("Processes:"), this));
    limits->addWidget(pids_);

    network_->addItem(tr("None (loopback only)"), QStringLiteral("none"));
    network_->addItem(tr("Internet (egress)"), QStringLiteral("egress"));
    network_->setToolTip(tr("Internet access goes through slirp4netns; this computer and its local network "
                            "stay unreachable unless allowed below"));
    networkAllow_->setPlaceholderText(tr("also reach, for example 192.168.1.20, 10.0.0.0/8"));
    networkAllow_->setToolTip(tr("Addresses or CIDRs of this computer or the local network the sandbox may reach; "
                                 "this computer's loopback never is"));
    networkAllow_->setEnabled(false);
    auto *network = new QHBoxLayout;
    network->addWidget(network_);
    network->addWidget(networkAllow_, 1);

    auto *form = new QFormLayout;
    form->addRow(tr("Sandbox &ID:"), id_);
    auto *envLabel = new QLabel(tr("&Environment:"), this);
    envLabel->setBuddy(env_->table());
    form->addRow(envLabel, env_);
    form->addRow(QString(), keepAlive_);
    form->addRow(QString(), previewAutostart_);
    form->addRow(tr("&Sleep after:"), sleepAfter_);
    auto *limitsLabel = new QLabel(tr("&Memory:"), this);
    limitsLabel->setBuddy(memory_);
    form->addRow(limitsLabel, limits);
    auto *networkLabel = new QLabel(tr("&Network:"), this);
    networkLabel->setBuddy(network_);
    form->addRow(networkLabel, network);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(problem_);
    layout->addWidget(buttons_);
    buttons_->button(QDialogButtonBox::Ok)->setText(tr("Create"));
    connect(buttons_, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(id_, &QLineEdit::textChanged, this, &NewSandboxDialog::validate);
    connect(sleepAfter_, &QLineEdit::textChanged, this, &NewSandboxDialog::validate);
    connect(keepAlive_, &QCheckBox::toggled, sleepAfter_, &QWidget::setDisabled);
    connect(env_, &EnvironmentTable::changed, this, &NewSandboxDialog::validate);
    connect(network_, &QComboBox::currentIndexChanged, this, [this] {
        networkAllow_->setEnabled(network_->currentData() == "egress");
        validate();
    });
    connect(networkAllow_, &QLineEdit::textChanged, this, &NewSandboxDialog::validate);
    resize(560, 400);
    validate();
}

QString NewSandboxDialog::sandboxId() const
{
    return id_->text();
}

void NewSandboxDialog::showSettingsOf(const QJsonObject &sandbox)
{
    editing_ = sandbox;
    const QString id = sandbox.value("id").toString();
    setWindowTitle(tr("Settings of %1").arg(id));
    id_->setText(id);
    id_->setReadOnly(true);
    id_->setEnabled(false); // looks fixed, not just refuses typing
    const QJsonObject env = sandbox.value("envVars").toObject();
    for (auto it = env.begin(); it != env.end(); ++it)
        env_->addVariable(it.key(), it.value().toString());
    keepAlive_->setChecked(sandbox.value("keepAlive").toBool());
    previewAutostart_->setChecked(sandbox.value("previewAutostart").toBool(true));
    const int sleepAfter = sandbox.value("sleepAfter").toInt();
    editedSleepAfter_ = sleepAfter % 3600 == 0 ? QStringLiteral("%1h").arg(sleepAfter / 3600)
                        : sleepAfter % 60 == 0 ? QStringLiteral("%1m").arg(sleepAfter / 60)
                                               : QStringLiteral("%1s").arg(sleepAfter);
    sleepAfter_->setText(editedSleepAfter_);
    sleepAfter_->setPlaceholderText(tr("unchanged (%1)").arg(editedSleepAfter_));
    const QJsonObject limits = sandbox.value("limits").toObject();
    memory_->setValue(limits.value("memoryMiB").toInt(kDefaultMemoryMiB));
    cpus_->setValue(limits.value("cpus").toDouble());
    pids_->setValue(limits.value("pids").toInt(kDefaultPids));
    network_->setCurrentIndex(sandbox.value("network").toString() == "egress" ? 1 : 0);
    QStringList allow;
    for (const QJsonValue &entry : sandbox.value("networkAllow").toArray())
        allow << entry.toString();
    networkAllow_->setText(allow.join(", "));
    idNote_ = sandbox.value("status").toString() == "running"
                  ? tr("Variables apply to new sessions and commands; idle settings, memory, CPUs and processes at "
                       "once; a new network at the next start.")
                  : tr("The settings apply when the sandbox starts.");
    buttons_->button(QDialogButtonBox::Ok)->setText(tr("Save"));
    validate();
}

QJsonObject NewSandboxDialog::requestBody() const
{
    const QJsonObject env = env_->variables();
    if (!editing_.isEmpty())
        return changedSettings();
    QJsonObject body;
    if (!env.isEmpty())
        body.insert("envVars", env);
    if (keepAlive_->isChecked())
        body.insert("keepAlive", true);
    else if (!sleepAfter_->text().isEmpty())
        body.insert("sleepAfter", sleepAfter_->text());
    if (!previewAutostart_->isChecked())
        body.insert("previewAutostart", false);
    QJsonObject limits;
    if (memory_->value() != kDefaultMemoryMiB)
        limits.insert("memoryMiB", memory_->value());
    if (cpus_->value() > 0)
        limits.insert("cpus", cpus_->value());
    if (pids_->value() != kDefaultPids)
        limits.insert("pids", pids_->value());
    if (!limits.isEmpty())
        body.insert("limits", limits);
    if (network_->currentData() == "egress") {
        body.insert("network", "egress");
        const QStringList allow = allowList(networkAllow_->text());
        if (!allow.isEmpty())
            body.insert("networkAllow", QJsonArray::fromStringList(allow));
    }
    return body;
}

QJsonObject NewSandboxDialog::changedSettings() const
{
    // Only what the user changed: a setting changed meanwhile by another client, and not
    // touched here, keeps its new value.
    QJsonObject body;
    const QJsonObject env = env_->variables();
    const QJsonObject before = editing_.value("envVars").toObject();
    QJsonObject vars;
    for (auto it = env.begin(); it != env.end(); ++it)
        if (before.value(it.key()) != it.value())
            vars.insert(it.key(), it.value());
    for (auto it = before.begin(); it != before.end(); ++it)
        if (!env.contains(it.key()))
            vars.insert(it.key(), QJsonValue::Null); // removed in the dialog
    if (!vars.isEmpty())
        body.insert("envVars", vars);
    if (keepAlive_->isChecked() != editing_.value("keepAlive").toBool())
        body.insert("keepAlive", keepAlive_->isChecked());
    if (!keepAlive_->isChecked() && !sleepAfter_->text().isEmpty() && sleepAfter_->text() != editedSleepAfter_)
        body.insert("sleepAfter", sleepAfter_->text());
    if (previewAutostart_->isChecked() != editing_.value("previewAutostart").toBool(true))
        body.insert("previewAutostart", previewAutostart_->isChecked());
    const QJsonObject limitsBefore = editing_.value("limits").toObject();
    QJsonObject limits;
    if (memory_->value() != limitsBefore.value("memoryMiB").toInt(kDefaultMemoryMiB))
        limits.insert("memoryMiB", memory_->value());
    if (!qFuzzyCompare(1 + cpus_->value(), 1 + limitsBefore.value("cpus").toDouble()))
        limits.insert("cpus", cpus_->value());
    if (pids_->value() != limitsBefore.value("pids").toInt(kDefaultPids))
        limits.insert("pids", pids_->value());
    if (!limits.isEmpty())
        body.insert("limits", limits);
    const QString network = network_->currentData().toString();
    if (network != editing_.value("network").toString("none"))
        body.insert("network", network);
    QStringList allowBefore;
    for (const QJsonValue &entry : editing_.value("networkAllow").toArray())
        allowBefore << entry.toString();
    const QStringList allow = network == "egress" ? allowList(networkAllow_->text()) : allowBefore;
    if (allow != allowBefore)
        body.insert("networkAllow", QJsonArray::fromStringList(allow));
    return body;
}

void NewSandboxDialog::setSaveHandler(SaveHandler save)
{
    save_ = std::move(save);
}

void NewSandboxDialog::accept()
{
    if (editing_.isEmpty() || !save_)
        return QDialog::accept();
    const QJsonObject body = requestBody();
    if (body.isEmpty())
        return QDialog::accept(); // nothing changed
    // The dialog stays until the engine took the settings: a refusal keeps the user's edits.
    buttons_->button(QDialogButtonBox::Ok)->setEnabled(false);
    save_(body, [this](const QString &error) {
        if (error.isEmpty())
            return QDialog::accept();
        problem_->setText(error);
        problem_->setStyleSheet(QStringLiteral("color: #cf222e;"));
        problem_->show();
        buttons_->button(QDialogButtonBox::Ok)->setEnabled(true);
    });
}

void NewSandboxDialog::setEngineNetwork(const QJsonObject &network)
{
    if (network.isEmpty() || network.value("egress").toBool())
        return;
    auto *model = qobject_cast<QStandardItemModel *>(network_->model());
    if (QStandardItem *egress = model ? model->item(1) : nullptr) {
        egress->setEnabled(false);
        egress->setToolTip(network.value("egressNote").toString());
    }
    network_->setToolTip(tr("Internet access is not available on this computer: %1")
                             .arg(network.value("egressNote").toString()));
}

void NewSandboxDialog::validate()
{
    QString problem;
    const QString id = id_->text();
    static const QRegularExpression disallowed(QStringLiteral("[^a-z0-9-]"));
    if (const auto found = disallowed.match(id); found.hasMatch())
        problem = tr("“%1” cannot be part of a sandbox ID: use a-z, 0-9 and -.").arg(found.captured());
    else if (!id.isEmpty() && !isValidId(id))
        problem = tr("The ID must start and end with a letter or digit.");
    if (problem.isEmpty())
        problem = env_->problem();
    if (problem.isEmpty() && !sleepAfter_->text().isEmpty() && !durationPattern().match(sleepAfter_->text()).hasMatch())
        problem = tr("Sleep after must look like 30s, 10m, 1h or 1d.");
    if (problem.isEmpty() && networkAllow_->isEnabled()) {
        for (const QString &entry : allowList(networkAllow_->text())) {
            const auto [address, prefix] = QHostAddress::parseSubnet(entry);
            if (prefix < 0)
                problem = tr("“%1” is not an address or CIDR like 192.168.1.0/24.").arg(entry);
            else if (address.isLoopback())
                problem = tr("This computer's loopback (%1) is never reachable from a sandbox.").arg(entry);
            else if (prefix < 8)
                problem = tr("“%1” is too wide: allow at most a /8.").arg(entry);
            if (!problem.isEmpty())
                break;
        }
    }
    problem_->setText(problem.isEmpty() ? idNote_ : problem);
    problem_->setStyleSheet(problem.isEmpty() ? QStringLiteral("color: gray;") : QStringLiteral("color: #cf222e;"));
    problem_->setVisible(!problem_->text().isEmpty());
    buttons_->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty() && isValidId(id_->text()));
}

} // namespace sandbench::ui
