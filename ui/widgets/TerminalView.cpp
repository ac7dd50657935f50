#include "widgets/TerminalView.h"

#include "widgets/BoxDrawing.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QInputMethodEvent>
#include <QContextMenuEvent>
#include <QKeyEvent>
#include <QMenu>
#include <QPainter>
#include <QtMath>
#include <QRegularExpression>
#include <QScrollBar>
#include <QStyleHints>

namespace sandbench::ui {

namespace {

constexpr int kFrameMs = 16; // at most one repaint per frame, whatever the flood
constexpr uint32_t kWideContinuation = 0xffffffff;

VTermModifier modifiersOf(Qt::KeyboardModifiers modifiers)
{
    int mod = VTERM_MOD_NONE;
    if (modifiers & Qt::ShiftModifier)
        mod |= VTERM_MOD_SHIFT;
    if (modifiers & Qt::AltModifier)
        mod |= VTERM_MOD_ALT;
    if (modifiers & Qt::ControlModifier)
        mod |= VTERM_MOD_CTRL;
    return static_cast<VTermModifier>(mod);
}

// Keys libvterm encodes itself (cursor keys follow the application's keypad mode, etc.).
VTermKey vtermKey(int key)
{
    switch (key) {
    case Qt::Key_Return: return VTERM_KEY_ENTER;
    case Qt::Key_Enter: return VTERM_KEY_KP_ENTER;
    case Qt::Key_Tab:
    case Qt::Key_Backtab: return VTERM_KEY_TAB;
    case Qt::Key_Backspace: return VTERM_KEY_BACKSPACE;
    case Qt::Key_Escape: return VTERM_KEY_ESCAPE;
    case Qt::Key_Up: return VTERM_KEY_UP;
    case Qt::Key_Down: return VTERM_KEY_DOWN;
    case Qt::Key_Left: return VTERM_KEY_LEFT;
    case Qt::Key_Right: return VTERM_KEY_RIGHT;
    case Qt::Key_Insert: return VTERM_KEY_INS;
    case Qt::Key_Delete: return VTERM_KEY_DEL;
    case Qt::Key_Home: return VTERM_KEY_HOME;
    case Qt::Key_End: return VTERM_KEY_END;
    case Qt::Key_PageUp: return VTERM_KEY_PAGEUP;
    case Qt::Key_PageDown: return VTERM_KEY_PAGEDOWN;
    default:
        if (key >= Qt::Key_F1 && key <= Qt::Key_F35)
            return static_cast<VTermKey>(VTERM_KEY_FUNCTION(key - Qt::Key_F1 + 1));
        return VTERM_KEY_NONE;
    }
}

VTermColor vtermColor(const QColor &color)
{
    VTermColor converted;
    vterm_color_rgb(&converted, static_cast<uint8_t>(color.red()), static_cast<uint8_t>(color.green()),
                    static_cast<uint8_t>(color.blue()));
    return converted;
}

QString cellText(const VTermScreenCell &cell)
{
    if (cell.chars[0] == kWideContinuation)
        return {};
    QString text;
    for (int i = 0; i < VTERM_MAX_CHARS_PER_CELL && cell.chars[i] != 0; ++i)
        text += QString::fromUcs4(reinterpret_cast<const char32_t *>(&cell.chars[i]), 1);
    return text.isEmpty() ? QStringLiteral(" ") : text;
}

bool isShape(const QString &text)
{
    return text.size() == 1 && drawnAsShape(text.at(0).unicode());
}

bool isWordCharacter(QChar c)
{
    return c.isLetterOrNumber() || QStringLiteral("_-./~:@%+=#?&").contains(c);
}

} // namespace

TerminalView::TerminalView(QWidget *parent) : QAbstractScrollArea(parent)
{
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_InputMethodEnabled);
    viewport()->setCursor(Qt::IBeamCursor);
    viewport()->setAttribute(Qt::WA_OpaquePaintEvent);
    viewport()->setMouseTracking(true);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOn);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    defaultForeground_ = palette().color(QPalette::Text);
    defaultBackground_ = palette().color(QPalette::Base);

    vt_ = vterm_new(rows_, columns_);
    vterm_set_utf8(vt_, 1);
    vterm_output_set_callback(vt_, &TerminalView::onOutput, this);
    static const VTermScreenCallbacks callbacks = {
        &TerminalView::onDamage, &TerminalView::onMoveRect, &TerminalView::onMoveCursor, &TerminalView::onSetTermProp,
        &TerminalView::onBell,   nullptr, &TerminalView::onPushLine,   &TerminalView::onPopLine,
    };
    const VTermColor foreground = vtermColor(defaultForeground_), background = vtermColor(defaultBackground_);
    vterm_state_set_default_colors(vterm_obtain_state(vt_), &foreground, &background);
    screen_ = std::make_unique<TerminalScreen>(vt_, &callbacks, this);
    screen_->reset();

    frame_.setSingleShot(true);
    frame_.setInterval(kFrameMs);
    connect(&frame_, &QTimer::timeout, this, [this] {
        // Damage is in screen rows; scrolled up, the screen sits lower in the view.
        const int shift = scrollOffset();
        if (allDamaged_) {
            viewport()->update();
        } else {
            QRegion region;
            for (int row = 0; row < static_cast<int>(damagedSpans_.size()); ++row) {
                const auto [left, right] = damagedSpans_[static_cast<std::size_t>(row)];
                if (left < right)
                    region += QRect(left * cellWidth_, (row + shift) * cellHeight_, (right - left) * cellWidth_,
                                    cellHeight_);
            }
            viewport()->update(region);
        }
        allDamaged_ = false;
        damagedSpans_.assign(static_cast<std::size_t>(rows_), {0, 0});
    });
    blink_.setInterval(QApplication::cursorFlashTime() > 0 ? QApplication::cursorFlashTime() / 2 : 500);
    connect(&blink_, &QTimer::timeout, this, [this] {
        blinkOn_ = !blinkOn_;
        damageCells(cursorRow_, cursorRow_ + 1, cursorColumn_, cursorColumn_ + 1);
    });
    connect(verticalScrollBar(), &QScrollBar::valueChanged, this, [this] { viewport()->update(); });
    setTerminalFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
}

