"""Gantry's wheel, installed into a fresh venv outside the checkout, runs from its own files.

The wheel is built and installed without an index. The new venv gets the dependencies by a
.pth line naming this venv's site-packages (the test's own installed packages, not a copy),
while Gantry's packages come only from the wheel: the checkout is never on its import path.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

from app.cli import run
from app.schema import head_revision
from tests.fixed_dates import DEMO_TODAY
from tests.processes import run_bounded

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("app", "ui", "models", "migrations", "resources")


def _checked(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = run_bounded(args, timeout=300, text=True, cwd=cwd, env=env)
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
    return str(result.stdout)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    # A copy, so building never writes build/ or egg-info into the checkout.
    source = work / "source"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", "tests"
        ),
    )
    _checked(
        sys.executable, "-m", "pip", "--isolated", "wheel", "--quiet", "--no-deps",
        "--no-index", "--no-build-isolation", "-w", work / "dist", source,
        cwd=work,
    )  # fmt: skip
    (built,) = (work / "dist").glob("gantry-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("install") / "venv"
    _checked(sys.executable, "-m", "venv", "--without-pip", folder, cwd=folder.parent)
    python = folder / "bin" / "python"
    _checked(
        sys.executable, "-m", "pip", "--isolated", "--python", python, "install", "--quiet",
        "--no-index", "--no-deps", wheel,
        cwd=folder.parent,
    )  # fmt: skip
    site = Path(
        _checked(
            python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=folder
        ).strip()
    )
    (site / "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return folder


@pytest.fixture
def outside(tmp_path: Path) -> dict[str, str]:
    """An environment that cannot reach the checkout: no PYTHONPATH, a private data folder."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(QT_QPA_PLATFORM="offscreen", GANTRY_HOME=str(tmp_path / "home"))
    return env


def test_the_wheel_carries_resources_and_migrations_but_not_screenshots(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder, pattern in [
        ("resources/icons", "*.svg"),
        ("resources/fonts", "*"),
        ("migrations/versions", "*.py"),
    ]:
        shipped = {p.relative_to(ROOT).as_posix() for p in (ROOT / folder).rglob(pattern)}
        assert shipped and shipped <= names, f"{folder}: {sorted(shipped - names)} missing"
    assert {"resources/style.qss", "migrations/env.py", "migrations/script.py.mako"} <= names
    assert not [n for n in names if n.startswith("resources/screenshots")]


def test_the_installed_gantry_imports_from_its_venv(venv: Path, outside: dict[str, str]) -> None:
    code = "; ".join([f"import {p}" for p in PACKAGES] + [f"print({p}.__file__)" for p in PACKAGES])
    files = _checked(venv / "bin" / "python", "-c", code, cwd=venv.parent, env=outside).split()
    assert len(files) == len(PACKAGES)
    for f in files:
        assert Path(f).is_relative_to(venv), f"{f} is not from the installed wheel"


def test_version_demo_and_schedule_run_from_the_install(
    venv: Path, outside: dict[str, str], tmp_path: Path
) -> None:
    gantry = venv / "bin" / "gantry"
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    out = _checked(gantry, "--version", cwd=tmp_path, env=outside)
    assert out == f"gantry {version} (plan schema {head_revision()})\n"

    plan = tmp_path / "demo.gantry"
    _checked(gantry, "demo", plan, "--today", DEMO_TODAY.isoformat(), cwd=tmp_path, env=outside)
    installed = _checked(gantry, "schedule", plan, "--format", "csv", cwd=tmp_path, env=outside)
    # The same plan scheduled by the source tree's code: the install computes the same dates.
    here = io.StringIO()
    assert run(["schedule", str(plan), "--format", "csv"], out=here) == 0
    assert installed.replace("\r\n", "\n") == here.getvalue().replace("\r\n", "\n")
    assert len(installed.splitlines()) > 100


def test_the_installed_window_opens_the_demo_plan(
    venv: Path, outside: dict[str, str], tmp_path: Path
) -> None:
    plan = tmp_path / "demo.gantry"
    gantry = venv / "bin" / "gantry"
    _checked(gantry, "demo", plan, "--today", DEMO_TODAY.isoformat(), cwd=tmp_path, env=outside)
    check = ROOT / "packaging" / "window_check.py"
    out = _checked(
        venv / "bin" / "python", check, plan, tmp_path / "settings.ini", cwd=tmp_path, env=outside
    )
    assert f"ui from: {venv}" in out and "window: demo — Gantry" in out
