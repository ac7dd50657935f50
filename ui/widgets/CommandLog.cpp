#include "widgets/CommandLog.h"

#include "widgets/AnsiText.h"

#include <QApplication>
#include <QContextMenuEvent>
#include <QFontDatabase>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QShortcut>
#include <QScrollBar>
#include <QTextBlock>
#include <QTextDocumentFragment>
#include <QTextCursor>

#include <algorithm>

namespace sandbench::ui {

namespace {

constexpr qsizetype kLongestLine = 4000; // longer lines are wrapped into several, to keep blocks small

// The log's colours are chosen for a light background; on a dark one they are lightened.
QColor readable(const QColor &color)
{
    const bool dark = QApplication::palette().color(QPalette::Base).lightness() < 128;
    return dark ? color.lighter(170) : color;
}

QTextCharFormat colored(const QColor &color, bool bold = false)
{
    QTextCharFormat format;
    format.setForeground(readable(color));
    if (bold)
        format.setFontWeight(QFont::Bold);
    return format;
}

QString durationText(qint64 milliseconds)
{
    if (milliseconds < 1000)
        return CommandLog::tr("%1 ms").arg(milliseconds);
    if (milliseconds < 60000)
        return CommandLog::tr("%1 s").arg(QLocale().toString(milliseconds / 1000.0, 'f', 2));
    return CommandLog::tr("%1 min %2 s").arg(milliseconds / 60000).arg((milliseconds / 1000) % 60);
}

} // namespace

CommandLog::CommandLog(QWidget *parent)
    : QPlainTextEdit(parent), stdoutAnsi_(std::make_unique<AnsiText>()),
      stderrAnsi_(std::make_unique<AnsiText>(colored(QColor(0xcf, 0x22, 0x2e)))), trimmedNote_(new QLabel(this)),
      findField_(new QLineEdit(this))
{
    setMaximumLines(kMaximumLines);
    trimmedNote_->setStyleSheet(QStringLiteral("background: #fff8c5; color: #633c01; padding: 2px 6px;"));
    trimmedNote_->hide();
    findField_->setPlaceholderText(tr("Find (Enter: next, Shift+Enter: previous)"));
    findField_->setClearButtonEnabled(true);
    findField_->installEventFilter(this);
    findField_->hide();
    connect(findField_, &QLineEdit::textChanged, this, [this](const QString &text) {
        // As the user types: from the start of the current match, so the match grows in place.
        QTextCursor cursor = textCursor();
        cursor.setPosition(cursor.selectionStart());
        setTextCursor(cursor);
        findText(text);
    });
    connect(findField_, &QLineEdit::returnPressed, this, [this] { findText(findField_->text()); });
    auto *find = new QShortcut(QKeySequence::Find, this, this, &CommandLog::showFind);
    find->setContext(Qt::WidgetWithChildrenShortcut);
    setReadOnly(true);
    setUndoRedoEnabled(false);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setLineWrapMode(QPlainTextEdit::WidgetWidth);
    setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    flushTimer_.setInterval(40);
    connect(&flushTimer_, &QTimer::timeout, this, &CommandLog::flush);
}

CommandLog::~CommandLog() = default;

void CommandLog::setMaximumLines(int lines)
{
    maximumLines_ = std::max(lines, 10);
    trimmedNote_->setText(tr("Earlier output was trimmed: the log keeps the last %1 lines.")
                              .arg(QLocale().toString(maximumLines_)));
}

void CommandLog::scrollToEndIfFollowing(bool following)
{
    if (following)
        verticalScrollBar()->setValue(verticalScrollBar()->maximum());
}

void CommandLog::insertLine(const QString &text, const QTextCharFormat &format, int lineRole)
{
    const bool following = verticalScrollBar()->value() >= verticalScrollBar()->maximum() - 4;
    QTextCursor cursor(document());
    cursor.movePosition(QTextCursor::End);
    if (cursor.block().length() > 1)
        cursor.insertBlock(); // the line so far is not empty: start a new one
    cursor.insertText(text, format);
    cursor.block().setUserState(lineRole);
    cursor.insertBlock(); // what follows starts on a line of its own
    cursor.block().setUserState(-1);
    lineLength_ = 0;
    scrollToEndIfFollowing(following);
}

void CommandLog::beginCommand(const QString &command, const QString &session)
{
    running_.start();
    if (!document()->isEmpty() || !pending_.empty())
        enqueue(Piece{Piece::Line, QString()}); // a blank line between two commands' blocks
    Piece header{Piece::Line, tr("$ %1    [%2, %3]").arg(command, session, QLocale().toString(QTime::currentTime(), "HH:mm:ss"))};
    header.format = colored(QColor(0x12, 0x48, 0x8b), true);
    header.lineRole = HeaderLine;
    enqueue(std::move(header));
}

void CommandLog::appendOutput(const QString &text, bool isStderr)
{
    if (text.isEmpty())
        return;
    Piece output{Piece::Output, text};
    output.isStderr = isStderr;
    enqueue(std::move(output));
    // Over the limit: drop the oldest queued output (the newest is what people look at).
    while (pendingSize_ > kQueueLimit)
        dropOldestOutput();
}

void CommandLog::endCommand(std::optional<int> exitCode, const QString &message)
{
    // The footer is written now (the duration is now), shown after the output before it.
    const qint64 elapsed = running_.isValid() ? running_.elapsed() : 0;
    Piece footer{Piece::Line};
    if (exitCode) {
        footer.text = tr("exit %1 · %2").arg(*exitCode).arg(durationText(elapsed));
        footer.format = colored(*exitCode == 0 ? QColor(0x1a, 0x7f, 0x37) : QColor(0xcf, 0x22, 0x2e), true);
    } else {
        footer.text = tr("did not complete · %1 · %2").arg(message, durationText(elapsed));
        footer.format = colored(QColor(0x9a, 0x67, 0x00), true);
    }
    footer.lineRole = FooterLine;
    enqueue(std::move(footer));
}

void CommandLog::appendNote(const QString &text)
{
    Piece note{Piece::Line, text};
    note.format = colored(QColor(0x57, 0x60, 0x6a));
    enqueue(std::move(note));
}

void CommandLog::enqueue(Piece piece)
{
    pendingSize_ += piece.text.size();
    pending_.push_back(std::move(piece));
    if (!flushTimer_.isActive()) {
        flushTimer_.start();
        QTimer::singleShot(0, this, &CommandLog::flush); // the first piece shows at once
    }
}

void CommandLog::dropOldestOutput()
{
    auto output = std::find_if(pending_.begin(), pending_.end(), [](const Piece &p) { return p.kind == Piece::Output; });
    if (output == pending_.end())
        return;
    const qint64 size = output->text.size();
    pendingSize_ -= size;
    skippedTotal_ += size;
    // One notice per run of skipped output, where the output was.
    if (output != pending_.begin() && std::prev(output)->kind == Piece::Skipped) {
        std::prev(output)->skipped += size;
        pending_.erase(output);
    } else {
        *output = Piece{Piece::Skipped};
        output->skipped = size;
    }
}

void CommandLog::flush()
{
    if (pending_.empty()) {
        flushTimer_.stop();
        return;
    }
    const bool following = verticalScrollBar()->value() >= verticalScrollBar()->maximum() - 4;
    // A time budget, not a size: laying out text is what costs, and reading the stream
    // (and so skipping what cannot be shown) must keep most of the event loop.
    QElapsedTimer clock;
    clock.start();
    while (!pending_.empty() && clock.elapsed() < kFlushMillis) {
        Piece &piece = pending_.front();
        if (piece.kind == Piece::Line) {
            if (piece.lineRole == HeaderLine) {
                stdoutAnsi_->reset();
                stderrAnsi_->reset();
            }
            insertLine(piece.text, piece.format, piece.lineRole);
            pendingSize_ -= piece.text.size();
            pending_.pop_front();
            continue;
        }
        if (piece.kind == Piece::Skipped) {
            insertLine(tr("[… %1 characters of output skipped to keep up …]").arg(QLocale().toString(piece.skipped)),
                       colored(QColor(0x8c, 0x95, 0x9f)));
            pending_.pop_front();
            continue;
        }
        // Output: one step, cut after a whole line where possible.
        qsizetype take = std::min(piece.text.size(), kStep);
        for (qsizetype at = 0, seen = 0; (at = piece.text.indexOf('\n', at)) >= 0 && at < take; ++at)
            if (++seen >= kStepLines) {
                take = at + 1;
                break;
            }
        insertFormatted(piece.text.left(take), piece.isStderr);
        pendingSize_ -= take;
        if (take == piece.text.size())
            pending_.pop_front();
        else
            piece.text.remove(0, take);
    }
    trimToMaximum();
    scrollToEndIfFollowing(following);
}

void CommandLog::trimToMaximum()
{
    QTextDocument *document = this->document();
    const int excess = document->blockCount() - maximumLines_;
    if (excess <= 0)
        return;
    // The header of the command whose block the cut goes into: the nearest header above
    // the first kept line, unless a footer (the end of a block) comes first.
    const auto headerAbove = [document](int firstKept) {
        if (document->findBlockByNumber(firstKept).userState() == HeaderLine)
            return QTextBlock(); // the cut falls between two blocks
        for (QTextBlock block = document->findBlockByNumber(firstKept - 1); block.isValid(); block = block.previous()) {
            if (block.userState() == HeaderLine)
                return block;
            if (block.userState() == FooterLine)
                break;
        }
        return QTextBlock();
    };
    int firstKept = excess;
    QTextBlock header = headerAbove(firstKept);
    if (header.isValid()) {
        firstKept += 2; // room for the header and the line that says output was trimmed
        header = headerAbove(firstKept);
    }
    QTextCursor cursor(document);
    cursor.beginEditBlock();
    QTextDocumentFragment headerLine;
    if (header.isValid()) {
        QTextCursor select(header);
        select.movePosition(QTextCursor::EndOfBlock, QTextCursor::KeepAnchor);
        headerLine = select.selection();
    }
    const QTextBlock kept = document->findBlockByNumber(firstKept);
    const int keptRole = kept.userState();
    cursor.setPosition(kept.position(), QTextCursor::KeepAnchor);
    cursor.removeSelectedText();
    if (header.isValid()) {
        // Never a command's output without its command: its header goes on top again.
        cursor.movePosition(QTextCursor::Start);
        cursor.insertFragment(headerLine);
        cursor.insertBlock();
        cursor.insertText(tr("[… earlier output of this command was trimmed …]"), colored(QColor(0x8c, 0x95, 0x9f)));
        cursor.insertBlock();
        document->firstBlock().setUserState(HeaderLine);
        document->firstBlock().next().setUserState(TrimmedLine);
        document->firstBlock().next().next().setUserState(keptRole);
    }
    cursor.endEditBlock();
    if (!trimmed_)
        showTrimmedNote();
}

void CommandLog::showTrimmedNote()
{
    // The document drops its first lines from now on: never silently.
    trimmed_ = true;
    trimmedNote_->show();
    placeOverlays();
}

void CommandLog::placeOverlays()
{
    const int noteHeight = trimmed_ ? trimmedNote_->sizeHint().height() : 0;
    setViewportMargins(0, noteHeight, 0, 0);
    const QRect area = contentsRect();
    trimmedNote_->setGeometry(area.left(), area.top(), area.width(), noteHeight);
    const int width = std::min(320, area.width() - 24);
    findField_->setGeometry(area.right() - width - 16, area.top() + noteHeight + 4, width,
                            findField_->sizeHint().height());
    findField_->raise();
}

void CommandLog::resizeEvent(QResizeEvent *event)
{
    QPlainTextEdit::resizeEvent(event);
    placeOverlays();
}

void CommandLog::clearLog()
{
    pending_.clear();
    pendingSize_ = 0;
    lineLength_ = 0;
    clear();
    trimmed_ = false;
    trimmedNote_->hide();
    placeOverlays();
}

void CommandLog::showFind()
{
    placeOverlays();
    findField_->show();
    findField_->setFocus(Qt::ShortcutFocusReason);
    findField_->selectAll();
}

bool CommandLog::findText(const QString &text, bool backward)
{
    const QTextDocument::FindFlags flags = backward ? QTextDocument::FindBackward : QTextDocument::FindFlags();
    const QTextCursor before = textCursor();
    const int scrolled = verticalScrollBar()->value();
    bool found = text.isEmpty() || find(text, flags);
    if (!found) {
        // Wrap around: from the other end once.
        QTextCursor cursor = textCursor();
        cursor.movePosition(backward ? QTextCursor::End : QTextCursor::Start);
        setTextCursor(cursor);
        found = find(text, flags);
    }
    if (!found) {
        // A miss leaves the view where the user was.
        setTextCursor(before);
        verticalScrollBar()->setValue(scrolled);
    } else if (!text.isEmpty()) {
        centerCursor(); // the match in the middle, not cut at an edge
    }
    findField_->setStyleSheet(found ? QString() : QStringLiteral("background: #ffebe9;"));
    return found;
}

bool CommandLog::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == findField_ && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if (key->key() == Qt::Key_Escape) {
            findField_->hide();
            setFocus(Qt::OtherFocusReason);
            return true;
        }
        if ((key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) && key->modifiers() & Qt::ShiftModifier) {
            findText(findField_->text(), true);
            return true;
        }
    }
    return QPlainTextEdit::eventFilter(watched, event);
}