TerminalView::~TerminalView()
{
    vterm_free(vt_);
}

void TerminalView::setTerminalFont(const QFont &font)
{
    font_ = font;
    font_.setStyleHint(QFont::TypeWriter);
    font_.setKerning(false);
    const QFontMetricsF metrics(font_);
    cellWidth_ = qMax(1, qCeil(metrics.horizontalAdvance(QLatin1Char('M'))));
    cellHeight_ = qMax(1, qCeil(metrics.height()));
    ascent_ = qCeil(metrics.ascent());
    // A glyph's advance is fractional (8.4 px): letter spacing pads each one to the whole
    // cell, or a run of 40 characters drifts into the cells after it.
    for (int style = 0; style < 4; ++style) {
        QFont &variant = styledFonts_[style];
        variant = font_;
        variant.setBold(style & 1);
        variant.setItalic(style & 2);
        variant.setLetterSpacing(QFont::AbsoluteSpacing,
                                 cellWidth_ - QFontMetricsF(variant).horizontalAdvance(QLatin1Char('M')));
    }
    resizeTerminal();
    viewport()->update();
}

void TerminalView::setScrollbackLimit(int lines)
{
    scrollbackLimit_ = qMax(0, lines);
    while (static_cast<int>(scrollback_.size()) > scrollbackLimit_) {
        scrollback_.pop_front();
        selectionStart_.ry() -= 1; // the selection stays on its lines
        selectionEnd_.ry() -= 1;
    }
    updateScrollBar();
}

void TerminalView::clearScrollback()
{
    scrollback_.clear();
    selectionStart_ = selectionEnd_ = QPoint(-1, -1);
    updateScrollBar();
    viewport()->update();
}

void TerminalView::reset()
{
    screen_->reset();
    scrollback_.clear();
    erasePrefix_ = 0;
    selectionStart_ = selectionEnd_ = QPoint(-1, -1);
    altScreen_ = false;
    mouseMode_ = 0;
    if (!title_.isEmpty()) {
        title_.clear();
        emit titleChanged(title_);
    }
    updateScrollBar();
    viewport()->update();
}

void TerminalView::feed(const QByteArray &bytes)
{
    QElapsedTimer clock;
    clock.start();
    // `clear` ends with \e[3J, erase the scrollback, which libvterm 0.1.4 ignores. The
    // sequence may be split between two pieces: the start of it that ended the last one
    // (erasePrefix_) counts.
    static const QByteArray eraseScrollback = QByteArrayLiteral("\x1b[3J");
    qsizetype from = 0;
    if (erasePrefix_ > 0 && bytes.startsWith(eraseScrollback.mid(erasePrefix_))) {
        from = eraseScrollback.size() - erasePrefix_;
        vterm_input_write(vt_, bytes.constData(), static_cast<size_t>(from));
        clearScrollback();
    }
    erasePrefix_ = 0;
    for (qsizetype at; (at = bytes.indexOf(eraseScrollback, from)) >= 0; from = at + eraseScrollback.size()) {
        vterm_input_write(vt_, bytes.constData() + from, static_cast<size_t>(at + eraseScrollback.size() - from));
        clearScrollback();
    }
    vterm_input_write(vt_, bytes.constData() + from, static_cast<size_t>(bytes.size() - from));
    for (qsizetype kept = eraseScrollback.size() - 1; kept > 0 && erasePrefix_ == 0; --kept)
        if (bytes.size() - from >= kept && bytes.endsWith(eraseScrollback.left(kept)))
            erasePrefix_ = static_cast<int>(kept);
    if (scrollbackChanged_) {
        scrollbackChanged_ = false;
        updateScrollBar(); // once per feed, not per line
    }
    longestFrameMs_ = qMax(longestFrameMs_, clock.elapsed());
}

// --- libvterm's callbacks ---

int TerminalView::onDamage(VTermRect rect, void *user)
{
    auto *self = static_cast<TerminalView *>(user);
    self->damageCells(rect.start_row, rect.end_row, rect.start_col, rect.end_col);
    // Text written over a selection ends it (it would select what is no longer there).
    if (self->selectionStart_ != self->selectionEnd_ && !self->selecting_) {
        const int history = self->altScreen_ ? 0 : static_cast<int>(self->scrollback_.size());
        const int first = qMin(self->selectionStart_.y(), self->selectionEnd_.y()) - history;
        const int last = qMax(self->selectionStart_.y(), self->selectionEnd_.y()) - history;
        if (rect.start_row <= last && rect.end_row > first) {
            self->selectionStart_ = self->selectionEnd_ = QPoint(-1, -1);
            self->viewport()->update();
        }
    }
    return 1;
}

int TerminalView::onMoveRect(VTermRect dest, VTermRect src, void *user)
{
    Q_UNUSED(src);
    static_cast<TerminalView *>(user)->damageCells(dest.start_row, dest.end_row, dest.start_col, dest.end_col);
    return 1;
}

