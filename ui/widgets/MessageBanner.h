// An inline message strip for errors shown where they happened (no modal storms):
// hidden until show*() is called, closable, and replaced by the next message.
#pragma once

#include <QFrame>

class QLabel;

namespace sandbench::ui {

class MessageBanner : public QFrame {
    Q_OBJECT
public:
    explicit MessageBanner(QWidget *parent = nullptr);
    void showError(const QString &text);
    void showInfo(const QString &text);
    QString text() const;

private:
    void showMessage(const QString &text, const QColor &background, const QColor &border);
    QLabel *label_;
};

} // namespace sandbench::ui
