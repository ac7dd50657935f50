// A source editor on QScintilla: syntax highlighting chosen by file name, line
// numbers, a find bar (Ctrl+F, F3, Escape), and Ctrl+S reported as saveRequested.
#pragma once

#include <QWidget>

class QLineEdit;
class QsciLexer;
class QsciScintilla;

namespace sandbench::ui {

class CodeEditor : public QWidget {
    Q_OBJECT
public:
    explicit CodeEditor(QWidget *parent = nullptr);

    // Replaces the text (the lexer follows fileName) and marks it unmodified.
    void setText(const QString &text, const QString &fileName);
    QString text() const;
    bool isModified() const;
    void setModified(bool modified);
    // The language the highlighting uses ("Python", "JSON", ... or "" for plain text).
    QString language() const;
    void showFind();
    QsciScintilla *scintilla() const { return editor_; }

    // The lexer for a file name, or nullptr for plain text (caller owns it).
    static QsciLexer *lexerFor(const QString &fileName, QObject *parent);

signals:
    void saveRequested();
    void modificationChanged(bool modified);

private:
    void findNext(bool forward);
    void updateMarginWidth();
    QsciScintilla *editor_;
    QWidget *findBar_;
    QLineEdit *findText_;
};

} // namespace sandbench::ui