int TerminalView::onMoveCursor(VTermPos pos, VTermPos old, int visible, void *user)
{
    auto *self = static_cast<TerminalView *>(user);
    self->damageCells(old.row, old.row + 1, old.col, old.col + 2);
    self->cursorRow_ = pos.row;
    self->cursorColumn_ = pos.col;
    self->cursorVisible_ = visible;
    self->blinkOn_ = true;
    self->damageCells(pos.row, pos.row + 1, pos.col, pos.col + 2);
    return 1;
}

int TerminalView::onSetTermProp(VTermProp prop, VTermValue *value, void *user)
{
    auto *self = static_cast<TerminalView *>(user);
    switch (prop) {
    case VTERM_PROP_TITLE:
        self->title_ = QString::fromUtf8(value->string);
        emit self->titleChanged(self->title_);
        break;
    case VTERM_PROP_CURSORVISIBLE:
        self->cursorVisible_ = value->boolean;
        break;
    case VTERM_PROP_CURSORBLINK:
        self->cursorBlinks_ = value->boolean;
        break;
    case VTERM_PROP_CURSORSHAPE:
        self->cursorShape_ = value->number;
        break;
    case VTERM_PROP_ALTSCREEN:
        self->altScreen_ = value->boolean;
        self->updateScrollBar();
        break;
    case VTERM_PROP_MOUSE:
        self->mouseMode_ = value->number;
        break;
    default:
        return 0;
    }
    self->damageCells(self->cursorRow_, self->cursorRow_ + 1, self->cursorColumn_, self->cursorColumn_ + 2);
    return 1;
}

int TerminalView::onBell(void *user)
{
    emit static_cast<TerminalView *>(user)->bellRang();
    return 1;
}

void TerminalView::keepLine(const VTermScreenCell *cells, int columns)
{
    if (scrollbackLimit_ == 0)
        return; // the screen blanks it where it is
    // Kept without its trailing blank cells: most lines are short (`yes` keeps one cell a
    // line, not a screen's width of 40-byte cells), so a full scrollback is a few megabytes,
    // and a flood does not fault in tens of them while it fills (that stalled the window).
    const auto shows = [](const VTermScreenCell &cell) {
        return cell.chars[0] != 0 || cell.attrs.reverse || cell.attrs.underline || cell.attrs.strike ||
               !VTERM_COLOR_IS_DEFAULT_BG(&cell.bg);
    };
    // A wrapped line keeps every cell up to its mark (which may sit on a blank); cells moved
    // within the row (a deleted character) may carry a stale one, cleared below.
    const bool wrapped = TerminalScreen::continues(cells, columns);
    int used = columns;
    while (!wrapped && used > 0 && !shows(cells[used - 1]))
        --used;
    std::vector<VTermScreenCell> kept;
    if (static_cast<int>(scrollback_.size()) >= scrollbackLimit_) {
        // Full: the oldest line's storage takes the new one (no allocation in a flood).
        kept = std::move(scrollback_.front());
        scrollback_.pop_front();
        // The selection moves up with the lines it is on.
        selectionStart_.ry() -= 1;
        selectionEnd_.ry() -= 1;
    }
    kept.assign(cells, cells + used);
    for (VTermScreenCell &cell : kept)
        cell.attrs.dwl = 0;
    if (wrapped)
        kept.back().attrs.dwl = 1;
    scrollback_.push_back(std::move(kept));
    scrollbackChanged_ = true; // the scroll bar follows once per feed, not per line
}

int TerminalView::onPushLine(int columns, const VTermScreenCell *cells, void *user)
{
    static_cast<TerminalView *>(user)->keepLine(cells, columns);
    return 1;
}

int TerminalView::onPopLine(int columns, VTermScreenCell *cells, void *user)
{
    auto *self = static_cast<TerminalView *>(user);
    if (self->scrollback_.empty())
        return 0;
    const std::vector<VTermScreenCell> &line = self->scrollback_.back();
    VTermScreenCell blank{};
    blank.width = 1;
    vterm_state_get_default_colors(vterm_obtain_state(self->vt_), &blank.fg, &blank.bg);
    for (int column = 0; column < columns; ++column)
        cells[column] = column < static_cast<int>(line.size()) ? line[column] : blank;
    self->scrollback_.pop_back();
    self->updateScrollBar();
    return 1;
}

void TerminalView::onOutput(const char *bytes, size_t length, void *user)
{
    emit static_cast<TerminalView *>(user)->input(QByteArray(bytes, static_cast<qsizetype>(length)));
}

// --- what is shown ---

TerminalView::Cell TerminalView::toCell(const VTermScreenCell &cell) const
{
    Cell shown;
    shown.text = cellText(cell);
    shown.width = cell.width;
    VTermColor foreground = cell.fg, background = cell.bg;
    if (VTERM_COLOR_IS_DEFAULT_FG(&foreground)) {
        shown.foreground = defaultForeground_;
    } else {
        vterm_state_convert_color_to_rgb(vterm_obtain_state(vt_), &foreground);
        shown.foreground = QColor(foreground.rgb.red, foreground.rgb.green, foreground.rgb.blue);
    }
    if (VTERM_COLOR_IS_DEFAULT_BG(&background)) {
        shown.background = defaultBackground_;
    } else {
        vterm_state_convert_color_to_rgb(vterm_obtain_state(vt_), &background);
        shown.background = QColor(background.rgb.red, background.rgb.green, background.rgb.blue);
    }
    shown.bold = cell.attrs.bold;
    shown.italic = cell.attrs.italic;
    shown.underline = cell.attrs.underline != 0;
    shown.strike = cell.attrs.strike;
    shown.reverse = cell.attrs.reverse;
    return shown;
}

