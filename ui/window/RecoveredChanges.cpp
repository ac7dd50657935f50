#include "window/RecoveredChanges.h"

#include "panes/files/FileEditor.h"
#include "widgets/Confirm.h"

#include <QCloseEvent>
#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>
#include <QTabWidget>
#include <QVBoxLayout>

namespace sandbench::ui {

RecoveredChanges::RecoveredChanges(const QString &sandboxId, const QList<FileEditor *> &editors, QWidget *parent)
    : QDialog(parent), tabs_(new QTabWidget(this))
{
    setWindowTitle(tr("Unsaved Changes from %1").arg(sandboxId));
    setAttribute(Qt::WA_DeleteOnClose);
    auto *explanation = new QLabel(tr("The sandbox \"%1\" was destroyed while these files had unsaved changes. "
                                      "Save them on this computer, or close this window to let them go.")
                                       .arg(sandboxId),
                                   this);
    explanation->setWordWrap(true);
    const QString reason = tr("The sandbox \"%1\" was destroyed.").arg(sandboxId);
    for (FileEditor *editor : editors) {
        editor->detach(reason);
        const int tab = tabs_->addTab(editor, editor->title());
        tabs_->setTabToolTip(tab, editor->path());
        connect(editor, &FileEditor::titleChanged, this, [this, editor] {
            tabs_->setTabText(tabs_->indexOf(editor), editor->title());
        });
    }
    auto *buttons = new QDialogButtonBox(this);
    QPushButton *save = buttons->addButton(tr("Save a Copy…"), QDialogButtonBox::ActionRole);
    buttons->addButton(QDialogButtonBox::Close);
    connect(save, &QPushButton::clicked, this, [this] {
        if (auto *editor = static_cast<FileEditor *>(tabs_->currentWidget()))
            editor->saveToComputer();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &RecoveredChanges::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(explanation);
    layout->addWidget(tabs_, 1);
    layout->addWidget(buttons);
    resize(820, 560);
}

QList<FileEditor *> RecoveredChanges::unsavedEditors() const
{
    return unsavedEditorsIn(tabs_);
}

bool RecoveredChanges::mayClose()
{
    const int unsaved = static_cast<int>(unsavedEditors().size());
    return unsaved == 0 ||
           confirmAction(this, tr("Close"),
                         unsaved == 1 ? tr("1 file still has changes that are not saved anywhere.")
                                      : tr("%1 files still have changes that are not saved anywhere.").arg(unsaved),
                         tr("Close Without Saving"), tr("Closing discards the text."));
}

void RecoveredChanges::closeEvent(QCloseEvent *event)
{
    event->ignore(); // the window's close button, Escape and Close all ask in reject()
    reject();
}

void RecoveredChanges::reject()
{
    if (!mayClose())
        return;
    hide();
    deleteLater();
}

} // namespace sandbench::ui
