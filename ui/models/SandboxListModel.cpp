#include "models/SandboxListModel.h"

#include <QColor>
#include <QIcon>
#include <QPainter>
#include <QPixmap>

#include <algorithm>

namespace sandbench::ui {

namespace {

QIcon statusDot(const QColor &color)
{
    QPixmap pixmap(16, 16);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(color.darker(130));
    painter.setBrush(color);
    painter.drawEllipse(QRectF(3.5, 3.5, 9, 9));
    return QIcon(pixmap);
}

} // namespace

SandboxListModel::SandboxListModel(QObject *parent) : QAbstractListModel(parent) {}

int SandboxListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(entries_.size());
}

QString SandboxListModel::statusText(const QString &status)
{
    if (status == "running")
        return tr("Running");
    if (status == "starting")
        return tr("Starting");
    if (status == "stopped")
        return tr("Stopped");
    if (status == "sleeping")
        return tr("Sleeping");
    if (status == "failed")
        return tr("Failed");
    return status;
}

QColor SandboxListModel::statusColor(const QString &status)
{
    if (status == "running")
        return QColor(0x2e, 0xa0, 0x43);
    if (status == "starting")
        return QColor(0xd9, 0x9a, 0x06);
    if (status == "failed")
        return QColor(0xcf, 0x22, 0x2e);
    return QColor(0x8c, 0x95, 0x9f); // stopped, sleeping
}

QVariant SandboxListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const Entry &entry = entries_[static_cast<std::size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case IdRole:
        return entry.id;
    case StatusRole:
        return entry.status;
    case SandboxRole:
        return entry.sandbox;
    case Qt::DecorationRole:
        return statusDot(statusColor(entry.status));
    case Qt::ToolTipRole: {
        QString tip = tr("%1: %2").arg(entry.id, statusText(entry.status));
        const QString error = entry.sandbox.value("lastError").toString();
        if (!error.isEmpty())
            tip += "\n" + error;
        return tip;
    }
    default:
        return {};
    }
}

int SandboxListModel::rowOf(const QString &id) const
{
    const auto found = std::find_if(entries_.begin(), entries_.end(), [&](const Entry &e) { return e.id == id; });
    return found == entries_.end() ? -1 : static_cast<int>(found - entries_.begin());
}

QJsonObject SandboxListModel::sandbox(const QString &id) const
{
    const int row = rowOf(id);
    return row < 0 ? QJsonObject() : entries_[static_cast<std::size_t>(row)].sandbox;
}

void SandboxListModel::applyEvent(const QJsonObject &event)
{
    const QString type = event.value("type").toString();
    const QString id = event.value("id").toString();
    if (id.isEmpty())
        return;
    const int row = rowOf(id);
    if (type == "sandbox.deleted") {
        if (row >= 0) {
            beginRemoveRows({}, row, row);
            entries_.erase(entries_.begin() + row);
            endRemoveRows();
        }
        return;
    }
    if (type != "sandbox.created" && type != "sandbox.status" && type != "sandbox.oom")
        return;
    Entry entry{id, event.value("status").toString(), event.value("sandbox").toObject()};
    if (row >= 0) {
        entries_[static_cast<std::size_t>(row)] = std::move(entry);
        emit dataChanged(index(row), index(row));
        return;
    }
    const auto position = std::lower_bound(entries_.begin(), entries_.end(), id,
                                           [](const Entry &e, const QString &key) { return e.id < key; });
    const int at = static_cast<int>(position - entries_.begin());
    beginInsertRows({}, at, at);
    entries_.insert(position, std::move(entry));
    endInsertRows();
}

void SandboxListModel::clear()
{
    beginResetModel();
    entries_.clear();
    endResetModel();
}

} // namespace sandbench::ui
