#include "widgets/CodeEditor.h"

#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QShortcut>
#include <QToolButton>
#include <QVBoxLayout>

#include <Qsci/qscilexerbash.h>
#include <Qsci/qscilexercpp.h>
#include <Qsci/qscilexercss.h>
#include <Qsci/qscilexerhtml.h>
#include <Qsci/qscilexerjavascript.h>
#include <Qsci/qscilexerjson.h>
#include <Qsci/qscilexermarkdown.h>
#include <Qsci/qscilexerpython.h>
#include <Qsci/qscilexeryaml.h>
#include <Qsci/qsciscintilla.h>

namespace sandbench::ui {

QsciLexer *CodeEditor::lexerFor(const QString &fileName, QObject *parent)
{
    const QFileInfo info(fileName);
    const QString suffix = info.suffix().toLower();
    const QString name = info.fileName().toLower();
    if (suffix == "py" || suffix == "pyw" || suffix == "pyi")
        return new QsciLexerPython(parent);
    if (suffix == "js" || suffix == "mjs" || suffix == "cjs" || suffix == "jsx" || suffix == "ts" || suffix == "tsx" ||
        suffix == "mts")
        return new QsciLexerJavaScript(parent);
    if (suffix == "json" || suffix == "jsonc")
        return new QsciLexerJSON(parent);
    if (suffix == "sh" || suffix == "bash" || suffix == "zsh" || name == ".bashrc" || name == ".profile")
        return new QsciLexerBash(parent);
    if (suffix == "c" || suffix == "h" || suffix == "cc" || suffix == "cpp" || suffix == "cxx" || suffix == "hpp" ||
        suffix == "hh" || suffix == "hxx")
        return new QsciLexerCPP(parent);
    if (suffix == "html" || suffix == "htm" || suffix == "xml" || suffix == "svg")
        return new QsciLexerHTML(parent);
    if (suffix == "css")
        return new QsciLexerCSS(parent);
    if (suffix == "md" || suffix == "markdown")
        return new QsciLexerMarkdown(parent);
    if (suffix == "yaml" || suffix == "yml")
        return new QsciLexerYAML(parent);
    return nullptr;
}

CodeEditor::CodeEditor(QWidget *parent)
    : QWidget(parent), editor_(new QsciScintilla(this)), findBar_(new QWidget(this)), findText_(new QLineEdit(findBar_))
{
    const QFont font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    editor_->setFont(font);
    editor_->setMarginsFont(font);
    editor_->setMarginType(0, QsciScintilla::NumberMargin);
    editor_->setMarginLineNumbers(0, true);
    editor_->setUtf8(true);
    editor_->setTabWidth(4);
    editor_->setIndentationsUseTabs(false);
    editor_->setAutoIndent(true);
    editor_->setBraceMatching(QsciScintilla::SloppyBraceMatch);
    editor_->setCaretLineVisible(true);
    editor_->setCaretLineBackgroundColor(QColor(0xf3, 0xf6, 0xfa));
    editor_->setEolMode(QsciScintilla::EolUnix);
    editor_->SendScintilla(QsciScintilla::SCI_SETSCROLLWIDTH, 1); // grows with the longest line seen
    editor_->SendScintilla(QsciScintilla::SCI_SETSCROLLWIDTHTRACKING, 1);
    connect(editor_, &QsciScintilla::modificationChanged, this, &CodeEditor::modificationChanged);
    connect(editor_, &QsciScintilla::linesChanged, this, &CodeEditor::updateMarginWidth);

    findText_->setPlaceholderText(tr("Find"));
    findText_->setClearButtonEnabled(true);
    auto *previous = new QToolButton(findBar_);
    previous->setArrowType(Qt::UpArrow);
    previous->setToolTip(tr("Previous match (Shift+F3)"));
    auto *next = new QToolButton(findBar_);
    next->setArrowType(Qt::DownArrow);
    next->setToolTip(tr("Next match (F3)"));
    auto *close = new QToolButton(findBar_);
    close->setText(QStringLiteral("×"));
    close->setAutoRaise(true);
    close->setToolTip(tr("Close (Escape)"));
    auto *findLayout = new QHBoxLayout(findBar_);
    findLayout->setContentsMargins(4, 2, 4, 2);
    findLayout->addWidget(findText_, 1);
    findLayout->addWidget(previous);
    findLayout->addWidget(next);
    findLayout->addWidget(close);
    findBar_->hide();
    connect(findText_, &QLineEdit::returnPressed, this, [this] { findNext(true); });
    connect(next, &QToolButton::clicked, this, [this] { findNext(true); });
    connect(previous, &QToolButton::clicked, this, [this] { findNext(false); });
    connect(close, &QToolButton::clicked, this, [this] {
        findBar_->hide();
        editor_->setFocus();
    });

    auto shortcut = [this](const QKeySequence &keys, auto slot) {
        auto *s = new QShortcut(keys, this, slot);
        s->setContext(Qt::WidgetWithChildrenShortcut);
    };
    shortcut(QKeySequence::Save, [this] { emit saveRequested(); });
    shortcut(QKeySequence::Find, [this] { showFind(); });
    shortcut(QKeySequence(Qt::Key_F3), [this] { findNext(true); });
    shortcut(QKeySequence(Qt::SHIFT | Qt::Key_F3), [this] { findNext(false); });
    shortcut(QKeySequence(Qt::Key_Escape), [this] {
        findBar_->hide();
        editor_->setFocus();
    });

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(editor_, 1);
    layout->addWidget(findBar_);
    updateMarginWidth();
}

void CodeEditor::setText(const QString &text, const QString &fileName)
{
    QsciLexer *old = editor_->lexer();
    QsciLexer *lexer = lexerFor(fileName, editor_);
    if (lexer) {
        const QFont font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
        lexer->setDefaultFont(font);
        lexer->setFont(font, -1); // every style
    }
    editor_->setLexer(lexer);
    delete old;
    editor_->setText(text);
    editor_->setModified(false);
    updateMarginWidth();
}

QString CodeEditor::text() const
{
    return editor_->text();
}

bool CodeEditor::isModified() const
{
    return editor_->isModified();
}

void CodeEditor::setModified(bool modified)
{
    editor_->setModified(modified);
}

QString CodeEditor::language() const
{
    return editor_->lexer() ? QString::fromLatin1(editor_->lexer()->language()) : QString();
}

void CodeEditor::showFind()
{
    findBar_->show();
    if (editor_->hasSelectedText() && !editor_->selectedText().contains('\n'))
        findText_->setText(editor_->selectedText());
    findText_->setFocus();
    findText_->selectAll();
}

void CodeEditor::findNext(bool forward)
{
    const QString needle = findText_->text();
    if (needle.isEmpty())
        return;
    if (!forward && editor_->hasSelectedText()) {
        // Searching backwards starts at the selection's start, or it finds the same match again.
        int line, index, endLine, endIndex;
        editor_->getSelection(&line, &index, &endLine, &endIndex);
        editor_->setCursorPosition(line, index);
    }
    const bool found = editor_->findFirst(needle, false, false, false, true, forward);
    findText_->setStyleSheet(found ? QString() : QStringLiteral("background: #fdecea; color: #1f2328;"));
}

void CodeEditor::updateMarginWidth()
{
    editor_->setMarginWidth(0, QStringLiteral("0%1").arg(editor_->lines()));
}

} // namespace sandbench::ui