int TerminalView::scrollOffset() const
{
    return altScreen_ ? 0 : verticalScrollBar()->maximum() - verticalScrollBar()->value();
}

void TerminalView::updateScrollBar()
{
    QScrollBar *bar = verticalScrollBar();
    const int offset = bar->maximum() - bar->value();
    const int lines = altScreen_ ? 0 : static_cast<int>(scrollback_.size());
    const QSignalBlocker quiet(bar);
    bar->setRange(0, lines);
    bar->setPageStep(rows_);
    bar->setSingleStep(1);
    // At the bottom it stays there; scrolled up, it stays on the same lines as new ones arrive.
    if (offset == 0)
        bar->setValue(lines);
    else
        viewport()->update();
}

std::vector<TerminalView::Cell> TerminalView::viewLine(int viewRow) const
{
    std::vector<Cell> line;
    line.reserve(static_cast<std::size_t>(columns_));
    const int history = altScreen_ ? 0 : static_cast<int>(scrollback_.size());
    const int absolute = history - scrollOffset() + viewRow;
    if (absolute < history) {
        const auto &saved = scrollback_[static_cast<std::size_t>(absolute)];
        for (int column = 0; column < columns_; ++column) {
            if (column < static_cast<int>(saved.size())) {
                line.push_back(toCell(saved[static_cast<std::size_t>(column)]));
            } else {
                Cell blank;
                blank.text = QStringLiteral(" ");
                blank.foreground = defaultForeground_;
                blank.background = defaultBackground_;
                line.push_back(blank);
            }
        }
        return line;
    }
    const int row = absolute - history;
    for (int column = 0; column < columns_; ++column)
        line.push_back(toCell(screen_->cell(row, column)));
    return line;
}

TerminalView::Cell TerminalView::cellAt(int row, int column) const
{
    if (row < 0 || row >= rows_ || column < 0 || column >= columns_)
        return {};
    return viewLine(row)[static_cast<std::size_t>(column)];
}

QString TerminalView::rowText(int row) const
{
    if (row < 0 || row >= rows_)
        return {};
    QString text;
    for (const Cell &cell : viewLine(row))
        text += cell.text;
    while (text.endsWith(' '))
        text.chop(1);
    return text;
}

QString TerminalView::scrollbackText(int line) const
{
    if (line < 0 || line >= static_cast<int>(scrollback_.size()))
        return {};
    QString text;
    for (const VTermScreenCell &cell : scrollback_[static_cast<std::size_t>(line)])
        text += cellText(cell);
    while (text.endsWith(' '))
        text.chop(1);
    return text;
}

TerminalView::LineText TerminalView::lineTextAt(int absoluteLine) const
{
    const int history = altScreen_ ? 0 : static_cast<int>(scrollback_.size());
    const int row = absoluteLine - history;
    LineText line;
    line.offsets.reserve(static_cast<std::size_t>(columns_) + 1);
    for (int column = 0; column < columns_; ++column) {
        line.offsets.push_back(static_cast<int>(line.text.size()));
        if (absoluteLine < history) {
            const auto &saved = scrollback_[static_cast<std::size_t>(absoluteLine)];
            line.text += column < static_cast<int>(saved.size()) ? cellText(saved[static_cast<std::size_t>(column)])
                                                                  : QStringLiteral(" ");
        } else if (row >= 0 && row < rows_) {
            line.text += cellText(screen_->cell(row, column));
        }
    }
    line.offsets.push_back(static_cast<int>(line.text.size()));
    return line;
}

int TerminalView::LineText::offsetOf(int column) const
{
    return offsets[static_cast<std::size_t>(std::clamp(column, 0, static_cast<int>(offsets.size()) - 1))];
}

int TerminalView::LineText::columnOf(int offset) const
{
    const auto after = std::upper_bound(offsets.begin(), offsets.end(), offset);
    return std::max(0, static_cast<int>(after - offsets.begin()) - 1);
}

// Called for every glyph of a flood: it only widens a span per row (or notes that the
// whole screen changed); the frame turns the spans into a region.
void TerminalView::damageCells(int top, int bottom, int left, int right)
{
    scheduleFrame();
    if (allDamaged_)
        return;
    top = qMax(0, top);
    bottom = qMin(rows_, bottom);
    left = qMax(0, left);
    right = qMin(columns_, right);
    if (top == 0 && bottom == rows_ && left == 0 && right == columns_) {
        allDamaged_ = true;
        return;
    }
    if (static_cast<int>(damagedSpans_.size()) != rows_)
        damagedSpans_.assign(static_cast<std::size_t>(rows_), {0, 0});
    for (int row = top; row < bottom; ++row) {
        auto &[from, to] = damagedSpans_[static_cast<std::size_t>(row)];
        if (from >= to) {
            from = left;
            to = right;
        } else {
            from = qMin(from, left);
            to = qMax(to, right);
        }
    }
}

void TerminalView::scheduleFrame()
{
    if (!frame_.isActive())
        frame_.start();
}

