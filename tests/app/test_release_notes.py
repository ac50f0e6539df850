"""Release notes: drafting from marked work items, order, audiences, the audit trail, and the
three formats of `gantry export notes` read back (html.parser, pdftotext, pdffonts)."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import select

from app import audit
from app.cli import run
from app.errors import ValidationError
from app.notes_export import to_html, to_markdown, write_notes
from app.plan import Plan
from app.release_notes import ordered
from models import ReleaseNote, WorkItem
from tests.app.plan_factory import make_plan, plan_for
from tests.app.plan_revisions import ROWS, plan_at
from tests.processes import run_bounded

NASTY = 'Fix <script>alert("x")</script> & "quotes"'
# Latin with diacritics, Greek and Cyrillic: all in the embedded DejaVu Sans.
SCRIPTS = "Žluťoučký kůň — Ελληνικά — Кириллица"


@pytest.fixture
def plan(tmp_path: Path) -> Iterator[Plan]:
    opened = plan_for(make_plan(tmp_path / "p.gantry"))
    yield opened
    opened.close()


def _item(plan: Plan, key: str) -> int:
    return plan.state.key_to_id[key]


def _add(plan: Plan, **values: object) -> int:
    release = plan.notes.release_id("R1")
    category = str(values.get("category", "feature"))
    base = {
        "release_id": release,
        "category": category,
        "position": plan.notes.next_position(release, category),
    }
    return plan.notes.records.create({**base, **values})


def test_marked_items_are_drafted_once_after_the_hand_written_entries(plan: Plan) -> None:
    release = plan.notes.release_id("R1")
    hand = _add(plan, title="Faster start-up")
    plan.notes.set_mark(_item(plan, "B"), "feature")
    plan.notes.set_mark(_item(plan, "C"), "fix")
    assert [m.key for m in plan.notes.marked_items(release)] == ["B", "C"]

    created = plan.notes.generate(release)

    assert len(created) == 2
    assert plan.notes.marked_items(release) == []
    assert plan.notes.generate(release) == []  # nothing new is marked: nothing drafted twice
    document = plan.notes.document(release, "external")
    assert [(s.category, [(e.title, e.key) for e in s.entries]) for s in document.sections] == [
        ("feature", [("Faster start-up", ""), ("Build it", "B")]),
        ("fix", [("Docs", "C")]),
    ]
    assert hand not in created


def test_unmarking_and_the_mark_are_audited(plan: Plan) -> None:
    item = _item(plan, "A")
    assert plan.notes.set_mark(item, "security") is None
    assert plan.notes.set_mark(item, None) == "security"
    with plan.store.read() as session:
        assert (
            session.execute(select(WorkItem.notes_category).where(WorkItem.id == item)).scalar_one()
            is None
        )
        history = audit.item_history(session, item, 5)
    assert [c for e in history for c in e.changes if c[0] == "notes_category"][:2] == [
        ("notes_category", "security", None),
        ("notes_category", None, "security"),
    ]
    with pytest.raises(ValidationError, match="not a release-notes category"):
        plan.notes.set_mark(item, "gossip")


def test_generation_undone_and_redone_as_one_step(plan: Plan) -> None:
    release = plan.notes.release_id("R1")
    plan.notes.set_mark(_item(plan, "A"), "feature")
    plan.notes.set_mark(_item(plan, "B"), "breaking")
    created = plan.notes.generate(release)
    removed = plan.notes.remove(created)
    assert plan.notes.entries(release) == []
    plan.notes.put_back(removed)
    assert sorted(e.id for e in plan.notes.entries(release)) == sorted(created)
    assert plan.verify_audit().ok


def test_the_external_audience_leaves_out_internal_entries(plan: Plan) -> None:
    release = plan.notes.release_id("R1")
    _add(plan, category="known_issue", title="Charts lag", audience="external")
    _add(plan, category="known_issue", title="Support: restart the worker", audience="internal")
    internal = plan.notes.document(release, "internal")
    external = plan.notes.document(release, "external")
    assert [e.title for s in internal.sections for e in s.entries] == [
        "Charts lag",
        "Support: restart the worker",
    ]
    assert [e.title for s in external.sections for e in s.entries] == ["Charts lag"]
    assert "Support" not in to_markdown(external) and "Support" not in to_html(external)
    with pytest.raises(ValidationError, match="internal or external"):
        ordered([], "everyone")


def test_categories_come_in_reading_order_and_entries_move_within_theirs(plan: Plan) -> None:
    release = plan.notes.release_id("R1")
    first = _add(plan, category="fix", title="One")
    second = _add(plan, category="fix", title="Two")
    _add(plan, category="breaking", title="Gone")
    _add(plan, category="feature", title="New")
    document = plan.notes.document(release, "internal")
    assert [s.title for s in document.sections] == ["Breaking changes", "Features", "Fixes"]

    assert plan.notes.move(second, -1)
    assert not plan.notes.move(second, -1)  # already first
    fixes = plan.notes.document(release, "internal").sections[-1]
    assert [e.id for e in fixes.entries] == [second, first]


def test_markdown_and_html_escape_what_users_type(plan: Plan) -> None:
    release = plan.notes.release_id("R1")
    _add(plan, category="fix", title=NASTY, body="Body with *stars* & <b>tags</b>\nand a break")
    document = plan.notes.document(release, "external")

    markdown = to_markdown(document)
    assert "<script>" not in markdown
    assert r"\<script\>" in markdown and r"\*stars\*" in markdown
    bullets = [line for line in markdown.splitlines() if line.startswith("- ")]
    assert len(bullets) == 1 and "and a break" in bullets[0]  # one bullet, one line

    page = to_html(document)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "&quot;quotes&quot;" in page and "&amp;" in page

    class Reader(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags: list[str] = []
            self.text: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.tags.append(tag)

        def handle_data(self, data: str) -> None:
            self.text.append(data)

    reader = Reader()
    reader.feed(page)
    assert "script" not in reader.tags and "link" not in reader.tags  # nothing runs or loads
    assert {"html", "head", "style", "body", "h1", "h2", "ul", "li"} <= set(reader.tags)
    assert NASTY in "".join(reader.text)


def test_pdf_prints_every_script_with_the_embedded_font(plan: Plan, tmp_path: Path) -> None:
    if not (shutil.which("pdftotext") and shutil.which("pdffonts")):
        pytest.skip("poppler-utils (pdftotext, pdffonts) is not installed")
    release = plan.notes.release_id("R1")
    _add(plan, category="feature", title=SCRIPTS, body=NASTY)
    target = tmp_path / "notes.pdf"
    write_notes(plan.notes.document(release, "external"), target)

    text = run_bounded(["pdftotext", "-enc", "UTF-8", target, "-"], 60, check=True).stdout
    flat = " ".join(text.decode().split())
    assert SCRIPTS in flat and NASTY in flat and "Features" in flat
    fonts = run_bounded(["pdffonts", target], 60, check=True).stdout.decode().splitlines()[2:]
    assert fonts and all(
        ("DejaVuSans" in line or "DroidSansFallback" in line) and " yes yes " in line
        for line in fonts
    )


def test_pdf_prints_cjk_in_the_bundled_fallback_face(plan: Plan, tmp_path: Path) -> None:
    release = plan.notes.release_id("R1")
    _add(
        plan, category="feature", title="山田太郎 の監査ログ", body="支持单点登录 and Zoë Ångström"
    )
    target = tmp_path / "notes.pdf"
    write_notes(plan.notes.document(release, "external"), target)
    text = run_bounded(["pdftotext", "-enc", "UTF-8", target, "-"], 60, check=True).stdout
    flat = " ".join(text.decode().split())
    assert "山田太郎 の監査ログ" in flat and "支持单点登录 and Zoë Ångström" in flat
    fonts = run_bounded(["pdffonts", target], 60, check=True).stdout.decode()
    assert "DroidSansFallback" in fonts and "Helvetica" not in fonts


def test_cli_writes_each_format_and_refuses_with_exit_codes(plan: Plan, tmp_path: Path) -> None:
    _add(plan, category="feature", title="Exported")
    _add(plan, category="known_issue", title="Hidden from customers", audience="internal")
    path = plan.path
    plan.close()
    out, err = io.StringIO(), io.StringIO()
    for suffix in ("md", "html", "pdf"):
        target = tmp_path / f"n.{suffix}"
        assert run(["export", "notes", str(path), str(target), "--release", "R1"], out, err) == 0
        assert target.stat().st_size > 0
    assert "Hidden" not in (tmp_path / "n.md").read_text()
    internal = tmp_path / "i.md"
    args = ["export", "notes", str(path), str(internal), "--release", "1.0"]
    assert run([*args, "--audience", "internal"], out, err) == 0
    assert "Hidden from customers" in internal.read_text()
    assert "1 entry, external audience" in out.getvalue()

    assert run(["export", "notes", str(path), str(tmp_path / "n.txt"), "--release", "R1"]) == 1
    assert run(["export", "notes", str(path), str(tmp_path / "x.md"), "--release", "R9"]) == 1
    assert not (tmp_path / "x.md").exists()
    assert run(["export", "notes", str(path), str(tmp_path / "y.md")]) == 2  # --release needed


def test_a_refused_write_leaves_no_partial_file(plan: Plan, tmp_path: Path) -> None:
    release = plan.notes.release_id("R1")
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(ValidationError):
        write_notes(plan.notes.document(release, "external"), folder / "n.docx")
    assert list(folder.iterdir()) == []


def test_notes_survive_in_the_trail(plan: Plan) -> None:
    note = _add(plan, title="Audited")
    plan.notes.records.update(note, "audience", "internal")
    with plan.store.read() as session:
        assert session.get_one(ReleaseNote, note).audience == "internal"
    assert plan.verify_audit().ok


def test_notes_written_at_0006_become_external_and_the_trail_verifies(tmp_path: Path) -> None:
    """Revision 0011: every older note was for customers; no item is marked yet."""
    path = tmp_path / "old.gantry"
    note = {
        "id": 1,
        "release_id": 1,
        "work_item_id": 3,
        "category": "fix",
        "title": "Older note",
        "body": "",
        "position": 0,
    }
    plan_at(path, "0006", [*ROWS, ("release_notes", note, None)])
    upgraded = Plan.open(path, actor="bob")
    try:
        (entry,) = upgraded.notes.entries(1)
        assert (entry.audience, entry.key) == ("external", "B")
        assert upgraded.notes.mark(3) is None
        assert upgraded.verify_audit().ok, upgraded.verify_audit().problems
        upgraded.notes.set_mark(2, "feature")  # the upgraded plan edits as any other
        assert upgraded.notes.generate(1) and upgraded.verify_audit().ok
    finally:
        upgraded.close()


def test_deleting_a_drafted_item_keeps_the_entry_and_undo_ties_it_again(plan: Plan) -> None:
    release = plan.notes.release_id("R1")
    item = _item(plan, "C")
    plan.notes.set_mark(item, "fix")
    (note,) = plan.notes.generate(release)
    deleted = plan.work_items.delete(item)
    (entry,) = plan.notes.entries(release)
    assert (entry.id, entry.title, entry.key) == (note, "Docs", "")
    assert plan.verify_audit().ok, plan.verify_audit().problems
    plan.work_items.restore(deleted)
    (entry,) = plan.notes.entries(release)
    assert entry.key == "C" and plan.verify_audit().ok


def test_a_milestone_a_communication_counts_from_is_not_deleted(plan: Plan) -> None:
    milestone = _item(plan, "M")
    plan.communications.records.create(
        {"release_id": 1, "title": "GA mail", "anchor": "milestone", "milestone_id": milestone}
    )
    with pytest.raises(ValidationError, match="“GA mail” is counted from M"):
        plan.work_items.delete(milestone)
    assert milestone in plan.state.items and plan.verify_audit().ok
