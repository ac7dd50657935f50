// Small shared pieces of the panes: a muted hint label for empty states, a dialog's note
// and problem lines, a flat list of rows, and a splitter whose divider is remembered
// between runs (QSettings).
#pragma once

#include <QAbstractSpinBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QList>
#include <QSettings>
#include <QSplitter>
#include <QTreeWidget>

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

// A tooltip that shows text as it is: Qt takes a tooltip that looks like markup for markup,
// and names from the sandbox ("<img width=30000>") may look so.
inline QString plainToolTip(const QString &text)
{
    return text.isEmpty() ? text : QStringLiteral("<p style='white-space:pre-wrap'>%1</p>").arg(text.toHtmlEscaped());
}

// A wrapped sentence under a dialog's fields, in the palette's muted colour.
inline QLabel *noteLabel(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    // Between the text's colour and the window's, nearer the text: muted, yet readable
    // (the disabled colour of some styles is about 1.6:1 against the window).
    QPalette palette = label->palette();
    const QColor ink = palette.color(QPalette::WindowText), paper = palette.color(QPalette::Window);
    palette.setColor(QPalette::WindowText, QColor((ink.red() * 2 + paper.red()) / 3, (ink.green() * 2 + paper.green()) / 3,
                                                  (ink.blue() * 2 + paper.blue()) / 3));
    label->setPalette(palette);
    return label;
}

// A dialog's line for what is wrong with its input: red, wrapped, hidden until shown.
inline QLabel *problemLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setTextFormat(Qt::PlainText);
    label->setStyleSheet(QStringLiteral("color: #cf222e;"));
    label->setWordWrap(true);
    label->hide();
    return label;
}

// Says what is wrong in problemLabel's line, with room for it, and puts the cursor in the
// field at fault, its text selected.
inline void showProblem(QLabel *problem, const QString &text, QWidget *field)
{
    problem->setText(text);
    problem->show();
    problem->window()->adjustSize(); // nothing above the new line is cut
    field->setFocus();
    if (auto *edit = qobject_cast<QLineEdit *>(field))
        edit->selectAll();
    else if (auto *spin = qobject_cast<QAbstractSpinBox *>(field))
        spin->selectAll();
}

// A flat list of rows (a QTreeWidget without a tree): whole rows selected, columns as wide
// as their contents except stretchColumn, which takes the rest; its actions as its menu.
inline void setUpRowList(QTreeWidget *list, const QStringList &headers, int stretchColumn)
{
    list->setHeaderLabels(headers);
    list->setRootIsDecorated(false);
    list->setUniformRowHeights(true);
    list->setAllColumnsShowFocus(true);
    list->header()->setStretchLastSection(false);
    list->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    list->header()->setSectionResizeMode(stretchColumn, QHeaderView::Stretch);
    list->setContextMenuPolicy(Qt::ActionsContextMenu);
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
