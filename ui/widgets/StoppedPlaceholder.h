// What a pane shows while its sandbox is not running: a sentence and a Start button.
#pragma once

#include <QWidget>

namespace sandbench::ui {

class StoppedPlaceholder : public QWidget {
    Q_OBJECT
public:
    StoppedPlaceholder(const QString &text, QWidget *parent = nullptr);

signals:
    void startRequested();
};

} // namespace sandbench::ui
