// Every sandbox the engine knows, kept current from GET /v1/events (which starts
// with a snapshot, then reports creations, status changes and deletions).
#pragma once

#include <QAbstractListModel>
#include <QJsonObject>

#include <vector>

namespace sandbench::ui {

class SandboxListModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role { IdRole = Qt::UserRole + 1, StatusRole, SandboxRole };

    explicit SandboxListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;

    // An engine event ({type, id, status, sandbox}); other types are ignored.
    void applyEvent(const QJsonObject &event);
    void clear();
    int rowOf(const QString &id) const;
    QJsonObject sandbox(const QString &id) const;

    // The words and colour the list shows for a status.
    static QString statusText(const QString &status);
    static QColor statusColor(const QString &status);

private:
    struct Entry {
        QString id;
        QString status;
        QJsonObject sandbox;
    };
    std::vector<Entry> entries_; // sorted by id
};

} // namespace sandbench::ui
