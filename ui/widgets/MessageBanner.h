// An inline message strip for errors shown where they happened (no modal storms):
// hidden until show*() is called, closable, and replaced by the next message. A message
// may offer actions (buttons after the text) that also dismiss it. Of a message of several
// lines (a reason, then a tool's own lines) the first is shown and the rest waits behind
// Details.
#pragma once

#include <QFrame>

#include <functional>

class QHBoxLayout;
class QLabel;
class QProgressBar;
class QToolButton;

namespace sandbench::ui {

class MessageBanner : public QFrame {
    Q_OBJECT
public:
    explicit MessageBanner(QWidget *parent = nullptr);
    void showError(const QString &text);
    void showInfo(const QString &text);
    // Work under way: the text over a bar (percent 0-100, or -1 while unknown), without the
    // dismiss button. Repeated calls update it and keep its actions (e.g. Stop); the next
    // showError/showInfo ends it.
    void showProgress(const QString &text, int percent = -1);
    bool showsProgress() const;
    bool showsError() const;
    // A button for the message shown last (gone with the next message).
    void addAction(const QString &text, std::function<void()> act);
    QString text() const; // the whole message, details included

private:
    void showMessage(const QString &text, const QColor &background, const QColor &border);
    QLabel *label_;
    QLabel *details_;
    QToolButton *detailsToggle_;
    QProgressBar *progress_;
    QWidget *dismiss_ = nullptr;
    bool error_ = false;
    QHBoxLayout *actionRow_;
    QList<QWidget *> actions_;
};

} // namespace sandbench::ui
