#include "widgets/EnvironmentTable.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QPushButton>
#include <QRegularExpression>
#include <QSet>
#include <QTableWidget>
#include <QVBoxLayout>

namespace sandbench::ui {

EnvironmentTable::EnvironmentTable(QWidget *parent) : QWidget(parent), table_(new QTableWidget(0, 2, this))
{
    table_->setHorizontalHeaderLabels({tr("Name"), tr("Value")});
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->verticalHeader()->hide();
    table_->setMinimumHeight(110);
    auto *add = new QPushButton(tr("Add"), this);
    auto *remove = new QPushButton(tr("Remove"), this);
    connect(add, &QPushButton::clicked, this, [this] {
        addVariable(QString(), QString());
        table_->setCurrentCell(table_->rowCount() - 1, 0);
        table_->editItem(table_->currentItem());
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        if (table_->currentRow() >= 0)
            table_->removeRow(table_->currentRow());
    });
    connect(table_, &QTableWidget::itemChanged, this, &EnvironmentTable::changed);
    connect(table_->model(), &QAbstractItemModel::rowsRemoved, this, &EnvironmentTable::changed);
    // Nothing to remove in an empty table.
    const auto updateRemove = [this, remove] { remove->setEnabled(table_->rowCount() > 0); };
    connect(table_->model(), &QAbstractItemModel::rowsRemoved, this, updateRemove);
    connect(table_->model(), &QAbstractItemModel::rowsInserted, this, updateRemove);
    updateRemove();
    auto *buttons = new QVBoxLayout;
    buttons->addWidget(add);
    buttons->addWidget(remove);
    buttons->addStretch();
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(table_, 1);
    layout->addLayout(buttons);
}

void EnvironmentTable::addVariable(const QString &name, const QString &value)
{
    const int row = table_->rowCount();
    table_->insertRow(row);
    table_->setItem(row, 0, new QTableWidgetItem(name));
    table_->setItem(row, 1, new QTableWidgetItem(value));
}

QJsonObject EnvironmentTable::variables() const
{
    QJsonObject variables;
    for (int row = 0; row < table_->rowCount(); ++row) {
        const QString name = table_->item(row, 0) ? table_->item(row, 0)->text().trimmed() : QString();
        if (!name.isEmpty())
            variables.insert(name, table_->item(row, 1) ? table_->item(row, 1)->text() : QString());
    }
    return variables;
}

QString EnvironmentTable::problem() const
{
    static const QRegularExpression validName(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
    QSet<QString> seen;
    for (int row = 0; row < table_->rowCount(); ++row) {
        const QString name = table_->item(row, 0) ? table_->item(row, 0)->text().trimmed() : QString();
        if (!name.isEmpty() && !validName.match(name).hasMatch())
            return tr("\"%1\" is not a valid variable name.").arg(name);
        if (!name.isEmpty() && seen.contains(name))
            return tr("\"%1\" is set twice: keep one.").arg(name); // one value would be lost silently
        seen.insert(name);
    }
    return {};
}

} // namespace sandbench::ui
