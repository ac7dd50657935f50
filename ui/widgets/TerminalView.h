// A terminal emulator widget on libvterm (the state machine Neovim's terminal uses):
// bytes from a PTY go in through feed(), the screen is painted from libvterm's cells
// (16, 256 and true colours; bold, italic, underline, strike, reverse; wide characters;
// the alternate screen; cursor shapes and blinking), and what the user types comes out
// of input(), encoded by libvterm's keyboard functions. It keeps a scrollback (10 000
// lines), selects (drag, double-click a word, triple-click a line), copies and pastes
// (Ctrl+Shift+C / Ctrl+Shift+V, bracketed paste, the X11 primary selection), reports
// the mouse to full-screen programs that ask, and opens URLs on Ctrl+click.
//
// Painting is incremental and paced: feed() only marks the damaged cells, and the
// widget repaints at most once per frame (16 ms), so a flood of output never freezes
// the window: a frame costs what the screen holds, not what came in. The cells are kept
// by TerminalScreen (libvterm's state layer, our grid), where a scrolled line costs one
// row's turn, not a copy of the screen.
#pragma once

#include <QAbstractScrollArea>
#include <QColor>
#include <QElapsedTimer>
#include <QFont>
#include <QRegion>
#include <QTimer>
#include <QUrl>

#include "widgets/TerminalScreen.h"

#include <vterm.h>

#include <deque>
#include <memory>
#include <vector>

namespace sandbench::ui {

class TerminalView : public QAbstractScrollArea {
    Q_OBJECT
public:
    // One painted cell (what libvterm holds, resolved to colours).
    struct Cell {
        QString text; // empty for the second half of a wide character
        QColor foreground, background;
        bool bold = false, italic = false, underline = false, strike = false, reverse = false;
        int width = 1;
    };

    explicit TerminalView(QWidget *parent = nullptr);
    ~TerminalView() override;

    // Handed to libvterm at once; the screen is painted at the next frame. The caller
    // reads in bounded slices (PtySocket), so a flood is read at the pace the terminal
    // takes it, the PTY's writer is held back, and no turn of the event loop holds more
    // than one slice.
    void feed(const QByteArray &bytes);
    // A blank screen and no scrollback (before a reconnect's replay draws it again).
    void reset();
    void clearScrollback(); // the menu's Clear Scrollback, and `clear` (\e[3J)
    void setScrollbackLimit(int lines);
    void setTerminalFont(const QFont &font);

    int columns() const { return columns_; }
    int rows() const { return rows_; }
    // The visible screen (row 0 at the top, whatever the scroll position), for tests
    // and for copying: a cell, a row's text without trailing blanks.
    Cell cellAt(int row, int column) const;
    QString rowText(int row) const;
    // Where a cell of the visible screen is drawn, in the viewport's coordinates.
    QRect cellRect(int row, int column) const
    {
        return {column * cellWidth_, (row + scrollOffset()) * cellHeight_, cellWidth_, cellHeight_};
    }
    int scrollbackLines() const { return static_cast<int>(scrollback_.size()); }
    QString scrollbackText(int line) const; // 0: the oldest
    bool alternateScreen() const { return altScreen_; }
    QPoint cursorPosition() const { return {cursorColumn_, cursorRow_}; }
    QString title() const { return title_; }
    QString selectedText() const;
    void selectAll();
    void copySelection();
    void paste(const QString &text);
    // The longest time one feed() plus the frame after it kept the GUI thread (for tests).
    qint64 longestFrameMs() const { return longestFrameMs_; }

signals:
    void input(const QByteArray &bytes); // what the terminal sends to the PTY
    void sizeChanged(int columns, int rows);
    void titleChanged(const QString &title);
    void bellRang();
    void urlActivated(const QUrl &url); // Ctrl+click on a URL

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void inputMethodEvent(QInputMethodEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;
    QVariant inputMethodQuery(Qt::InputMethodQuery query) const override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void focusInEvent(QFocusEvent *event) override;
    void focusOutEvent(QFocusEvent *event) override;
    bool focusNextPrevChild(bool next) override { Q_UNUSED(next); return false; } // Tab goes to the shell
    bool event(QEvent *event) override;

private:
    // libvterm's screen callbacks.
    static int onDamage(VTermRect rect, void *user);
    static int onMoveRect(VTermRect dest, VTermRect src, void *user);
    static int onMoveCursor(VTermPos pos, VTermPos old, int visible, void *user);
    static int onSetTermProp(VTermProp prop, VTermValue *value, void *user);
    static int onBell(void *user);
    static int onPushLine(int columns, const VTermScreenCell *cells, void *user);
    void keepLine(const VTermScreenCell *cells, int columns); // a line scrolled off, into the scrollback
    static int onPopLine(int columns, VTermScreenCell *cells, void *user);
    static void onOutput(const char *bytes, size_t length, void *user);

    Cell toCell(const VTermScreenCell &cell) const;
    // The line at a view row: from the scrollback when scrolled up, else from the screen.
    std::vector<Cell> viewLine(int viewRow) const;
    int scrollOffset() const; // lines scrolled up from the bottom
    void updateScrollBar();
    void damageCells(int top, int bottom, int left, int right);
    void scheduleFrame();
    void resizeTerminal();
    QPoint cellAt(const QPoint &pixel) const; // (column, absolute line)
    // A line's text and where each column's text begins in it: a wide character takes two
    // columns and its text one place (or two, beyond the BMP), so columns and text offsets
    // differ and selection, words and URLs convert between them.
    struct LineText {
        QString text;
        std::vector<int> offsets; // offsets[column]; offsets[columns] == text.size()
        int offsetOf(int column) const;
        int columnOf(int offset) const; // the column whose text holds offset
    };
    LineText lineTextAt(int absoluteLine) const;
    bool lineContinues(int absoluteLine) const; // wrapped into the next line
    bool mouseReported(QMouseEvent *event) const;
    void sendMouse(QMouseEvent *event, bool pressed);
    QUrl urlAt(const QPoint &pixel) const;

    VTerm *vt_ = nullptr;
    std::unique_ptr<TerminalScreen> screen_; // the cells; libvterm's state drives it
    int rows_ = 24, columns_ = 80;
    int cellWidth_ = 8, cellHeight_ = 16, ascent_ = 12;
    QFont font_;
    QFont styledFonts_[4]; // plain, bold, italic, bold italic: each glyph one cell wide
    QColor defaultForeground_, defaultBackground_;
    std::deque<std::vector<VTermScreenCell>> scrollback_;
    int erasePrefix_ = 0; // bytes of \e[3J that ended the last piece fed
    int scrollbackLimit_ = 10000;
    int cursorRow_ = 0, cursorColumn_ = 0;
    bool cursorVisible_ = true, cursorBlinks_ = true, blinkOn_ = true, altScreen_ = false;
    int cursorShape_ = 1; // VTERM_PROP_CURSORSHAPE_BLOCK
    int mouseMode_ = 0;   // VTERM_PROP_MOUSE_NONE
    QString title_;
    std::vector<std::pair<int, int>> damagedSpans_; // per screen row: [left, right) columns since the last frame
    bool allDamaged_ = false;
    bool scrollbackChanged_ = false;
    QTimer frame_, blink_;
    QElapsedTimer sinceFrame_;
    qint64 longestFrameMs_ = 0;
    // Selection, in (column, absolute line) where absolute line 0 is the oldest scrollback line.
    QPoint selectionStart_{-1, -1}, selectionEnd_{-1, -1};
    bool selecting_ = false;
    QElapsedTimer lastDoubleClick_;
};

} // namespace sandbench::ui
