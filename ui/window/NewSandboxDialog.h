// "New sandbox": id, environment variables, keep-alive and sleep-after, limits, network, turned
// into the body of PUT /v1/sandboxes/{id}. The same dialog edits an existing sandbox's
// settings (showSettingsOf), turned into the body of PATCH /v1/sandboxes/{id}.
#pragma once

#include <QDialog>
#include <QJsonObject>

#include <functional>

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
    // PUT's body (what differs from the engine's defaults), or with showSettingsOf, PATCH's
    // (every setting the dialog shows; variables that were removed are sent as null).
    QJsonObject requestBody() const;

    // Edits an existing sandbox (its GET /v1/sandboxes/{id} view): the id is fixed and the
    // fields start from its settings.
    void showSettingsOf(const QJsonObject &sandbox);
    // With showSettingsOf: OK calls save with the changes and closes only once done reports
    // no error (an error shows in the dialog, the edits stay).
    using SaveHandler = std::function<void(const QJsonObject &changes, std::function<void(const QString &error)> done)>;
    void setSaveHandler(SaveHandler save);
    void accept() override;

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
    QCheckBox *previewAutostart_;
    QLineEdit *sleepAfter_;
    QSpinBox *memory_;
    QDoubleSpinBox *cpus_;
    QSpinBox *pids_;
    QComboBox *network_;
    QLineEdit *networkAllow_;
    QLabel *problem_;
    QString idNote_; // what was converted in the typed id
    QDialogButtonBox *buttons_;
    QJsonObject changedSettings() const;
    QJsonObject editing_; // the sandbox whose settings are edited; empty for a new one
    QString editedSleepAfter_;
    SaveHandler save_;
};

} // namespace sandbench::ui
