#include "widgets/StoppedPlaceholder.h"

#include "widgets/Remembered.h"

#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace sandbench::ui {

StoppedPlaceholder::StoppedPlaceholder(const QString &text, QWidget *parent) : QWidget(parent)
{
    auto *label = hintLabel(text, this);
    auto *start = new QPushButton(tr("Start Sandbox"), this);
    connect(start, &QPushButton::clicked, this, &StoppedPlaceholder::startRequested);
    auto *layout = new QVBoxLayout(this);
    layout->addStretch();
    layout->addWidget(label);
    layout->addWidget(start, 0, Qt::AlignHCenter);
    layout->addStretch();
}

} // namespace sandbench::ui
