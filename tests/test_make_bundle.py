"""packaging/make-bundle's own logic: target-platform markers, installers, INSTALL.txt.

Building a real bundle needs a package index; .ci/run does that and installs it offline.
"""

from __future__ import annotations

import importlib.util
import sys
from importlib.machinery import SourceFileLoader
from pathlib import Path
from types import ModuleType

import pytest

from tests.processes import run_bounded

ROOT = Path(__file__).resolve().parent.parent
# SQLAlchemy 2.0's own requirement: greenlet on some machines only (not on Apple silicon).
GREENLET = (
    'greenlet>=1; platform_machine == "aarch64" or (platform_machine == "ppc64le" or '
    '(platform_machine == "x86_64" or (platform_machine == "amd64" or (platform_machine == '
    '"AMD64" or (platform_machine == "win32" or platform_machine == "WIN32")))))'
)


@pytest.fixture(scope="module")
def make_bundle() -> ModuleType:
    loader = SourceFileLoader("make_bundle", str(ROOT / "packaging" / "make-bundle"))
    spec = importlib.util.spec_from_loader("make_bundle", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_bundle"] = module  # dataclasses look their module up by name
    loader.exec_module(module)
    return module


def _resolved(m: ModuleType, name: str, *requires: str) -> object:
    return m.Resolved(name, "1.0", f"{name}-1.0-py3-none-any.whl", "", requires)


@pytest.mark.parametrize(
    ("platform", "needs_greenlet"),
    [("linux-x86_64", True), ("win-amd64", True), ("macos-arm64", False)],
)
def test_requirements_follow_the_target_platform_not_this_machine(
    make_bundle: ModuleType, platform: str, needs_greenlet: bool
) -> None:
    m = make_bundle
    found = {
        "sqlalchemy": _resolved(m, "sqlalchemy", GREENLET, "typing-extensions>=4.6"),
        "greenlet": _resolved(m, "greenlet"),
        "typing-extensions": _resolved(m, "typing-extensions"),
    }
    env = m.marker_environment(m.PLATFORMS[platform], "3.11")
    needed, missing = m._closure(["sqlalchemy>=2.0"], found, env)
    assert missing == []
    assert needed == {"sqlalchemy", "typing-extensions"} | (
        {"greenlet"} if needs_greenlet else set()
    )


def test_a_requirement_only_the_target_has_is_named_for_a_second_resolution(
    make_bundle: ModuleType,
) -> None:
    m = make_bundle
    found = {"tool": _resolved(m, "tool", 'colorama>=0.4; sys_platform == "win32"')}
    windows = m.marker_environment(m.PLATFORMS["win-amd64"], "3.11")
    linux = m.marker_environment(m.PLATFORMS["linux-x86_64"], "3.11")
    assert m._closure(["tool"], found, windows) == ({"tool"}, ["colorama>=0.4"])
    assert m._closure(["tool"], found, linux) == ({"tool"}, [])


def test_a_requested_extra_brings_what_it_marks(make_bundle: ModuleType) -> None:
    m = make_bundle
    found = {
        "pyhanko": _resolved(
            m, "pyhanko", "asn1crypto>=1.5", 'uharfbuzz>=0.25; extra == "opentype"'
        ),
        "asn1crypto": _resolved(m, "asn1crypto"),
        "uharfbuzz": _resolved(m, "uharfbuzz"),
    }
    linux = m.marker_environment(m.PLATFORMS["linux-x86_64"], "3.11")
    assert m._closure(["pyhanko[opentype]>=0.25"], found, linux)[0] == set(found)
    assert m._closure(["pyhanko>=0.25"], found, linux)[0] == {"pyhanko", "asn1crypto"}


@pytest.mark.parametrize("platform", ["linux-x86_64", "macos-arm64", "win-amd64"])
def test_each_bundle_gets_its_installer_and_instructions(
    make_bundle: ModuleType, platform: str, tmp_path: Path
) -> None:
    m = make_bundle
    m._write_installer(tmp_path, platform, "9.9.9", "3.12")
    text = m._install_text("9.9.9", platform, "3.12", m.PLATFORMS[platform], 22, 101_040_000)
    assert "Size:    101.0 MB, 22 wheels" in text and "Python 3.12" in text
    if platform == "win-amd64":
        script = (tmp_path / "install.cmd").read_bytes()
        assert b"\r\n" in script and b'set "PYTHON=py -3.12"' in script
        assert b"--no-index" in script and b"--require-hashes" in script
        return
    script_path = tmp_path / "install.sh"
    assert script_path.stat().st_mode & 0o111
    script = script_path.read_text()
    assert "--no-index" in script and "--require-hashes" in script and "python3.12" in script
    assert run_bounded(["sh", "-n", script_path], timeout=30).returncode == 0
    linux = platform.startswith("linux")
    assert ("gantry.desktop" in script) == linux and ("application menu" in text) == linux
    assert (tmp_path / "gantry.svg").exists() == linux
