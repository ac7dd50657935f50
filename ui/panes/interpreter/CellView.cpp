#include "panes/interpreter/CellView.h"

#include "widgets/ChartView.h"
#include "widgets/CodeEditor.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QKeyEvent>
#include <QLabel>
#include <QPainter>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QSvgRenderer>
#include <QTextBrowser>
#include <QTextCursor>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <Qsci/qsciscintilla.h>

namespace sandbench::ui {

namespace {

// HTML and markdown from a cell, inert: no scripts (QTextBrowser runs none), no links
// followed, and no resource loaded from anywhere (file://, network or data the page names).
class InertDocumentView : public QTextBrowser {
public:
    InertDocumentView()
    {
        setOpenLinks(false);
        setOpenExternalLinks(false);
        setFrameShape(QFrame::NoFrame);
        setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    }
    QVariant loadResource(int, const QUrl &) override { return {}; }
};

// A text widget as tall as its text, up to a limit (then it scrolls).
void fitHeight(QTextEdit *view, int limit = 480)
{
    view->document()->setTextWidth(view->viewport()->width() > 50 ? view->viewport()->width() : 800);
    const int height = static_cast<int>(view->document()->size().height()) + 2 * view->frameWidth() + 6;
    view->setFixedHeight(std::min(std::max(height, view->fontMetrics().height() + 8), limit));
}

QString fileNameFor(const QString &language)
{
    return language == "typescript" ? "cell.ts" : language == "javascript" ? "cell.js" : "cell.py";
}

QTreeWidgetItem *jsonItem(const QString &key, const QJsonValue &value)
{
    auto *item = new QTreeWidgetItem({key});
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        item->setText(1, QObject::tr("{%n keys}", nullptr, static_cast<int>(object.size())));
        for (auto it = object.begin(); it != object.end(); ++it)
            item->addChild(jsonItem(it.key(), it.value()));
    } else if (value.isArray()) {
        const QJsonArray array = value.toArray();
        item->setText(1, QObject::tr("[%n items]", nullptr, static_cast<int>(array.size())));
        for (int i = 0; i < array.size() && i < 1000; ++i)
            item->addChild(jsonItem(QString::number(i), array[i]));
    } else {
        item->setText(1, QString::fromUtf8(QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact)).mid(1).chopped(1));
    }
    return item;
}

} // namespace

CellView::CellView(const QString &language, QWidget *parent)
    : QFrame(parent), language_(language), counter_(new QLabel), kindLabel_(new QLabel), editor_(new CodeEditor),
      outputArea_(new QWidget), outputs_(new QVBoxLayout(outputArea_))
{
    setFrameShape(QFrame::StyledPanel);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    auto *side = new QVBoxLayout;
    counter_->setText("[ ]");
    counter_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    counter_->setToolTip(tr("The context's count of runs when this cell last ran; [*] while it runs"));
    side->addWidget(counter_);
    auto *run = new QToolButton;
    run->setIcon(QIcon::fromTheme("media-playback-start"));
    run->setText(tr("Run"));
    run->setToolTip(tr("Run this cell (Ctrl+Enter; Shift+Enter runs and moves to the next)"));
    run->setAutoRaise(true);
    connect(run, &QToolButton::clicked, this, [this] { emit runRequested(this, false); });
    side->addWidget(run);
    auto *remove = new QToolButton;
    remove->setIcon(QIcon::fromTheme("edit-delete"));
    remove->setText(tr("Remove"));
    remove->setToolTip(tr("Remove this cell"));
    remove->setAutoRaise(true);
    connect(remove, &QToolButton::clicked, this, [this] { emit removeRequested(this); });
    side->addWidget(remove);
    side->addWidget(kindLabel_);
    kindLabel_->hide();
    side->addStretch();
    layout->addLayout(side);

    auto *main = new QVBoxLayout;
    main->setContentsMargins(0, 0, 0, 0);
    editor_->setText({}, fileNameFor(language));
    editor_->scintilla()->installEventFilter(this);
    editor_->scintilla()->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    connect(editor_->scintilla(), &QsciScintilla::linesChanged, this, &CellView::fitEditor);
    connect(editor_->scintilla(), &QsciScintilla::textChanged, this, &CellView::changed);
    main->addWidget(editor_);
    outputs_->setContentsMargins(0, 0, 0, 0);
    outputs_->setSpacing(4);
    main->addWidget(outputArea_);
    layout->addLayout(main, 1);
    fitEditor();
}

void CellView::fitEditor()
{
    QsciScintilla *scintilla = editor_->scintilla();
    const int lines = std::max(scintilla->lines(), 2);
    const int lineHeight = scintilla->textHeight(0) > 0 ? scintilla->textHeight(0) : fontMetrics().height();
    editor_->setFixedHeight(std::min(lines, 40) * lineHeight + 2 * scintilla->frameWidth() + 8 +
                            (scintilla->horizontalScrollBar()->isVisible() ? scintilla->horizontalScrollBar()->height() : 0));
}

