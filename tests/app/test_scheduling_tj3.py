"""Cross-checks the engine's dates against TaskJuggler (tj3) on small seeded networks."""

from __future__ import annotations

import pytest

from tests.app.tj3_support import compare, random_network, tj3_path, to_tjp

pytestmark = pytest.mark.skipif(
    tj3_path() is None, reason="tj3 (TaskJuggler, Debian package tj3) is not on PATH"
)


@pytest.mark.parametrize(("seed", "size"), [(1, 30), (2, 45), (3, 60)])
def test_random_fs_ss_network_matches_taskjuggler(seed: int, size: int) -> None:
    result = compare(random_network(seed, size))
    assert result.compared == size
    assert result.mismatches == ()


def test_generated_networks_exercise_lags_holidays_and_start_bounds() -> None:
    network = random_network(3, 60)
    source = to_tjp(network, network.holidays[-1])
    assert "onstart" in source and "gaplength" in source and "leaves holiday" in source
    assert any(item.not_before and item.not_before.weekday() >= 5 for item in network.items)
    assert any(item.kind == "milestone" for item in network.items)
