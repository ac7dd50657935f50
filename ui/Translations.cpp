#include "Translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QTranslator>

namespace sandbench::ui {

bool installTranslations(QCoreApplication &app, const QLocale &locale)
{
    // Standard dialog buttons and the like come from Qt's own catalogues; the preview's
    // Back, Forward and Reload from Qt WebEngine's.
    for (const char *catalogue : {"qtbase", "qtwebengine"}) {
        auto *qt = new QTranslator(&app);
        if (qt->load(locale, catalogue, "_", QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
            QCoreApplication::installTranslator(qt);
        else
            delete qt;
    }
    auto *own = new QTranslator(&app);
    if (!own->load(locale, "sandbench", "_", ":/i18n")) {
        delete own;
        return false;
    }
    QCoreApplication::installTranslator(own);
    return true;
}

} // namespace sandbench::ui
