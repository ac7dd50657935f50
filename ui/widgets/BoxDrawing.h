// Box-drawing lines and block elements (U+2500-U+259F) drawn as shapes that fill the
// cell: a font's glyphs for them are rarely as tall as the line spacing or as wide as
// the padded cell, so the borders of htop, mc or tmux came out as broken dashes.
#pragma once

#include <QColor>
#include <QPainter>
#include <QRect>

namespace sandbench::ui {

// Whether c is one of the characters drawn here (the rest go to the font).
bool drawnAsShape(char32_t c);
// Draws c filling cell in colour; false (nothing drawn) when it is not one of them.
bool drawAsShape(QPainter &painter, const QRect &cell, char32_t c, const QColor &colour);

} // namespace sandbench::ui
