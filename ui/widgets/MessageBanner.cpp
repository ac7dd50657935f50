#include "widgets/MessageBanner.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace sandbench::ui {

MessageBanner::MessageBanner(QWidget *parent)
    : QFrame(parent), label_(new QLabel(this)), details_(new QLabel(this)), detailsToggle_(new QToolButton(this)),
      progress_(new QProgressBar(this))
{
    setObjectName("messageBanner");
    label_->setWordWrap(true);
    label_->setTextFormat(Qt::PlainText); // engine and sandbox text (paths, names) reach it: never markup
    // As tall as the wrapped text needs at the width it gets (not the height of one line).
    label_->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::MinimumExpanding);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Minimum);
    label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *close = new QToolButton(this);
    dismiss_ = close;
    close->setText(QStringLiteral("×"));
    close->setAutoRaise(true);
    close->setToolTip(tr("Dismiss"));
    connect(close, &QToolButton::clicked, this, &QWidget::hide);
    close->setObjectName("dismiss");
    // The text, with the message's actions on a row below it (room for the text in a
    // narrow column), and the close button on the right.
    actionRow_ = new QHBoxLayout;
    actionRow_->setContentsMargins(0, 0, 0, 0);
    detailsToggle_->setObjectName("details");
    detailsToggle_->setText(tr("Details"));
    detailsToggle_->setCheckable(true);
    detailsToggle_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    detailsToggle_->setArrowType(Qt::RightArrow);
    detailsToggle_->setAutoRaise(true);
    detailsToggle_->setStyleSheet(QStringLiteral("color: #1f2328;"));
    connect(detailsToggle_, &QToolButton::toggled, this, [this](bool open) {
        details_->setVisible(open);
        detailsToggle_->setArrowType(open ? Qt::DownArrow : Qt::RightArrow);
    });
    actionRow_->addWidget(detailsToggle_);
    actionRow_->addStretch();
    details_->setObjectName("bannerDetails");
    details_->setWordWrap(true);
    details_->setTextFormat(Qt::PlainText);
    details_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    details_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    auto *column = new QVBoxLayout;
    column->addWidget(label_);
    progress_->setObjectName("bannerProgress");
    progress_->setTextVisible(true);
    progress_->setMaximumHeight(16);
    progress_->hide();
    column->addWidget(progress_);
    column->addLayout(actionRow_);
    column->addWidget(details_); // below its toggle: the toggle stays where it was clicked
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 4, 4);
    layout->addLayout(column, 1);
    layout->addWidget(close, 0, Qt::AlignTop);
    hide();
}

void MessageBanner::showError(const QString &text)
{
    showMessage(text, QColor(0xfd, 0xec, 0xea), QColor(0xe0, 0x8a, 0x80));
    error_ = true;
}

void MessageBanner::showInfo(const QString &text)
{
    showMessage(text, QColor(0xe8, 0xf1, 0xfb), QColor(0x8a, 0xb4, 0xe0));
    error_ = false;
}

bool MessageBanner::showsError() const
{
    return !isHidden() && error_;
}

void MessageBanner::showProgress(const QString &text, int percent)
{
    if (!showsProgress()) {
        showInfo(text);
        progress_->show();
        dismiss_->hide(); // the only sign of work under way stays until it ends
    }
    label_->setText(text);
    detailsToggle_->hide();
    details_->hide();
    progress_->setRange(0, percent < 0 ? 0 : 100); // 0..0: a busy bar
    progress_->setValue(std::clamp(percent, 0, 100));
}

bool MessageBanner::showsProgress() const
{
    return !isHidden() && !progress_->isHidden(); // also while its pane is not on screen
}

void MessageBanner::addAction(const QString &text, std::function<void()> act)
{
    auto *button = new QPushButton(text, this);
    button->setStyleSheet(QStringLiteral("color: #1f2328;"));
    connect(button, &QPushButton::clicked, this, [this, act = std::move(act)] {
        hide();
        act();
    });
    actionRow_->insertWidget(actionRow_->count() - 1, button);
    actions_ << button;
}

QString MessageBanner::text() const
{
    return detailsToggle_->isHidden() ? label_->text() : label_->text() + '\n' + details_->text();
}

void MessageBanner::showMessage(const QString &text, const QColor &background, const QColor &border)
{
    // Fixed light colours with dark text: readable under light and dark themes alike.
    setStyleSheet(QStringLiteral("#messageBanner { background: %1; border: 1px solid %2; border-radius: 4px; }"
                                 "#messageBanner QLabel { color: #1f2328; }")
                      .arg(background.name(), border.name()));
    const qsizetype lineEnd = text.indexOf('\n');
    const QString more = lineEnd < 0 ? QString() : text.mid(lineEnd + 1).trimmed();
    label_->setText(lineEnd < 0 ? text : text.left(lineEnd));
    details_->setText(more);
    detailsToggle_->setChecked(false);
    details_->hide();
    detailsToggle_->setVisible(!more.isEmpty());
    progress_->hide();
    dismiss_->show();
    for (QWidget *action : std::as_const(actions_))
        action->deleteLater(); // perhaps the button whose click shows this message
    actions_.clear();
    show();
}

} // namespace sandbench::ui
