"""The `gantry` command line: headless subcommands over the same app services as the GUI."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import difflib
import json
import os
import sys
import tempfile
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from app import audit
from app.chart_export import ChartRequest, chart_document, describe, export_format, write_chart
from app.demo import build_demo, build_synthetic
from app.errors import GantryError, ValidationError
from app.ics_export import calendar_document, ics_path, write_ics
from app.impact import impact
from app.impact_report import write_report as write_impact
from app.metrics import metrics
from app.metrics_pdf import dashboard_page, dashboard_path, write_dashboard
from app.metrics_report import write_metrics
from app.notes_export import notes_path, write_notes
from app.pdf.export import pdf_path
from app.pdf.signed_export import Signer, export_document
from app.pdf.styles import PAPERS as PDF_PAPERS
from app.plan import Plan
from app.plan_check import check_plan
from app.plan_data import ItemRow
from app.release_notes import AUDIENCES
from app.runbook_report import runbook_report, write_report
from app.signing.meanings import MEANINGS
from app.spreadsheet.export import export_path, workbook_data, write_workbook
from app.spreadsheet.importer import ImportOptions, commit, prepare
from app.spreadsheet.values import DateOrder
from app.store import PLAN_SUFFIX, PlanStore
from app.timeline.pages import PAPERS, Fit
from app.version import version_text
from models.signatures import DOCUMENT_KINDS

SCHEDULE_COLUMNS = (
    "release",
    "key",
    "name",
    "kind",
    "start",
    "finish",
    "total_slack",
    "free_slack",
    "critical",
)
EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


class _VersionAction(argparse.Action):
    """--version reads the schema revision from the migrations only when it is asked for."""

    def __init__(self, option_strings: Sequence[str], dest: str, help: str) -> None:
        super().__init__(option_strings, argparse.SUPPRESS, nargs=0, help=help)

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        print(version_text())
        parser.exit()


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"gantry: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="gantry", description="Offline release planning.")
    parser.add_argument(
        "--version", action=_VersionAction, help="print the version and the plan schema revision"
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    demo = sub.add_parser("demo", help="write the demo plan (or a synthetic one of N items)")
    demo.add_argument("plan", type=Path)
    demo.add_argument("--size", type=int, help="number of work items of a synthetic plan")
    demo.add_argument(
        "--today",
        type=_iso_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="date the demo is built around (default: today), for a reproducible demo",
    )

    sched = sub.add_parser("schedule", help="print computed dates, slack and critical flags")
    sched.add_argument("plan", type=Path)
    sched.add_argument("--release", help="only this release (name or version)")
    sched.add_argument("--format", choices=("table", "csv", "json"), default="table")

    aud = sub.add_parser("audit", help="audit trail commands")
    aud_sub = aud.add_subparsers(dest="audit_command", required=True, parser_class=_Parser)
    verify = aud_sub.add_parser("verify", help="recompute the hash chain, compare with data")
    verify.add_argument("plan", type=Path)
    verify.add_argument("--format", choices=("text", "json"), default="text")

    imp = sub.add_parser("import", help="import a spreadsheet (.xlsx, .xlsm, .csv) into a plan")
    imp.add_argument("plan", type=Path)
    imp.add_argument("file", type=Path)
    imp.add_argument("--sheet", help="the sheet to read (default: the task sheet, or the first)")
    imp.add_argument(
        "--map",
        action="append",
        default=[],
        type=_mapping,
        metavar="COLUMN=FIELD",
        help="read COLUMN as FIELD (a field name or label, or 'ignore'); repeatable",
    )
    imp.add_argument("--release", help="release for rows without one (created if missing)")
    imp.add_argument("--date-order", choices=("dmy", "mdy", "ymd"), help="for dates like 04/05/27")
    imp.add_argument("--dry-run", action="store_true", help="print the report; write nothing")
    imp.add_argument(
        "--change",
        default="",
        metavar="KEY",
        help="an approved change request that allows new or longer work in a release past "
        "its feature freeze (a scope exception)",
    )
    imp.add_argument(
        "--today",
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help="the day the import is made, for the scope lock (default: today)",
    )

    exp = sub.add_parser(
        "export", help="the chart, a workbook, a calendar, a runbook, a record, notes, metrics"
    )
    exp_sub = exp.add_subparsers(dest="export_kind", required=True, parser_class=_Parser)
    chart = exp_sub.add_parser("chart", help="the Gantt chart of a release as PDF or PNG")
    chart.add_argument("plan", type=Path)
    chart.add_argument("out", type=Path, metavar="OUT.{pdf,png}")
    chart.add_argument("--release", help="name or version (default: the first release in progress)")
    chart.add_argument("--from", dest="first", type=_iso_date, metavar="YYYY-MM-DD")
    chart.add_argument("--to", dest="last", type=_iso_date, metavar="YYYY-MM-DD")
    chart.add_argument("--paper", choices=tuple(PAPERS), default="a4")
    chart.add_argument("--fit", choices=tuple(f.value for f in Fit), default="width")
    chart.add_argument("--baseline", metavar="NAME", help="draw this baseline under the bars")
    xlsx = exp_sub.add_parser("xlsx", help="the plan, or one release, as an Excel workbook")
    xlsx.add_argument("plan", type=Path)
    xlsx.add_argument("out", type=Path, metavar="OUT.xlsx")
    xlsx.add_argument("--release", help="name or version (default: the whole plan)")
    ics = exp_sub.add_parser(
        "ics", help="releases, milestones, windows and deployments as iCalendar"
    )
    ics.add_argument("plan", type=Path)
    ics.add_argument("out", type=Path, metavar="OUT.ics")
    book = exp_sub.add_parser("runbook", help="a release's runbook as a printable PDF to sign")
    record = exp_sub.add_parser("record", help="a release's record for auditors as a PDF to sign")
    for document in (book, record):
        document.add_argument("plan", type=Path)
        document.add_argument("out", type=Path, metavar="OUT.pdf")
        document.add_argument("--release", required=True, help="name or version")
        document.add_argument("--paper", choices=tuple(PDF_PAPERS), default="a4")
        document.add_argument(
            "--sign", type=Path, metavar="KEY.p12", help="sign it at once (and record it)"
        )
        document.add_argument("--meaning", help="with --sign: " + " or ".join(MEANINGS))
        document.add_argument("--name", help="with --sign: the name shown")
        document.add_argument("--password-file", type=Path, metavar="FILE")
    notes = exp_sub.add_parser("notes", help="a release's notes as Markdown, HTML or PDF")
    notes.add_argument("plan", type=Path)
    notes.add_argument("out", type=Path, metavar="OUT.{md,html,pdf}")
    notes.add_argument("--release", required=True, help="name or version")
    notes.add_argument(
        "--audience",
        choices=AUDIENCES,
        default="external",
        help="external (default) leaves out internal-only entries; internal shows them all",
    )

    board = exp_sub.add_parser("metrics", help="the metrics dashboard on one A4 landscape PDF page")
    board.add_argument("plan", type=Path)
    board.add_argument("out", type=Path, metavar="OUT.pdf")
    board.add_argument("--release", help="name or version (default: every release)")
    board.add_argument("--from", dest="first", type=_iso_date, metavar="YYYY-MM-DD")
    board.add_argument(
        "--to", dest="last", type=_iso_date, metavar="YYYY-MM-DD", help="default: today"
    )

    run = sub.add_parser("runbook", help="a release's runbook steps and one run's actuals")
    run.add_argument("plan", type=Path)
    run.add_argument("--release", required=True)
    run.add_argument("--run", type=int, metavar="N", help="show run N's actuals and outcomes")
    run.add_argument("--format", choices=("table", "csv", "json"), default="table")

    change = sub.add_parser("change", help="a change request: its state, or a workflow move")
    change.add_argument("plan", type=Path)
    change.add_argument("key", metavar="KEY", help="the change request's key, e.g. CHG-12")
    change.add_argument(
        "--to",
        metavar="STATUS",
        help="move it (refused, with the reason, unless the workflow allows it)",
    )

    what_if = sub.add_parser("impact", help="what moves if an item finishes N days later")
    what_if.add_argument("plan", type=Path)
    what_if.add_argument("--item", required=True, metavar="KEY")
    what_if.add_argument("--slip", type=int, required=True, metavar="N", help="working days")
    what_if.add_argument("--format", choices=("table", "csv", "json"), default="table")

    check = sub.add_parser(
        "check", help="conflicts: windows, promotion, baselines, the schedule (exit 1 if any)"
    )
    check.add_argument("plan", type=Path)
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument(
        "--today",
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help="the day the check is made: a release without a target is checked up to it "
        "(default: today)",
    )

    dora = sub.add_parser(
        "metrics", help="delivery measures (DORA) from production deployments, per release"
    )
    dora.add_argument("plan", type=Path)
    dora.add_argument("--release", help="name or version (default: every release)")
    dora.add_argument("--from", dest="first", type=_iso_date, metavar="YYYY-MM-DD")
    dora.add_argument(
        "--to", dest="last", type=_iso_date, metavar="YYYY-MM-DD", help="default: today"
    )
    dora.add_argument("--format", choices=("table", "json"), default="table")

    keygen = sub.add_parser("keygen", help="make a self-signed signing key (.p12 and .pem)")
    keygen.add_argument("out", type=Path, metavar="OUT.p12")
    keygen.add_argument("--name", required=True, help="the signer's name on the certificate")
    keygen.add_argument("--email")
    keygen.add_argument("--days", type=int, help="validity in days (default: 3 years)")
    keygen.add_argument("--password-file", type=Path, metavar="FILE")

    sign = sub.add_parser("sign", help="sign a PDF in its next empty signature field")
    sign.add_argument("input", type=Path, metavar="IN.pdf")
    sign.add_argument("output", type=Path, metavar="OUT.pdf")
    sign.add_argument("--key", required=True, type=Path, metavar="KEY.p12")
    sign.add_argument("--meaning", required=True, help=" or ".join(MEANINGS))
    sign.add_argument("--name", help="the name shown (default: the certificate's)")
    sign.add_argument("--password-file", type=Path, metavar="FILE")
    sign.add_argument("--plan", type=Path, help="record the signature in this plan")
    sign.add_argument("--release", help="with --plan: the release the document belongs to")
    sign.add_argument("--document", choices=DOCUMENT_KINDS, help="with --plan")
    sign.add_argument("--document-id", help="with --plan: the document's id on its cover")
    sign.add_argument("--revision", type=int, help="with --plan: the document's revision")

    ver = sub.add_parser("verify", help="verify every signature of a PDF")
    ver.add_argument("file", type=Path, metavar="FILE.pdf")
    ver.add_argument("--trust", action="append", type=Path, default=[], metavar="CERT.pem")
    ver.add_argument("--format", choices=("table", "json"), default="table")
    return parser


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2027-01-31") from None


def _mapping(text: str) -> tuple[str, str]:
    column, sep, field = text.rpartition("=")
    if not sep or not column.strip():
        raise argparse.ArgumentTypeError(f"'{text}' is not COLUMN=FIELD")
    return column.strip(), field.strip()


# -- subcommands ----------------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    plan: Path = args.plan
    if plan.exists():
        raise GantryError(f"{plan} already exists; give the demo a new file name.")
    if args.size is not None and args.size < 1:
        raise GantryError("--size must be at least 1.")
    with PlanStore.open(plan, create=True) as store:
        try:
            if args.size is None:
                build_demo(store, args.today or dt.date.today())
            else:
                build_synthetic(store, args.size, progress=_progress_line("Writing work items"))
        except BaseException:
            store.close()
            plan.unlink(missing_ok=True)
            raise
        plan_ = Plan(store)
        plan_.load()
        summary = plan_.summary()
    print(
        f"Wrote {plan}: {_count(summary.releases, 'release')}, "
        f"{_count(summary.items, 'work item')}, "
        f"{_count(summary.links, 'dependency', 'dependencies')}.",
        file=out,
    )
    return EXIT_OK


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else many or one + 's'}"


def _progress_line(label: str) -> Callable[..., None] | None:
    """A progress line on a terminal's stderr (nothing when output goes to a file or CI);
    called with (done, total) or (done, total, what), total 0 while it is not known."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int, what: str = label) -> None:
        end = "\n" if done >= total > 0 else ""
        of = f" of {total:,}" if total else ""
        print(f"\r{what}: {done:,}{of}\x1b[K", end=end, file=sys.stderr, flush=True)

    return show


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def cmd_schedule(args: argparse.Namespace, out: TextIO) -> int:
    plan = Plan.open(args.plan, read_only=True)
    try:
        releases = [plan.releases.find(args.release)] if args.release else plan.releases.rows()
        rows = [(r.name, item) for r in releases for item in plan.work_items.rows(r.id)]
        problems = plan.state.problems()
    finally:
        plan.close()
    if problems:
        # Dates computed around a cycle would mislead a script: refuse, naming the cycle.
        raise ValidationError(problems)
    records = [
        (
            name,
            i.key,
            i.name,
            i.kind,
            i.start.isoformat() if i.start else None,
            i.finish.isoformat() if i.finish else None,
            i.total_slack,
            i.free_slack,
            i.critical,
        )
        for name, i in rows
    ]
    if args.format == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(SCHEDULE_COLUMNS)
        writer.writerows([_cell(v) for v in r] for r in records)
    elif args.format == "json":
        json.dump(
            {
                "releases": [
                    {
                        "name": r.name,
                        "version": r.version,
                        "status": r.status,
                        "target": r.target_date.isoformat() if r.target_date else None,
                        "finish": r.finish.isoformat() if r.finish else None,
                        "late_by": r.late_by,
                    }
                    for r in releases
                ],
                "items": [dict(zip(SCHEDULE_COLUMNS, r, strict=True)) for r in records],
            },
            out,
            indent=2,
            ensure_ascii=False,
        )
        out.write("\n")
    else:
        _print_table(out, records, rows)
        for r in releases:
            if r.finish is None:
                shipped = f", shipped {r.actual_date.isoformat()}" if r.actual_date else ""
                print(f"{r.name}: no work items to schedule{shipped}", file=out)
                continue
            finish = r.finish.isoformat()
            if r.target_date is None:
                verdict = "no target"
            elif r.late_by:
                verdict = f"target {r.target_date.isoformat()}: LATE by {r.late_by} working days"
            else:
                verdict = f"target {r.target_date.isoformat()}: on time"
            print(f"{r.name}: finishes {finish}, {verdict}", file=out)
    return EXIT_OK


