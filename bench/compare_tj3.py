"""Compares the engine's dates with TaskJuggler's (tj3) on random FS/SS networks."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.app import tj3_support  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 200, 1000])
    parser.add_argument("--seeds", type=int, default=5, help="networks per size")
    parser.add_argument("--show", type=int, default=10, help="mismatches to print per network")
    args = parser.parse_args()
    if tj3_support.tj3_path() is None:
        print("tj3 is not on PATH (Debian package tj3)", file=sys.stderr)
        return 2
    # "gap days": milestones tj3 shows a day earlier because a positive gap from the start of
    # a day reaches them (tj3 ends a gap at the end of a day; see tests/app/tj3_support.py).
    print(
        f"{'items':>6} {'networks':>8} {'compared':>9} {'milestones':>10} {'mismatches':>10}"
        f" {'gap days':>8} {'tj3 s':>7}"
    )
    totals = [0, 0, 0, 0]
    for size in args.sizes:
        counts = [0, 0, 0, 0]
        started = time.perf_counter()
        for seed in range(args.seeds):
            result = tj3_support.compare(tj3_support.random_network(seed, size))
            found = (
                result.compared,
                result.milestones,
                len(result.mismatches),
                len(result.gap_convention),
            )
            counts = [a + b for a, b in zip(counts, found, strict=True)]
            for line in result.mismatches[: args.show]:
                print(f"  seed {seed}: {line}")
        elapsed = time.perf_counter() - started
        compared, milestones, mismatched, gaps = counts
        print(
            f"{size:>6} {args.seeds:>8} {compared:>9} {milestones:>10} {mismatched:>10}"
            f" {gaps:>8} {elapsed:>7.1f}"
        )
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
    compared, milestones, mismatched, gaps = totals
    print(
        f"total: {compared} items ({milestones} milestones) compared, {mismatched} mismatches;"
        f" {gaps} milestones on the documented gap convention"
    )
    return 1 if mismatched else 0


if __name__ == "__main__":
    sys.exit(main())
