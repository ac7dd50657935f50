#include "panes/commands/CommandDialogs.h"

#include "widgets/EnvironmentTable.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QTableWidget>
#include <QVBoxLayout>

namespace sandbench::ui {

namespace {

// The form, a line for problems and OK/Cancel: the layout both dialogs share.
QVBoxLayout *dialogLayout(QDialog *dialog, QFormLayout *form, QLabel *problem, QDialogButtonBox *buttons)
{
    problem->setStyleSheet(QStringLiteral("color: #cf222e;"));
    problem->setWordWrap(true);
    QObject::connect(buttons, &QDialogButtonBox::accepted, dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    auto *layout = new QVBoxLayout(dialog);
    layout->addLayout(form);
    layout->addWidget(problem);
    layout->addWidget(buttons);
    return layout;
}

// The rows both dialogs end with: working directory and environment.
void addDirectoryAndEnvironment(QDialog *dialog, QFormLayout *form, QLineEdit *cwd, EnvironmentTable *env)
{
    form->addRow(QObject::tr("&Working directory:"), cwd);
    auto *envLabel = new QLabel(QObject::tr("&Environment:"), dialog);
    envLabel->setBuddy(env->table());
    form->addRow(envLabel, env);
}

QString cwdProblem(const QString &cwd)
{
    return !cwd.isEmpty() && !cwd.startsWith('/') ? QObject::tr("The working directory must be an absolute path.") : QString();
}

} // namespace

NewSessionDialog::NewSessionDialog(QWidget *parent)
    : QDialog(parent), id_(new QLineEdit(this)), cwd_(new QLineEdit(this)), env_(new EnvironmentTable(this)),
      problem_(new QLabel(this)), buttons_(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("New Session"));
    id_->setPlaceholderText(tr("generated when empty"));
    cwd_->setPlaceholderText(QStringLiteral("/workspace"));
    auto *form = new QFormLayout;
    form->addRow(tr("Session &ID:"), id_);
    addDirectoryAndEnvironment(this, form, cwd_, env_);
    dialogLayout(this, form, problem_, buttons_);
    buttons_->button(QDialogButtonBox::Ok)->setText(tr("Create"));
    connect(id_, &QLineEdit::textChanged, this, &NewSessionDialog::validate);
    connect(cwd_, &QLineEdit::textChanged, this, &NewSessionDialog::validate);
    connect(env_, &EnvironmentTable::changed, this, &NewSessionDialog::validate);
    resize(460, 320);
    validate();
}

void NewSessionDialog::validate()
{
    static const QRegularExpression idPattern(QStringLiteral("^[A-Za-z0-9._-]*$"));
    QString problem;
    if (!idPattern.match(id_->text()).hasMatch())
        problem = tr("Session IDs use letters, digits, '.', '_' and '-'.");
    if (problem.isEmpty())
        problem = cwdProblem(cwd_->text());
    if (problem.isEmpty())
        problem = env_->problem();
    problem_->setText(problem);
    problem_->setVisible(!problem.isEmpty());
    buttons_->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty());
}

QJsonObject NewSessionDialog::requestBody() const
{
    QJsonObject body;
    if (!id_->text().isEmpty())
        body.insert("id", id_->text());
    if (!cwd_->text().isEmpty())
        body.insert("cwd", cwd_->text());
    const QJsonObject env = env_->variables();
    if (!env.isEmpty())
        body.insert("env", env);
    return body;
}

StartProcessDialog::StartProcessDialog(const QStringList &sessions, const QString &currentSession, QWidget *parent)
    : QDialog(parent), command_(new QLineEdit(this)), session_(new QComboBox(this)), cwd_(new QLineEdit(this)),
      env_(new EnvironmentTable(this)), problem_(new QLabel(this)),
      buttons_(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Start Background Process"));
    command_->setPlaceholderText(tr("for example python3 -m http.server 8080"));
    session_->addItems(sessions);
    session_->setCurrentText(currentSession);
    cwd_->setPlaceholderText(tr("the session's directory"));
    auto *form = new QFormLayout;
    form->addRow(tr("&Command:"), command_);
    form->addRow(tr("&Session:"), session_);
    addDirectoryAndEnvironment(this, form, cwd_, env_);
    dialogLayout(this, form, problem_, buttons_);
    buttons_->button(QDialogButtonBox::Ok)->setText(tr("Start"));
    connect(command_, &QLineEdit::textChanged, this, &StartProcessDialog::validate);
    connect(cwd_, &QLineEdit::textChanged, this, &StartProcessDialog::validate);
    connect(env_, &EnvironmentTable::changed, this, &StartProcessDialog::validate);
    resize(520, 340);
    validate();
}

void StartProcessDialog::validate()
{
    QString problem = cwdProblem(cwd_->text());
    if (problem.isEmpty())
        problem = env_->problem();
    problem_->setText(problem);
    problem_->setVisible(!problem.isEmpty());
    buttons_->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty() && !command_->text().trimmed().isEmpty());
}

QJsonObject StartProcessDialog::requestBody() const
{
    QJsonObject body{{"command", command_->text()}, {"sessionId", session_->currentText()}};
    if (!cwd_->text().isEmpty())
        body.insert("cwd", cwd_->text());
    const QJsonObject env = env_->variables();
    if (!env.isEmpty())
        body.insert("env", env);
    return body;
}

} // namespace sandbench::ui
