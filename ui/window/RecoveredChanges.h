// Files with unsaved changes whose sandbox was destroyed: their editors move into this
// window instead of vanishing with the sandbox, and the text can be saved on this computer.
#pragma once

#include <QDialog>

class QTabWidget;

namespace sandbench::ui {

class FileEditor;

class RecoveredChanges : public QDialog {
    Q_OBJECT
public:
    RecoveredChanges(const QString &sandboxId, const QList<FileEditor *> &editors, QWidget *parent = nullptr);
    QList<FileEditor *> unsavedEditors() const;
    // Close, Escape and the window's close button: asks first while text is unsaved.
    void reject() override;

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    bool mayClose();
    QTabWidget *tabs_;
};

} // namespace sandbench::ui
