"""The runbook and release record PDFs: fonts embedded, text present, pages, signature fields,
and a clean file by qpdf; checked with poppler's tools and pyHanko's reader."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields

from app.demo import build_demo
from app.pdf.export import write_document
from app.pdf.record_document import record_document
from app.pdf.render import MARGIN, SignatureBlock
from app.pdf.runbook_document import runbook_document
from app.pdf.trail import head
from app.plan import Plan
from app.store import PlanStore
from tests.app.runbook_plans import make_runbook_plan
from tests.fixed_dates import DEMO_TODAY
from tests.processes import run_bounded

GENERATED = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
RELEASE = "Atlas 3.5"
STEP_ROW = re.compile(r"(?m)^\W*(\d+)\s+Step \1:")  # a step's number and title, as printed
NAMES = ("Zoë Ångström", "Łukasz Wiśniewski", "山田太郎")


def _tool(*args: str | Path) -> str:
    result = run_bounded(args, timeout=120, check=True)
    return str(result.stdout.decode())


def _text(pdf: Path) -> str:
    return _tool("pdftotext", "-layout", pdf, "-")


def _fonts(pdf: Path) -> list[tuple[str, str]]:
    """(font name, embedded yes/no) per font of the file."""
    lines = _tool("pdffonts", pdf).splitlines()[2:]
    return [(line.split()[0], line.split()[-5]) for line in lines]


def _info(pdf: Path) -> dict[str, str]:
    pairs = (line.split(":", 1) for line in _tool("pdfinfo", pdf).splitlines() if ":" in line)
    return {k.strip(): v.strip() for k, v in pairs}


def _fields(pdf: Path) -> list[tuple[str, str, int, list[float]]]:
    """(name, /TU, page index, rectangle) of each signature field, empty ones only."""
    with pdf.open("rb") as handle:
        reader = PdfFileReader(handle)
        page_refs = list(_page_ids(reader.root["/Pages"]))
        found = []
        for name, value, ref in enumerate_sig_fields(reader, filled_status=False):
            field = ref.get_object()
            widget = field if "/Rect" in field else field["/Kids"][0].get_object()
            page = page_refs.index(widget.raw_get("/P").idnum)
            assert value is None
            found.append((name, str(field["/TU"]), page, [float(v) for v in widget["/Rect"]]))
    return found


def _page_ids(node: Any) -> Iterator[int]:
    """The object numbers of the pages under a page tree node, in order."""
    kids = node["/Kids"]
    for n in range(len(kids)):
        kid = kids.raw_get(n)
        page = kid.get_object()
        if page["/Type"] == "/Pages":
            yield from _page_ids(page)
        else:
            yield kid.idnum


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.gantry"
    with PlanStore.open(path, create=True) as store:
        build_demo(store, DEMO_TODAY)
    return path


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A 300-step runbook (one step longer than a page) as a Letter PDF, with its plan."""
    folder = tmp_path_factory.mktemp("big")
    plan = make_runbook_plan(folder / "big.gantry", 300, giant=True)
    try:
        document = runbook_document(plan, "R1", GENERATED, "letter")
    finally:
        plan.close()
    write_document(document, folder / "big.pdf")
    return folder / "big.gantry", folder / "big.pdf"


def _export(plan_path: Path, out: Path, kind: str, paper: str = "a4") -> str:
    plan = Plan.open(plan_path, read_only=True)
    try:
        build = runbook_document if kind == "runbook" else record_document
        write_document(build(plan, RELEASE, GENERATED, paper), out)
        with plan.store.read() as session:
            return head(session)
    finally:
        plan.close()


def _check_common(pdf: Path, audit_head: str, paper: str) -> str:
    fonts = _fonts(pdf)
    assert fonts and all(embedded == "yes" for _, embedded in fonts), fonts
    assert not any("Helvetica" in name for name, _ in fonts)
    checked = run_bounded(["qpdf", "--check", pdf], timeout=120)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert b"No syntax or stream encoding errors" in checked.stdout
    # One revision: the fields are part of the file, not an incremental update on it.
    assert pdf.read_bytes().count(b"%%EOF") == 1
    info = _info(pdf)
    assert ("A4" if paper == "a4" else "letter") in info["Page size"]
    pages = int(info["Pages"])
    text = _text(pdf)
    assert f"Page 2 of {pages}" in text and f"Page {pages} of {pages}" in text
    assert audit_head in text.replace("\n", " ")  # the cover prints the whole hash
    assert "Generated at" in text and "2026-12-01 09:30:00 UTC" in text
    return text