def _print_table(
    out: TextIO, records: Sequence[tuple[object, ...]], rows: list[tuple[str, ItemRow]]
) -> None:
    headers = ("Release", "Key", "Name", "Kind", "Start", "Finish", "Slack", "Free", "Crit")
    cells = []
    for record, (_, item) in zip(records, rows, strict=True):
        line = [_cell(v) for v in record]
        line[2] = "  " * item.depth + line[2]
        line[8] = "*" if item.critical else ""
        cells.append(line)
    widths = [max([len(h)] + [min(len(c[n]), 48) for c in cells]) for n, h in enumerate(headers)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)), file=out)
    print("  ".join("-" * w for w in widths), file=out)
    for line in cells:
        shown = [c if len(c) <= 48 else c[:47] + "…" for c in line]
        print("  ".join(c.ljust(w) for c, w in zip(shown, widths, strict=True)).rstrip(), file=out)


def cmd_runbook(args: argparse.Namespace, out: TextIO) -> int:
    plan = Plan.open(args.plan, read_only=True, schedule=False)
    try:
        report = runbook_report(plan, args.release, args.run)
    finally:
        plan.close()
    write_report(report, out, args.format)
    return EXIT_OK


def cmd_change(args: argparse.Namespace, out: TextIO) -> int:
    plan = Plan.open(args.plan, read_only=args.to is None, schedule=False)
    try:
        changes = plan.changes
        row = changes.find(args.key)
        if args.to is not None:
            old = changes.move(row.id, args.to.strip().lower(), f"gantry change --to {args.to}")
            print(f"{row.key}: {old} -> {changes.row(row.id).status}", file=out)
            return EXIT_OK
        state = changes.approval_state(row.id)
        print(
            f"{row.key} {row.title}: {row.status} ({row.category}, risk "
            f"{state.level or 'not assessed'})",
            file=out,
        )
        for transition, refused in changes.transitions(row.id):
            print(f"  -> {transition.target}: {refused or 'allowed'}", file=out)
        for decision in state.decisions:
            print(f"  signed: {decision.manifestation}", file=out)
        for missing in state.missing():
            print(f"  needs: {missing}", file=out)
    finally:
        plan.close()
    return EXIT_OK


