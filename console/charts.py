"""Charts for the console, drawn on the server as SVG: no script, no CDN, no chart library.

Two shapes cover the pool dashboard: stacked bars over days (`day_bars`) and labelled horizontal
bars (`bar_rows`, for the funnel, refusals, WeChat errors and budgets). Colours are CSS classes
(`sl-c-<name>`, console/static/console/console.css) so the page's style sheet owns them, and the
Content-Security-Policy (no inline styles) holds. Every bar carries a <title>: the browser shows
it as a tooltip, and screen readers read it. Text is escaped here; labels arrive translated.
"""
import math
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 210
LEFT, RIGHT, TOP, BOTTOM = 40, 8, 10, 24


@dataclass(frozen=True)
class Series:
    """One stacked layer: its legend label, one value per day, and its colour class."""

    label: str
    values: list[int]
    css: str


def nice_scale(top: int) -> tuple[int, int]:
    """(axis maximum, tick step) with steps of 1, 2 or 5 × 10^k and at most 5 ticks above zero."""
    top = max(int(top), 1)
    magnitude = 10 ** max(0, int(math.log10(top)) - 1)
    for step in (m * magnitude * f for f in (1, 10, 100) for m in (1, 2, 5)):
        if math.ceil(top / step) <= 5:
            return math.ceil(top / step) * step, step
    return top, top  # unreachable: the loop covers three decades above the magnitude


def day_bars(*, days: list[str], day_titles: list[str], series: list[Series], label: str) -> SafeString:
    """Bars of per-day totals, stacked by series; `days` are the axis labels, `day_titles` the tooltips' dates."""
    totals = [sum(s.values[i] for s in series) for i in range(len(days))]
    axis_max, step = nice_scale(max(totals, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(days), 1)
    bar_w = max(2.0, slot * 0.68)

    def y(value):
        return TOP + plot_h - value * plot_h / axis_max

    parts = [_grid(axis_max, step, y)]
    every = math.ceil(len(days) / 10)  # at most ~10 date labels, always the last day
    for i, day in enumerate(days):
        x = LEFT + i * slot + (slot - bar_w) / 2
        base = 0
        for s in series:
            value = s.values[i]
            if value:
                parts.append(format_html(
                    '<rect class="{}" x="{}" y="{}" width="{}" height="{}"><title>{} · {}: {}</title></rect>',
                    s.css, _n(x), _n(y(base + value)), _n(bar_w), _n(value * plot_h / axis_max), day_titles[i], s.label, value))
                base += value
        if (len(days) - 1 - i) % every == 0:
            parts.append(format_html('<text class="sl-chart__x" x="{}" y="{}">{}</text>', _n(x + bar_w / 2), HEIGHT - 6, day))
    return _svg(label, mark_safe("".join(parts)))


def _n(value: float) -> str:
    return f"{value:.1f}"


def _grid(axis_max: int, step: int, y) -> SafeString:
    lines = []
    for value in range(0, axis_max + 1, step):
        lines.append(format_html(
            '<line class="sl-chart__grid" x1="{}" x2="{}" y1="{}" y2="{}"></line>'
            '<text class="sl-chart__y" x="{}" y="{}">{}</text>',
            LEFT, WIDTH - RIGHT, _n(y(value)), _n(y(value)), LEFT - 6, _n(y(value) + 4), f"{value:,}"))
    return mark_safe("".join(lines))


def _svg(label: str, body: SafeString) -> SafeString:
    return format_html('<svg class="sl-chart" viewBox="0 0 {} {}" role="img" aria-label="{}">{}</svg>',
                       WIDTH, HEIGHT, label, body)


def legend(series: list[Series]) -> SafeString:
    """The colour key of a chart (HTML, so long and Chinese labels wrap as text does)."""
    items = format_html_join("", '<li><span class="sl-swatch {}"></span>{} <b>{}</b></li>',
                             ((s.css, s.label, f"{sum(s.values):,}") for s in series))
    return format_html('<ul class="sl-legend">{}</ul>', items)


@dataclass(frozen=True)
class Row:
    """One labelled bar: `value` against `of` (the longest bar, or a budget's limit)."""

    label: str
    value: int
    css: str = "sl-c-accent"
    note: str = ""
    title: str = ""
    figure: str = ""  # shown instead of the value (e.g. "120 / 1,500")
    of: int | None = None  # this bar's own full length (a budget's limit)


def bar_rows(rows: list[Row], *, of: int | None = None) -> SafeString:
    """A table of labelled bars: label, bar (SVG, scaled to `of` or to the largest value), figure."""
    top = of or max((r.value for r in rows), default=0) or 1
    body = []
    for r in rows:
        full = r.of or top
        width = min(100.0, 100.0 * r.value / full) if full else 0
        tip = r.title or f"{r.label}: {r.value:,}"
        body.append(format_html(
            '<tr><th scope="row">{}{}</th><td class="sl-bars__bar"><svg viewBox="0 0 100 10" preserveAspectRatio="none" '
            'role="img" aria-label="{}"><rect class="sl-bars__track" width="100" height="10" rx="1"></rect>'
            '<rect class="{}" width="{}" height="10" rx="1"><title>{}</title></rect></svg></td>'
            '<td class="sl-bars__n">{}</td></tr>',
            r.label, format_html('<small>{}</small>', r.note) if r.note else "", tip, r.css, f"{width:.2f}", tip,
            r.figure or f"{r.value:,}"))
    return format_html('<table class="sl-bars">{}</table>', mark_safe("".join(body)))


__all__ = ["Row", "Series", "bar_rows", "day_bars", "legend", "nice_scale"]
