// A chart from the interpreter, drawn natively with Qt Charts from its data (the shapes
// resources/interpreter/sandbench_charts.py writes: line, scatter, bar, histogram, pie,
// heatmap, box_and_whisker, and a superchart of several), with the runner's PNG one click
// away. Title, axis titles, legend, a tooltip with the values under the mouse, zoom with
// the wheel and a rubber band (double-click resets), and the window's light or dark palette.
#pragma once

#include <QJsonObject>
#include <QWidget>

class QChart;
class QChartView;
class QStackedWidget;
class QToolButton;

namespace sandbench::ui {

class ChartView : public QWidget {
    Q_OBJECT
public:
    // png: the runner's picture of the same figure (base64 decoded); may be empty.
    ChartView(const QJsonObject &chart, const QByteArray &png, QWidget *parent = nullptr);

    // Whether Qt Charts can draw this chart's type (else only the picture is shown).
    static bool canDraw(const QJsonObject &chart);

    QList<QChartView *> chartViews() const { return views_; }
    bool showsPicture() const;
    void showPicture(bool picture);

protected:
    void changeEvent(QEvent *event) override;

private:
    void applyPalette();
    QStackedWidget *pages_;
    QToolButton *toggle_ = nullptr;
    QList<QChartView *> views_;
};

} // namespace sandbench::ui
