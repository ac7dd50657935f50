// One notebook cell of the Interpreter pane: its execution counter, its code in the
// CodeEditor (Shift+Enter runs and moves on, Ctrl+Enter runs in place), and its outputs
// drawn under it as they stream: text with ANSI colours, tracebacks that fold, images,
// SVG, HTML tables and markdown (rendered with no scripts and nothing fetched), LaTeX as
// text, JSON as a tree, and charts (ChartView). Markdown and raw cells of a loaded
// notebook are kept as text and never run.
#pragma once

#include "panes/interpreter/Notebook.h"
#include "widgets/AnsiText.h"

#include <QFrame>
#include <QPointer>

class QLabel;
class QPlainTextEdit;
class QTimer;
class QToolButton;
class QVBoxLayout;

namespace sandbench::ui {

class CodeEditor;

class CellView : public QFrame {
    Q_OBJECT
public:
    CellView(const QString &language, QWidget *parent = nullptr);

    CellContent content() const;
    void setContent(const CellContent &content);
    void setLanguage(const QString &language); // the highlighting
    bool isCode() const { return kind_ == "code"; }
    CodeEditor *editor() const { return editor_; }
    QString source() const;

    void beginRun();                         // outputs cleared, counter [*]
    void addOutput(const QJsonObject &event); // one execution event, drawn at once
    void finishRun(int executionCount);      // counter [n]; 0: it did not complete
    bool isRunning() const { return running_; }
    void clearOutputs();
    QWidget *outputArea() const { return outputArea_; }

    // A cell's printed text shows its last kShownLines lines (a flood stays cheap to draw)
    // and the notebook keeps up to kKeptText characters of it (the agent sends 16 MiB at most).
    static constexpr int kShownLines = 2000;
    static constexpr qsizetype kKeptText = 2 * 1024 * 1024;

signals:
    void runRequested(sandbench::ui::CellView *cell, bool moveOn);
    void removeRequested(sandbench::ui::CellView *cell);
    void addBelowRequested(sandbench::ui::CellView *cell);
    void changed(); // its code, outputs or counter (the pane saves the notebook a moment later)

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void render(const QJsonObject &event);
    void appendStream(const QString &stream, const QString &text);
    void flushStream();      // the text that came since the last flush, into its view
    void closeStreamRun();   // the current run of printed text becomes one event
    void fitEditor();
    QWidget *resultWidget(const QJsonObject &event);
    QWidget *errorWidget(const QJsonObject &event);

    QString language_;
    QString kind_ = "code";
    QLabel *counter_;
    QLabel *kindLabel_;
    CodeEditor *editor_;
    QWidget *outputArea_;
    QVBoxLayout *outputs_;
    QJsonArray events_;
    int executionCount_ = 0;
    bool running_ = false;
    // The current run of printed text (one stream, until another output comes): its view,
    // what is not drawn yet, all of it for the notebook, and how many lines it had.
    QPointer<QPlainTextEdit> stream_;
    QPointer<QLabel> streamNote_;
    QString streamName_;
    QString streamPending_;
    QString streamRun_;
    qint64 streamLines_ = 0;
    QTimer *flushTimer_;
    AnsiText ansi_;
    qsizetype keptText_ = 0;
    bool keptTruncated_ = false;
};

} // namespace sandbench::ui