def cmd_impact(args: argparse.Namespace, out: TextIO) -> int:
    plan = Plan.open(args.plan, read_only=True)
    try:
        report = impact(plan, args.item, slip=args.slip)
    finally:
        plan.close()
    write_impact(report, out, args.format)
    return EXIT_OK


def cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    plan = Plan.open(args.plan, read_only=True)
    try:
        findings = check_plan(plan, args.today or dt.date.today())
    finally:
        plan.close()
    if args.format == "json":
        json.dump(
            [
                {"area": f.area, "message": f.message, "next_free_day": f.suggestion or None}
                for f in findings
            ],
            out,
            indent=2,
            ensure_ascii=False,
        )
        out.write("\n")
    elif findings:
        for finding in findings:
            print(finding.line(), file=out)
        print(f"{len(findings)} conflict(s) in {args.plan}.", file=out)
    else:
        print(f"No conflicts in {args.plan}.", file=out)
    return EXIT_REFUSED if findings else EXIT_OK


def cmd_metrics(args: argparse.Namespace, out: TextIO) -> int:
    plan = Plan.open(args.plan, read_only=True)
    try:
        report = metrics(plan, dt.date.today(), args.release, args.first, args.last)
    finally:
        plan.close()
    write_metrics(report, out, args.format)
    return EXIT_OK


