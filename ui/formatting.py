"""Display text for plan values: dates, statuses, slack, durations (locale-independent)."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Sequence

from app.audit import HistoryEntry

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

DATE_DISPLAY_FORMAT = "dd MMM yyyy"  # Qt form of format_date, for date editors


def format_date(value: dt.date | None) -> str:
    """'03 Mar 2025', the same in every locale; '' for no date."""
    if value is None:
        return ""
    return f"{value.day:02d} {_MONTHS[value.month - 1]} {value.year}"


def format_span(start: dt.date, finish: dt.date) -> str:
    """'02 Dec 2026 – 04 Dec 2026', or one date for a span of one day (a milestone)."""
    if start == finish:
        return format_date(start)
    return f"{format_date(start)} – {format_date(finish)}"


def format_slack(days: int | None) -> str:
    return "" if days is None else f"{days:d}"


def working_days(days: int) -> str:
    """'1 working day', '3 working days'."""
    return f"{days} working day" if abs(days) == 1 else f"{days} working days"


def format_variance(days: int | None) -> str:
    """'+3' (later than the baseline), '-2' (earlier), '0'; '' when there is nothing to say."""
    if days is None:
        return ""
    return f"{days:+d}" if days else "0"


def variance_text(days: int | None, baseline: str, finish: dt.date) -> str:
    """A variance as a sentence naming the baseline and the finish it holds."""
    held = f"the baseline “{baseline}” ({format_date(finish)})"
    if days is None:
        return f"Not scheduled yet; it finishes {format_date(finish)} in the baseline “{baseline}”"
    if days == 0:
        return f"Finishes as in {held}"
    return f"Finishes {working_days(abs(days))} {'later' if days > 0 else 'earlier'} than in {held}"


def kind_label(kind: str) -> str:
    return kind.capitalize()


def format_local(value: dt.datetime) -> str:
    """'04 Jan 2027 19:00' for a zone-less time of the plan (a deployment's window)."""
    return f"{format_date(value.date())} {value:%H:%M}"


def format_moment(value: dt.datetime) -> str:
    """'29 Nov 2026 14:02' in the local time zone."""
    local = value.astimezone()
    return f"{format_date(local.date())} {local:%H:%M}"


def _shown(value: object) -> str:
    return "—" if value in (None, "") else str(value)


def _change_text(field: str, old: object, new: object) -> str:
    label = html.escape(field.replace("_", " "))
    if field == "predecessor" and old is None:
        return f"{label} added: {html.escape(_shown(new))}"
    if field == "predecessor" and new is None:
        return f"{label} removed: {html.escape(_shown(old))}"
    return f"{label}: {html.escape(_shown(old))} → {html.escape(_shown(new))}"


def history_html(entries: Sequence[HistoryEntry]) -> str:
    """Recent changes of one item or release as rich text: when, who, what changed and why."""
    if not entries:
        return '<span style="color:#6b7280">No recorded changes.</span>'
    parts = []
    for entry in entries:
        head = f"<b>{format_moment(entry.at)}</b> · {html.escape(entry.actor)}"
        if entry.entity in ("work_items", "releases") and entry.action in ("create", "delete"):
            what = "created" if entry.action == "create" else "deleted"
        elif entry.entity == "document_signatures":
            what = _signature_text({field: new for field, _old, new in entry.changes})
        else:
            what = "; ".join(_change_text(field, old, new) for field, old, new in entry.changes)
        # A signature's line already says who signed what; its reason would say it again.
        said = entry.entity == "document_signatures"
        why = (
            f' <i style="color:#6b7280">({html.escape(entry.reason)})</i>'
            if entry.reason and not said
            else ""
        )
        parts.append(f"{head}<br>{what}{why}")
    return "<br><br>".join(parts)


def _signature_text(values: dict[str, object]) -> str:
    """A recorded signature as one line: who signed what, meaning what, and the file's hash."""
    digest = str(values.get("sha256") or "")
    when = str(values.get("signed_at") or "").replace("T", " ")[:16]
    return (
        f"{html.escape(str(values.get('signer')))} signed the {values.get('document_kind')} "
        f"{html.escape(str(values.get('document_id')))} revision {values.get('revision')} "
        f"as <b>{values.get('meaning')}</b> on {when} UTC · SHA-256 {digest[:16]}…"
    )


_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[str | int, ...]:
    """A sort key that puts 'ATL-9' before 'ATL-10': digit runs compare as numbers."""
    parts = _DIGITS.split(text.casefold())
    return tuple(int(p) if n % 2 else p for n, p in enumerate(parts))
