// Loads the application's translation (built into the binary from translations/)
// and Qt's own, for a locale; English, the source language, needs none.
#pragma once

#include <QLocale>

class QCoreApplication;

namespace sandbench::ui {

// Returns true when a Sandbench translation for locale was found and installed.
bool installTranslations(QCoreApplication &app, const QLocale &locale = QLocale());

} // namespace sandbench::ui