def cmd_audit_verify(args: argparse.Namespace, out: TextIO) -> int:
    with PlanStore.open(args.plan, read_only=True) as store, store.snapshot() as session:
        report = audit.verify(session)
    if args.format == "json":
        json.dump(
            {"events": report.events, "head": report.head, "problems": report.problems},
            out,
            ensure_ascii=False,
        )
        out.write("\n")
        return EXIT_OK if report.ok else EXIT_REFUSED
    if report.ok:
        print(f"Audit trail intact: {report.events} events, head {report.head}.", file=out)
        return EXIT_OK
    print(f"Audit trail of {args.plan} has {len(report.problems)} problem(s):", file=out)
    for problem in report.problems:
        print(f"- {problem}", file=out)
    return EXIT_REFUSED


def cmd_export(args: argparse.Namespace, out: TextIO) -> int:
    if args.export_kind == "xlsx":
        return _export_xlsx(args, out)
    if args.export_kind == "ics":
        return _export_ics(args, out)
    if args.export_kind in ("runbook", "record"):
        return _export_document(args, out)
    if args.export_kind == "notes":
        return _export_notes(args, out)
    if args.export_kind == "metrics":
        return _export_dashboard(args, out)
    target: Path = args.out
    export_format(target)  # refuse a wrong suffix before the plan is read
    if args.first and args.last and args.last < args.first:
        raise ValidationError(
            f"--to {args.last.isoformat()} is before --from {args.first.isoformat()}; "
            "the chart would end before it starts."
        )
    request = ChartRequest(
        args.release, args.first, args.last, args.paper, Fit(args.fit), baseline=args.baseline
    )
    plan = Plan.open(args.plan, read_only=True)
    try:
        document = chart_document(plan, request, dt.date.today())
    finally:
        plan.close()
    written = write_chart(document, target, _progress_line("Drawing pages"))
    files = str(written[0]) if len(written) == 1 else f"{written[0]} … {written[-1].name}"
    print(f"Wrote {files}: {describe(document)}.", file=out)
    return EXIT_OK


