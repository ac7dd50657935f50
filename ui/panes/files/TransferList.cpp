#include "panes/files/TransferList.h"

#include "client/EngineClient.h"
#include "widgets/Remembered.h"

#include <QHeaderView>
#include <QLabel>
#include <QPointer>
#include <QProgressBar>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace sandbench::ui {

TransferList::TransferList(QWidget *parent) : QWidget(parent), rows_(new QTreeWidget(this))
{
    rows_->setColumnCount(3);
    rows_->setHeaderLabels({tr("Transfer"), tr("Progress"), QString()});
    rows_->setRootIsDecorated(false);
    rows_->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    rows_->header()->setSectionResizeMode(1, QHeaderView::Fixed);
    rows_->header()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    rows_->header()->resizeSection(1, 180);
    rows_->header()->setStretchLastSection(false);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(rows_);
    hide();
}

void TransferList::track(Transfer *transfer, const QString &label)
{
    auto *item = new QTreeWidgetItem(rows_, {label});
    auto *bar = new QProgressBar(rows_);
    bar->setRange(0, 0); // busy until the size is known
    bar->setTextVisible(true);
    auto *button = new QToolButton(rows_);
    button->setText(tr("Cancel"));
    button->setAutoRaise(true);
    rows_->setItemWidget(item, 1, bar);
    rows_->setItemWidget(item, 2, button);
    ++active_;
    show();
    rows_->scrollToItem(item); // the newest row is the one the user just asked for
    QPointer<Transfer> guarded(transfer);
    connect(button, &QToolButton::clicked, this, [this, guarded, item] {
        if (guarded)
            guarded->cancel();
        else
            delete item; // ended: the button clears the row
        if (rows_->topLevelItemCount() == 0)
            hide();
    });
    connect(transfer, &Transfer::progress, bar, [bar](qint64 done, qint64 total) {
        if (total <= 0)
            return;
        bar->setRange(0, 1000);
        bar->setValue(static_cast<int>(done * 1000 / total));
    });
    connect(transfer, &Transfer::finished, this, [this, transfer, item, bar, button](const QString &error) {
        transfer->deleteLater();
        --active_;
        bar->setRange(0, 1);
        bar->setValue(error.isEmpty() ? 1 : 0);
        bar->setFormat(error.isEmpty() ? tr("Done") : error);
        if (!error.isEmpty()) {
            item->setToolTip(0, plainToolTip(error));
            rows_->scrollToItem(item); // a failure is never out of sight
        }
        button->setText(tr("Clear"));
    });
}

} // namespace sandbench::ui