void CommandLog::contextMenuEvent(QContextMenuEvent *event)
{
    QMenu *menu = createStandardContextMenu(event->pos());
    menu->addSeparator();
    QAction *find = menu->addAction(tr("Find…"), this, &CommandLog::showFind);
    find->setShortcut(QKeySequence::Find);
    QAction *clearAll = menu->addAction(tr("Clear"), this, &CommandLog::clearLog);
    clearAll->setEnabled(!document()->isEmpty());
    menu->exec(event->globalPos());
    delete menu;
}

void CommandLog::insertFormatted(const QString &text, bool isStderr)
{
    if (text.isEmpty())
        return;
    QTextCursor cursor(document());
    cursor.movePosition(QTextCursor::End);
    cursor.beginEditBlock();
    (isStderr ? stderrAnsi_ : stdoutAnsi_)->feed(text, [&](const QString &run, const QTextCharFormat &format) {
        // Line breaks become blocks; very long lines are broken so no block grows without bound.
        qsizetype start = 0;
        while (start < run.size()) {
            const qsizetype newline = run.indexOf('\n', start);
            const qsizetype end = newline < 0 ? run.size() : newline;
            qsizetype piece = end - start;
            if (lineLength_ + piece > kLongestLine)
                piece = kLongestLine - lineLength_;
            cursor.insertText(run.mid(start, piece), format);
            lineLength_ += piece;
            start += piece;
            if (start == newline || lineLength_ >= kLongestLine) {
                cursor.insertBlock();
                lineLength_ = 0;
                if (start == newline)
                    ++start;
            }
        }
    });
    cursor.endEditBlock();
}

} // namespace sandbench::ui