def _export_xlsx(args: argparse.Namespace, out: TextIO) -> int:
    target = export_path(args.out)  # refuse a wrong suffix before the plan is read
    plan = Plan.open(args.plan, read_only=True)
    try:
        data = workbook_data(plan, args.release, dt.date.today())
    finally:
        plan.close()
    write_workbook(data, target, _progress_line("Writing rows"))
    print(f"Wrote {target}: {data.describe()}.", file=out)
    return EXIT_OK


def _export_ics(args: argparse.Namespace, out: TextIO) -> int:
    target = ics_path(args.out)  # refuse a wrong suffix before the plan is read
    plan = Plan.open(args.plan, read_only=True)
    try:
        document = calendar_document(plan)
    finally:
        plan.close()
    write_ics(document, target, dt.datetime.now(dt.UTC))
    print(f"Wrote {target}: {document.describe()}.", file=out)
    return EXIT_OK


def _export_document(args: argparse.Namespace, out: TextIO) -> int:
    pdf_path(args.out)  # refuse a wrong suffix before the plan is read
    if (args.sign is None) != (args.meaning is None):
        raise GantryError("--sign KEY.p12 and --meaning go together")
    if args.sign is None and (args.name or args.password_file):
        raise GantryError("--name and --password-file only go with --sign")
    # A wrong meaning or password is refused before anything is built or written.
    signer = _signer(args) if args.sign is not None else None
    prepared, exported = export_document(
        args.plan,
        args.export_kind,
        args.release,
        args.paper,
        args.out,
        dt.datetime.now(dt.UTC),
        signer,
    )
    if exported.signed is not None:
        print(
            f"{exported.signed.signer} certified and signed it ({exported.signed.meaning}); "
            f"recorded in {args.plan}.",
            file=out,
        )
    cover, written = prepared.document.cover, exported.written
    print(
        f"Wrote {args.out}: {cover.title.lower()} of {cover.release}, "
        f"{_count(written.pages, 'page')}, {_count(written.signers, 'signature field')}.",
        file=out,
    )
    return EXIT_OK


