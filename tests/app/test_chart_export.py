"""The chart exported from the demo plan: PDF read back by independent readers, PNG, CLI."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from app.chart_export import ChartRequest, chart_document, current_release, write_chart
from app.cli import run
from app.demo import build_demo
from app.errors import ValidationError
from app.plan import Plan
from app.store import PlanStore, lock_path
from app.timeline import palette
from app.timeline.pages import PAPERS, Fit
from app.timeline.pdf import measure
from app.timeline.png import PNG_WIDTH
from app.timeline.sheet import page_shapes
from tests.fixed_dates import DEMO_TODAY


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (.ci/run installs it)")
    return path


def gantry(*args: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run([str(a) for a in args], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.gantry"
    with PlanStore.open(path, create=True) as store:
        build_demo(store, DEMO_TODAY)
    return path


@pytest.fixture(scope="module")
def demo_pdf(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The demo's current release as a PDF (fit to width, A4), and its item names."""
    out = tmp_path_factory.mktemp("pdf") / "chart.pdf"
    plan = Plan.open(demo, read_only=True)
    try:
        document = chart_document(plan, ChartRequest(), DEMO_TODAY)
        names = [document.content.rows.item(r).name for r in range(len(document.content.rows))]
    finally:
        plan.close()
    assert write_chart(document, out) == [out]
    return out, names


def test_the_current_release_is_the_one_in_progress(demo: Path) -> None:
    plan = Plan.open(demo, read_only=True)
    try:
        assert current_release(plan).status == "in_progress"
    finally:
        plan.close()


def test_pdf_text_is_real_text(demo_pdf: tuple[Path, list[str]]) -> None:
    pdf, names = demo_pdf
    text = subprocess.run(
        [tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.count("\f")
    assert pages >= 2
    for n in range(1, pages + 1):
        assert f"Page {n} of {pages}" in text
    assert "Atlas Platform" in text and "Printed 30 Nov 2026" in text
    # Every row's name is printed in the label column (long ones shortened with an ellipsis).
    flat = " ".join(text.split())
    for name in names:
        assert name in flat or name[:20] in flat, name


def test_pdf_embeds_its_fonts_and_is_well_formed(demo_pdf: tuple[Path, list[str]]) -> None:
    pdf, _ = demo_pdf
    fonts = subprocess.run(
        [tool("pdffonts"), str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert fonts and all("DejaVuSans" in line for line in fonts)
    assert all(line.split()[-5] == "yes" for line in fonts)  # the "emb" column
    subprocess.run([tool("qpdf"), "--check", str(pdf)], capture_output=True, check=True)


def test_pdf_pages_are_landscape_paper(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "a3.pdf"
    code, said, err = gantry("export", "chart", demo, out, "--paper", "a3", "--fit", "tiles")
    assert code == 0, err
    assert "A3 landscape, fit tiles" in said
    info = subprocess.run(
        [tool("pdfinfo"), str(out)], capture_output=True, text=True, check=True
    ).stdout
    width, height = PAPERS["a3"]
    assert f"{width:.2f} x {height:.2f} pts" in info


def test_png_is_one_image_per_page_of_the_expected_size(demo: Path, tmp_path: Path) -> None:
    plan = Plan.open(demo, read_only=True)
    try:
        one = chart_document(plan, ChartRequest(paper="a3"), DEMO_TODAY)
        tiles = chart_document(plan, ChartRequest(fit=Fit.TILES), DEMO_TODAY)
    finally:
        plan.close()
    assert len(one.layout.pages) == 1
    assert write_chart(one, tmp_path / "one.png") == [tmp_path / "one.png"]
    with Image.open(tmp_path / "one.png") as image:
        width, height = PAPERS["a3"]
        assert image.size == (PNG_WIDTH, round(PNG_WIDTH * height / width))
        # Drawn, not blank: the task blue is on the page.
        task_blue = tuple(int(palette.TASK[i : i + 2], 16) for i in (1, 3, 5))
        assert task_blue in {c for _n, c in image.convert("RGB").getcolors(1 << 20) or []}
    written = write_chart(tiles, tmp_path / "tiles.png")
    assert [p.name for p in written] == [f"tiles-{n}.png" for n in range(1, len(written) + 1)]
    assert len(written) == len(tiles.layout.pages) > 1


def test_cli_exit_codes_and_the_plan_stays_as_it_was(demo: Path, tmp_path: Path) -> None:
    before = digest(demo)
    out = tmp_path / "c.pdf"
    code, said, err = gantry(
        "export", "chart", demo, out, "--release", "3.6.0", "--from", "2026-12-14"
    )
    assert code == 0, err
    assert said.startswith(f"Wrote {out}: release Atlas 3.6, 14 Dec 2026 – ")
    assert out.read_bytes().startswith(b"%PDF-")
    # Refused: one sentence, exit 1, nothing written.
    for args, words in (
        (("--from", "2027-01-10", "--to", "2027-01-01"), "before --from"),
        (("--release", "Nope"), "No release named 'Nope'"),
    ):
        bad = tmp_path / "bad.pdf"
        code, _, err = gantry("export", "chart", demo, bad, *args)
        assert code == 1 and words in err and err.count("\n") == 1
        assert not bad.exists()
    code, _, err = gantry("export", "chart", demo, tmp_path / "c.svg")
    assert code == 1 and "as .pdf or .png" in err
    # Usage errors: exit 2.
    assert gantry("export", "chart", demo, out, "--paper", "a5")[0] == 2
    assert gantry("export", "chart", demo, out, "--fit", "height")[0] == 2
    assert gantry("export", "chart", demo, out, "--from", "tomorrow")[0] == 2
    assert gantry("export", "notes", demo, tmp_path / "o.md")[0] == 2
    assert digest(demo) == before
    assert not lock_path(demo).exists()


def test_a_chosen_baseline_is_drawn_under_the_bars_and_named(demo: Path, tmp_path: Path) -> None:
    plan = Plan.open(demo, read_only=True)
    try:
        release = current_release(plan)
        chosen = plan.baselines.rows(release.id)[0]
        planned = plan.baselines.dates(chosen.id)
        plain = chart_document(plan, ChartRequest(), DEMO_TODAY)
        shown = chart_document(plan, ChartRequest(baseline=chosen.name), DEMO_TODAY)
        with pytest.raises(ValidationError, match=f"no baseline named “Nope”.*{chosen.name}"):
            chart_document(plan, ChartRequest(baseline="Nope"), DEMO_TODAY)
    finally:
        plan.close()
    assert plain.content.baseline is None
    assert shown.content.baseline is not None
    some = next(iter(planned))
    assert shown.content.baseline(some) == (planned[some].start, planned[some].finish)
    page = shown.layout.pages[0]
    fills = [
        getattr(s, "fill", None) for s in page_shapes(shown.layout, page, shown.content, measure)
    ]
    assert fills.count(palette.BASELINE) > 1  # bars under the live ones, and the legend's key
    plain_page = plain.layout.pages[0]
    plain_fills = [
        getattr(s, "fill", None)
        for s in page_shapes(plain.layout, plain_page, plain.content, measure)
    ]
    assert palette.BASELINE not in plain_fills
    out = tmp_path / "chart.pdf"
    code, _out, err = gantry("export", "chart", demo, out, "--baseline", chosen.name)
    assert code == 0, err
    text = subprocess.run(
        [tool("pdftotext"), str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert f"baseline “{chosen.name}”" in text and "Baseline" in text
    code, _out, err = gantry("export", "chart", demo, tmp_path / "x.pdf", "--baseline", "Nope")
    assert code == 1 and "no baseline named “Nope”" in err
