// Editable NAME = value pairs with Add and Remove buttons, for every dialog
// that sets environment variables.
#pragma once

#include <QJsonObject>
#include <QWidget>

class QTableWidget;

namespace sandbench::ui {

class EnvironmentTable : public QWidget {
    Q_OBJECT
public:
    explicit EnvironmentTable(QWidget *parent = nullptr);
    QJsonObject variables() const;           // rows with an empty name are ignored
    QString problem() const;                  // the first invalid name, as a sentence; empty if fine
    void addVariable(const QString &name, const QString &value);
    QTableWidget *table() const { return table_; }

signals:
    void changed();

private:
    QTableWidget *table_;
};

} // namespace sandbench::ui