void TerminalView::paintEvent(QPaintEvent *event)
{
    QElapsedTimer clock;
    clock.start();
    QPainter painter(viewport());
    painter.fillRect(event->rect(), defaultBackground_);
    const int firstRow = qMax(0, event->rect().top() / cellHeight_);
    const int lastRow = qMin(rows_ - 1, event->rect().bottom() / cellHeight_);
    const int history = altScreen_ ? 0 : static_cast<int>(scrollback_.size());
    const int topLine = history - scrollOffset();
    QPoint from = selectionStart_, to = selectionEnd_;
    if (to.y() < from.y() || (to.y() == from.y() && to.x() < from.x()))
        std::swap(from, to);
    const bool hasSelection = from != to && from.y() >= 0;
    const QColor highlight = palette().color(QPalette::Highlight), highlighted = palette().color(QPalette::HighlightedText);

    for (int row = firstRow; row <= lastRow; ++row) {
        const std::vector<Cell> line = viewLine(row);
        const int absolute = topLine + row;
        const int y = row * cellHeight_;
        for (int column = 0; column < columns_;) {
            const Cell &cell = line[static_cast<std::size_t>(column)];
            QColor foreground = cell.reverse ? cell.background : cell.foreground;
            QColor background = cell.reverse ? cell.foreground : cell.background;
            const bool selected = hasSelection && QPoint(column, absolute) != QPoint(-1, -1) &&
                                  (absolute > from.y() || (absolute == from.y() && column >= from.x())) &&
                                  (absolute < to.y() || (absolute == to.y() && column < to.x()));
            if (selected) {
                foreground = highlighted;
                background = highlight;
            }
            // Lines and blocks are shapes that fill the cell, so borders join.
            if (cell.width == 1 && isShape(cell.text)) {
                const QRect area(column * cellWidth_, y, cellWidth_, cellHeight_);
                if (background != defaultBackground_)
                    painter.fillRect(area, background);
                drawAsShape(painter, area, cell.text.at(0).unicode(), foreground);
                ++column;
                continue;
            }
            // A run of cells that look the same is one drawText (wide characters alone).
            int end = column + 1;
            QString text = cell.text;
            if (cell.width == 1) {
                while (end < columns_) {
                    const Cell &next = line[static_cast<std::size_t>(end)];
                    const bool nextSelected = hasSelection &&
                                              (absolute > from.y() || (absolute == from.y() && end >= from.x())) &&
                                              (absolute < to.y() || (absolute == to.y() && end < to.x()));
                    if (next.width != 1 || next.text.isEmpty() || isShape(next.text) || nextSelected != selected ||
                        next.foreground != cell.foreground || next.background != cell.background ||
                        next.bold != cell.bold || next.italic != cell.italic || next.underline != cell.underline ||
                        next.strike != cell.strike || next.reverse != cell.reverse)
                        break;
                    text += next.text;
                    ++end;
                }
            } else {
                end = column + qMax(1, cell.width);
            }
            const QRect area(column * cellWidth_, y, (end - column) * cellWidth_, cellHeight_);
            if (background != defaultBackground_)
                painter.fillRect(area, background);
            if (!text.trimmed().isEmpty()) {
                QFont font = styledFonts_[(cell.bold ? 1 : 0) | (cell.italic ? 2 : 0)];
                font.setUnderline(cell.underline);
                font.setStrikeOut(cell.strike);
                painter.setFont(font);
                painter.setPen(foreground);
                if (cell.width > 1)
                    painter.drawText(area, Qt::AlignCenter, text);
                else
                    painter.drawText(area.left(), y + ascent_, text);
            }
            column = end;
        }
    }

    // The cursor, at the bottom of the scrollback only: a block (hollow without focus),
    // an underline or a bar, blinking when the program asks for it.
    const int cursorViewRow = cursorRow_ + scrollOffset();
    if (cursorVisible_ && cursorViewRow < rows_ && (blinkOn_ || !cursorBlinks_ || !hasFocus())) {
        const QRect cell(cursorColumn_ * cellWidth_, cursorViewRow * cellHeight_, cellWidth_, cellHeight_);
        const Cell under = cellAt(cursorViewRow, cursorColumn_);
        painter.setPen(defaultForeground_);
        if (!hasFocus()) {
            painter.drawRect(cell.adjusted(0, 0, -1, -1));
        } else if (cursorShape_ == VTERM_PROP_CURSORSHAPE_UNDERLINE) {
            painter.fillRect(cell.left(), cell.bottom() - 1, cellWidth_, 2, defaultForeground_);
        } else if (cursorShape_ == VTERM_PROP_CURSORSHAPE_BAR_LEFT) {
            painter.fillRect(cell.left(), cell.top(), 2, cellHeight_, defaultForeground_);
        } else {
            painter.fillRect(cell, defaultForeground_);
            painter.setPen(defaultBackground_);
            painter.setFont(styledFonts_[0]);
            painter.drawText(cell.left(), cell.top() + ascent_, under.text);
        }
    }
    longestFrameMs_ = qMax(longestFrameMs_, clock.elapsed());
}

void TerminalView::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    resizeTerminal();
}

void TerminalView::resizeTerminal()
{
    const int columns = qMax(2, viewport()->width() / cellWidth_);
    const int rows = qMax(1, viewport()->height() / cellHeight_);
    if (columns == columns_ && rows == rows_)
        return;
    // libvterm 0.1.4 keeps a scroll region past a resize that makes it invalid, and a
    // scroll in it then moves a negative number of bytes. Fewer rows reset it first (the
    // cursor saved and restored around it; full-screen programs set theirs again anyway).
    if (rows < rows_) {
        static constexpr char kResetRegion[] = "\x1b" "7\x1b[r\x1b" "8";
        vterm_input_write(vt_, kResetRegion, sizeof kResetRegion - 1);
    }
    columns_ = columns;
    rows_ = rows;
    vterm_set_size(vt_, rows_, columns_);
    updateScrollBar();
    viewport()->update();
    emit sizeChanged(columns_, rows_);
}

// --- input ---

