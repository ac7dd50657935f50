"""matplotlib backend of Sandbench's Python runner, and chart data read from figures.

As a backend (matplotlib.use("module://sandbench_charts")) it draws with Agg, and
plt.show() sends the open figures at once. take_open_figures() turns every open figure
into a `result` message with its PNG and a `chart`: the chart's type, title, axis labels
and scales and every series with its values, read from the artists on the axes.

Chart shapes (`data` holds the series; the SDK's ChartData names it so):
  line, scatter      data: [{label, points: [[x, y], ...]}]
  bar                data: [{label, group, value}]          (group: the bar container's label)
  histogram          data: [{label, edges: [e0, ..., en], counts: [c1, ..., cn]}]
  pie                data: [{label, value, angle}]          (value: the wedge's fraction)
  heatmap            data: {values: [[...], ...], x_labels, y_labels}
  box_and_whisker    data: [{label, min, first_quartile, median, third_quartile, max, outliers}]
  superchart         elements: [chart, ...] (a figure with several axes); no data
  unknown            no data: the PNG only
"""

import base64
import io
import math

from matplotlib.backend_bases import FigureManagerBase
from matplotlib.backends.backend_agg import FigureCanvasAgg

FigureCanvas = FigureCanvasAgg
FigureManager = FigureManagerBase

on_show = None  # set by the runner: sends the open figures
MAX_POINTS = 100_000  # per chart; beyond it the chart is `unknown` (the PNG stays exact)


def show(*args, **kwargs):
    if on_show:
        on_show()


def remember_artists():
    """Tags what boxplot() and hist() draw, which their artists alone cannot tell apart
    from lines and bars."""
    from matplotlib.axes import Axes

    boxplot, hist = Axes.boxplot, Axes.hist

    def tagged_boxplot(self, *args, **kwargs):
        artists = boxplot(self, *args, **kwargs)
        vertical = kwargs.get("vert", True) is not False and kwargs.get("orientation", "vertical") != "horizontal"
        self.__dict__.setdefault("_sandbench_boxplots", []).append((artists, vertical))
        return artists

    def tagged_hist(self, *args, **kwargs):
        counts, edges, patches = hist(self, *args, **kwargs)
        for container in self.containers[-max(1, _count_datasets(counts)):]:
            container._sandbench_histogram = True
        return counts, edges, patches

    tagged_boxplot.__wrapped__, tagged_hist.__wrapped__ = boxplot, hist
    Axes.boxplot, Axes.hist = tagged_boxplot, tagged_hist


def _count_datasets(counts):
    first = counts[0] if len(counts) else None
    return len(counts) if first is not None and hasattr(first, "__len__") else 1


def take_open_figures():
    import matplotlib.pyplot as plt

    messages = []
    for number in plt.get_fignums():
        figure = plt.figure(number)
        try:
            messages.append(figure_message(figure))
        finally:
            plt.close(figure)
    return messages


def figure_message(figure):
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")  # draws: ticks are final now
    png = base64.b64encode(buffer.getvalue()).decode("ascii")
    width, height = figure.get_size_inches() * figure.dpi
    message = {"type": "result", "png": png, "metadata": {},
               "text": f"<Figure size {width:g}x{height:g} with {len(figure.axes)} Axes>"}
    try:
        message["chart"] = describe_figure(figure)
    except Exception as error:  # a figure we cannot read still has its picture
        message["chart"] = {"type": "unknown", "library": "matplotlib", "title": _suptitle(figure),
                            "reason": f"{type(error).__name__}: {error}"}
    return message


def _suptitle(figure):
    title = getattr(figure, "_suptitle", None)
    return title.get_text() if title is not None else ""


def describe_figure(figure):
    axes = [ax for ax in figure.axes if ax.get_visible() and not hasattr(ax, "_colorbar")]
    charts = [describe_axes(ax) for ax in axes]
    if len(charts) == 1:
        chart = charts[0]
        if not chart.get("title"):
            chart["title"] = _suptitle(figure)
        return chart
    return {"type": "superchart" if charts else "unknown", "library": "matplotlib",
            "title": _suptitle(figure), "elements": charts}


def describe_axes(ax):
    chart = {"library": "matplotlib", "title": ax.get_title(), "x_label": ax.get_xlabel(),
             "y_label": ax.get_ylabel(), "x_scale": ax.get_xscale(), "y_scale": ax.get_yscale()}
    for reader in (_box_and_whisker, _pie, _heatmap, _bars, _scatter, _lines):
        found = reader(ax)
        if found is not None:
            chart_type, data = found
            if _size(data) > MAX_POINTS:
                break
            chart.update(type=chart_type, data=data)
            if chart_type in ("line", "scatter", "bar", "histogram", "box_and_whisker"):
                chart.update(_ticks(ax))
            return chart
    chart["type"] = "unknown"
    return chart


def _size(data):
    if isinstance(data, dict):
        return sum(len(row) for row in data.get("values", []))
    return sum(len(entry.get("points", entry.get("counts", ()))) or 1 for entry in data)


def _ticks(ax):
    ticks = {}
    for axis in ("x", "y"):
        values = getattr(ax, f"get_{axis}ticks")()
        labels = [label.get_text() for label in getattr(ax, f"get_{axis}ticklabels")()]
        ticks[f"{axis}_ticks"] = [_number(value) for value in values]
        ticks[f"{axis}_tick_labels"] = labels
    return ticks


