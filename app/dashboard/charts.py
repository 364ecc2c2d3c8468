"""The dashboard's charts: SVG drawn on the server by pygal, shown as images, so they need no
JavaScript in the browser. Each chart's page also gives its figures as a table (for screen
readers, and anyone who wants the numbers), so the image's alternative text stays short."""

from __future__ import annotations

import base64
from collections.abc import Sequence

import pygal
from pygal.style import Style

from app.dashboard.overview import CommitmentAnswers
from bot.dates import short_date
from bot.pledge.progress import WeekFigures

#: Colours at least 3:1 against white and against each other's neighbours (WCAG 1.4.11),
#: from the Okabe-Ito palette, which colour-blind readers can tell apart.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00")
STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1a1a1a",
    foreground_strong="#1a1a1a",
    foreground_subtle="#595959",
    colors=COLOURS,
    font_family="sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=14,
    title_font_size=16,
    opacity="1",
    opacity_hover="1",
)


def _config(chart: pygal.Graph) -> pygal.Graph:
    chart.config.js = []  # no script: the image is drawn once, on the server
    chart.config.disable_xml_declaration = False
    return chart


def whole_numbers(chart: pygal.Graph, highest: int) -> None:
    """Counts get whole-number ticks (pygal would mark 0.2, 0.4 … on a small scale)."""
    step = max(1, -(-highest // 5))
    chart.y_labels = list(range(0, highest + step + 1, step))


def data_uri(chart: pygal.Graph) -> str:
    """The chart as an ``<img src>``: an image cannot run script, even pygal's own."""
    svg: bytes = chart.render()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def participation_chart(weeks: Sequence[WeekFigures]) -> str:
    chart = _config(
        pygal.StackedBar(
            style=STYLE,
            width=800,
            height=360,
            legend_at_bottom=True,
            x_label_rotation=30,
            print_values=False,
            show_y_guides=True,
        )
    )
    chart.x_labels = [short_date(week.monday) for week in weeks]
    chart.add("Responded", [week.responded for week in weeks])
    chart.add("No answer", [week.expected - week.responded for week in weeks])
    whole_numbers(chart, max((week.expected for week in weeks), default=0))
    return data_uri(chart)


def answers_chart(commitments: Sequence[CommitmentAnswers], statuses: dict[str, str]) -> str:
    chart = _config(
        pygal.StackedBar(
            style=STYLE,
            width=800,
            height=380,
            legend_at_bottom=True,
            print_values=False,
        )
    )
    chart.x_labels = [str(c.number) for c in commitments]
    for key, label in statuses.items():
        chart.add(label, [c.counts[key] for c in commitments])
    whole_numbers(chart, max((sum(c.counts.values()) for c in commitments), default=0))
    return data_uri(chart)


def monthly_chart(months: Sequence[str], counts: Sequence[int | None], label: str) -> str:
    """A bar per month; a hidden (small) count is drawn as no bar, never as its number."""
    chart = _config(
        pygal.Bar(style=STYLE, width=800, height=320, legend_at_bottom=True, x_label_rotation=30)
    )
    chart.x_labels = list(months)
    chart.add(label, list(counts))
    whole_numbers(chart, max((n for n in counts if n is not None), default=0))
    return data_uri(chart)