def test_demo_runbook(demo: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "runbook.pdf"
    audit_head = _export(demo, pdf, "runbook")
    text = _check_common(pdf, audit_head, "a4")
    for expected in (
        "Runbook",
        "Contents",
        "RB-3.5.0",
        "Steps: Preparation",
        "Confirm change request approval",
        "Rollback plan",
        "Go/No-Go: Atlas 3.5",
        "Revision history",
        "Meaning of the signature: authored",
    ):
        assert expected in text, expected
    fields = _fields(pdf)
    assert [f[1] for f in fields] == [
        "Release manager — authored",
        "Product manager — reviewed",
        "Tech lead — reviewed",
        "Service owner — approved",
        "CAB member — approved",
    ]
    assert [f[0] for f in fields] == [f"Signature{n}" for n in range(1, 6)]
    pages = int(_info(pdf)["Pages"])
    assert {f[2] for f in fields} <= {pages - 2, pages - 1}  # the signature pages, at the end


def test_demo_record(demo: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "record.pdf"
    audit_head = _export(demo, pdf, "record", "letter")
    text = _check_common(pdf, audit_head, "letter")
    for expected in (
        "Release record",
        "RR-3.5.0",
        "Schedule and baseline variance",
        "CHG-2063",
        "Technical review complete",
        "Operational readiness: Atlas 3.5",
        "Deployments and outcomes",
        "Audit events of the release",
    ):
        assert expected in text, expected
    assert "CHG-2041" not in text  # a change request of another release
    assert len(_fields(pdf)) == 5


def test_long_runbook_with_names_in_every_script(big: tuple[Path, Path]) -> None:
    plan_path, pdf = big
    plan = Plan.open(plan_path, read_only=True)
    try:
        with plan.store.read() as session:
            audit_head = head(session)
    finally:
        plan.close()
    text = _check_common(pdf, audit_head, "letter")
    flat = " ".join(text.split())
    for name in NAMES:  # a narrow column may wrap a name between its words
        assert all(word in flat for word in name.split()), name
    assert "Ledger cut-over 夜間" in flat
    # Every step printed once, in order, with a box to tick.
    numbers = [int(n) for n in STEP_ROW.findall(text)]
    assert numbers == list(range(1, 301))
    assert text.count("☐") >= 300
    fields = _fields(pdf)
    assert [(f[0], f[1]) for f in fields] == [
        ("Signature1", "Release manager — authored"),
        ("Signature2", "Reviewer — reviewed"),
        ("Signature3", "Approver — approved"),
    ]
    for *_, (x1, y1, x2, y2) in fields:  # the block's signature box, to the point
        assert abs((y2 - y1) - SignatureBlock.BOX) <= 1
        assert abs(x1 - MARGIN) <= 1 and abs(x2 - (612 - MARGIN)) <= 1
        assert MARGIN < y1 < y2 < 792 - MARGIN
    # Three blocks of one page, one above the other.
    assert len({f[2] for f in fields}) == 1
    tops = [f[3][3] for f in fields]
    assert tops == sorted(tops, reverse=True)


def test_headers_repeat_and_rows_stay_whole(big: tuple[Path, Path]) -> None:
    _, pdf = big
    pages = int(_info(pdf)["Pages"])
    header = "Step, instructions and expected result"
    step_pages = 0
    for page in range(3, pages):
        text = _tool("pdftotext", "-f", str(page), "-l", str(page), "-layout", pdf, "-")
        rows = STEP_ROW.findall(text)
        if rows:
            step_pages += 1
            assert header in text, f"page {page} has steps but no header row"
    assert step_pages > 20


def test_pages_look_right_when_rendered(big: tuple[Path, Path], tmp_path: Path) -> None:
    """The pages render without errors (looked at by eye when the layout changes)."""
    _, pdf = big
    result = run_bounded(
        ["pdftoppm", "-png", "-r", "30", "-f", "1", "-l", "4", pdf, tmp_path / "page"],
        timeout=120,
    )
    assert result.returncode == 0 and not result.stderr, result.stderr
    assert len(list(tmp_path.glob("page-*.png"))) == 4