def _signer(args: argparse.Namespace) -> Signer:
    """The checked meaning and the loaded key of `--sign`."""
    # Imported here, as `gantry sign` does: pyHanko costs a second of start-up.
    from app.signing.commands import key_password
    from app.signing.keys import load_key
    from app.signing.meanings import check_meaning

    meaning = check_meaning(args.meaning)
    key = load_key(args.sign, key_password(args.password_file, args.sign))
    return Signer(key, meaning, args.name)


def _export_notes(args: argparse.Namespace, out: TextIO) -> int:
    target = notes_path(args.out)  # refuse a wrong suffix before the plan is read
    plan = Plan.open(args.plan, read_only=True)
    try:
        release_id = plan.notes.release_id(args.release)
        name = plan.settings.values().name or plan.path.stem
        document = plan.notes.document(release_id, args.audience, name)
    finally:
        plan.close()
    write_notes(document, target)
    print(f"Wrote {target}: {document.describe()}.", file=out)
    return EXIT_OK


def _export_dashboard(args: argparse.Namespace, out: TextIO) -> int:
    target = dashboard_path(args.out)  # refuse a wrong suffix before the plan is read
    plan = Plan.open(args.plan, read_only=True)
    try:
        page = dashboard_page(plan, dt.date.today(), args.release, args.first, args.last)
    finally:
        plan.close()
    write_dashboard(page, target)
    print(f"Wrote {target}: {page.describe()}.", file=out)
    return EXIT_OK


