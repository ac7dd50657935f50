#include "widgets/AnsiText.h"

#include <QColor>
#include <QStringList>

namespace sandbench::ui {

namespace {

// The xterm palette for the 16 standard colours, readable on a light background.
QColor standardColor(int index)
{
    static const QColor colors[16] = {
        QColor(0x1f, 0x23, 0x28), QColor(0xc0, 0x1c, 0x28), QColor(0x26, 0xa2, 0x69), QColor(0xa2, 0x73, 0x04),
        QColor(0x12, 0x48, 0x8b), QColor(0xa3, 0x47, 0xba), QColor(0x2a, 0xa1, 0xb3), QColor(0xd0, 0xcf, 0xcc),
        QColor(0x5e, 0x5c, 0x64), QColor(0xf6, 0x61, 0x51), QColor(0x33, 0xd1, 0x7a), QColor(0xe9, 0xad, 0x0c),
        QColor(0x2a, 0x7b, 0xde), QColor(0xc0, 0x61, 0xcb), QColor(0x33, 0xc7, 0xde), QColor(0xff, 0xff, 0xff)};
    return colors[index & 15];
}

QColor xterm256(int index)
{
    if (index < 16)
        return standardColor(index);
    if (index < 232) {
        const int i = index - 16;
        auto level = [](int v) { return v == 0 ? 0 : 55 + v * 40; };
        return QColor(level(i / 36), level((i / 6) % 6), level(i % 6));
    }
    const int gray = 8 + (index - 232) * 10;
    return QColor(gray, gray, gray);
}

} // namespace

AnsiText::AnsiText(QTextCharFormat base) : base_(std::move(base)) {}

void AnsiText::reset()
{
    foreground_ = background_ = QColor();
    bold_ = italic_ = underline_ = reverse_ = false;
    carry_.clear();
}

QTextCharFormat AnsiText::current() const
{
    QTextCharFormat format = base_;
    QColor foreground = foreground_, background = background_;
    if (reverse_)
        std::swap(foreground, background);
    if (foreground.isValid())
        format.setForeground(foreground);
    if (background.isValid())
        format.setBackground(background);
    if (bold_)
        format.setFontWeight(QFont::Bold);
    if (italic_)
        format.setFontItalic(true);
    if (underline_)
        format.setFontUnderline(true);
    return format;
}

void AnsiText::feed(const QString &chunk, const Run &run)
{
    const QString text = carry_ + chunk;
    carry_.clear();
    QString plain;
    auto flush = [&] {
        if (!plain.isEmpty())
            run(plain, current());
        plain.clear();
    };
    const qsizetype size = text.size();
    for (qsizetype i = 0; i < size; ++i) {
        const QChar c = text[i];
        if (c == '\r') {
            if (i + 1 < size && text[i + 1] == '\n')
                continue; // CRLF is a line end
            continue;     // a lone CR (progress bars) is dropped: the log is append-only
        }
        if (c != QChar(0x1b)) {
            if (c == '\n' || c == '\t' || c.unicode() >= 0x20)
                plain += c;
            continue;
        }
        // An escape sequence: find its end, or keep it for the next chunk.
        if (i + 1 >= size) {
            carry_ = text.mid(i);
            break;
        }
        const QChar kind = text[i + 1];
        if (kind == '[') { // CSI: parameters, then a final byte 0x40-0x7e
            qsizetype end = i + 2;
            while (end < size && !(text[end].unicode() >= 0x40 && text[end].unicode() <= 0x7e))
                ++end;
            if (end >= size) {
                carry_ = text.mid(i);
                break;
            }
            if (text[end] == 'm') {
                flush();
                applySgr(text.mid(i + 2, end - i - 2));
            }
            i = end;
        } else if (kind == ']') { // OSC: up to BEL or ESC backslash
            qsizetype end = i + 2;
            while (end < size && text[end] != QChar(0x07) && !(text[end] == QChar(0x1b) && end + 1 < size && text[end + 1] == '\\'))
                ++end;
            if (end >= size) {
                carry_ = text.mid(i);
                break;
            }
            i = text[end] == QChar(0x07) ? end : end + 1;
        } else {
            i += 1; // a two-byte sequence (charset selection and the like)
        }
    }
    if (carry_.size() > 256)
        carry_.clear(); // not an escape sequence after all: do not hold text back forever
    flush();
}

void AnsiText::applySgr(const QString &parameters)
{
    const QStringList parts = parameters.isEmpty() ? QStringList{"0"} : parameters.split(';');
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const int code = parts[i].toInt();
        if (code == 0) {
            foreground_ = background_ = QColor();
            bold_ = italic_ = underline_ = reverse_ = false;
        } else if (code == 1) {
            bold_ = true;
        } else if (code == 3) {
            italic_ = true;
        } else if (code == 4) {
            underline_ = true;
        } else if (code == 7) {
            reverse_ = true;
        } else if (code == 22) {
            bold_ = false;
        } else if (code == 23) {
            italic_ = false;
        } else if (code == 24) {
            underline_ = false;
        } else if (code == 27) {
            reverse_ = false;
        } else if (code >= 30 && code <= 37) {
            foreground_ = standardColor(code - 30);
        } else if (code >= 90 && code <= 97) {
            foreground_ = standardColor(code - 90 + 8);
        } else if (code >= 40 && code <= 47) {
            background_ = standardColor(code - 40);
        } else if (code >= 100 && code <= 107) {
            background_ = standardColor(code - 100 + 8);
        } else if (code == 39) {
            foreground_ = QColor();
        } else if (code == 49) {
            background_ = QColor();
        } else if ((code == 38 || code == 48) && i + 1 < parts.size()) {
            QColor color;
            if (parts[i + 1] == "5" && i + 2 < parts.size()) {
                color = xterm256(parts[i + 2].toInt());
                i += 2;
            } else if (parts[i + 1] == "2" && i + 4 < parts.size()) {
                color = QColor(parts[i + 2].toInt(), parts[i + 3].toInt(), parts[i + 4].toInt());
                i += 4;
            }
            (code == 38 ? foreground_ : background_) = color;
        }
    }
}

} // namespace sandbench::ui
