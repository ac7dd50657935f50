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
class QTextEdit;
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

    // Shown text of a cell is bounded (the agent bounds what it sends, too).
    static constexpr qsizetype kShownTextLimit = 2 * 1024 * 1024;

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
    QPointer<QTextEdit> stream_; // the text widget the current run of output goes to
    QString streamName_;
    AnsiText ansi_;
    qsizetype shownText_ = 0;
    bool textTruncated_ = false;
};

} // namespace sandbench::ui
