"""`gantry metrics`: the measures as a table or as JSON (per release, for the plan, per month)."""

from __future__ import annotations

import json
from typing import Any, TextIO

from app.metrics import Measures, MetricsReport

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
