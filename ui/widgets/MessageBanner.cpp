#include "widgets/MessageBanner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

namespace sandbench::ui {

MessageBanner::MessageBanner(QWidget *parent) : QFrame(parent), label_(new QLabel(this))
{
    setObjectName("messageBanner");
    label_->setWordWrap(true);
    // As tall as the wrapped text needs at the width it gets (not the height of one line).
    label_->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::MinimumExpanding);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Minimum);
    label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *close = new QToolButton(this);
    close->setText(QStringLiteral("×"));
    close->setAutoRaise(true);
    close->setToolTip(tr("Dismiss"));
    connect(close, &QToolButton::clicked, this, &QWidget::hide);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 4, 4);
    layout->addWidget(label_, 1);
    layout->addWidget(close, 0, Qt::AlignTop);
    hide();
}

void MessageBanner::showError(const QString &text)
{
    showMessage(text, QColor(0xfd, 0xec, 0xea), QColor(0xe0, 0x8a, 0x80));
}

void MessageBanner::showInfo(const QString &text)
{
    showMessage(text, QColor(0xe8, 0xf1, 0xfb), QColor(0x8a, 0xb4, 0xe0));
}

QString MessageBanner::text() const
{
    return label_->text();
}

void MessageBanner::showMessage(const QString &text, const QColor &background, const QColor &border)
{
    // Fixed light colours with dark text: readable under light and dark themes alike.
    setStyleSheet(QStringLiteral("#messageBanner { background: %1; border: 1px solid %2; border-radius: 4px; }"
                                 "#messageBanner QLabel { color: #1f2328; }")
                      .arg(background.name(), border.name()));
    label_->setText(text);
    show();
}

} // namespace sandbench::ui
