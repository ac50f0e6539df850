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
    print(f"{'items':>6} {'networks':>8} {'compared':>9} {'mismatches':>10} {'tj3 s':>7}")
    compared = mismatched = 0
    for size in args.sizes:
        size_compared = size_mismatched = 0
        started = time.perf_counter()
        for seed in range(args.seeds):
            result = tj3_support.compare(tj3_support.random_network(seed, size))
            size_compared += result.compared
            size_mismatched += len(result.mismatches)
            for line in result.mismatches[: args.show]:
                print(f"  seed {seed}: {line}")
        elapsed = time.perf_counter() - started
        print(f"{size:>6} {args.seeds:>8} {size_compared:>9} {size_mismatched:>10} {elapsed:>7.1f}")
        compared += size_compared
        mismatched += size_mismatched
    print(f"total: {compared} items compared, {mismatched} mismatches")
    return 1 if mismatched else 0


if __name__ == "__main__":
    sys.exit(main())
