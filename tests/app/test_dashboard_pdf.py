"""`gantry export metrics`: the dashboard on one A4 landscape page, read back with poppler
(pdftotext, pdfinfo, pdffonts) and checked by qpdf; its figures are app.metrics'."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from app.cli import run
from app.demo import build_demo
from app.metrics import metrics
from app.metrics_report import CARDS, figure, percent
from app.plan import Plan
from app.store import PlanStore
from tests.fixed_dates import DEMO_TODAY
from tests.processes import run_bounded

FIRST = DEMO_TODAY - dt.timedelta(days=363)  # the Dashboard tab's "Last 52 weeks"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dashboard") / "demo.gantry"
    with PlanStore.open(path, create=True) as store:
        build_demo(store, DEMO_TODAY)
    return path


def tool(*args: str | Path) -> str:
    return str(run_bounded(args, timeout=120, check=True).stdout.decode())


def export(demo: Path, out: Path, *more: str) -> str:
    printed = io.StringIO()
    code = run(
        ["export", "metrics", str(demo), str(out), "--from", FIRST.isoformat()]
        + ["--to", DEMO_TODAY.isoformat(), *more],
        printed,
    )
    assert code == 0
    return printed.getvalue()


def words(text: str) -> str:
    """The text with runs of white space as one space: columns are laid out, not typed."""
    return " ".join(text.split())


def test_the_page_has_the_figures_as_app_metrics_computes_them(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "dashboard.pdf"
    said = export(demo, out)
    assert said.startswith(f"Wrote {out}: all releases, {FIRST.isoformat()} to 2026-11-30, ")
    plan = Plan.open(demo, read_only=True)
    try:
        report = metrics(plan, DEMO_TODAY, None, FIRST, DEMO_TODAY)
    finally:
        plan.close()
    text = words(tool("pdftotext", out, "-"))
    assert "Delivery metrics — Atlas Platform · all releases" in text
    assert f"Production deployments from {FIRST.isoformat()} to 2026-11-30 (52.0 weeks)" in text
    m = report.plan
    assert m.deployments > 10  # the demo's year of history: there is something to show
    assert f"{m.deployments} deployments, {m.succeeded} succeeded, {m.failed} failed" in text
    # The cards stand side by side: their titles make one line of text, their values the next
    # (compared without spaces: pdftotext may drop the narrow one in "7 %").
    assert " ".join(card.title for card in CARDS) in text
    values = "".join(card.text(card.value(m)) for card in CARDS)
    assert values.replace(" ", "") in text.replace(" ", "")
    # Rows stay rows in the layout mode; spaces are left out as for the cards.
    table = "".join(tool("pdftotext", "-layout", out, "-").split())
    for release in report.releases:
        r = release.measures
        row = (
            f"{release.name} {r.deployments} {r.succeeded} {r.failed} "
            f"{figure(r.deployment_frequency)} {figure(r.lead_time_days, ' d', 1)} "
            f"{percent(r.change_failure_rate)}"
        )
        assert row.replace(" ", "") in table, row
    for heading in ("Production deployments by month", "Median lead time", "Change failure rate"):
        assert heading in text
    info = dict(line.split(":", 1) for line in tool("pdfinfo", out).splitlines() if ":" in line)
    assert info["Pages"].strip() == "1"
    width, height = (float(x) for x in info["Page size"].split("pts")[0].split(" x "))
    assert (round(width), round(height)) == (842, 595)  # A4 landscape
    fonts = [line.split() for line in tool("pdffonts", out).splitlines()[2:]]
    assert fonts and all(f[-5] == "yes" for f in fonts), fonts  # every font embedded
    assert all("DejaVuSans" in f[0] for f in fonts)
    checked = run_bounded(["qpdf", "--check", out], timeout=120)
    assert checked.returncode == 0, checked.stdout


def test_one_release_is_named_and_measured_alone(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "one.pdf"
    export(demo, out, "--release", "Atlas 3.2")
    plan = Plan.open(demo, read_only=True)
    try:
        report = metrics(plan, DEMO_TODAY, "Atlas 3.2", FIRST, DEMO_TODAY)
    finally:
        plan.close()
    text = words(tool("pdftotext", out, "-"))
    assert "Delivery metrics — Atlas Platform · Atlas 3.2" in text
    values = "".join(card.text(card.value(report.plan)) for card in CARDS)
    assert values.replace(" ", "") in text.replace(" ", "")
    assert report.plan.failed == 1  # its rollback, restored the next evening
    assert "Atlas 3.3" not in text


def test_a_wrong_suffix_or_an_empty_period_is_refused(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["export", "metrics", str(demo), str(tmp_path / "d.png")], io.StringIO()) == 1
    assert "written as a PDF" in capsys.readouterr().err
    args = ["export", "metrics", str(demo), str(tmp_path / "d.pdf")]
    assert run([*args, "--from", "2026-06-01", "--to", "2026-05-01"], io.StringIO()) == 1
    assert "before --from" in capsys.readouterr().err
    assert not (tmp_path / "d.pdf").exists()
