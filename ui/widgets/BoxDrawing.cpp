#include "widgets/BoxDrawing.h"

#include <array>

namespace sandbench::ui {

namespace {

// The four arms of a line character: up, right, down, left; 0 none, 1 light, 2 heavy, 3 double.
struct Arms {
    char32_t c;
    std::array<int, 4> weight;
};
constexpr Arms kLines[] = {
    {U'─', {0, 1, 0, 1}}, {U'━', {0, 2, 0, 2}}, {U'│', {1, 0, 1, 0}}, {U'┃', {2, 0, 2, 0}},
    {U'┌', {0, 1, 1, 0}}, {U'┏', {0, 2, 2, 0}}, {U'┐', {0, 0, 1, 1}}, {U'┓', {0, 0, 2, 2}},
    {U'└', {1, 1, 0, 0}}, {U'┗', {2, 2, 0, 0}}, {U'┘', {1, 0, 0, 1}}, {U'┛', {2, 0, 0, 2}},
    {U'├', {1, 1, 1, 0}}, {U'┣', {2, 2, 2, 0}}, {U'┤', {1, 0, 1, 1}}, {U'┫', {2, 0, 2, 2}},
    {U'┬', {0, 1, 1, 1}}, {U'┳', {0, 2, 2, 2}}, {U'┴', {1, 1, 0, 1}}, {U'┻', {2, 2, 0, 2}},
    {U'┼', {1, 1, 1, 1}}, {U'╋', {2, 2, 2, 2}},
    {U'╭', {0, 1, 1, 0}}, {U'╮', {0, 0, 1, 1}}, {U'╯', {1, 0, 0, 1}}, {U'╰', {1, 1, 0, 0}},
    {U'╴', {0, 0, 0, 1}}, {U'╵', {1, 0, 0, 0}}, {U'╶', {0, 1, 0, 0}}, {U'╷', {0, 0, 1, 0}},
    {U'═', {0, 3, 0, 3}}, {U'║', {3, 0, 3, 0}}, {U'╔', {0, 3, 3, 0}}, {U'╗', {0, 0, 3, 3}},
    {U'╚', {3, 3, 0, 0}}, {U'╝', {3, 0, 0, 3}}, {U'╠', {3, 3, 3, 0}}, {U'╣', {3, 0, 3, 3}},
    {U'╦', {0, 3, 3, 3}}, {U'╩', {3, 3, 0, 3}}, {U'╬', {3, 3, 3, 3}},
};

const Arms *armsOf(char32_t c)
{
    for (const Arms &arms : kLines)
        if (arms.c == c)
            return &arms;
    return nullptr;
}

// Lines: each arm a bar from the cell's edge into the centre, so neighbours join and arms
// meet. A double arm is two thin strokes either side of the centre line; each stroke stops
// where the perpendicular arm on its side begins (the inside of a corner stays open) or
// runs on to the far stroke (the outside of a corner closes).
void drawArms(QPainter &painter, const QRect &cell, const Arms &arms, const QColor &colour)
{
    enum { Up, Right, Down, Left };
    const auto has = [&](int arm) { return arms.weight[static_cast<std::size_t>(arm)] != 0; };
    const int light = qMax(1, cell.height() / 16), gap = light;
    const int cx = cell.left() + cell.width() / 2, cy = cell.top() + cell.height() / 2;
    // A stroke of thickness t at [at, at + t) across, over [from, to) along.
    const auto stroke = [&](bool vertical, int at, int t, int from, int to) {
        painter.fillRect(vertical ? QRect(at, from, t, to - from) : QRect(from, at, to - from, t), colour);
    };
    for (int arm = Up; arm <= Left; ++arm) {
        const int weight = arms.weight[static_cast<std::size_t>(arm)];
        if (weight == 0)
            continue;
        const bool vertical = arm == Up || arm == Down;
        const bool forward = arm == Right || arm == Down; // from the centre towards the end
        const int across = vertical ? cx : cy;            // the centre line, across the arm
        const int along = vertical ? cy : cx;             // the centre, along the arm
        const int start = vertical ? cell.top() : cell.left(), end = vertical ? cell.bottom() + 1 : cell.right() + 1;
        if (weight != 3) {
            const int t = weight == 2 ? light * 2 + 1 : light;
            const int band = across - t / 2;
            const int centreStart = along - t / 2;
            stroke(vertical, band, t, forward ? centreStart : start, forward ? end : centreStart + t);
            continue;
        }
        // The two strokes: on the low side (up or left of the line) and the high side.
        const int lowSide = vertical ? Left : Up, highSide = vertical ? Right : Down;
        for (const int side : {lowSide, highSide}) {
            const int band = side == lowSide ? across - gap - light : across + gap;
            if (forward) {
                const int from = has(side) ? along + gap : along - gap - light;
                stroke(vertical, band, light, from, end);
            } else {
                const int to = has(side) ? along - gap : along + gap + light;
                stroke(vertical, band, light, start, to);
            }
        }
    }
}

// Block elements: eighths from the bottom or the left, halves, quadrants' simple cases, shades.
bool drawBlock(QPainter &painter, const QRect &cell, char32_t c, const QColor &colour)
{
    const int w = cell.width(), h = cell.height();
    auto fill = [&](int x, int y, int width, int height) { painter.fillRect(cell.left() + x, cell.top() + y, width, height, colour); };
    if (c == U'▀') {
        fill(0, 0, w, h / 2);
    } else if (c >= U'▁' && c <= U'█') { // lower one eighth … full block
        const int eighths = static_cast<int>(c - U'▁') + 1;
        const int height = h * eighths / 8;
        fill(0, h - height, w, height);
    } else if (c >= U'▉' && c <= U'▏') { // left seven eighths … left one eighth
        const int eighths = 7 - static_cast<int>(c - U'▉');
        fill(0, 0, qMax(1, w * eighths / 8), h);
    } else if (c == U'▐') {
        fill(w / 2, 0, w - w / 2, h);
    } else if (c == U'▔') {
        fill(0, 0, w, qMax(1, h / 8));
    } else if (c == U'▕') {
        const int width = qMax(1, w / 8);
        fill(w - width, 0, width, h);
    } else if (c >= U'░' && c <= U'▓') { // light, medium, dark shade
        QColor shade = colour;
        shade.setAlphaF(0.25 * static_cast<double>(c - U'░' + 1));
        painter.fillRect(cell, shade);
    } else {
        return false;
    }
    return true;
}

} // namespace

bool drawnAsShape(char32_t c)
{
    return (c >= U'▀' && c <= U'▕') || armsOf(c) != nullptr;
}

bool drawAsShape(QPainter &painter, const QRect &cell, char32_t c, const QColor &colour)
{
    if (const Arms *arms = armsOf(c)) {
        drawArms(painter, cell, *arms, colour);
        return true;
    }
    return c >= U'▀' && c <= U'▕' && drawBlock(painter, cell, c, colour);
}

} // namespace sandbench::ui
