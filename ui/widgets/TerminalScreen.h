// The cells of a terminal's screen, kept on libvterm's state layer (the parser and the
// terminal's state are libvterm's; the grid is ours). libvterm's own screen layer moves
// every cell of the screen for each line that scrolls (~4 µs a line here), so `yes`
// painted at under 1 MiB/s; here a full-width scroll rotates rows and costs one line's
// copy into the scrollback. Changes are reported with libvterm's screen callbacks
// (damage for cells that changed, moverect for cells that moved, movecursor, settermprop,
// bell, sb_pushline, sb_popline).
#pragma once

#include <vterm.h>

#include <vector>

namespace sandbench::ui {

class TerminalScreen {
public:
    using Row = std::vector<VTermScreenCell>;

    TerminalScreen(VTerm *vt, const VTermScreenCallbacks *callbacks, void *user);

    int rows() const { return rows_; }
    int columns() const { return columns_; }
    // A cell of the visible screen (primary or alternate, whichever is shown).
    const VTermScreenCell &cell(int row, int column) const { return buffer_->at(row)[static_cast<std::size_t>(column)]; }
    // A hard reset: blank screens, default pen, libvterm's state reset.
    void reset();
    // Whether a line (a screen row, or one in the scrollback) goes on in the next: the
    // terminal wrapped it there, so a copy joins them. libvterm 0.1.4 keeps no such flag;
    // it is noted in the last cell's dwl bit, otherwise unused (double-width lines are drawn
    // single), so it travels with the cells into the scrollback and back.
    static bool continues(const VTermScreenCell *cells, int count) { return count > 0 && cells[count - 1].attrs.dwl; }

private:
    // The rows of a screen as a ring: a scroll of the whole screen moves `top`, no cells.
    struct Grid {
        std::vector<Row> rows;
        std::size_t top = 0;
        Row &at(int row) { return rows[(top + static_cast<std::size_t>(row)) % rows.size()]; }
        const Row &at(int row) const { return rows[(top + static_cast<std::size_t>(row)) % rows.size()]; }
        void straighten(); // top back to 0, for a resize
    };

    static int putGlyph(VTermGlyphInfo *info, VTermPos pos, void *user);
    static int moveCursor(VTermPos pos, VTermPos old, int visible, void *user);
    static int scrollRect(VTermRect rect, int downward, int rightward, void *user);
    static int moveRect(VTermRect dest, VTermRect src, void *user);
    static int erase(VTermRect rect, int selective, void *user);
    static int initPen(void *user);
    static int setPenAttr(VTermAttr attr, VTermValue *value, void *user);
    static int setTermProp(VTermProp prop, VTermValue *value, void *user);
    static int bell(void *user);
    static int resize(int rows, int columns, VTermPos *delta, void *user);
    static int setLineInfo(int row, const VTermLineInfo *now, const VTermLineInfo *before, void *user);

    VTermScreenCell blank() const; // an erased cell: the current pen, no character
    bool onScreen(const VTermRect &rect) const; // not empty, and all of it on the screen
    void blankRow(Row &row) const;
    void damage(int top, int bottom, int left, int right); // cells that changed
    void moved(VTermRect dest, VTermRect src);             // cells that moved (moverect, else damage)
    void resizeGrid(Grid &grid, int rows, int columns) const;

    VTermState *state_;
    const VTermScreenCallbacks *callbacks_;
    void *user_;
    int rows_ = 0, columns_ = 0;
    Grid primary_, alternate_;
    Grid *buffer_ = &primary_;
    VTermScreenCell pen_{}; // attributes and colours for what is written next
    // The last glyph written into a row's last column, while the cursor waits there: a
    // glyph at column 0 of the next row (or of the same row, scrolled) continues that row.
    VTermPos wrapFrom_{-1, -1};
};

} // namespace sandbench::ui
