// "New sandbox": id, environment variables, keep-alive and sleep-after, limits, network, turned
// into the body of PUT /v1/sandboxes/{id}.
#pragma once

#include <QDialog>
#include <QJsonObject>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QSpinBox;
class QLabel;
class QLineEdit;

namespace sandbench::ui {

class EnvironmentTable;

class NewSandboxDialog : public QDialog {
    Q_OBJECT
public:
    explicit NewSandboxDialog(QWidget *parent = nullptr);
    QString sandboxId() const;
    QJsonObject requestBody() const;

    // Whether text is a valid sandbox id (the engine's rule: a-z, 0-9, '-', at most 63).
    static bool isValidId(const QString &text);

    // What the engine's host offers (GET /v1/health "network"): without egress the choice
    // is disabled and says why.
    void setEngineNetwork(const QJsonObject &network);

private:
    void validate();
    QLineEdit *id_;
    EnvironmentTable *env_;
    QCheckBox *keepAlive_;
    QLineEdit *sleepAfter_;
    QSpinBox *memory_;
    QDoubleSpinBox *cpus_;
    QSpinBox *pids_;
    QComboBox *network_;
    QLineEdit *networkAllow_;
    QLabel *problem_;
    QString idNote_; // what was converted in the typed id
    QDialogButtonBox *buttons_;
};

} // namespace sandbench::ui
