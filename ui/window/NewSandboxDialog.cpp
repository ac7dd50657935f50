#include "window/NewSandboxDialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QRegularExpressionValidator>
#include <QTableWidget>
#include <QVBoxLayout>

namespace sandbench::ui {

namespace {

const QRegularExpression &idPattern()
{
    static const QRegularExpression pattern(QStringLiteral("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"));
    return pattern;
}

const QRegularExpression &envNamePattern()
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
    return pattern;
}

const QRegularExpression &durationPattern()
{
    static const QRegularExpression pattern(QStringLiteral("^[1-9][0-9]{0,8}[smhd]?$"));
    return pattern;
}

} // namespace

bool NewSandboxDialog::isValidId(const QString &text)
{
    return idPattern().match(text).hasMatch();
}

NewSandboxDialog::NewSandboxDialog(QWidget *parent)
    : QDialog(parent), id_(new QLineEdit(this)), env_(new QTableWidget(0, 2, this)), keepAlive_(new QCheckBox(this)),
      sleepAfter_(new QLineEdit(this)), problem_(new QLabel(this)),
      buttons_(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("New Sandbox"));
    id_->setPlaceholderText(tr("for example my-project"));
    id_->setValidator(new QRegularExpressionValidator(QRegularExpression("[a-z0-9-]{0,63}"), id_));
    id_->setToolTip(tr("Lower-case letters, digits and dashes; at most 63 characters"));

    env_->setHorizontalHeaderLabels({tr("Name"), tr("Value")});
    env_->horizontalHeader()->setStretchLastSection(true);
    env_->verticalHeader()->hide();
    env_->setMinimumHeight(120);
    auto *addVariable = new QPushButton(tr("Add"), this);
    auto *removeVariable = new QPushButton(tr("Remove"), this);
    connect(addVariable, &QPushButton::clicked, this, [this] {
        env_->insertRow(env_->rowCount());
        env_->setCurrentCell(env_->rowCount() - 1, 0);
        env_->editItem(env_->currentItem());
    });
    connect(removeVariable, &QPushButton::clicked, this, [this] {
        if (env_->currentRow() >= 0)
            env_->removeRow(env_->currentRow());
        validate();
    });
    auto *envButtons = new QVBoxLayout;
    envButtons->addWidget(addVariable);
    envButtons->addWidget(removeVariable);
    envButtons->addStretch();
    auto *envRow = new QHBoxLayout;
    envRow->addWidget(env_, 1);
    envRow->addLayout(envButtons);

    keepAlive_->setText(tr("Keep running while idle"));
    sleepAfter_->setPlaceholderText(tr("default (10m)"));
    sleepAfter_->setToolTip(tr("Idle time before the sandbox sleeps: 30s, 10m, 1h, 1d"));
    problem_->setStyleSheet(QStringLiteral("color: #cf222e;"));

    auto *form = new QFormLayout;
    form->addRow(tr("Sandbox &ID:"), id_);
    auto *envLabel = new QLabel(tr("&Environment:"), this);
    envLabel->setBuddy(env_); // a row holding a layout has no buddy of its own
    form->addRow(envLabel, envRow);
    form->addRow(QString(), keepAlive_);
    form->addRow(tr("&Sleep after:"), sleepAfter_);
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
    connect(env_, &QTableWidget::itemChanged, this, &NewSandboxDialog::validate);
    resize(480, 360);
    validate();
}

QString NewSandboxDialog::sandboxId() const
{
    return id_->text();
}

QJsonObject NewSandboxDialog::requestBody() const
{
    QJsonObject env;
    for (int row = 0; row < env_->rowCount(); ++row) {
        const QString name = env_->item(row, 0) ? env_->item(row, 0)->text().trimmed() : QString();
        if (!name.isEmpty())
            env.insert(name, env_->item(row, 1) ? env_->item(row, 1)->text() : QString());
    }
    QJsonObject body;
    if (!env.isEmpty())
        body.insert("envVars", env);
    if (keepAlive_->isChecked())
        body.insert("keepAlive", true);
    else if (!sleepAfter_->text().isEmpty())
        body.insert("sleepAfter", sleepAfter_->text());
    return body;
}

void NewSandboxDialog::validate()
{
    QString problem;
    if (!id_->text().isEmpty() && !isValidId(id_->text()))
        problem = tr("The ID must start and end with a letter or digit.");
    for (int row = 0; row < env_->rowCount() && problem.isEmpty(); ++row) {
        const QString name = env_->item(row, 0) ? env_->item(row, 0)->text().trimmed() : QString();
        if (!name.isEmpty() && !envNamePattern().match(name).hasMatch())
            problem = tr("\"%1\" is not a valid variable name.").arg(name);
    }
    if (problem.isEmpty() && !sleepAfter_->text().isEmpty() && !durationPattern().match(sleepAfter_->text()).hasMatch())
        problem = tr("Sleep after must look like 30s, 10m, 1h or 1d.");
    problem_->setText(problem);
    problem_->setVisible(!problem.isEmpty());
    buttons_->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty() && isValidId(id_->text()));
}

} // namespace sandbench::ui
