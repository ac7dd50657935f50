// Small shared pieces of the panes: a muted hint label for empty states, a dialog's note
// and problem lines, and a splitter whose divider is remembered between runs (QSettings).
#pragma once

#include <QLabel>
#include <QList>
#include <QSettings>
#include <QSplitter>

namespace sandbench::ui {

// A centred, wrapped sentence in the palette's muted colour.
inline QLabel *hintLabel(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setAlignment(Qt::AlignCenter);
    label->setWordWrap(true);
    label->setEnabled(false); // the palette's muted text colour
    label->setMargin(24);
    return label;
}

// A wrapped sentence under a dialog's fields, in the palette's muted colour.
inline QLabel *noteLabel(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setWordWrap(true);
    label->setEnabled(false);
    return label;
}

// A dialog's line for what is wrong with its input: red, wrapped, hidden until shown.
inline QLabel *problemLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setStyleSheet(QStringLiteral("color: #cf222e;"));
    label->setWordWrap(true);
    label->hide();
    return label;
}

// Restores splitter's sizes from settingsKey (or uses defaultSizes) and saves them when moved.
inline void rememberSplitter(QSplitter *splitter, const QString &settingsKey, const QList<int> &defaultSizes)
{
    if (!splitter->restoreState(QSettings().value(settingsKey).toByteArray()))
        splitter->setSizes(defaultSizes);
    QObject::connect(splitter, &QSplitter::splitterMoved, splitter,
                     [splitter, settingsKey] { QSettings().setValue(settingsKey, splitter->saveState()); });
}

} // namespace sandbench::ui
