"""Memory and time of one commit (one chunk of ``index build`` or ``index add``) into a stored index.

Usage: .venv/bin/python bench/commit.py INDEX [--claims N] [--in-memory] [--retrain] [--format json]

Adds ``N`` synthetic claims (default 20,000) to the index at INDEX, as a chunk of a build does, and
prints: ``claims_stored`` (before the commit), ``claims_added``, ``index_type`` (after), ``retrained``,
``seconds``, ``peak_anon_bytes`` (the most anonymous memory, ``RssAnon``, the process held above what it
held before the commit, sampled every 5 ms; memory-mapped file pages are page cache and not counted),
``anon_bytes_per_stored_claim`` and ``mode`` (``disk``: checker's commit; ``in-memory``: the stored index
loaded, extended and written whole, as commits into an IVF index did before). The index keeps the claims.
``--retrain`` first lowers the manifest's ``trained_on`` so that this commit retrains the IVF cells, as the
commit after 4× growth does (a benchmark device: the index stays valid, it is only retrained earlier).
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def rss_anon() -> int:
    """Anonymous resident memory of this process, in bytes (Linux)."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) * 1024
    raise OSError("no RssAnon in /proc/self/status (Linux only)")


class PeakSampler:
    """The highest :func:`rss_anon` seen while the ``with`` block runs, sampled on a thread."""

    def __init__(self, interval: float = 0.005) -> None:
        self.interval, self.peak, self._stop = interval, 0, threading.Event()

    def __enter__(self) -> PeakSampler:
        self.peak = rss_anon()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, rss_anon())

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_anon())


def commit(path: Path, claims: int, in_memory: bool = False, retrain: bool = False) -> dict:
    """One commit of ``claims`` synthetic claims into the index at ``path``; the figures the module docstring lists."""
    from bench.run import synthetic_vectors, write_synthetic_index
    from checker import ann
    from checker.store.index import MANIFEST, Index

    if retrain:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        manifest["search"]["trained_on"] = manifest["claims"] // (2 * ann.RETRAIN_GROWTH)
        (path / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    before = Index.open(path)
    stored, params, model_id = before.info().claims, before.search_params, before.model_id
    vectors = synthetic_vectors(claims, before.manifest["dimension"], seed=stored)
    if in_memory:
        ann.extend_file = lambda *args, **kwargs: None  # the fallback: load, extend, write
    first = len(before.report_ids()) + 10_000_000  # report numbers no synthetic index has used
    del before
    baseline = rss_anon()
    with PeakSampler() as sampler:
        start = time.perf_counter()
        write_synthetic_index(path, vectors, model_id, first=first)
        seconds = time.perf_counter() - start
    after = Index.open(path)
    return {"claims_stored": stored, "claims_added": claims, "index_type": after.info().index_type,
            "retrained": after.search_params.trained_on != params.trained_on, "seconds": round(seconds, 2),
            "peak_anon_bytes": sampler.peak - baseline,
            "anon_bytes_per_stored_claim": round((sampler.peak - baseline) / max(1, stored), 1),
            "mode": "in-memory" if in_memory else "disk"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--claims", type=int, default=20_000)
    parser.add_argument("--in-memory", action="store_true", help="load the stored index whole (the old commit)")
    parser.add_argument("--retrain", action="store_true", help="make this commit retrain the IVF cells")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    args = parser.parse_args()
    result = commit(args.index, args.claims, args.in_memory, args.retrain)
    print(json.dumps(result) if args.format == "json" else ", ".join(f"{k}={v}" for k, v in result.items()))


if __name__ == "__main__":
    main()
