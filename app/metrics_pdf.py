"""The dashboard on one A4 landscape PDF page: the DORA figures, their months, the releases.

What it shows is what the Dashboard tab shows, from the same `MetricsReport`: the cards
(app/metrics_report.CARDS, with the change against the period before), three month charts
(reportlab graphics: deployments stacked succeeded / failed, median lead time, change failure
rate) and the releases' table. Text is in the embedded DejaVu Sans (CJK runs in the bundled
fallback), so the page reads the same on any machine.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app import fonts
from app.errors import ValidationError
from app.metrics import MetricsReport, metrics
from app.metrics_report import (
    CARDS,
    RELEASE_TABLE_HEADERS,
    release_table_row,
    trend,
)
from app.pdf import styles
from app.plan import Plan

PAGE = landscape(A4)
MARGIN = 12 * mm
SUCCEEDED = HexColor("#2f9e6e")  # the Dashboard tab's colours
FAILED = HexColor("#d64545")
LEAD = HexColor("#4f7fe0")
MUTED = HexColor("#6b7280")
LINE = HexColor("#e2e8f0")
MAX_RELEASE_ROWS = 12  # more would push the page over; the rest are counted in a last row


@dataclass(frozen=True, slots=True)
class DashboardPage:
    """What the page is about: the plan and release (or every release) and their report."""

    plan: str
    release: str | None
    report: MetricsReport
    printed: dt.date

    @property
    def heading(self) -> str:
        return f"Delivery metrics — {self.plan} · {self.release or 'all releases'}"

    def describe(self) -> str:
        period = self.report.period
        return (
            f"{self.release or 'all releases'}, {period.first.isoformat()} to "
            f"{period.last.isoformat()}, {self.report.plan.deployments} production deployments"
        )


def dashboard_page(
    plan: Plan,
    today: dt.date,
    release: str | None = None,
    first: dt.date | None = None,
    last: dt.date | None = None,
) -> DashboardPage:
    """The page for a period (by default every recorded deployment up to ``today``) and a
    release (by name or version; None: the whole plan), as `gantry metrics` measures it."""
    if first is not None and last is not None and last < first:
        raise ValidationError(
            f"--to {last.isoformat()} is before --from {first.isoformat()}: an empty period."
        )
    name = plan.releases.find(release).name if release else None
    report = metrics(plan, today, release, first, last)
    return DashboardPage(plan.settings.values().name or plan.path.stem, name, report, today)


def dashboard_path(target: Path) -> Path:
    if target.suffix.lower() != ".pdf":
        raise ValidationError(f"{target.name}: the dashboard is written as a PDF (.pdf).")
    return target


def write_dashboard(page: DashboardPage, target: Path) -> None:
    """Write the page whole: a half-written file would not open."""
    dashboard_path(target)
    partial = target.with_name(f".{target.name}.partial")
    try:
        _build(page, partial)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def _build(page: DashboardPage, target: Path) -> None:
    styles.register()
    regular, bold = fonts.font_name(False), fonts.font_name(True)
    title = ParagraphStyle("title", fontName=bold, fontSize=16, leading=20)
    subtitle = ParagraphStyle("subtitle", fontName=regular, fontSize=9, leading=12, textColor=MUTED)
    report = page.report
    period, m = report.period, report.plan
    width = PAGE[0] - 2 * MARGIN
    story: list[Flowable] = [
        Paragraph(styles.markup(page.heading, bold), title),
        Paragraph(
            styles.markup(
                f"Production deployments from {period.first.isoformat()} to "
                f"{period.last.isoformat()} ({period.weeks:.1f} weeks): {m.deployments} "
                f"deployments, {m.succeeded} succeeded, {m.failed} failed or rolled back. "
                f"Printed {page.printed.isoformat()} by Gantry."
            ),
            subtitle,
        ),
        Spacer(1, 4 * mm),
        _cards(report, width),
        Spacer(1, 4 * mm),
        _charts(report, width),
        Spacer(1, 3 * mm),
        _releases(report, width),
    ]
    pdf = SimpleDocTemplate(
        str(target),
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=page.heading,
        author="Gantry",
        # The embedded face from the first operator on: no Helvetica for a reader to find.
        initialFontName=fonts.REGULAR,
    )
    pdf.build(story)


def _cards(report: MetricsReport, width: float) -> Table:
    regular, bold = fonts.font_name(False), fonts.font_name(True)
    name = ParagraphStyle("card", fontName=bold, fontSize=9, leading=11)
    value = ParagraphStyle("value", fontName=bold, fontSize=18, leading=22)
    small = ParagraphStyle("small", fontName=regular, fontSize=7.5, leading=9, textColor=MUTED)
    cells = []
    for card in CARDS:
        now = card.value(report.plan)
        change, colour = trend(card, now, card.value(report.previous))
        cells.append(
            [
                Paragraph(styles.markup(card.title, bold), name),
                Paragraph(styles.markup(card.text(now), bold), value),
                Paragraph(
                    f'<font color="{colour}">{styles.markup(change)}</font>',
                    ParagraphStyle("change", small, textColor=HexColor(colour)),
                ),
                Paragraph(styles.markup(card.explain), small),
            ]
        )
    table = Table([cells], colWidths=[width / len(CARDS)] * len(CARDS))
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),  # else a cell names Helvetica
                ("BOX", (0, 0), (-1, -1), 0.6, LINE),
                ("INNERGRID", (0, 0), (-1, -1), 0.6, LINE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table


def _charts(report: MetricsReport, width: float) -> Table:
    months = [month.month.strftime("%b %y") for month in report.months]
    measures = [month.measures for month in report.months]
    cell = width / 3
    drawings = [
        _chart(
            "Production deployments by month",
            months,
            [
                ("Succeeded", SUCCEEDED, [float(x.succeeded) for x in measures]),
                ("Failed or rolled back", FAILED, [float(x.failed) for x in measures]),
            ],
            cell,
            lambda v: f"{v:.0f}",
            whole=True,
        ),
        _chart(
            "Median lead time for changes (days)",
            months,
            [("Lead time", LEAD, [x.lead_time_days for x in measures])],
            cell,
            lambda v: f"{v:.1f}",
        ),
        _chart(
            "Change failure rate",
            months,
            [("Failure rate", FAILED, [x.change_failure_rate for x in measures])],
            cell,
            lambda v: f"{100 * v:.0f}%",
        ),
    ]
    table = Table([drawings], colWidths=[cell] * 3)
    table.setStyle(
        TableStyle(
            [("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR), ("LEFTPADDING", (0, 0), (-1, -1), 0)]
        )
    )
    return table


def _chart(
    heading: str,
    months: Sequence[str],
    series: Sequence[tuple[str, Color, Sequence[float | None]]],
    width: float,
    label: Callable[[float], str],
    whole: bool = False,
) -> Drawing:
    """A month bar chart (stacked when there are several series) with its heading and key."""
    regular, bold = fonts.font_name(False), fonts.font_name(True)
    height = 70 * mm
    # The state a drawing starts from names Helvetica unless told: the page would then
    # reference a font it does not embed.
    drawing = Drawing(width - 8, height, initialFontName=regular)
    drawing.add(String(0, height - 10, heading, fontName=bold, fontSize=8.5))
    chart = VerticalBarChart()
    chart.x, chart.y = 26, 30
    chart.width, chart.height = round(width - 44), round(height - 58)
    chart.data = [list(values) for _name, _colour, values in series]
    for n, (_name, colour, _values) in enumerate(series):
        chart.bars[n].fillColor = colour
        chart.bars[n].strokeColor = None
    if len(series) > 1:
        chart.categoryAxis.style = "stacked"
    chart.categoryAxis.categoryNames = list(months)
    chart.categoryAxis.labels.fontName = regular
    chart.categoryAxis.labels.fontSize = 6
    chart.categoryAxis.labels.angle = 45
    chart.categoryAxis.labels.boxAnchor = "ne"
    chart.categoryAxis.labels.dy = -2
    chart.categoryAxis.strokeColor = LINE
    chart.valueAxis.labels.fontName = regular
    chart.valueAxis.labels.fontSize = 6.5
    chart.valueAxis.valueMin = 0
    chart.valueAxis.strokeColor = LINE
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = LINE
    chart.valueAxis.labelTextFormat = label
    if whole:  # a count has no half deployments: whole steps, at most five of them
        top = max([sum(v or 0 for v in month) for month in zip(*chart.data, strict=True)] or [0])
        chart.valueAxis.valueStep = max(1, math.ceil(top / 5))
    chart.barSpacing = 1
    drawing.add(chart)
    x = 0
    for name, colour, _values in series:
        drawing.add(String(x + 8, height - 22, name, fontName=regular, fontSize=7))
        swatch = String(x, height - 22, "■", fontName=regular, fontSize=7, fillColor=colour)
        drawing.add(swatch)
        x += round(fonts.text_width(name, 7)) + 18
    if not any(v is not None for _n, _c, values in series for v in values):
        drawing.add(
            String(width / 2 - 30, height / 2, "nothing to measure", fontName=regular, fontSize=8)
        )
    return drawing


def _releases(report: MetricsReport, width: float) -> Table:
    cell = styles.style("cell")
    head = styles.style("cell-bold")
    rows: list[list[Flowable]] = [
        [Paragraph(styles.markup(h, fonts.BOLD), head) for h in RELEASE_TABLE_HEADERS]
    ]
    shown = report.releases[:MAX_RELEASE_ROWS]
    for release in shown:
        rows.append([Paragraph(styles.markup(t), cell) for t in release_table_row(release)])
    rest = len(report.releases) - len(shown)
    if rest:
        more = f"… and {rest} more release{'s' if rest != 1 else ''} (gantry metrics lists all)"
        rows.append([Paragraph(styles.markup(more), cell)] + [Spacer(0, 0)] * 8)
    widths = [0.2, 0.07, 0.08, 0.07, 0.08, 0.08, 0.09, 0.08, 0.25]
    table = Table(rows, colWidths=[width * w for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
                ("BACKGROUND", (0, 0), (-1, 0), styles.HEADER_FILL),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, LINE),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    return table
