"""One very large report through ``checker check``: time and peak memory as the report grows, the encoder taken out.

Usage: .venv/bin/python bench/large_report.py [--sizes 5 10 20 50] [--dim 32]

For each size in MB, writes one synthetic Arabic ``.txt`` report of that size (the template sentences of
``bench/stream.py``, every sentence distinct, so the cleaner keeps them all) and runs :func:`checker.check` on it
in a fresh Python process, so each figure is that run's own peak resident memory (``ru_maxrss``: interpreter and
libraries included). The embedder is a fake (vectors hashed from the claim text, ``--dim`` wide), so the figures
are reading, cleaning, claim splitting, candidate search and judging, not the model. Stage times are printed too
(read+split, embed, judge), so a part that grows faster than the report shows.

Prints one line per run; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the checkout this script belongs to, not whichever checker is installed
sys.path.insert(0, str(ROOT / "bench"))


def write_report(path: Path, megabytes: float, seed: int = 0) -> int:
    """One report of about ``megabytes`` MB at ``path``; returns its size in bytes."""
    from stream import report_text

    rng, limit, size, n = random.Random(seed), int(megabytes * 1_000_000), 0, 0
    with open(path, "w", encoding="utf-8") as out:
        out.write("تقرير طويل جدا عن الأحداث\n")
        while size < limit:
            _, body = report_text(n, rng)
            out.write(body + "\n\n")
            size += len(body.encode("utf-8")) + 2
            n += 1
    return path.stat().st_size


def run_one(path: str, dim: int) -> dict:
    """Check one report in this process; returns the figures."""
    import hashlib

    import numpy as np

    import checker.api as api
    from checker import check

    class Hashed:
        model_id = f"bench/hashed-{dim}"
        dimension = dim

        def embed(self, texts: list[str]) -> np.ndarray:
            out = np.empty((len(texts), dim), np.float32)
            for row, text in enumerate(texts):
                seed = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")
                out[row] = np.random.default_rng(seed).standard_normal(dim)
            return out / np.linalg.norm(out, axis=1, keepdims=True)

    stages: dict[str, float] = {}
    timed = {"read_inputs": api.read_inputs, "split_corpus": api.split_corpus, "judge_claims": api.judge_claims}

    def clock(name, func):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                stages[name] = stages.get(name, 0.0) + time.perf_counter() - start
        return wrapper

    for name, func in timed.items():
        setattr(api, name, clock(name, func))
    embedder = Hashed()
    embedder.embed = clock("embed", embedder.embed)
    shown = []
    start = time.perf_counter()
    report = check([path], embedder=embedder, progress=lambda stage, done, total: shown.append(stage))
    seconds = time.perf_counter() - start
    return {"seconds": round(seconds, 1), "claims": len(report.claims), "findings": len(report.findings),
            "warnings": len(report.warnings), "skipped": len(report.skipped),
            "stages": {k: round(v, 1) for k, v in stages.items()}, "progress_stages": sorted(set(shown)),
            "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[5, 10, 20, 50], help="report sizes in MB")
    parser.add_argument("--dim", type=int, default=32, help="vector width of the fake encoder [default: 32]")
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)  # internal: PATH DIM, run in this process
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one[0], int(args.one[1]))))
        return
    with tempfile.TemporaryDirectory() as tmp:
        for megabytes in args.sizes:
            path = Path(tmp) / f"report-{megabytes:g}mb.txt"
            size = write_report(path, megabytes)
            done = subprocess.run([sys.executable, __file__, "--one", str(path), str(args.dim)], capture_output=True,
                                  text=True, check=True)
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"{size / 1e6:6.1f} MB  {figures['claims']:>8,} claims  {figures['seconds']:7.1f} s  "
                  f"peak {figures['peak_mb']:7.1f} MB  stages {figures['stages']}  findings {figures['findings']}  "
                  f"progress {figures['progress_stages']}", flush=True)
            path.unlink()


if __name__ == "__main__":
    main()
