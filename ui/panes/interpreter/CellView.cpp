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
#include <QTimer>
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
// As tall as its document at its width (up to 520 px, then it scrolls), measured again
// whenever the width changes: the height is right once the layout has placed it.
class InertDocumentView : public QTextBrowser {
public:
    InertDocumentView()
    {
        setOpenLinks(false);
        setOpenExternalLinks(false);
        setFrameShape(QFrame::NoFrame);
        document()->setDefaultStyleSheet("table { border-collapse: collapse; } th, td { padding: 2px 8px; }");
    }
    QVariant loadResource(int, const QUrl &) override { return {}; }

protected:
    void resizeEvent(QResizeEvent *event) override
    {
        QTextBrowser::resizeEvent(event);
        document()->setTextWidth(viewport()->width());
        const int height = static_cast<int>(document()->size().height()) + 2 * frameWidth() + 4;
        const int wanted = std::min(std::max(height, fontMetrics().height() + 8), 520);
        if (wanted != this->height())
            setFixedHeight(wanted);
    }
};

// A plain text output as tall as its lines (up to 24, then it scrolls).
void fitLines(QPlainTextEdit *view)
{
    const int lines = std::min(view->document()->blockCount(), 24);
    view->setFixedHeight(lines * view->fontMetrics().lineSpacing() +
                         static_cast<int>(2 * view->document()->documentMargin()) + 2 * view->frameWidth() + 4);
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
      outputArea_(new QWidget), outputs_(new QVBoxLayout(outputArea_)), flushTimer_(new QTimer(this))
{
    flushTimer_->setSingleShot(true);
    flushTimer_->setInterval(40);
    connect(flushTimer_, &QTimer::timeout, this, &CellView::flushStream);
    setFrameShape(QFrame::StyledPanel);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    auto *side = new QVBoxLayout;
    counter_->setText("[ ]");
    counter_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    counter_->setToolTip(tr("The context's count of runs when this cell last ran; [*] while it runs"));
    side->addWidget(counter_);
    const auto addButton = [this, side](const char *icon, const QString &text, const QString &tip) {
        auto *button = new QToolButton;
        button->setIcon(QIcon::fromTheme(icon));
        button->setText(text);
        button->setToolTip(tip);
        button->setAutoRaise(true);
        side->addWidget(button);
        return button;
    };
    connect(addButton("media-playback-start", tr("Run"), tr("Run this cell (Ctrl+Enter; Shift+Enter runs and moves to the next)")),
            &QToolButton::clicked, this, [this] { emit runRequested(this, false); });
    connect(addButton("edit-delete", tr("Remove"), tr("Remove this cell")), &QToolButton::clicked, this,
            [this] { emit removeRequested(this); });
    side->addWidget(kindLabel_);
    kindLabel_->hide();
    side->addStretch();
    layout->addLayout(side);

    auto *main = new QVBoxLayout;
    main->setContentsMargins(0, 0, 0, 0);
    editor_->setText({}, fileNameFor(language));
    editor_->scintilla()->installEventFilter(this);
    editor_->scintilla()->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    editor_->scintilla()->setAutoIndent(true);
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
    const int lines = std::max(scintilla->lines(), 1);
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
    QJsonArray outputs = events_;
    if (!streamRun_.isEmpty())
        outputs.append(QJsonObject{{"type", streamName_}, {"text", streamRun_}});
    return {kind_, editor_->text(), executionCount_, outputs};
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
    flushTimer_->stop();
    stream_ = nullptr;
    streamNote_ = nullptr;
    streamName_.clear();
    streamPending_.clear();
    streamRun_.clear();
    streamLines_ = 0;
    keptText_ = 0;
    keptTruncated_ = false;
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
    flushStream();
    running_ = false;
    executionCount_ = executionCount;
    counter_->setText(executionCount > 0 ? QStringLiteral("[%1]").arg(executionCount) : QStringLiteral("[ ]"));
    emit changed();
}

void CellView::addOutput(const QJsonObject &event)
{
    const QString type = event["type"].toString();
    if (type == "stdout" || type == "stderr")
        return appendStream(type, event["text"].toString());
    if (type != "result" && type != "error" && type != "note")
        return;
    closeStreamRun(); // output after this starts a new text block
    events_.append(event);
    render(event);
}

void CellView::render(const QJsonObject &event)
{
    const QString type = event["type"].toString();
    if (type == "note") { // said by the pane, not the interpreter (the stream ended early...)
        auto *note = new QLabel(event["text"].toString());
        note->setObjectName("noteOutput");
        note->setWordWrap(true);
        note->setEnabled(false);
        outputs_->addWidget(note);
        return;
    }
    QWidget *widget = type == "error" ? errorWidget(event) : resultWidget(event);
    if (widget)
        outputs_->addWidget(widget);
}

void CellView::appendStream(const QString &stream, const QString &text)
{
    if (streamName_ != stream)
        closeStreamRun();
    streamName_ = stream;
    if (!keptTruncated_) {
        if (keptText_ + text.size() > kKeptText) {
            streamRun_ += text.left(kKeptText - keptText_) + tr("\n[the notebook keeps no more of this cell's output]\n");
            keptTruncated_ = true;
        } else {
            streamRun_ += text;
        }
        keptText_ += text.size();
    }
    streamPending_ += text;
    streamLines_ += text.count('\n');
    // Drawn a moment later, together: a flood of small pieces is one insertion per frame.
    if (!flushTimer_->isActive())
        flushTimer_->start();
}

void CellView::flushStream()
{
    flushTimer_->stop();
    if (streamPending_.isEmpty())
        return;
    if (!stream_) {
        auto *box = new QWidget;
        auto *layout = new QVBoxLayout(box);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->setSpacing(0);
        streamNote_ = new QLabel;
        streamNote_->setEnabled(false);
        streamNote_->hide();
        layout->addWidget(streamNote_);
        stream_ = new QPlainTextEdit;
        stream_->setReadOnly(true);
        stream_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
        stream_->setFrameShape(QFrame::NoFrame);
        stream_->setMaximumBlockCount(kShownLines);
        stream_->setObjectName(streamName_ == "stderr" ? "stderrOutput" : "stdoutOutput");
        if (streamName_ == "stderr") {
            QPalette tinted = stream_->palette();
            const bool dark = palette().color(QPalette::Window).lightness() < 128;
            tinted.setColor(QPalette::Base, dark ? QColor(70, 30, 30) : QColor(255, 236, 236));
            stream_->setPalette(tinted);
        }
        layout->addWidget(stream_);
        ansi_.reset();
        outputs_->addWidget(box);
    }
    // More lines than are shown: only the last ones are drawn at all.
    QString text = std::move(streamPending_);
    streamPending_.clear();
    if (text.count('\n') > kShownLines) {
        qsizetype cut = text.size();
        for (int lines = 0; lines <= kShownLines && cut > 0; ++lines)
            cut = text.lastIndexOf('\n', cut - 1);
        text = text.mid(cut + 1);
    }
    QTextCursor cursor(stream_->document());
    cursor.movePosition(QTextCursor::End);
    ansi_.feed(text, [&cursor](const QString &run, const QTextCharFormat &format) { cursor.insertText(run, format); });
    const int shown = stream_->document()->blockCount();
    if (streamLines_ > shown) {
        streamNote_->setText(tr("%1 earlier lines are not shown here; the notebook keeps them").arg(streamLines_ - shown + 1));
        streamNote_->show();
    }
    fitLines(stream_);
    stream_->verticalScrollBar()->setValue(stream_->verticalScrollBar()->maximum());
}

void CellView::closeStreamRun()
{
    flushStream();
    if (!streamRun_.isEmpty())
        events_.append(QJsonObject{{"type", streamName_}, {"text", streamRun_}});
    stream_ = nullptr;
    streamNote_ = nullptr;
    streamName_.clear();
    streamRun_.clear();
    streamLines_ = 0;
}

QWidget *CellView::errorWidget(const QJsonObject &event)
{
    auto *box = new QWidget;
    box->setObjectName("errorOutput");
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *header = new QHBoxLayout;
    const QString evalue = event["evalue"].toString();
    auto *title = new QLabel(evalue.isEmpty() ? QStringLiteral("<b>%1</b>").arg(event["ename"].toString().toHtmlEscaped())
                                              : QStringLiteral("<b>%1</b>: %2")
                                                    .arg(event["ename"].toString().toHtmlEscaped(), evalue.toHtmlEscaped()));
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
        view->setFixedHeight(120); // until its first resize measures it
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
        view->setFixedHeight(80);
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
    auto *view = new QPlainTextEdit;
    view->setObjectName("textOutput");
    view->setReadOnly(true);
    view->setFrameShape(QFrame::NoFrame);
    view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    view->setPlainText(text);
    fitLines(view);
    return view;
}

} // namespace sandbench::ui
