"""`gantry metrics`: the measures as a table or as JSON (per release, for the plan, per month)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

from app.metrics import Measures, MetricsReport, ReleaseMeasures

_DASH = "–"


def write_metrics(report: MetricsReport, out: TextIO, form: str) -> None:
    if form == "json":
        json.dump(as_json(report), out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        _write_table(report, out)


def as_json(report: MetricsReport) -> dict[str, Any]:
    period = report.period
    return {
        "period": {
            "from": period.first.isoformat(),
            "to": period.last.isoformat(),
            "weeks": round(period.weeks, 4),
        },
        "plan": _measures(report.plan),
        "previous_period": _measures(report.previous),
        "releases": [
            {
                "name": r.name,
                "version": r.version,
                **_measures(r.measures),
                "baseline": r.baseline,
                "schedule_variance_days": r.schedule_variance,
            }
            for r in report.releases
        ],
        "months": [
            {"month": m.month.strftime("%Y-%m"), **_measures(m.measures)} for m in report.months
        ],
    }


def _measures(m: Measures) -> dict[str, Any]:
    return {
        "deployments": m.deployments,
        "succeeded": m.succeeded,
        "failed": m.failed,
        "rolled_back": m.rolled_back,
        "deployment_frequency_per_week": _round(m.deployment_frequency),
        "lead_time_days": _round(m.lead_time_days),
        "change_failure_rate": _round(m.change_failure_rate),
        "time_to_restore_hours": _round(m.time_to_restore_hours),
        "rollback_frequency_per_week": _round(m.rollback_frequency),
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def figure(value: float | None, unit: str = "", digits: int = 2) -> str:
    return _DASH if value is None else f"{value:.{digits}f}{unit}"


def percent(value: float | None) -> str:
    return _DASH if value is None else f"{100 * value:.0f} %"


def _row(label: str, m: Measures, variance: str = "") -> list[str]:
    return [
        label,
        str(m.deployments),
        figure(m.deployment_frequency),
        figure(m.lead_time_days, " d", 1),
        percent(m.change_failure_rate),
        figure(m.time_to_restore_hours, " h", 1),
        figure(m.rollback_frequency),
        variance,
    ]


# The dashboard's release table, in the window and on its PDF page.
RELEASE_TABLE_HEADERS = (
    "Release",
    "Deploys",
    "Succeeded",
    "Failed",
    "Per week",
    "Lead time",
    "Failure rate",
    "Restore",
    "Schedule variance",
)


def release_table_row(release: ReleaseMeasures) -> tuple[str, ...]:
    """A release's row of the dashboard's release table, under RELEASE_TABLE_HEADERS."""
    m = release.measures
    if release.schedule_variance is None:
        variance = "no baseline" if release.baseline is None else _DASH
    else:
        variance = f"{release.schedule_variance:+d} working days vs {release.baseline}"
    return (
        release.name,
        str(m.deployments),
        str(m.succeeded),
        str(m.failed),
        figure(m.deployment_frequency),
        figure(m.lead_time_days, " d", 1),
        percent(m.change_failure_rate),
        figure(m.time_to_restore_hours, " h", 1),
        variance,
    )


def _write_table(report: MetricsReport, out: TextIO) -> None:
    period = report.period
    print(
        f"Production deployments from {period.first.isoformat()} to {period.last.isoformat()} "
        f"({period.weeks:.1f} weeks)",
        file=out,
    )
    headers = [
        "",
        "Deploys",
        "Per week",
        "Lead time",
        "Failure rate",
        "Restore",
        "Rollbacks/wk",
        "Schedule variance",
    ]
    rows = [_row("Plan", report.plan)]
    for r in report.releases:
        if r.schedule_variance is None:
            variance = "no baseline" if r.baseline is None else _DASH
        else:
            variance = f"{r.schedule_variance:+d} wd vs {r.baseline}"
        rows.append(_row(r.name, r.measures, variance))
    _table(headers, rows, out)
    if report.months:
        print("\nBy month", file=out)
        months = [_row(m.month.strftime("%Y-%m"), m.measures) for m in report.months]
        _table(headers[:-1], [row[:-1] for row in months], out)


def _table(headers: list[str], rows: list[list[str]], out: TextIO) -> None:
    widths = [max(len(r[n]) for r in [headers, *rows]) for n in range(len(headers))]
    for line in [headers, *rows]:
        cells = [line[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(line[1:], widths[1:], strict=True)]
        print("  ".join(cells).rstrip(), file=out)


# What a change against the period before means: better, worse, no change (the trend's colour).
BETTER, WORSE, SAME = "#1f7a4d", "#b42318", "#6b7280"


@dataclass(frozen=True, slots=True)
class Card:
    """One measure as the dashboard and its PDF page show it."""

    title: str
    explain: str
    value: Callable[[Measures], float | None]
    text: Callable[[float | None], str]
    higher_is_better: bool


CARDS = (
    Card(
        "Deployment frequency",
        "successful production deployments per week",
        lambda m: m.deployment_frequency,
        lambda v: figure(v, " / wk"),
        True,
    ),
    Card(
        "Lead time for changes",
        "median days from approval to production",
        lambda m: m.lead_time_days,
        lambda v: figure(v, " d", 1),
        False,
    ),
    Card(
        "Change failure rate",
        "production deployments failed or rolled back",
        lambda m: m.change_failure_rate,
        percent,
        False,
    ),
    Card(
        "Time to restore",
        "median hours from a failure to the next success",
        lambda m: m.time_to_restore_hours,
        lambda v: figure(v, " h", 1),
        False,
    ),
    Card(
        "Rollbacks",
        "rolled-back production deployments per week",
        lambda m: m.rollback_frequency,
        lambda v: figure(v, " / wk"),
        False,
    ),
)


def trend(card: Card, now: float | None, before: float | None) -> tuple[str, str]:
    """The change against the previous period, and the colour saying if it is better."""
    if now is None or before is None:
        return "no figure to compare", SAME
    if abs(now - before) < 1e-9:
        return "= same as the period before", SAME
    up = now > before
    colour = BETTER if up == card.higher_is_better else WORSE
    return f"{'▲' if up else '▼'} from {card.text(before)} the period before", colour
