// Turns terminal output with ANSI escape sequences into runs of text with
// character formats: SGR colours (16, 256 and true colour), bold, italic,
// underline, reverse; other sequences (cursor moves, titles) are dropped.
// Sequences split across chunks are carried over to the next feed().
#pragma once

#include <QString>
#include <QTextCharFormat>

#include <functional>

namespace sandbench::ui {

class AnsiText {
public:
    explicit AnsiText(QTextCharFormat base = {});
    using Run = std::function<void(const QString &text, const QTextCharFormat &format)>;
    void feed(const QString &text, const Run &run);
    void reset(); // back to the base format (a new command)

private:
    void applySgr(const QString &parameters);
    QTextCharFormat current() const;
    QTextCharFormat base_;
    QColor foreground_;
    QColor background_;
    bool bold_ = false, italic_ = false, underline_ = false, reverse_ = false;
    QString carry_; // an escape sequence cut off at the end of the last chunk
};

} // namespace sandbench::ui
