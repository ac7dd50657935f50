// Uploads and downloads of the Files pane, one row each: the file, a progress
// bar, and a button to cancel it (or to clear the row once it ended).
#pragma once

#include <QWidget>

class QTreeWidget;
class QTreeWidgetItem;

namespace sandbench::ui {

class Transfer;

class TransferList : public QWidget {
    Q_OBJECT
public:
    explicit TransferList(QWidget *parent = nullptr);
    // Shows transfer until it ends (label: what the row says, e.g. "report.pdf → /workspace").
    void track(Transfer *transfer, const QString &label);
    int activeCount() const { return active_; }

private:
    QTreeWidget *rows_;
    int active_ = 0;
};

} // namespace sandbench::ui
