"""What a Checker saves across calls: the first and second ``Checker().check("examples/reports")`` in one process.

Usage: .venv/bin/python bench/checker_reuse.py [--model NAME]

The first call loads the model (and the judge's word lists and gazetteer); the second reads, splits and judges
again with the model loaded and the claim vectors cached by text. A third call, on a Checker that keeps no
vectors (``vector_cache=0``) but shares the loaded model, shows the part the vector cache saves. Prints one line
per figure; nothing here is asserted (the goal is a second call under 30% of the first).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="model name or folder [default: the configured default]")
    args = parser.parse_args()
    os.chdir(ROOT)
    from checker import Checker

    checker = Checker(args.model)
    first = timed(lambda: checker.check("examples/reports"))
    second = timed(lambda: checker.check("examples/reports"))
    uncached = Checker(args.model, vector_cache=0)
    third = timed(lambda: uncached.check("examples/reports"))
    print(f"model {checker.embedder.model_id}")
    print(f"first call  {first:6.2f} s (loads the model)")
    print(f"second call {second:6.2f} s  ratio {second / first:.0%}")
    print(f"second call without the vector cache {third:6.2f} s  ratio {third / first:.0%}")


if __name__ == "__main__":
    main()
