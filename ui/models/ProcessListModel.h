// The background processes of one sandbox (GET /api/process/list), as a table:
// process id, pid, command, status, exit code, start time. The records of streamed
// execs ("background": false: sandbenchctl exec, the SDK's execStream) are listed only
// when asked for.
#pragma once

#include <QAbstractTableModel>
#include <QJsonArray>
#include <QJsonObject>

#include <vector>

namespace sandbench::ui {

class ProcessListModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { IdColumn, PidColumn, CommandColumn, StatusColumn, ExitCodeColumn, StartedColumn, ColumnCount };
    enum Role { ProcessIdRole = Qt::UserRole + 1, StatusRole };

    explicit ProcessListModel(QObject *parent = nullptr);
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    // The "processes" array of the list answer; rows are updated in place, not reset.
    void update(const QJsonArray &processes);
    // Whether streamed execs are listed along with the background processes (not by default).
    void setShowsStreamedCommands(bool show);
    // Records without the field predate it: they are background processes.
    static bool isBackground(const QJsonObject &process) { return process.value("background").toBool(true); }
    QString processId(int row) const;
    int rowOf(const QString &processId) const;
    // What the Process column shows: the end of a long generated id (the tooltip has it whole).
    static QString shortProcessId(const QString &id);
    QString status(const QString &processId) const;
    // Whether any listed process is still running.
    bool hasRunning() const;

private:
    std::vector<QJsonObject> processes_; // newest first, the ones shown
    QJsonArray listed_;                  // the whole last answer: the filter changes without asking again
    bool showsStreamed_ = false;
};

} // namespace sandbench::ui
