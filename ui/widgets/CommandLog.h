// The output log of the Commands pane: each command is a block (a header with
// the command, session and start time; its stdout and, in red, its stderr with
// ANSI colours; a footer with exit code and duration). Output is appended in
// batches from a bounded queue, so a flood neither freezes the window nor
// grows memory: when the queue is full the oldest queued output is skipped,
// and the log says how much. The document keeps the last 20 000 lines; once it
// has dropped any, a note above the text says so, and a command whose first
// lines were dropped keeps its header line on top. Ctrl+F finds; the context
// menu also clears.
#pragma once

#include <QDateTime>
#include <QElapsedTimer>
#include <QPlainTextEdit>
#include <QTimer>

class QLabel;
class QLineEdit;

#include <deque>
#include <memory>

namespace sandbench::ui {

class AnsiText;

class CommandLog : public QPlainTextEdit {
    Q_OBJECT
public:
    explicit CommandLog(QWidget *parent = nullptr);
    ~CommandLog() override;

    void beginCommand(const QString &command, const QString &session);
    void appendOutput(const QString &text, bool isStderr);
    // exitCode empty: the command did not complete (message says why).
    void endCommand(std::optional<int> exitCode, const QString &message = {});
    // A line of the log's own (followed process events, notices).
    void appendNote(const QString &text);

    qint64 skippedCharacters() const { return skippedTotal_; }
    bool hasPendingOutput() const { return !pending_.empty(); }
    // Whether earlier lines were dropped to keep the last kMaximumLines (the note shows).
    bool isTrimmed() const { return trimmed_; }
    // How many lines the log keeps (kMaximumLines unless changed, e.g. by a test).
    void setMaximumLines(int lines);
    int maximumLines() const { return maximumLines_; }

    // Empties the log (and what waits to be shown).
    void clearLog();
    // Shows the find field (Ctrl+F); Enter finds the next match, Shift+Enter the previous.
    void showFind();
    // Selects the next (or previous) match of text, wrapping around; false when none.
    bool findText(const QString &text, bool backward = false);
    QLineEdit *findField() const { return findField_; }

protected:
    void contextMenuEvent(QContextMenuEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

public:

    static constexpr int kMaximumLines = 20000;
    static constexpr qsizetype kQueueLimit = 256 << 10; // characters waiting to be shown
    static constexpr int kFlushMillis = 12;          // time each flush (every 40 ms) may spend showing output
    static constexpr qsizetype kStep = 8 << 10;       // characters, and
    static constexpr int kStepLines = 400;            // lines, inserted between two looks at the clock

private:
    // What waits to be shown, in order: output, whole lines of the log's own (headers,
    // footers, notes), and notices of skipped output.
    struct Piece {
        enum Kind { Output, Line, Skipped } kind;
        QString text;
        bool isStderr = false;
        QTextCharFormat format;
        qint64 skipped = 0;
        int lineRole = -1; // a LineRole for lines of the log's own
    };
    // Kept in the blocks' user state, so trimming finds the header of a command it cuts into.
    enum LineRole { HeaderLine = 1, FooterLine, TrimmedLine };
    void enqueue(Piece piece);
    void dropOldestOutput();
    void flush();
    void insertFormatted(const QString &text, bool isStderr);
    void insertLine(const QString &text, const QTextCharFormat &format, int lineRole = -1);
    void trimToMaximum();
    void scrollToEndIfFollowing(bool following);
    void showTrimmedNote();
    void placeOverlays();

    std::deque<Piece> pending_;
    qsizetype pendingSize_ = 0;
    qint64 skippedTotal_ = 0;
    qsizetype lineLength_ = 0; // characters since the last line break in the document
    QTimer flushTimer_;
    QElapsedTimer running_;
    std::unique_ptr<AnsiText> stdoutAnsi_;
    std::unique_ptr<AnsiText> stderrAnsi_;
    int maximumLines_ = kMaximumLines;
    bool trimmed_ = false;
    QLabel *trimmedNote_;
    QLineEdit *findField_;
};

} // namespace sandbench::ui
