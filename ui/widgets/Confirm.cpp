#include "widgets/Confirm.h"

#include <QCoreApplication>
#include <QGridLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QStringList>

namespace sandbench::ui {

namespace {

// The translation context of these dialogs ("Confirm" in the .ts file).
struct Confirm {
    Q_DECLARE_TR_FUNCTIONS(Confirm)
};

} // namespace

void plainTextOnly(QMessageBox &box)
{
    box.setTextFormat(Qt::PlainText);
    for (QLabel *label : box.findChildren<QLabel *>())
        label->setTextFormat(Qt::PlainText);
}

bool confirmAction(QWidget *parent, const QString &title, const QString &text, const QString &action,
                   const QString &details)
{
    QMessageBox box(QMessageBox::Warning, title, text, QMessageBox::NoButton, parent);
    if (!details.isEmpty())
        box.setInformativeText(details);
    // A box whose words are a paragraph gets room for them, not a narrow column.
    if (auto *grid = qobject_cast<QGridLayout *>(box.layout()); grid && details.size() > 120)
        grid->addItem(new QSpacerItem(460, 0, QSizePolicy::Minimum, QSizePolicy::Fixed), grid->rowCount(), 0, 1,
                      grid->columnCount());
    plainTextOnly(box);
    QPushButton *confirm = box.addButton(action, QMessageBox::DestructiveRole);
    QPushButton *cancel = box.addButton(QMessageBox::Cancel);
    box.setDefaultButton(cancel);
    box.setEscapeButton(cancel);
    box.exec();
    return box.clickedButton() == confirm;
}

ReplaceChoice askReplace(QWidget *parent, const QStringList &existing, bool offerSkip)
{
    const QString text = existing.size() == 1
                             ? Confirm::tr("%1 already exists. Replace it?").arg(existing.first())
                             : Confirm::tr("%1 items already exist. Replace them?").arg(existing.size());
    QMessageBox box(QMessageBox::Warning, Confirm::tr("Replace"), text, QMessageBox::NoButton, parent);
    if (existing.size() > 1)
        box.setDetailedText(existing.join('\n'));
    // Files are overwritten; folders are merged into (their other files stay).
    box.setInformativeText(Confirm::tr("Files of the same name are overwritten; a folder keeps its other files."));
    plainTextOnly(box);
    QPushButton *replace = box.addButton(Confirm::tr("Replace"), QMessageBox::DestructiveRole);
    QPushButton *skip = offerSkip ? box.addButton(Confirm::tr("Skip Existing"), QMessageBox::AcceptRole) : nullptr;
    QPushButton *cancel = box.addButton(QMessageBox::Cancel);
    box.setDefaultButton(cancel);
    box.setEscapeButton(cancel);
    box.exec();
    if (box.clickedButton() == replace)
        return ReplaceChoice::Replace;
    if (skip && box.clickedButton() == skip)
        return ReplaceChoice::Skip;
    return ReplaceChoice::Cancel;
}

} // namespace sandbench::ui
