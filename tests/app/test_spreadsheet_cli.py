"""`gantry import`: exit codes, dry runs that write nothing, plans created on demand, a kill -9
in the middle of a large import, and messy sheets that never crash the importer."""

from __future__ import annotations

import io
import string
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.cli import run
from app.plan import Plan
from app.spreadsheet.importer import ImportOptions, prepare
from app.store import PlanStore
from tests.app.plan_factory import make_plan
from tests.app.sheets import jira_csv, msp_xlsx, write_csv


def gantry(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_import_creates_the_plan(tmp_path: Path) -> None:
    plan = tmp_path / "new.gantry"
    code, out, err = gantry("import", str(plan), str(jira_csv(tmp_path / "j.csv")))
    assert (code, err) == (0, "")
    assert "Imported into" in out and "3 new" in out
    opened = Plan.open(plan, read_only=True)
    try:
        assert sorted(r.key for r in opened.work_items.rows()) == ["PAY-1", "PAY-2", "PAY-3"]
    finally:
        opened.close()


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "p.gantry"
    make_plan(path).close()
    before = path.read_bytes()
    code, out, _ = gantry(
        "import", str(path), str(msp_xlsx(tmp_path / "m.xlsx")), "--release", "R1", "--dry-run"
    )
    assert code == 0 and "Dry run: nothing was written." in out and "5 new" in out
    assert path.read_bytes() == before
    missing = tmp_path / "none.gantry"
    code, _, _ = gantry("import", str(missing), str(tmp_path / "m.xlsx"), "--dry-run")
    assert code == 0 and not missing.exists()


def test_refused_import_exits_1_with_every_reason_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "p.gantry"
    make_plan(path).close()
    before = path.read_bytes()
    sheet = write_csv(tmp_path / "b.csv", [("Name", "Start"), ("A", "never"), ("B", "2027-02-31")])
    code, out, _ = gantry("import", str(path), str(sheet), "--release", "R1")
    assert code == 1
    assert "row 2, column B (Start): 'never' is not a date" in out
    assert "row 3, column B (Start): '2027-02-31' is not a date" in out
    assert path.read_bytes() == before
    code, _, _ = gantry("import", str(tmp_path / "n.gantry"), str(sheet), "--release", "R")
    assert code == 1 and not (tmp_path / "n.gantry").exists()


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert gantry("import", "p.gantry", "f.csv", "--map", "nofield")[0] == 2
    assert gantry("import", "p.gantry", "f.csv", "--date-order", "ydm")[0] == 2


def test_map_and_date_order_options(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "o.csv", [("Was", "When"), ("A", "04/05/2027")])
    code, out, _ = gantry("import", str(tmp_path / "p.gantry"), str(sheet), "--map", "Was=name")
    assert code == 0  # "When" is not a known column: ignored
    code, out, _ = gantry(
        "import", str(tmp_path / "q.gantry"), str(sheet), "--map", "Was=name", "--map",
        "When=Not before",
    )  # fmt: skip
    assert code == 1 and "--date-order" in out
    code, out, _ = gantry(
        "import", str(tmp_path / "q.gantry"), str(sheet), "--map", "Was=name", "--map",
        "When=not_before", "--date-order", "mdy",
    )  # fmt: skip
    assert code == 0, out


_KILLED = """
import sys, threading
from pathlib import Path
from app.plan import Plan
from app.spreadsheet.importer import ImportOptions, commit, prepare

plan = Plan.open(sys.argv[1])
prepared = prepare(plan, Path(sys.argv[2]), ImportOptions(release="R1"))
said = []

def progress(done, total, what):
    if done >= 4000 and not said:
        said.append(1)
        print("mid-import", flush=True)
        threading.Event().wait(60)

commit(plan, prepared, progress)
"""


def test_kill_9_during_a_large_import_leaves_the_plan_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "p.gantry"
    make_plan(path).close()
    sheet = write_csv(
        tmp_path / "big.csv",
        [("Name", "Duration", "Predecessors")]
        + [(f"Task {n}", "2", str(n - 1) if n > 1 else "") for n in range(1, 10_001)],
    )
    child = subprocess.Popen(
        [sys.executable, "-c", _KILLED, str(path), str(sheet)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "mid-import"
    finally:
        child.kill()
        child.wait()
    with PlanStore.open(path) as store:
        plan = Plan(store)
        plan.load()
        # Opening took over the stale lock; SQLite rolled the hot journal back.
        assert len(plan.state.items) == 5 and plan.verify_audit().ok
        plan.close()


_CELL = st.one_of(
    st.none(),
    st.text(string.printable + "äß€😀\u00a0", max_size=12),
    st.sampled_from(["2027-01-04", "04/05/27", "13/13/13", "5 days", "0", "1FS+2d", "PAY-1"]),
    st.integers(-5, 100_000),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    header=st.lists(
        st.sampled_from(
            [
                "Name",
                "ID",
                "Start",
                "Finish",
                "Duration",
                "Predecessors",
                "Outline Level",
                "Status",
                "% Complete",
                "Fix versions",
                "",
                "Notes",
                "Key",
                "Summary",
            ]
        ),
        min_size=1,
        max_size=8,
    ),  # fmt: skip
    body=st.lists(st.lists(_CELL, max_size=9), max_size=12),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_messy_sheets_never_crash_the_importer(
    tmp_path_factory: object, header: list[str], body: list[list[object]], delimiter: str
) -> None:
    folder = tmp_path_factory.mktemp("messy")  # type: ignore[attr-defined]
    sheet = write_csv(folder / "m.csv", [header, *body], delimiter=delimiter)
    plan = Plan.open(folder / "p.gantry", create=True)
    try:
        report = prepare(plan, sheet, ImportOptions(release="R")).report
        assert all(p.text() for p in report.problems)
        report.lines()
    finally:
        plan.close()
