// The Commands pane's two dialogs: a new session (id, working directory,
// environment) and a new background process (command, session, working
// directory, environment). Each builds the request body it stands for.
#pragma once

#include <QDialog>
#include <QJsonObject>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace sandbench::ui {

class EnvironmentTable;

class NewSessionDialog : public QDialog {
    Q_OBJECT
public:
    explicit NewSessionDialog(QWidget *parent = nullptr);
    QJsonObject requestBody() const; // for POST /api/session/create

private:
    void validate();
    QLineEdit *id_;
    QLineEdit *cwd_;
    EnvironmentTable *env_;
    QLabel *problem_;
    QDialogButtonBox *buttons_;
};

class StartProcessDialog : public QDialog {
    Q_OBJECT
public:
    StartProcessDialog(const QStringList &sessions, const QString &currentSession, QWidget *parent = nullptr);
    QJsonObject requestBody() const; // for POST /api/process/start

private:
    void validate();
    QLineEdit *command_;
    QComboBox *session_;
    QLineEdit *cwd_;
    EnvironmentTable *env_;
    QLabel *problem_;
    QDialogButtonBox *buttons_;
};

} // namespace sandbench::ui