void TerminalView::keyPressEvent(QKeyEvent *event)
{
    const Qt::KeyboardModifiers modifiers = event->modifiers();
    const bool ctrlShift = (modifiers & Qt::ControlModifier) && (modifiers & Qt::ShiftModifier);
    if (ctrlShift && event->key() == Qt::Key_C) {
        copySelection();
        return;
    }
    if ((ctrlShift && event->key() == Qt::Key_V) || (modifiers == Qt::ShiftModifier && event->key() == Qt::Key_Insert)) {
        paste(QApplication::clipboard()->text());
        return;
    }
    if (modifiers == Qt::ShiftModifier && (event->key() == Qt::Key_PageUp || event->key() == Qt::Key_PageDown)) {
        QScrollBar *bar = verticalScrollBar();
        bar->setValue(bar->value() + (event->key() == Qt::Key_PageUp ? -1 : 1) * qMax(1, rows_ - 1));
        return;
    }
    if (modifiers == Qt::ShiftModifier && (event->key() == Qt::Key_Home || event->key() == Qt::Key_End)) {
        QScrollBar *bar = verticalScrollBar(); // the scrollback's top and bottom, as other terminals do
        bar->setValue(event->key() == Qt::Key_Home ? bar->minimum() : bar->maximum());
        return;
    }
    const VTermModifier mod = modifiersOf(modifiers);
    if (const VTermKey key = vtermKey(event->key()); key != VTERM_KEY_NONE) {
        const VTermModifier keyMod =
            event->key() == Qt::Key_Backtab ? static_cast<VTermModifier>(mod | VTERM_MOD_SHIFT) : mod;
        vterm_keyboard_key(vt_, key, keyMod);
    } else if ((modifiers & Qt::ControlModifier) && event->key() >= Qt::Key_A && event->key() <= Qt::Key_Z) {
        // Ctrl+letter: the letter with Ctrl, which libvterm turns into the control character.
        vterm_keyboard_unichar(vt_, static_cast<uint32_t>('a' + (event->key() - Qt::Key_A)),
                               static_cast<VTermModifier>(mod & ~VTERM_MOD_SHIFT));
    } else if ((modifiers & Qt::ControlModifier) && event->key() >= Qt::Key_BracketLeft &&
               event->key() <= Qt::Key_Underscore) {
        vterm_keyboard_unichar(vt_, static_cast<uint32_t>(event->key()), static_cast<VTermModifier>(mod & ~VTERM_MOD_SHIFT));
    } else if ((modifiers & Qt::ControlModifier) && event->key() == Qt::Key_Space) {
        vterm_keyboard_unichar(vt_, ' ', mod);
    } else if (!event->text().isEmpty()) {
        // The text already has Shift applied; Alt still goes with it (ESC prefix).
        const auto mods = static_cast<VTermModifier>(mod & ~(VTERM_MOD_SHIFT | VTERM_MOD_CTRL));
        for (const char32_t c : event->text().toUcs4())
            if (c >= 0x20 || (c != 0 && !(modifiers & Qt::ControlModifier)))
                vterm_keyboard_unichar(vt_, static_cast<uint32_t>(c), mods);
    } else {
        QAbstractScrollArea::keyPressEvent(event);
        return;
    }
    // Typing shows the bottom again and the cursor steadily.
    verticalScrollBar()->setValue(verticalScrollBar()->maximum());
    blinkOn_ = true;
    if (cursorBlinks_ && hasFocus())
        blink_.start();
}

bool TerminalView::event(QEvent *event)
{
    // Keys are the shell's (Tab, Ctrl+letters, F-keys), not the window's shortcuts; only
    // Ctrl+1..9 (switching panes), Ctrl+PgUp/PgDn (switching terminals) and Ctrl+Shift+letter
    // other than C and V stay the window's.
    if (event->type() == QEvent::ShortcutOverride) {
        auto *key = static_cast<QKeyEvent *>(event);
        const bool control = key->modifiers() & Qt::ControlModifier;
        const bool paneSwitch = control && ((key->key() >= Qt::Key_1 && key->key() <= Qt::Key_9) ||
                                            key->key() == Qt::Key_PageUp || key->key() == Qt::Key_PageDown);
        const bool windowShortcut = control && (key->modifiers() & Qt::ShiftModifier) && key->key() != Qt::Key_C &&
                                    key->key() != Qt::Key_V && key->key() >= Qt::Key_A && key->key() <= Qt::Key_Z;
        if (!paneSwitch && !windowShortcut) {
            event->accept();
            return true;
        }
    }
    return QAbstractScrollArea::event(event);
}

void TerminalView::contextMenuEvent(QContextMenuEvent *event)
{
    if (mouseMode_ != 0 && !(event->modifiers() & Qt::ShiftModifier))
        return; // the program asked for the mouse (Shift+right-click still gets the menu)
    QMenu menu(this);
    QAction *copy = menu.addAction(tr("Copy"), this, &TerminalView::copySelection);
    copy->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    copy->setEnabled(!selectedText().isEmpty());
    QAction *pasteAction = menu.addAction(tr("Paste"), this, [this] { paste(QApplication::clipboard()->text()); });
    pasteAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_V));
    pasteAction->setEnabled(!QApplication::clipboard()->text().isEmpty());
    menu.addAction(tr("Select All"), this, &TerminalView::selectAll);
    menu.addSeparator();
    menu.addAction(tr("Clear Scrollback"), this, &TerminalView::clearScrollback);
    menu.exec(event->globalPos());
}

