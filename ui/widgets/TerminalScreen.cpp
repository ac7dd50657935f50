#include "widgets/TerminalScreen.h"

#include <algorithm>
#include <cstdlib>

namespace sandbench::ui {

namespace {

constexpr uint32_t kWideContinuation = 0xffffffff; // the second half of a wide character, as libvterm marks it

} // namespace

TerminalScreen::TerminalScreen(VTerm *vt, const VTermScreenCallbacks *callbacks, void *user)
    : state_(vterm_obtain_state(vt)), callbacks_(callbacks), user_(user)
{
    vterm_get_size(vt, &rows_, &columns_);
    static const VTermStateCallbacks stateCallbacks = {
        &TerminalScreen::putGlyph, &TerminalScreen::moveCursor, &TerminalScreen::scrollRect,
        &TerminalScreen::moveRect, &TerminalScreen::erase,      &TerminalScreen::initPen,
        &TerminalScreen::setPenAttr, &TerminalScreen::setTermProp, &TerminalScreen::bell,
        &TerminalScreen::resize,   &TerminalScreen::setLineInfo,
    };
    initPen(this);
    resizeGrid(primary_, rows_, columns_);
    resizeGrid(alternate_, rows_, columns_);
    vterm_state_set_callbacks(state_, &stateCallbacks, this);
}

bool TerminalScreen::onScreen(const VTermRect &rect) const
{
    return rect.start_row >= 0 && rect.start_row < rect.end_row && rect.end_row <= rows_ && rect.start_col >= 0 &&
           rect.start_col < rect.end_col && rect.end_col <= columns_;
}

void TerminalScreen::Grid::straighten()
{
    std::rotate(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(top % std::max<std::size_t>(1, rows.size())),
                rows.end());
    top = 0;
}

void TerminalScreen::reset()
{
    vterm_state_reset(state_, 1);
    initPen(this);
    for (Grid *grid : {&primary_, &alternate_})
        for (Row &row : grid->rows)
            blankRow(row);
    buffer_ = &primary_;
    damage(0, rows_, 0, columns_);
}

VTermScreenCell TerminalScreen::blank() const
{
    VTermScreenCell cell = pen_;
    cell.chars[0] = 0;
    cell.width = 1;
    return cell;
}

void TerminalScreen::blankRow(Row &row) const
{
    row.assign(static_cast<std::size_t>(columns_), blank());
}

void TerminalScreen::resizeGrid(Grid &grid, int rows, int columns) const
{
    VTermScreenCell empty{};
    empty.width = 1;
    vterm_state_get_default_colors(state_, &empty.fg, &empty.bg);
    grid.straighten();
    grid.rows.resize(static_cast<std::size_t>(rows), Row(static_cast<std::size_t>(columns), empty));
    // Narrower keeps the cells beyond the edge, so a wider window shows them again (as the
    // scrollback's lines do); erasing to the end of a row, or a new line, drops them.
    for (Row &row : grid.rows)
        if (row.size() < static_cast<std::size_t>(columns))
            row.resize(static_cast<std::size_t>(columns), empty);
}

void TerminalScreen::damage(int top, int bottom, int left, int right)
{
    if (callbacks_->damage && top < bottom && left < right)
        callbacks_->damage(VTermRect{top, bottom, left, right}, user_);
}

void TerminalScreen::moved(VTermRect dest, VTermRect src)
{
    if (callbacks_->moverect)
        callbacks_->moverect(dest, src, user_);
    else
        damage(dest.start_row, dest.end_row, dest.start_col, dest.end_col);
}

int TerminalScreen::putGlyph(VTermGlyphInfo *info, VTermPos pos, void *user)
{
    auto *self = static_cast<TerminalScreen *>(user);
    if (pos.row < 0 || pos.row >= self->rows_ || pos.col < 0 || pos.col >= self->columns_)
        return 1;
    if (pos.col == 0 && self->wrapFrom_.row >= 0 && pos.row > 0 &&
        (pos.row == self->wrapFrom_.row + 1 || pos.row == self->wrapFrom_.row))
        self->buffer_->at(pos.row - 1)[static_cast<std::size_t>(self->columns_ - 1)].attrs.dwl = 1; // the row above wrapped into this one
    self->wrapFrom_ = pos.col + std::max(1, info->width) >= self->columns_ ? pos : VTermPos{-1, -1};
    Row &row = self->buffer_->at(pos.row);
    VTermScreenCell &cell = row[static_cast<std::size_t>(pos.col)];
    cell = self->pen_;
    int i = 0;
    for (; i < VTERM_MAX_CHARS_PER_CELL && info->chars[i]; ++i)
        cell.chars[i] = info->chars[i];
    if (i < VTERM_MAX_CHARS_PER_CELL)
        cell.chars[i] = 0;
    cell.width = static_cast<char>(info->width);
    for (int half = 1; half < info->width && pos.col + half < self->columns_; ++half) {
        VTermScreenCell &next = row[static_cast<std::size_t>(pos.col + half)];
        next = self->pen_;
        next.chars[0] = kWideContinuation;
        next.width = 1;
    }
    self->damage(pos.row, pos.row + 1, pos.col, std::min(self->columns_, pos.col + std::max(1, info->width)));
    return 1;
}

int TerminalScreen::moveCursor(VTermPos pos, VTermPos old, int visible, void *user)
{
    auto *self = static_cast<TerminalScreen *>(user);
    if (pos.row != self->wrapFrom_.row || pos.col != self->wrapFrom_.col)
        self->wrapFrom_ = {-1, -1}; // moved on by itself (a line feed, a jump): no wrap
    return self->callbacks_->movecursor ? self->callbacks_->movecursor(pos, old, visible, self->user_) : 1;
}

// The common case, a full-width scroll (a line feed at the bottom, a scroll region), turns
// rows instead of moving cells; anything else libvterm does with moveRect and erase.
int TerminalScreen::scrollRect(VTermRect rect, int downward, int rightward, void *user)
{
    auto *self = static_cast<TerminalScreen *>(user);
    if (!self->onScreen(rect))
        return 1; // margins libvterm 0.1.4 kept past a resize: nothing to move
    if (rightward != 0 || downward == 0 || rect.start_col != 0 || rect.end_col != self->columns_ || rect.start_row < 0 ||
        rect.end_row > self->rows_ || rect.start_row >= rect.end_row)
        return 0;
    Grid &grid = *self->buffer_;
    const int height = rect.end_row - rect.start_row;
    const int count = std::min(std::abs(downward), height);
    if (downward > 0) {
        // Lines leaving the top of the primary screen go into the scrollback, as libvterm's screen does.
        const bool keep = rect.start_row == 0 && self->buffer_ == &self->primary_;
        for (int line = 0; keep && self->callbacks_->sb_pushline && line < count; ++line)
            self->callbacks_->sb_pushline(self->columns_, grid.at(line).data(), self->user_); // what shows
    }
    if (height == self->rows_) { // the whole screen: the ring turns
        const std::size_t size = grid.rows.size();
        grid.top = (grid.top + (downward > 0 ? static_cast<std::size_t>(count) : size - static_cast<std::size_t>(count))) % size;
    } else { // a region: its rows turn
        std::vector<Row> region;
        region.reserve(static_cast<std::size_t>(height));
        for (int row = rect.start_row; row < rect.end_row; ++row)
            region.push_back(std::move(grid.at(row)));
        if (downward > 0)
            std::rotate(region.begin(), region.begin() + count, region.end());
        else
            std::rotate(region.begin(), region.end() - count, region.end());
        for (int row = rect.start_row; row < rect.end_row; ++row)
            grid.at(row) = std::move(region[static_cast<std::size_t>(row - rect.start_row)]);
    }
    // The rows that came in are blank.
    const int firstNew = downward > 0 ? rect.end_row - count : rect.start_row;
    for (int row = firstNew; row < firstNew + count; ++row)
        self->blankRow(grid.at(row));
    // Moved, not changed: a selection on those lines stays (the widget tells them apart).
    VTermRect source = rect;
    if (downward > 0)
        source.start_row += count;
    else
        source.end_row -= count;
    self->moved(rect, source);
    return 1;
}

int TerminalScreen::moveRect(VTermRect dest, VTermRect src, void *user)
{
    auto *self = static_cast<TerminalScreen *>(user);
    if (!self->onScreen(dest) || !self->onScreen(src))
        return 1; // as in scrollRect
    Grid &grid = *self->buffer_;
    const int height = std::min(dest.end_row - dest.start_row, src.end_row - src.start_row);
    const int width = std::min(dest.end_col - dest.start_col, src.end_col - src.start_col);
    if (height <= 0 || width <= 0)
        return 1;
    // Through a copy: the two may overlap.
    std::vector<Row> moved;
    moved.reserve(static_cast<std::size_t>(height));
    for (int row = 0; row < height; ++row) {
        const Row &from = grid.at(src.start_row + row);
        moved.emplace_back(from.begin() + src.start_col, from.begin() + src.start_col + width);
    }
    for (int row = 0; row < height; ++row)
        std::copy(moved[static_cast<std::size_t>(row)].begin(), moved[static_cast<std::size_t>(row)].end(),
                  grid.at(dest.start_row + row).begin() + dest.start_col);
    self->moved(VTermRect{dest.start_row, dest.start_row + height, dest.start_col, dest.start_col + width}, src);
    return 1;
}

int TerminalScreen::erase(VTermRect rect, int selective, void *user)
{
    (void)selective; // protected cells (DECSCA) are not kept apart: nothing here sets them
    auto *self = static_cast<TerminalScreen *>(user);
    rect = {std::max(0, rect.start_row), std::min(self->rows_, rect.end_row), std::max(0, rect.start_col),
            std::min(self->columns_, rect.end_col)};
    if (!self->onScreen(rect))
        return 1; // as in scrollRect
    const VTermScreenCell empty = self->blank();
    for (int row = std::max(0, rect.start_row); row < std::min(self->rows_, rect.end_row); ++row) {
        Row &cells = self->buffer_->at(row);
        std::fill(cells.begin() + std::max(0, rect.start_col), cells.begin() + std::min(self->columns_, rect.end_col), empty);
        if (rect.end_col >= self->columns_)
            cells.resize(static_cast<std::size_t>(self->columns_)); // erased to the end: nothing hidden beyond
    }
    self->damage(rect.start_row, rect.end_row, rect.start_col, rect.end_col);
    return 1;
}

int TerminalScreen::initPen(void *user)
{
    auto *self = static_cast<TerminalScreen *>(user);
    self->pen_ = VTermScreenCell{};
    self->pen_.width = 1;
    vterm_state_get_default_colors(self->state_, &self->pen_.fg, &self->pen_.bg);
    return 1;
}

int TerminalScreen::setPenAttr(VTermAttr attr, VTermValue *value, void *user)
{
    VTermScreenCell &pen = static_cast<TerminalScreen *>(user)->pen_;
    switch (attr) {
    case VTERM_ATTR_BOLD: pen.attrs.bold = value->boolean; break;
    case VTERM_ATTR_UNDERLINE: pen.attrs.underline = value->number; break;
    case VTERM_ATTR_ITALIC: pen.attrs.italic = value->boolean; break;
    case VTERM_ATTR_BLINK: pen.attrs.blink = value->boolean; break;
    case VTERM_ATTR_REVERSE: pen.attrs.reverse = value->boolean; break;
    case VTERM_ATTR_STRIKE: pen.attrs.strike = value->boolean; break;
    case VTERM_ATTR_FONT: pen.attrs.font = value->number; break;
    case VTERM_ATTR_FOREGROUND: pen.fg = value->color; break;
    case VTERM_ATTR_BACKGROUND: pen.bg = value->color; break;
    default: return 0;
    }
    return 1;
}

int TerminalScreen::setTermProp(VTermProp prop, VTermValue *value, void *user)
{
    auto *self = static_cast<TerminalScreen *>(user);
    if (prop == VTERM_PROP_ALTSCREEN) {
        Grid *shown = value->boolean ? &self->alternate_ : &self->primary_;
        if (shown != self->buffer_) {
            self->buffer_ = shown;
            if (shown == &self->alternate_) // a full-screen program starts on a blank page
                for (Row &row : self->alternate_.rows)
                    self->blankRow(row);
            self->damage(0, self->rows_, 0, self->columns_);
        }
    }
    return self->callbacks_->settermprop ? self->callbacks_->settermprop(prop, value, self->user_) : 1;
}

int TerminalScreen::bell(void *user)
{
    auto *self = static_cast<TerminalScreen *>(user);
    return self->callbacks_->bell ? self->callbacks_->bell(self->user_) : 1;
}

// A new size. On the primary screen, as libvterm's screen does: fewer rows drop blank
// rows below the cursor first, then push top lines into the scrollback (the cursor moves
// up with them); more rows take lines back from the scrollback.
int TerminalScreen::resize(int rows, int columns, VTermPos *delta, void *user)
{
    auto *self = static_cast<TerminalScreen *>(user);
    self->primary_.straighten();
    self->alternate_.straighten();
    std::vector<Row> &primary = self->primary_.rows;
    VTermPos cursor{};
    vterm_state_get_cursorpos(self->state_, &cursor);
    const bool primaryShown = self->buffer_ == &self->primary_;
    if (rows < self->rows_) {
        int excess = self->rows_ - rows;
        while (excess > 0 && static_cast<int>(primary.size()) - 1 > cursor.row &&
               std::all_of(primary.back().begin(), primary.back().end(),
                           [](const VTermScreenCell &cell) { return cell.chars[0] == 0; })) {
            primary.pop_back();
            --excess;
        }
        // Lines above the cursor go into the scrollback; what is still too much goes from
        // below it (the cursor's line stays on the screen).
        const int fromTop = primaryShown ? std::min(excess, cursor.row) : excess;
        primary.resize(primary.size() - static_cast<std::size_t>(excess - fromTop));
        for (int line = 0; line < fromTop; ++line)
            if (self->callbacks_->sb_pushline)
                self->callbacks_->sb_pushline(self->columns_, primary[static_cast<std::size_t>(line)].data(), self->user_);
        primary.erase(primary.begin(), primary.begin() + fromTop);
        if (primaryShown)
            delta->row -= fromTop;
    } else if (rows > self->rows_ && self->callbacks_->sb_popline) {
        int added = rows - self->rows_;
        Row line(static_cast<std::size_t>(columns));
        while (added > 0 && self->callbacks_->sb_popline(columns, line.data(), self->user_)) {
            primary.insert(primary.begin(), line);
            --added;
            if (primaryShown)
                ++delta->row;
        }
    }
    self->resizeGrid(self->primary_, rows, columns);
    self->resizeGrid(self->alternate_, rows, columns);
    self->rows_ = rows;
    self->columns_ = columns;
    if (self->callbacks_->resize)
        self->callbacks_->resize(rows, columns, self->user_);
    self->damage(0, rows, 0, columns);
    return 1;
}

int TerminalScreen::setLineInfo(int row, const VTermLineInfo *now, const VTermLineInfo *before, void *user)
{
    (void)row, (void)now, (void)before, (void)user; // double-width and -height lines are drawn single
    return 1;
}

} // namespace sandbench::ui
