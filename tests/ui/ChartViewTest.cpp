// ChartView from the chart data the Python runner writes (the shapes documented in
// resources/interpreter/sandbench_charts.py): each type becomes the Qt Charts series
// that draws it, with the values given.
#include "support/GuiHarness.h"

#include "widgets/ChartView.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QBoxPlotSeries>
#include <QBoxSet>
#include <QChart>
#include <QChartView>
#include <QDateTimeAxis>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QPieSeries>
#include <QScatterSeries>
#include <QTest>

using namespace sandbench;

namespace {

QJsonObject chart(const char *json)
{
    return QJsonDocument::fromJson(json).object();
}

QChart *firstChart(const ui::ChartView &view)
{
    return view.chartViews().isEmpty() ? nullptr : view.chartViews().first()->chart();
}

} // namespace

class ChartViewTest : public QObject {
    Q_OBJECT

private slots:
    void lineWithDatesAndALogScale()
    {
        ui::ChartView view(chart(R"({"type":"line","title":"T","y_scale":"log","x_label":"day","data":[
            {"label":"a","points":[["2024-01-01T00:00:00","1"],["2024-01-02T00:00:00",10]]}]})"), {});
        QChart *drawn = firstChart(view);
        QVERIFY(drawn);
        QCOMPARE(drawn->title(), QString("T"));
        auto *series = qobject_cast<QLineSeries *>(drawn->series().first());
        QVERIFY(series);
        QCOMPARE(series->count(), 2);
        QVERIFY(qobject_cast<QDateTimeAxis *>(drawn->axes(Qt::Horizontal).first()));
        QVERIFY(qobject_cast<QLogValueAxis *>(drawn->axes(Qt::Vertical).first()));
        QCOMPARE(drawn->axes(Qt::Horizontal).first()->titleText(), QString("day"));
    }

    void scatterWithCategoriesAndGaps()
    {
        ui::ChartView view(chart(R"({"type":"scatter","data":[
            {"label":"s","points":[["x",1],["y",null],["z",3]]}]})"), {});
        auto *series = qobject_cast<QScatterSeries *>(firstChart(view)->series().first());
        QVERIFY(series);
        QCOMPARE(series->points(), (QList<QPointF>{{0, 1}, {2, 3}})); // a NaN is a gap
        QVERIFY(qobject_cast<QBarCategoryAxis *>(firstChart(view)->axes(Qt::Horizontal).first()));
    }

    void groupedBarsAndAHistogram()
    {
        ui::ChartView bars(chart(R"({"type":"bar","data":[
            {"label":"a","group":"2023","value":1},{"label":"b","group":"2023","value":2},
            {"label":"a","group":"2024","value":3}]})"), {});
        auto *series = qobject_cast<QBarSeries *>(firstChart(bars)->series().first());
        QVERIFY(series);
        QCOMPARE(series->barSets().size(), 2);
        QCOMPARE(series->barSets()[1]->label(), QString("2024"));
        QCOMPARE(series->barSets()[1]->at(0), 3.0);
        QCOMPARE(series->barSets()[1]->at(1), 0.0); // no bar for b in 2024

        ui::ChartView histogram(chart(R"({"type":"histogram","data":[
            {"label":"h","edges":[0,1,2],"counts":[4,5]}]})"), {});
        auto *bins = qobject_cast<QBarSeries *>(firstChart(histogram)->series().first());
        QVERIFY(bins);
        QCOMPARE(bins->barWidth(), 1.0);
        QCOMPARE(bins->barSets().first()->at(1), 5.0);
        auto *axis = qobject_cast<QBarCategoryAxis *>(firstChart(histogram)->axes(Qt::Horizontal).first());
        QCOMPARE(axis->categories(), (QStringList{"0", "1"})); // the left edges
    }

    void pieHeatmapAndBoxes()
    {
        ui::ChartView pie(chart(R"({"type":"pie","data":[{"label":"one","value":0.25},{"label":"three","value":0.75}]})"), {});
        auto *slices = qobject_cast<QPieSeries *>(firstChart(pie)->series().first());
        QVERIFY(slices);
        QCOMPARE(slices->count(), 2);
        QVERIFY(slices->slices().first()->label().startsWith("one"));

        ui::ChartView heatmap(chart(R"({"type":"heatmap","data":{"values":[[0,1],[2,null]]}})"), {});
        int cells = 0;
        for (QAbstractSeries *series : firstChart(heatmap)->series())
            cells += static_cast<int>(qobject_cast<QScatterSeries *>(series)->count());
        QCOMPARE(cells, 3); // the masked cell is left out

        ui::ChartView boxes(chart(R"({"type":"box_and_whisker","data":[
            {"label":"p","min":1,"first_quartile":2,"median":3,"third_quartile":4,"max":5,"outliers":[50]}]})"), {});
        auto *box = qobject_cast<QBoxPlotSeries *>(firstChart(boxes)->series().first());
        QVERIFY(box);
        QCOMPARE(box->boxSets().first()->at(QBoxSet::Median), 3.0);
        QCOMPARE(box->boxSets().first()->at(QBoxSet::UpperExtreme), 5.0);
        auto *outliers = qobject_cast<QScatterSeries *>(firstChart(boxes)->series().last());
        QVERIFY(outliers);
        QCOMPARE(outliers->points(), (QList<QPointF>{{0, 50}}));
    }

    void superchartsAndUnknownCharts()
    {
        ui::ChartView both(chart(R"({"type":"superchart","elements":[
            {"type":"line","data":[{"label":"a","points":[[0,1]]}]},
            {"type":"unknown"},
            {"type":"bar","data":[{"label":"x","group":"","value":1}]}]})"), {});
        QCOMPARE(both.chartViews().size(), 2); // what Qt Charts cannot draw is left to the picture
        QVERIFY(!ui::ChartView::canDraw(chart(R"({"type":"unknown"})")));
        QVERIFY(!ui::ChartView::canDraw(chart(R"({"type":"superchart","elements":[{"type":"unknown"}]})")));
        ui::ChartView unknown(chart(R"({"type":"unknown"})"), QByteArray::fromBase64(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="));
        QVERIFY(unknown.showsPicture());
        unknown.showPicture(false);
        QVERIFY(unknown.showsPicture()); // nothing else to show
    }
};

QTEST_MAIN(ChartViewTest)
#include "ChartViewTest.moc"