def cmd_import(args: argparse.Namespace, out: TextIO) -> int:
    """Prepare the import, print its report, and commit it unless refused or a dry run.

    A plan that does not exist is created (and removed again if nothing is written); a dry
    run against a missing plan reads the sheet against an empty plan in a scratch folder."""
    target: Path = args.plan
    options = ImportOptions(
        sheet=args.sheet,
        overrides=dict(args.map),
        release=args.release,
        date_order=DateOrder(args.date_order) if args.date_order else None,
        today=args.today or dt.date.today(),
        change=args.change,
    )
    created = not target.exists()
    with tempfile.TemporaryDirectory(prefix="gantry-import-") as scratch:
        path = Path(scratch) / target.name if created and args.dry_run else target
        # A dry run reads the plan only, and a refused import leaves it byte for byte as it
        # was: not even derived dates are written before the commit.
        plan = Plan.open(
            path, create=created, read_only=args.dry_run and not created, schedule=False
        )
        written = False
        try:
            prepared = prepare(plan, args.file, options, _progress_line("Reading rows"))
            for line in prepared.report.lines():
                print(line, file=out)
            if not prepared.report.ok:
                return EXIT_REFUSED
            if args.dry_run:
                print("Dry run: nothing was written.", file=out)
                return EXIT_OK
            done = commit(plan, prepared, _progress_line("Writing items"))
            written = True
            print(f"Imported into {target}: {done.summary}.", file=out)
            return EXIT_OK
        finally:
            plan.close()
            if created and not written and path == target:
                target.unlink(missing_ok=True)


def cmd_signing(args: argparse.Namespace, out: TextIO) -> int:
    # pyHanko takes about a second to import: only the commands that sign or verify pay it.
    from app.signing import commands

    run_command = {
        "keygen": commands.cmd_keygen,
        "sign": commands.cmd_sign,
        "verify": commands.cmd_verify,
    }[args.command]
    return run_command(args, out)


COMMANDS: dict[str, Callable[[argparse.Namespace, TextIO], int]] = {
    "demo": cmd_demo,
    "import": cmd_import,
    "schedule": cmd_schedule,
    "audit": cmd_audit_verify,
    "export": cmd_export,
    "runbook": cmd_runbook,
    "impact": cmd_impact,
    "metrics": cmd_metrics,
    "check": cmd_check,
    "keygen": cmd_signing,
    "sign": cmd_signing,
    "verify": cmd_signing,
    "change": cmd_change,
}
SUBCOMMANDS = frozenset(COMMANDS)


def unknown_word(word: str) -> str | None:
    """The usage error for a first argument that is neither a subcommand nor can be a plan.

    A word that names an existing file, ends in .gantry or holds a path separator may be a
    plan (the window says if it is not); any other word is a mistyped command.
    """
    separators = [s for s in ("/", os.sep, os.altsep) if s]
    if (
        word in SUBCOMMANDS
        or word.startswith("-")
        or word.endswith(PLAN_SUFFIX)
        or any(s in word for s in separators)
        or Path(word).exists()
    ):
        return None
    message = f"gantry: '{word}' is not a command or a plan file"
    nearest = difflib.get_close_matches(word, sorted(SUBCOMMANDS), n=1)
    if nearest:
        message += f"; did you mean '{nearest[0]}'?"
    return f"{message} (gantry --help lists the commands)"


def run(argv: Sequence[str], out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run one subcommand; errors become one sentence on stderr and exit code 1."""
    out = out or sys.stdout
    err = err or sys.stderr
    mistyped = unknown_word(argv[0]) if argv else None
    if mistyped:
        print(mistyped, file=err)
        return EXIT_USAGE
    try:
        args = build_parser().parse_args(list(argv))
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        return COMMANDS[args.command](args, out)
    except GantryError as exc:
        print(f"gantry: {exc}", file=err)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        print("gantry: interrupted; nothing was changed.", file=err)
        return 130
    except BrokenPipeError:
        # The reader (e.g. `| head`) stopped early: not an error. Point stdout at /dev/null so
        # the interpreter's final flush does not complain either.
        if out is sys.stdout:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as exc:
        print(f"gantry: {exc.strerror or exc} ({exc.filename or 'file'}).", file=err)
        return EXIT_REFUSED
    except Exception as exc:  # a bug, or a plan holding what nobody foresaw: still one sentence
        summary = " ".join(f"{type(exc).__name__}: {exc}".split())
        print(
            f"gantry {args.command}: stopped by an unexpected error ({summary[:200]}); "
            "run it again with GANTRY_DEBUG=1 to see the details.",
            file=err,
        )
        if os.environ.get("GANTRY_DEBUG") == "1":
            traceback.print_exception(exc, file=err)
        return EXIT_REFUSED