def _number(value):
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(number) or math.isinf(number):
        return None
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def _value(axis, value):
    """A data value as the user gave it: dates as ISO text, categories as their names."""
    if isinstance(value, str):
        return value
    try:
        import matplotlib.dates as dates

        if isinstance(axis.get_converter() if hasattr(axis, "get_converter") else axis.converter,
                      dates.DateConverter):
            return dates.num2date(float(value)).isoformat()
    except Exception:
        pass
    return _number(value)


def _label(artist, index, kind):
    label = artist.get_label() or ""
    return label if label and not label.startswith("_") else f"{kind} {index + 1}"


def _box_artists(ax):
    artists = set()
    for boxes, _ in ax.__dict__.get("_sandbench_boxplots", []):
        for group in boxes.values():
            artists.update(id(artist) for artist in group)
    return artists


def _lines(ax):
    hidden = _box_artists(ax)
    lines = [line for line in ax.get_lines() if id(line) not in hidden and len(line.get_xdata()) > 0]
    if not lines:
        return None
    series = []
    for index, line in enumerate(lines):
        xs, ys = line.get_xdata(), line.get_ydata()
        series.append({"label": _label(line, index, "Line"),
                       "points": [[_value(ax.xaxis, x), _value(ax.yaxis, y)] for x, y in zip(xs, ys)]})
    return "line", series


def _scatter(ax):
    from matplotlib.collections import PathCollection

    collections = [c for c in ax.collections if isinstance(c, PathCollection) and len(c.get_offsets())]
    if not collections:
        return None
    series = []
    for index, collection in enumerate(collections):
        series.append({"label": _label(collection, index, "Series"),
                       "points": [[_value(ax.xaxis, x), _value(ax.yaxis, y)] for x, y in collection.get_offsets()]})
    return "scatter", series


def _bars(ax):
    from matplotlib.container import BarContainer

    containers = [c for c in ax.containers if isinstance(c, BarContainer) and len(c.patches)]
    if not containers:
        return None
    if all(getattr(c, "_sandbench_histogram", False) for c in containers):
        series = []
        for index, container in enumerate(containers):
            patches = [p for p in container.patches]
            edges = [_number(p.get_x()) for p in patches] + [_number(patches[-1].get_x() + patches[-1].get_width())]
            series.append({"label": _label(container, index, "Histogram"), "edges": edges,
                           "counts": [_number(p.get_height()) for p in patches]})
        return "histogram", series
    bars = []
    for index, container in enumerate(containers):
        horizontal = getattr(container, "orientation", "vertical") == "horizontal"
        axis = ax.yaxis if horizontal else ax.xaxis
        names = _tick_names(axis)
        group = container.get_label() or ""
        group = "" if group.startswith("_") else group
        for patch in container.patches:
            if horizontal:
                center, value = patch.get_y() + patch.get_height() / 2, patch.get_width()
            else:
                center, value = patch.get_x() + patch.get_width() / 2, patch.get_height()
            bars.append({"label": _nearest_name(names, center), "group": group, "value": _number(value)})
    return "bar", bars


def _tick_names(axis):
    return [(tick, label.get_text()) for tick, label in zip(axis.get_majorticklocs(), axis.get_majorticklabels())]


def _nearest_name(names, position):
    if not names:
        return _number(position)
    tick, name = min(names, key=lambda entry: abs(entry[0] - position))
    return name if abs(tick - position) < 0.5 and name else _number(position)


def _pie(ax):
    from matplotlib.patches import Wedge

    wedges = [patch for patch in ax.patches if isinstance(patch, Wedge)]
    if not wedges:
        return None
    slices = []
    for index, wedge in enumerate(wedges):
        angle = (wedge.theta2 - wedge.theta1) % 360 or 360.0
        slices.append({"label": _label(wedge, index, "Slice"), "value": _number(angle / 360.0),
                       "angle": _number(angle)})
    return "pie", slices


def _heatmap(ax):
    images = ax.get_images()
    if not images:
        return None
    values = images[-1].get_array()
    if values is None or values.ndim != 2:
        return None
    rows = [[_number(value) for value in row] for row in values.tolist()]  # masked: None
    return "heatmap", {"values": rows, "x_labels": [label.get_text() for label in ax.get_xticklabels()],
                       "y_labels": [label.get_text() for label in ax.get_yticklabels()]}


def _box_and_whisker(ax):
    boxplots = ax.__dict__.get("_sandbench_boxplots")
    if not boxplots:
        return None
    boxes = []
    for artists, vertical in boxplots:
        names = _tick_names(ax.xaxis if vertical else ax.yaxis)
        values = (lambda line: line.get_ydata()) if vertical else (lambda line: line.get_xdata())
        positions = (lambda line: line.get_xdata()) if vertical else (lambda line: line.get_ydata())
        whiskers, medians = artists.get("whiskers", []), artists.get("medians", [])
        fliers = artists.get("fliers", [])
        for index, median in enumerate(medians):
            low, high = whiskers[2 * index], whiskers[2 * index + 1]
            center = float(sum(positions(median)) / len(positions(median)))
            outliers = values(fliers[index]) if index < len(fliers) else []
            boxes.append({"label": _nearest_name(names, center), "min": _number(values(low)[1]),
                          "first_quartile": _number(values(low)[0]), "median": _number(values(median)[0]),
                          "third_quartile": _number(values(high)[0]), "max": _number(values(high)[1]),
                          "outliers": [_number(value) for value in outliers]})
    return "box_and_whisker", boxes