bool CellView::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == editor_->scintilla() && event->type() == QEvent::KeyPress) {
        auto *key = static_cast<QKeyEvent *>(event);
        if (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) {
            if (key->modifiers() & Qt::ShiftModifier) {
                emit runRequested(this, true);
                return true;
            }
            if (key->modifiers() & Qt::ControlModifier) {
                emit runRequested(this, false);
                return true;
            }
            if (key->modifiers() & Qt::AltModifier) {
                emit addBelowRequested(this);
                return true;
            }
        }
    }
    return QFrame::eventFilter(watched, event);
}

QString CellView::source() const
{
    return editor_->text();
}

void CellView::setLanguage(const QString &language)
{
    if (!isCode())
        return;
    language_ = language;
    const bool modified = editor_->isModified();
    editor_->setText(editor_->text(), fileNameFor(language));
    editor_->setModified(modified);
}

CellContent CellView::content() const
{
    return {kind_, editor_->text(), executionCount_, events_};
}

void CellView::setContent(const CellContent &content)
{
    kind_ = content.kind;
    editor_->setText(content.source, isCode() ? fileNameFor(language_) : (kind_ == "markdown" ? "cell.md" : "cell.txt"));
    kindLabel_->setText(kind_ == "markdown" ? tr("Markdown") : kind_ == "raw" ? tr("Raw") : QString());
    kindLabel_->setVisible(!isCode());
    counter_->setVisible(isCode());
    clearOutputs();
    for (const QJsonValue &event : content.outputs)
        addOutput(event.toObject());
    finishRun(content.executionCount);
    fitEditor();
}

