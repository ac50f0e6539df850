"""The 5x5 risk matrix: a score from likelihood and impact, and the band it falls in.

Score = likelihood x impact, each 1 (rare, minor) to 5 (almost certain, severe). The bands:
low 1-4, medium 5-9, high 10-16, critical 20-25 (no product lies between 16 and 20). So a
5 on one axis stays low only with a 1 on the other (5), a certain but minor risk (5x2) is
medium, and anything severe and likely (4x5) is critical.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from models.changes import RISK_LEVELS

SCALE = range(1, 6)
# The highest score of each band, lowest band first.
BANDS = (("low", 4), ("medium", 9), ("high", 16), ("critical", 25))
LEVEL_COLORS = {"low": "#22c55e", "medium": "#facc15", "high": "#f97316", "critical": "#dc2626"}
LIKELIHOOD_LABELS = ("Rare", "Unlikely", "Possible", "Likely", "Almost certain")
IMPACT_LABELS = ("Minor", "Moderate", "Significant", "Major", "Severe")


def score(likelihood: int, impact: int) -> int:
    if likelihood not in SCALE or impact not in SCALE:
        raise ValueError(f"likelihood and impact run from 1 to 5, not {likelihood}x{impact}")
    return likelihood * impact


def level(likelihood: int, impact: int) -> str:
    value = score(likelihood, impact)
    return next(name for name, top in BANDS if value <= top)


def rank(level_name: str) -> int:
    """0 for low up to 3 for critical: levels compare by rank."""
    return RISK_LEVELS.index(level_name)


def highest(levels: Iterable[str]) -> str | None:
    """The highest of some levels (None for none)."""
    return max(levels, key=rank, default=None)


Cell = tuple[int, int]  # (likelihood, impact)


def cell_counts(cells: Iterable[Cell]) -> dict[Cell, int]:
    """How many risks sit in each cell of the matrix (every cell present, most are 0)."""
    counts = Counter(cells)
    return {(li, im): counts[(li, im)] for li in SCALE for im in SCALE}
