"""The demo plan (a product team's three releases) and synthetic plans for benchmarks."""

from app.demo.plan import build_demo
from app.demo.synthetic import build_synthetic

__all__ = ["build_demo", "build_synthetic"]
