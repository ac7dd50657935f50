#include "widgets/ChartView.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QBoxPlotSeries>
#include <QBoxSet>
#include <QChart>
#include <QChartView>
#include <QCursor>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLegendMarker>
#include <QPixmap>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QPieSeries>
#include <QPieSlice>
#include <QScatterSeries>
#include <QStackedWidget>
#include <QToolButton>
#include <QToolTip>
#include <QValueAxis>
#include <QVBoxLayout>
#include <QWheelEvent>

#include <cmath>
#include <limits>

namespace sandbench::ui {

namespace {

const QStringList kDrawable = {"line", "scatter", "bar", "histogram", "pie", "heatmap", "box_and_whisker"};

// Wheel zooms about the plot, a drag zooms to its rectangle, a double-click resets.
class ZoomingChartView : public QChartView {
public:
    explicit ZoomingChartView(QChart *chart) : QChartView(chart)
    {
        setRenderHint(QPainter::Antialiasing);
        setRubberBand(QChartView::RectangleRubberBand);
        setMinimumHeight(320);
    }

protected:
    void wheelEvent(QWheelEvent *event) override
    {
        if (chart()->series().isEmpty() || qobject_cast<QPieSeries *>(chart()->series().first()))
            return QChartView::wheelEvent(event);
        chart()->zoom(event->angleDelta().y() > 0 ? 1.25 : 0.8);
        event->accept();
    }
    void mouseDoubleClickEvent(QMouseEvent *event) override
    {
        chart()->zoomReset();
        QChartView::mouseDoubleClickEvent(event);
    }
};

void showTip(const QString &text)
{
    QToolTip::showText(QCursor::pos(), text);
}

QString numberText(double value)
{
    return QString::number(value, 'g', 8);
}

// An axis for numbers on a linear or log scale.
QAbstractAxis *valueAxis(const QString &scale, const QString &title)
{
    QAbstractAxis *axis;
    if (scale == "log") {
        auto *log = new QLogValueAxis;
        log->setLabelFormat("%g");
        axis = log;
    } else {
        axis = new QValueAxis;
    }
    axis->setTitleText(title);
    return axis;
}

// Categories along x (with the chart's x label), values up y: added, and series attached.
QAbstractAxis *attachCategoryAxes(QChart *chart, QAbstractSeries *series, const QStringList &categories,
                                  const QJsonObject &data)
{
    auto *xAxis = new QBarCategoryAxis;
    xAxis->setCategories(categories);
    xAxis->setTitleText(data["x_label"].toString());
    QAbstractAxis *yAxis = valueAxis(data["y_scale"].toString(), data["y_label"].toString());
    chart->addAxis(xAxis, Qt::AlignBottom);
    chart->addAxis(yAxis, Qt::AlignLeft);
    series->attachAxis(xAxis);
    series->attachAxis(yAxis);
    return yAxis;
}

// Line and scatter points: x as numbers, dates (ISO text) or categories.
void addXYSeries(QChart *chart, const QJsonObject &data, bool scatter)
{
    const QJsonArray series = data["data"].toArray();
    enum class XKind { number, date, category } kind = XKind::number;
    QStringList categories;
    for (const QJsonValue &entry : series)
        for (const QJsonValue &point : entry["points"].toArray()) {
            const QJsonValue x = point.toArray().at(0);
            if (!x.isString())
                continue;
            const bool date = QDateTime::fromString(x.toString(), Qt::ISODateWithMs).isValid();
            kind = date && kind != XKind::category ? XKind::date : XKind::category;
            if (!categories.contains(x.toString()))
                categories << x.toString();
        }
    QAbstractAxis *xAxis;
    if (kind == XKind::date) {
        auto *dates = new QDateTimeAxis;
        dates->setFormat("yyyy-MM-dd hh:mm");
        dates->setTitleText(data["x_label"].toString());
        xAxis = dates;
    } else if (kind == XKind::category) {
        auto *names = new QBarCategoryAxis;
        names->setCategories(categories);
        names->setTitleText(data["x_label"].toString());
        xAxis = names;
    } else {
        xAxis = valueAxis(data["x_scale"].toString(), data["x_label"].toString());
    }
    QAbstractAxis *yAxis = valueAxis(data["y_scale"].toString(), data["y_label"].toString());
    chart->addAxis(xAxis, Qt::AlignBottom);
    chart->addAxis(yAxis, Qt::AlignLeft);
    for (const QJsonValue &entry : series) {
        QXYSeries *xy = scatter ? static_cast<QXYSeries *>(new QScatterSeries) : new QLineSeries;
        if (auto *dots = qobject_cast<QScatterSeries *>(xy))
            dots->setMarkerSize(9);
        xy->setName(entry["label"].toString());
        QStringList xTexts;
        for (const QJsonValue &pointValue : entry["points"].toArray()) {
            const QJsonArray point = pointValue.toArray();
            const QJsonValue x = point.at(0), y = point.at(1);
            if (y.isNull() || (x.isNull() && kind == XKind::number))
                continue; // NaN in the figure: a gap
            double xValue = x.toDouble();
            if (kind == XKind::date)
                xValue = static_cast<double>(QDateTime::fromString(x.toString(), Qt::ISODateWithMs).toMSecsSinceEpoch());
            else if (kind == XKind::category)
                xValue = categories.indexOf(x.toString());
            xy->append(xValue, y.toDouble());
            xTexts << (x.isString() ? x.toString() : numberText(x.toDouble()));
        }
        chart->addSeries(xy);
        xy->attachAxis(xAxis);
        xy->attachAxis(yAxis);
        const QString name = xy->name();
        QObject::connect(xy, &QXYSeries::hovered, xy, [xy, name, xTexts](const QPointF &point, bool over) {
            if (!over)
                return QToolTip::hideText();
            // The nearest point of the series: the tooltip names its own values.
            int nearest = 0;
            double best = std::numeric_limits<double>::max();
            for (int i = 0; i < xy->count(); ++i) {
                const double distance = std::abs(xy->at(i).x() - point.x()) + std::abs(xy->at(i).y() - point.y());
                if (distance < best) {
                    best = distance;
                    nearest = i;
                }
            }
            if (nearest < xTexts.size())
                showTip(QStringLiteral("%1\nx: %2\ny: %3").arg(name, xTexts[nearest], numberText(xy->at(nearest).y())));
        });
    }
}

void addBars(QChart *chart, const QJsonObject &data)
{
    QStringList categories, groups;
    for (const QJsonValue &bar : data["data"].toArray()) {
        const QString label = bar["label"].isString() ? bar["label"].toString() : numberText(bar["label"].toDouble());
        if (!categories.contains(label))
            categories << label;
        if (!groups.contains(bar["group"].toString()))
            groups << bar["group"].toString();
    }
    auto *series = new QBarSeries;
    for (const QString &group : groups) {
        auto *set = new QBarSet(group.isEmpty() ? (data["y_label"].toString().isEmpty() ? QObject::tr("Values")
                                                                                         : data["y_label"].toString())
                                                : group);
        QList<qreal> values(categories.size(), 0.0);
        for (const QJsonValue &bar : data["data"].toArray()) {
            if (bar["group"].toString() != group)
                continue;
            const QString label = bar["label"].isString() ? bar["label"].toString() : numberText(bar["label"].toDouble());
            values[categories.indexOf(label)] = bar["value"].toDouble();
        }
        set->append(values);
        QObject::connect(set, &QBarSet::hovered, set, [set, categories](bool over, int index) {
            if (!over)
                return QToolTip::hideText();
            showTip(QStringLiteral("%1\n%2: %3").arg(set->label(), categories.value(index), numberText(set->at(index))));
        });
        series->append(set);
    }
    chart->addSeries(series);
    attachCategoryAxes(chart, series, categories, data);
}

void addHistogram(QChart *chart, const QJsonObject &data)
{
    auto *series = new QBarSeries;
    series->setBarWidth(1.0); // bins touch
    QStringList bins;
    const QJsonArray histograms = data["data"].toArray();
    if (!histograms.isEmpty()) {
        const QJsonArray edges = histograms.first()["edges"].toArray();
        // Short labels, and on many bins only every k-th (the others blank, kept unique).
        const int count = static_cast<int>(edges.size()) - 1;
        const int every = std::max(1, (count + 7) / 8);
        for (int i = 0; i < count; ++i)
            bins << (i % every == 0 ? QString::number(edges[i].toDouble(), 'g', 3) : QString(i + 1, QChar(0x200B)));
    }
    for (const QJsonValue &histogram : histograms) {
        auto *set = new QBarSet(histogram["label"].toString());
        for (const QJsonValue &count : histogram["counts"].toArray())
            set->append(count.toDouble());
        const QJsonArray edges = histogram["edges"].toArray();
        QObject::connect(set, &QBarSet::hovered, set, [set, edges](bool over, int index) {
            if (!over)
                return QToolTip::hideText();
            showTip(QObject::tr("%1\nbin %2–%3: %4")
                        .arg(set->label(), numberText(edges[index].toDouble()), numberText(edges[index + 1].toDouble()),
                             numberText(set->at(index))));
        });
        series->append(set);
    }
    chart->addSeries(series);
    attachCategoryAxes(chart, series, bins, data);
    if (bins.size() > 8) // upright, a narrow bin still has room for its edge
        chart->axes(Qt::Horizontal).first()->setLabelsAngle(-90);
}

void addPie(QChart *chart, const QJsonObject &data)
{
    auto *series = new QPieSeries;
    for (const QJsonValue &slice : data["data"].toArray()) {
        QPieSlice *added = series->append(slice["label"].toString(), slice["value"].toDouble());
        added->setLabelVisible(true);
        added->setLabel(QStringLiteral("%1 %2%").arg(slice["label"].toString(),
                                                     QString::number(slice["value"].toDouble() * 100, 'f', 1)));
        QObject::connect(added, &QPieSlice::hovered, added, [added](bool over) {
            added->setExploded(over);
            if (over)
                showTip(added->label());
            else
                QToolTip::hideText();
        });
    }
    chart->addSeries(series);
}

// A colour for share (0..1) on a viridis-like ramp.
QColor rampColour(double share)
{
    static const QList<QColor> stops = {QColor("#440154"), QColor("#482878"), QColor("#3e4989"), QColor("#31688e"),
                                        QColor("#26828e"), QColor("#1f9e89"), QColor("#35b779"), QColor("#6ece58"),
                                        QColor("#b5de2b"), QColor("#fde725")};
    const double position = std::clamp(share, 0.0, 1.0) * (stops.size() - 1);
    const int low = static_cast<int>(position);
    const int high = std::min(low + 1, static_cast<int>(stops.size()) - 1);
    const double t = position - low;
    const QColor a = stops[low], b = stops[high];
    return QColor::fromRgbF(a.redF() + (b.redF() - a.redF()) * t, a.greenF() + (b.greenF() - a.greenF()) * t,
                            a.blueF() + (b.blueF() - a.blueF()) * t);
}

// Whole-number ticks for cell indices, about ten of them.
void indexTicks(QValueAxis *axis, int count)
{
    axis->setRange(-0.5, count - 0.5);
    axis->setTickType(QValueAxis::TicksDynamic);
    axis->setTickAnchor(0);
    axis->setTickInterval(std::max(1, (count + 9) / 10));
    axis->setLabelFormat("%d");
}

// Qt Charts has no heatmap series: the cells are an image painted as the plot area's
// background (touching cells at any size), with invisible markers on top for the tooltips.
void addHeatmap(QChart *chart, const QJsonObject &data)
{
    const QJsonArray rows = data["data"].toObject()["values"].toArray();
    double low = std::numeric_limits<double>::max(), high = std::numeric_limits<double>::lowest();
    int columns = 0;
    for (const QJsonValue &row : rows) {
        columns = std::max(columns, static_cast<int>(row.toArray().size()));
        for (const QJsonValue &value : row.toArray())
            if (value.isDouble()) {
                low = std::min(low, value.toDouble());
                high = std::max(high, value.toDouble());
            }
    }
    QImage cells(std::max(columns, 1), std::max(static_cast<int>(rows.size()), 1), QImage::Format_ARGB32);
    cells.fill(Qt::transparent); // masked cells stay empty
    auto *hover = new QScatterSeries;
    hover->setMarkerShape(QScatterSeries::MarkerShapeRectangle);
    hover->setColor(Qt::transparent);
    hover->setBorderColor(Qt::transparent);
    for (int y = 0; y < rows.size(); ++y) {
        const QJsonArray row = rows[y].toArray();
        for (int x = 0; x < row.size(); ++x) {
            if (!row[x].isDouble())
                continue;
            cells.setPixelColor(x, y, rampColour(high > low ? (row[x].toDouble() - low) / (high - low) : 0.0));
            hover->append(x, y);
        }
    }
    auto *xAxis = new QValueAxis;
    indexTicks(xAxis, columns);
    xAxis->setTitleText(data["x_label"].toString());
    auto *yAxis = new QValueAxis;
    indexTicks(yAxis, static_cast<int>(rows.size()));
    yAxis->setReverse(true); // row 0 on top, as imshow draws it
    yAxis->setTitleText(data["y_label"].toString());
    chart->addAxis(xAxis, Qt::AlignBottom);
    chart->addAxis(yAxis, Qt::AlignLeft);
    chart->addSeries(hover);
    hover->attachAxis(xAxis);
    hover->attachAxis(yAxis);
    hover->setName(QObject::tr("values %1 to %2").arg(numberText(low), numberText(high)));
    xAxis->setGridLineVisible(false); // lines across the cells would look like cell borders
    yAxis->setGridLineVisible(false);
    QObject::connect(hover, &QXYSeries::hovered, hover, [rows](const QPointF &point, bool over) {
        if (!over)
            return QToolTip::hideText();
        const int x = qRound(point.x()), y = qRound(point.y());
        showTip(QObject::tr("row %1, column %2: %3").arg(y).arg(x).arg(numberText(rows[y].toArray()[x].toDouble())));
    });
    chart->setPlotAreaBackgroundVisible(true);
    const int rowCount = static_cast<int>(rows.size());
    QObject::connect(chart, &QChart::plotAreaChanged, chart, [chart, hover, cells, columns, rowCount](const QRectF &area) {
        if (area.width() < 1 || area.height() < 1)
            return;
        QBrush brush(QPixmap::fromImage(cells.scaled(area.size().toSize(), Qt::IgnoreAspectRatio, Qt::FastTransformation)));
        brush.setTransform(QTransform::fromTranslate(area.left(), area.top()));
        chart->setPlotAreaBackgroundBrush(brush);
        hover->setMarkerSize(std::max(2.0, std::min(area.width() / std::max(columns, 1), area.height() / std::max(rowCount, 1))));
    });
}

void addBoxes(QChart *chart, const QJsonObject &data)
{
    auto *series = new QBoxPlotSeries;
    series->setName(data["y_label"].toString());
    auto *outliers = new QScatterSeries;
    outliers->setName(QObject::tr("Outliers"));
    outliers->setMarkerSize(7);
    QStringList labels;
    const QJsonArray boxes = data["data"].toArray();
    for (int i = 0; i < boxes.size(); ++i) {
        const QJsonObject box = boxes[i].toObject();
        const QString label = box["label"].isString() ? box["label"].toString() : numberText(box["label"].toDouble());
        labels << label;
        auto *set = new QBoxSet(box["min"].toDouble(), box["first_quartile"].toDouble(), box["median"].toDouble(),
                                box["third_quartile"].toDouble(), box["max"].toDouble(), label);
        QObject::connect(set, &QBoxSet::hovered, set, [box, label](bool over) {
            if (!over)
                return QToolTip::hideText();
            showTip(QObject::tr("%1\nmax %2\nQ3 %3\nmedian %4\nQ1 %5\nmin %6")
                        .arg(label, numberText(box["max"].toDouble()), numberText(box["third_quartile"].toDouble()),
                             numberText(box["median"].toDouble()), numberText(box["first_quartile"].toDouble()),
                             numberText(box["min"].toDouble())));
        });
        series->append(set);
        for (const QJsonValue &outlier : box["outliers"].toArray())
            outliers->append(i, outlier.toDouble());
    }
    chart->addSeries(series);
    for (QLegendMarker *marker : chart->legend()->markers(series))
        marker->setVisible(false); // the boxes need no legend; outliers do
    QAbstractAxis *yAxis = attachCategoryAxes(chart, series, labels, data);
    if (outliers->count() > 0) {
        chart->addSeries(outliers);
        outliers->attachAxis(chart->axes(Qt::Horizontal).first());
        outliers->attachAxis(yAxis);
    } else {
        delete outliers;
    }
    // The value axis spans whiskers and outliers alike (the boxes alone would hide outliers).
    double low = std::numeric_limits<double>::max(), high = std::numeric_limits<double>::lowest();
    for (const QJsonValue &box : boxes) {
        low = std::min(low, box["min"].toDouble());
        high = std::max(high, box["max"].toDouble());
        for (const QJsonValue &outlier : box["outliers"].toArray()) {
            low = std::min(low, outlier.toDouble());
            high = std::max(high, outlier.toDouble());
        }
    }
    if (low <= high)
        yAxis->setRange(low - (high - low) * 0.05, high + (high - low) * 0.05);
}

QChart *buildChart(const QJsonObject &data)
{
    auto *chart = new QChart;
    chart->setTitle(data["title"].toString());
    const QString type = data["type"].toString();
    if (type == "line" || type == "scatter")
        addXYSeries(chart, data, type == "scatter");
    else if (type == "bar")
        addBars(chart, data);
    else if (type == "histogram")
        addHistogram(chart, data);
    else if (type == "pie")
        addPie(chart, data);
    else if (type == "heatmap")
        addHeatmap(chart, data);
    else if (type == "box_and_whisker")
        addBoxes(chart, data);
    // Readable ticks with some room around the data (not for the heatmap's cell indices).
    if (type != "heatmap")
        for (QAbstractAxis *axis : chart->axes())
            if (auto *values = qobject_cast<QValueAxis *>(axis)) {
                const double span = values->max() - values->min();
                if (type == "line" || type == "scatter")
                    values->setRange(values->min() - span * 0.04, values->max() + span * 0.04);
                values->applyNiceNumbers();
                values->setLabelFormat("%.4g");
            }
    // A legend only says something when there are several series or named ones.
    bool named = false;
    for (QAbstractSeries *series : chart->series())
        named = named || (!series->name().isEmpty() && !series->name().startsWith("Line ") &&
                          !series->name().startsWith("Series "));
    chart->legend()->setVisible(type == "pie" || type == "heatmap" || (type == "box_and_whisker" && chart->series().size() > 1) ||
                                (type != "box_and_whisker" && (chart->series().size() > 1 || named)));
    return chart;
}

} // namespace

bool ChartView::canDraw(const QJsonObject &chart)
{
    if (chart["type"].toString() == "superchart") {
        for (const QJsonValue &element : chart["elements"].toArray())
            if (canDraw(element.toObject()))
                return true;
        return false;
    }
    return kDrawable.contains(chart["type"].toString());
}

ChartView::ChartView(const QJsonObject &chart, const QByteArray &png, QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    pages_ = new QStackedWidget;

    auto *charts = new QWidget;
    auto *grid = new QGridLayout(charts);
    grid->setContentsMargins(0, 0, 0, 0);
    QList<QJsonObject> elements;
    if (chart["type"].toString() == "superchart") {
        for (const QJsonValue &element : chart["elements"].toArray())
            elements << element.toObject();
    } else {
        elements << chart;
    }
    const int columns = elements.size() > 1 ? 2 : 1;
    for (const QJsonObject &element : elements) {
        if (!kDrawable.contains(element["type"].toString()))
            continue;
        auto *view = new ZoomingChartView(buildChart(element));
        grid->addWidget(view, static_cast<int>(views_.size()) / columns, static_cast<int>(views_.size()) % columns);
        views_ << view;
    }
    pages_->addWidget(charts);

    auto *picture = new QLabel;
    QPixmap pixmap;
    if (pixmap.loadFromData(png, "PNG"))
        picture->setPixmap(pixmap);
    picture->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    pages_->addWidget(picture);

    if (!views_.isEmpty() && !png.isEmpty()) {
        auto *bar = new QHBoxLayout;
        bar->setContentsMargins(0, 0, 0, 0);
        toggle_ = new QToolButton;
        toggle_->setText(tr("Show picture"));
        toggle_->setToolTip(tr("Switch between this chart and the picture matplotlib drew"));
        connect(toggle_, &QToolButton::clicked, this, [this] { showPicture(!showsPicture()); });
        auto *hint = new QLabel(tr("Wheel or drag to zoom, double-click to reset"));
        hint->setEnabled(false);
        bar->addWidget(toggle_);
        bar->addWidget(hint);
        bar->addStretch();
        layout->addLayout(bar);
    }
    layout->addWidget(pages_);
    pages_->setCurrentIndex(views_.isEmpty() ? 1 : 0);
    applyPalette();
}

bool ChartView::showsPicture() const
{
    return pages_->currentIndex() == 1;
}

void ChartView::showPicture(bool picture)
{
    if (views_.isEmpty())
        picture = true;
    pages_->setCurrentIndex(picture ? 1 : 0);
    if (toggle_)
        toggle_->setText(picture ? tr("Show chart") : tr("Show picture"));
}

void ChartView::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        applyPalette();
}

void ChartView::applyPalette()
{
    const bool dark = palette().color(QPalette::Window).lightness() < 128;
    for (QChartView *view : views_) {
        // A theme recolours the series and the plot area: the heatmap's keep theirs.
        QList<QScatterSeries *> heatmapHover;
        for (QAbstractSeries *series : view->chart()->series())
            if (auto *squares = qobject_cast<QScatterSeries *>(series); squares && squares->color() == Qt::transparent)
                heatmapHover << squares;
        const QBrush plotArea = view->chart()->plotAreaBackgroundBrush();
        view->chart()->setTheme(dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
        view->chart()->setBackgroundBrush(palette().color(QPalette::Base));
        if (!heatmapHover.isEmpty()) {
            view->chart()->setPlotAreaBackgroundBrush(plotArea);
            view->chart()->setPlotAreaBackgroundVisible(true);
        }
        for (QScatterSeries *squares : heatmapHover) {
            squares->setColor(Qt::transparent);
            squares->setBorderColor(Qt::transparent);
        }
    }
}

} // namespace sandbench::ui