void CellView::clearOutputs()
{
    while (QLayoutItem *item = outputs_->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    events_ = {};
    stream_ = nullptr;
    streamName_.clear();
    shownText_ = 0;
    textTruncated_ = false;
    ansi_.reset();
}

void CellView::beginRun()
{
    clearOutputs();
    running_ = true;
    counter_->setText("[*]");
}

void CellView::finishRun(int executionCount)
{
    running_ = false;
    executionCount_ = executionCount;
    counter_->setText(executionCount > 0 ? QStringLiteral("[%1]").arg(executionCount) : QStringLiteral("[ ]"));
    emit changed();
}

void CellView::addOutput(const QJsonObject &event)
{
    const QString type = event["type"].toString();
    if (type != "stdout" && type != "stderr" && type != "result" && type != "error")
        return;
    events_.append(event);
    render(event);
}

void CellView::render(const QJsonObject &event)
{
    const QString type = event["type"].toString();
    if (type == "stdout" || type == "stderr")
        return appendStream(type, event["text"].toString());
    stream_ = nullptr; // output after this starts a new text block
    QWidget *widget = type == "error" ? errorWidget(event) : resultWidget(event);
    if (widget)
        outputs_->addWidget(widget);
}

void CellView::appendStream(const QString &stream, const QString &text)
{
    if (textTruncated_)
        return;
    QString shown = text;
    if (shownText_ + shown.size() > kShownTextLimit) {
        shown = shown.left(kShownTextLimit - shownText_) + tr("\n[output truncated in this view]\n");
        textTruncated_ = true;
    }
    shownText_ += shown.size();
    if (!stream_ || streamName_ != stream) {
        stream_ = new QTextEdit;
        stream_->setReadOnly(true);
        stream_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
        stream_->setFrameShape(QFrame::NoFrame);
        stream_->setLineWrapMode(QTextEdit::WidgetWidth);
        stream_->setObjectName(stream == "stderr" ? "stderrOutput" : "stdoutOutput");
        if (stream == "stderr") {
            QPalette tinted = stream_->palette();
            const bool dark = palette().color(QPalette::Window).lightness() < 128;
            tinted.setColor(QPalette::Base, dark ? QColor(70, 30, 30) : QColor(255, 236, 236));
            stream_->setPalette(tinted);
        }
        streamName_ = stream;
        ansi_.reset();
        outputs_->addWidget(stream_);
    }
    QTextCursor cursor(stream_->document());
    cursor.movePosition(QTextCursor::End);
    ansi_.feed(shown, [&cursor](const QString &run, const QTextCharFormat &format) { cursor.insertText(run, format); });
    fitHeight(stream_);
    if (stream_->verticalScrollBar()->isVisible())
        stream_->verticalScrollBar()->setValue(stream_->verticalScrollBar()->maximum());
}

QWidget *CellView::errorWidget(const QJsonObject &event)
{
    auto *box = new QWidget;
    box->setObjectName("errorOutput");
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *header = new QHBoxLayout;
    auto *title = new QLabel(QStringLiteral("<b>%1</b>: %2")
                                 .arg(event["ename"].toString().toHtmlEscaped(), event["evalue"].toString().toHtmlEscaped()));
    title->setTextFormat(Qt::RichText);
    title->setWordWrap(true);
    title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QPalette red = title->palette();
    red.setColor(QPalette::WindowText, palette().color(QPalette::Window).lightness() < 128 ? QColor(255, 130, 120)
                                                                                            : QColor(170, 20, 20));
    title->setPalette(red);
    QStringList lines;
    for (const QJsonValue &line : event["traceback"].toArray())
        lines << line.toString();
    auto *fold = new QToolButton;
    fold->setCheckable(true);
    fold->setText(tr("Traceback"));
    fold->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    fold->setArrowType(Qt::RightArrow);
    fold->setVisible(!lines.isEmpty());
    header->addWidget(fold);
    header->addWidget(title, 1);
    layout->addLayout(header);
    auto *traceback = new QPlainTextEdit;
    traceback->setReadOnly(true);
    traceback->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    traceback->setPlainText(lines.join('\n'));
    traceback->setLineWrapMode(QPlainTextEdit::NoWrap);
    traceback->setFixedHeight(std::min(static_cast<int>(lines.size()) + 2, 20) * traceback->fontMetrics().height() + 10);
    traceback->hide();
    layout->addWidget(traceback);
    connect(fold, &QToolButton::toggled, traceback, [fold, traceback](bool open) {
        traceback->setVisible(open);
        fold->setArrowType(open ? Qt::DownArrow : Qt::RightArrow);
    });
    return box;
}

QWidget *CellView::resultWidget(const QJsonObject &event)
{
    // The richest form the result has.
    if (event["chart"].isObject()) {
        const QJsonObject chart = event["chart"].toObject();
        const QByteArray png = QByteArray::fromBase64(event["png"].toString().toLatin1());
        if (ChartView::canDraw(chart) || !png.isEmpty())
            return new ChartView(chart, png);
    }
    if (event["html"].isString()) {
        auto *view = new InertDocumentView;
        view->setObjectName("htmlOutput");
        view->setHtml(event["html"].toString());
        fitHeight(view, 520);
        return view;
    }
    for (const char *format : {"png", "jpeg"}) {
        if (!event[format].isString())
            continue;
        QPixmap pixmap;
        if (!pixmap.loadFromData(QByteArray::fromBase64(event[format].toString().toLatin1())))
            continue;
        auto *label = new QLabel;
        label->setObjectName("imageOutput");
        label->setPixmap(pixmap);
        label->setAlignment(Qt::AlignLeft);
        return label;
    }
    if (event["svg"].isString()) {
        QSvgRenderer renderer(event["svg"].toString().toUtf8());
        if (renderer.isValid()) {
            QSize size = renderer.defaultSize();
            if (size.isEmpty())
                size = QSize(300, 200);
            size = size.boundedTo(QSize(1200, 900));
            QPixmap pixmap(size);
            pixmap.fill(Qt::transparent);
            QPainter painter(&pixmap);
            renderer.render(&painter);
            auto *label = new QLabel;
            label->setObjectName("svgOutput");
            label->setPixmap(pixmap);
            return label;
        }
    }
    if (event["markdown"].isString()) {
        auto *view = new InertDocumentView;
        view->setObjectName("markdownOutput");
        view->setMarkdown(event["markdown"].toString());
        fitHeight(view, 520);
        return view;
    }
    if (event.contains("json") && !event["text"].isString()) {
        auto *tree = new QTreeWidget;
        tree->setObjectName("jsonOutput");
        tree->setHeaderLabels({tr("Key"), tr("Value")});
        tree->addTopLevelItem(jsonItem("json", event["json"]));
        tree->expandToDepth(1);
        tree->setMinimumHeight(160);
        return tree;
    }
    QString text = event["text"].isString() ? event["text"].toString() : event["latex"].toString();
    if (text.isEmpty() && event.contains("json"))
        text = QString::fromUtf8(QJsonDocument::fromVariant(event["json"].toVariant()).toJson());
    if (text.isEmpty())
        return nullptr;
    if (event.contains("json") && (event["json"].isObject() || event["json"].isArray())) {
        // Plain data: its JSON tree, with the text above it.
        auto *tree = new QTreeWidget;
        tree->setObjectName("jsonOutput");
        tree->setHeaderLabels({tr("Key"), tr("Value")});
        const QJsonValue json = event["json"];
        if (json.isObject()) {
            const QJsonObject object = json.toObject();
            for (auto it = object.begin(); it != object.end(); ++it)
                tree->addTopLevelItem(jsonItem(it.key(), it.value()));
        } else {
            const QJsonArray array = json.toArray();
            for (int i = 0; i < array.size() && i < 1000; ++i)
                tree->addTopLevelItem(jsonItem(QString::number(i), array[i]));
        }
        tree->setMinimumHeight(std::min(60 + 22 * tree->topLevelItemCount(), 260));
        return tree;
    }
    auto *view = new QTextEdit;
    view->setObjectName("textOutput");
    view->setReadOnly(true);
    view->setFrameShape(QFrame::NoFrame);
    view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    view->setPlainText(text);
    fitHeight(view);
    return view;
}

} // namespace sandbench::ui
