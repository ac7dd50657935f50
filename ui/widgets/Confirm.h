// Every confirmation in the app looks the same: a warning that says what will happen, a
// button named after the action ("Delete", "Destroy", "Replace", never "Discard" or "Yes")
// and Cancel, which is the default.
#pragma once

#include <QString>

class QMessageBox;
class QWidget;

namespace sandbench::ui {

// A message box's words as text, never markup: names from the sandbox reach them (a file
// called "<img width=30000>" must not become a picture). Call once its texts are set.
void plainTextOnly(QMessageBox &box);

// True when the user pressed the action's button.
bool confirmAction(QWidget *parent, const QString &title, const QString &text, const QString &action,
                   const QString &details = {});

// For one or more existing items about to be replaced: Replace, Skip (keep the existing
// ones, do the rest), or Cancel (do nothing).
enum class ReplaceChoice { Replace, Skip, Cancel };
ReplaceChoice askReplace(QWidget *parent, const QStringList &existing, bool offerSkip);

} // namespace sandbench::ui