void TerminalView::inputMethodEvent(QInputMethodEvent *event)
{
    for (const char32_t c : event->commitString().toUcs4())
        vterm_keyboard_unichar(vt_, static_cast<uint32_t>(c), VTERM_MOD_NONE);
    event->accept();
}

QVariant TerminalView::inputMethodQuery(Qt::InputMethodQuery query) const
{
    if (query == Qt::ImCursorRectangle)
        return QRect(cursorColumn_ * cellWidth_, (cursorRow_ + scrollOffset()) * cellHeight_, cellWidth_, cellHeight_);
    if (query == Qt::ImFont)
        return font_;
    return QAbstractScrollArea::inputMethodQuery(query);
}

void TerminalView::paste(const QString &text)
{
    if (text.isEmpty())
        return;
    // Bracketed when the program asked for it (libvterm knows); newlines as Enter.
    QString normalized = text;
    normalized.replace(QStringLiteral("\r\n"), QStringLiteral("\r")).replace('\n', '\r');
    vterm_keyboard_start_paste(vt_);
    for (const char32_t c : normalized.toUcs4())
        vterm_keyboard_unichar(vt_, static_cast<uint32_t>(c), VTERM_MOD_NONE);
    vterm_keyboard_end_paste(vt_);
    verticalScrollBar()->setValue(verticalScrollBar()->maximum());
}

// --- mouse: reported to programs that ask (Shift overrides), else selection ---

QPoint TerminalView::cellAt(const QPoint &pixel) const
{
    const int history = altScreen_ ? 0 : static_cast<int>(scrollback_.size());
    const int column = qBound(0, (pixel.x() + cellWidth_ / 2) / cellWidth_, columns_);
    const int row = qBound(0, pixel.y() / cellHeight_, rows_ - 1);
    return {column, history - scrollOffset() + row};
}

bool TerminalView::mouseReported(QMouseEvent *event) const
{
    return mouseMode_ != VTERM_PROP_MOUSE_NONE && !(event->modifiers() & Qt::ShiftModifier);
}

void TerminalView::sendMouse(QMouseEvent *event, bool pressed)
{
    const int row = qBound(0, static_cast<int>(event->position().y()) / cellHeight_, rows_ - 1);
    const int column = qBound(0, static_cast<int>(event->position().x()) / cellWidth_, columns_ - 1);
    const VTermModifier mod = modifiersOf(event->modifiers());
    vterm_mouse_move(vt_, row, column, mod);
    const int button = event->button() == Qt::LeftButton ? 1 : event->button() == Qt::MiddleButton ? 2
                     : event->button() == Qt::RightButton ? 3 : 0;
    if (button)
        vterm_mouse_button(vt_, button, pressed, mod);
}

QUrl TerminalView::urlAt(const QPoint &pixel) const
{
    const QPoint cell = cellAt(pixel - QPoint(cellWidth_ / 2, 0));
    const LineText line = lineTextAt(cell.y());
    const int offset = line.offsetOf(cell.x());
    static const QRegularExpression url(QStringLiteral("(https?|ftp)://[^\\s<>\"'`]+"));
    for (auto match = url.globalMatch(line.text); match.hasNext();) {
        const auto found = match.next();
        if (offset >= found.capturedStart() && offset < found.capturedEnd()) {
            QString text = found.captured();
            while (!text.isEmpty() && QStringLiteral(".,;:)]}").contains(text.back()))
                text.chop(1);
            return QUrl(text);
        }
    }
    return {};
}

void TerminalView::mousePressEvent(QMouseEvent *event)
{
    if (mouseReported(event)) {
        sendMouse(event, true);
        return;
    }
    if (event->button() == Qt::LeftButton && (event->modifiers() & Qt::ControlModifier)) {
        if (const QUrl url = urlAt(event->position().toPoint()); url.isValid()) {
            emit urlActivated(url);
            return;
        }
    }
    if (event->button() == Qt::MiddleButton) {
        paste(QApplication::clipboard()->text(QClipboard::Selection));
        return;
    }
    if (event->button() != Qt::LeftButton)
        return;
    const QPoint cell = cellAt(event->position().toPoint());
    // A click soon after a double-click selects the whole line.
    if (lastDoubleClick_.isValid() && lastDoubleClick_.elapsed() < QApplication::doubleClickInterval()) {
        // The whole line, wrapped rows included.
        int first = cell.y(), last = cell.y();
        while (lineContinues(first - 1))
            --first;
        while (lineContinues(last))
            ++last;
        selectionStart_ = {0, first};
        selectionEnd_ = {columns_, last};
        lastDoubleClick_.invalidate();
        selecting_ = false;
        viewport()->update();
        return;
    }
    selectionStart_ = selectionEnd_ = cell;
    selecting_ = true;
    viewport()->update();
}

void TerminalView::mouseMoveEvent(QMouseEvent *event)
{
    if (mouseReported(event)) {
        if (mouseMode_ >= VTERM_PROP_MOUSE_DRAG && (event->buttons() != Qt::NoButton || mouseMode_ == VTERM_PROP_MOUSE_MOVE)) {
            const int row = qBound(0, static_cast<int>(event->position().y()) / cellHeight_, rows_ - 1);
            const int column = qBound(0, static_cast<int>(event->position().x()) / cellWidth_, columns_ - 1);
            vterm_mouse_move(vt_, row, column, modifiersOf(event->modifiers()));
        }
        return;
    }
    viewport()->setCursor((event->modifiers() & Qt::ControlModifier) && urlAt(event->position().toPoint()).isValid()
                              ? Qt::PointingHandCursor
                              : Qt::IBeamCursor);
    if (!selecting_)
        return;
    selectionEnd_ = cellAt(event->position().toPoint());
    // Dragging past the edge scrolls.
    if (event->position().y() < 0)
        verticalScrollBar()->setValue(verticalScrollBar()->value() - 1);
    else if (event->position().y() > viewport()->height())
        verticalScrollBar()->setValue(verticalScrollBar()->value() + 1);
    viewport()->update();
}

