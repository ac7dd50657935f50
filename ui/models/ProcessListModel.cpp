#include "models/ProcessListModel.h"

#include <QColor>
#include <QDateTime>
#include <QFont>
#include <QLocale>
#include <QRegularExpression>

#include <algorithm>

namespace sandbench::ui {

ProcessListModel::ProcessListModel(QObject *parent) : QAbstractTableModel(parent) {}

QString ProcessListModel::shortProcessId(const QString &id)
{
    // Generated ids (proc_<milliseconds>_<random>) differ only in their end; chosen ones
    // are shown whole.
    static const QRegularExpression generated(QStringLiteral("^proc_\\d+_([a-z0-9]+)$"));
    const auto match = generated.match(id);
    return match.hasMatch() ? QStringLiteral("…") + match.captured(1) : id;
}

int ProcessListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(processes_.size());
}

int ProcessListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ProcessListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const QJsonObject &process = processes_[static_cast<std::size_t>(index.row())];
    const QString status = process.value("status").toString();
    if (role == ProcessIdRole)
        return process.value("id").toString();
    if (role == StatusRole)
        return status;
    if (role == Qt::ForegroundRole && index.column() == StatusColumn) {
        if (status == "running")
            return QColor(0x1a, 0x7f, 0x37);
        if (status == "failed" || status == "error" || status == "killed")
            return QColor(0xcf, 0x22, 0x2e);
        return {};
    }
    if (role == Qt::ToolTipRole && index.column() == CommandColumn)
        return isBackground(process) ? process.value("command").toString()
                                     : tr("%1\n(a streamed command, not a background process)")
                                           .arg(process.value("command").toString());
    if (role == Qt::FontRole && !isBackground(process)) {
        QFont font;
        font.setItalic(true); // streamed commands, when shown, look apart
        return font;
    }
    if (role == Qt::ToolTipRole && index.column() == IdColumn)
        return process.value("id").toString();
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case IdColumn:
        return shortProcessId(process.value("id").toString());
    case PidColumn:
        return process.value("pid").isNull() ? QVariant() : QVariant(process.value("pid").toInt());
    case CommandColumn:
        return process.value("command").toString();
    case StatusColumn:
        return status;
    case ExitCodeColumn:
        return process.value("exitCode").isNull() ? QVariant() : QVariant(process.value("exitCode").toInt());
    case StartedColumn: {
        const QDateTime started = QDateTime::fromString(process.value("startTime").toString(), Qt::ISODateWithMs);
        return started.isValid() ? QLocale().toString(started.toLocalTime().time(), "HH:mm:ss") : QVariant();
    }
    }
    return {};
}

QVariant ProcessListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case IdColumn:
        return tr("Process");
    case PidColumn:
        return tr("PID");
    case CommandColumn:
        return tr("Command");
    case StatusColumn:
        return tr("Status");
    case ExitCodeColumn:
        return tr("Exit Code");
    case StartedColumn:
        return tr("Started");
    }
    return {};
}

void ProcessListModel::update(const QJsonArray &processes)
{
    listed_ = processes;
    std::vector<QJsonObject> fresh;
    for (const QJsonValue &value : processes)
        if (showsStreamed_ || isBackground(value.toObject()))
            fresh.push_back(value.toObject());
    std::sort(fresh.begin(), fresh.end(), [](const QJsonObject &a, const QJsonObject &b) {
        return a.value("startTime").toString() > b.value("startTime").toString();
    });
    // Same ids in the same order: change the rows in place (selection and scrolling stay).
    const bool sameRows = fresh.size() == processes_.size() &&
                          std::equal(fresh.begin(), fresh.end(), processes_.begin(), [](const auto &a, const auto &b) {
                              return a.value("id") == b.value("id");
                          });
    if (sameRows) {
        for (std::size_t row = 0; row < fresh.size(); ++row) {
            if (fresh[row] == processes_[row])
                continue;
            processes_[row] = fresh[row];
            emit dataChanged(index(static_cast<int>(row), 0), index(static_cast<int>(row), ColumnCount - 1));
        }
        return;
    }
    beginResetModel();
    processes_ = std::move(fresh);
    endResetModel();
}

void ProcessListModel::setShowsStreamedCommands(bool show)
{
    if (show == showsStreamed_)
        return;
    showsStreamed_ = show;
    update(listed_);
}

QString ProcessListModel::processId(int row) const
{
    return row >= 0 && row < rowCount() ? processes_[static_cast<std::size_t>(row)].value("id").toString() : QString();
}

int ProcessListModel::rowOf(const QString &processId) const
{
    for (std::size_t row = 0; row < processes_.size(); ++row)
        if (processes_[row].value("id").toString() == processId)
            return static_cast<int>(row);
    return -1;
}

QString ProcessListModel::status(const QString &processId) const
{
    const int row = rowOf(processId);
    return row < 0 ? QString() : processes_[static_cast<std::size_t>(row)].value("status").toString();
}

bool ProcessListModel::hasRunning() const
{
    return std::any_of(processes_.begin(), processes_.end(),
                       [](const QJsonObject &process) { return process.value("status").toString() == "running"; });
}

} // namespace sandbench::ui