void TerminalView::mouseReleaseEvent(QMouseEvent *event)
{
    if (mouseReported(event)) {
        sendMouse(event, false);
        return;
    }
    selecting_ = false;
    if (const QString text = selectedText(); !text.isEmpty() && QApplication::clipboard()->supportsSelection())
        QApplication::clipboard()->setText(text, QClipboard::Selection);
}

void TerminalView::mouseDoubleClickEvent(QMouseEvent *event)
{
    if (mouseReported(event)) {
        sendMouse(event, true);
        return;
    }
    // The word under the pointer.
    const QPoint cell = cellAt(event->position().toPoint() - QPoint(cellWidth_ / 2, 0));
    const LineText line = lineTextAt(cell.y());
    int start = line.offsetOf(cell.x());
    int end = start;
    while (start > 0 && isWordCharacter(line.text.at(start - 1)))
        --start;
    while (end < line.text.size() && isWordCharacter(line.text.at(end)))
        ++end;
    selectionStart_ = {line.columnOf(start), cell.y()};
    selectionEnd_ = {line.columnOf(end), cell.y()};
    selecting_ = false;
    lastDoubleClick_.start();
    if (const QString text = selectedText(); !text.isEmpty() && QApplication::clipboard()->supportsSelection())
        QApplication::clipboard()->setText(text, QClipboard::Selection);
    viewport()->update();
}

void TerminalView::wheelEvent(QWheelEvent *event)
{
    const int steps = event->angleDelta().y() / 40; // three lines a notch
    if (steps == 0)
        return;
    if (mouseMode_ != VTERM_PROP_MOUSE_NONE && !(event->modifiers() & Qt::ShiftModifier)) {
        const int row = qBound(0, static_cast<int>(event->position().y()) / cellHeight_, rows_ - 1);
        const int column = qBound(0, static_cast<int>(event->position().x()) / cellWidth_, columns_ - 1);
        vterm_mouse_move(vt_, row, column, VTERM_MOD_NONE);
        for (int i = 0; i < qAbs(steps); ++i)
            vterm_mouse_button(vt_, steps > 0 ? 4 : 5, true, VTERM_MOD_NONE);
        return;
    }
    if (altScreen_) {
        // Full-screen programs without mouse reporting (less, man) scroll with the arrows.
        for (int i = 0; i < qAbs(steps); ++i)
            vterm_keyboard_key(vt_, steps > 0 ? VTERM_KEY_UP : VTERM_KEY_DOWN, VTERM_MOD_NONE);
        return;
    }
    verticalScrollBar()->setValue(verticalScrollBar()->value() - steps);
}

QString TerminalView::selectedText() const
{
    QPoint from = selectionStart_, to = selectionEnd_;
    if (to.y() < from.y() || (to.y() == from.y() && to.x() < from.x()))
        std::swap(from, to);
    if (from == to || from.y() < 0)
        return {};
    QString text;
    for (int line = from.y(); line <= to.y(); ++line) {
        const LineText whole = lineTextAt(line);
        const int start = whole.offsetOf(line == from.y() ? from.x() : 0);
        const int end = whole.offsetOf(line == to.y() ? to.x() : columns_);
        QString part = whole.text.mid(start, qMax(0, end - start));
        // A line the terminal wrapped goes on in the next: joined, its spaces kept.
        if (line < to.y() && lineContinues(line)) {
            text += part;
            continue;
        }
        while (part.endsWith(' '))
            part.chop(1);
        text += part + '\n';
    }
    text.chop(1);
    while (text.endsWith('\n')) // the blank rows under the last output (Select All)
        text.chop(1);
    return text;
}

bool TerminalView::lineContinues(int absoluteLine) const
{
    const int history = altScreen_ ? 0 : static_cast<int>(scrollback_.size());
    if (absoluteLine < 0)
        return false;
    if (absoluteLine < history) {
        const auto &line = scrollback_[static_cast<std::size_t>(absoluteLine)];
        return TerminalScreen::continues(line.data(), static_cast<int>(line.size()));
    }
    const int row = absoluteLine - history;
    return row < rows_ && TerminalScreen::continues(&screen_->cell(row, 0), columns_);
}

void TerminalView::selectAll()
{
    const int history = altScreen_ ? 0 : static_cast<int>(scrollback_.size());
    selectionStart_ = {0, 0};
    selectionEnd_ = {columns_, history + rows_ - 1};
    viewport()->update();
}

void TerminalView::copySelection()
{
    if (const QString text = selectedText(); !text.isEmpty())
        QApplication::clipboard()->setText(text);
}

void TerminalView::focusInEvent(QFocusEvent *event)
{
    QAbstractScrollArea::focusInEvent(event);
    blinkOn_ = true;
    if (cursorBlinks_)
        blink_.start();
    damageCells(cursorRow_, cursorRow_ + 1, cursorColumn_, cursorColumn_ + 2);
}

void TerminalView::focusOutEvent(QFocusEvent *event)
{
    QAbstractScrollArea::focusOutEvent(event);
    blink_.stop();
    blinkOn_ = true;
    damageCells(cursorRow_, cursorRow_ + 1, cursorColumn_, cursorColumn_ + 2);
}

} // namespace sandbench::ui
