"""Latency of checking one new report against stored indexes of 10k and 100k synthetic claims.

Usage: .venv/bin/python bench/check_latency.py [--sizes 10000 100000]

Stored claims are synthetic (random unit vectors and template texts, so no encoding is needed to build the
index); the new report is the sample corpus's 000 report, encoded with the real default model. Prints figures.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def synthetic_index(folder: Path, size: int, model_id: str, dim: int) -> None:
    from checker.claims import Attribution, Claim
    from checker.index import Index
    from checker.ingest import Document

    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(size, dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    per_doc = 20
    docs, claims = [], []
    for d in range(size // per_doc):
        text = "\n".join(f"ذكرت وكالة رقم {d} أن الشحنة {d}-{k} وصلت إلى الميناء {k} صباح اليوم." for k in range(per_doc))
        doc = Document(f"doc{d:08d}", f"synthetic/{d}.txt", f"t{d}", text, f"وكالة {d}")
        docs.append(doc)
        for k, line in enumerate(text.split("\n")):
            start = text.index(line)
            claims.append(Claim(f"c{d:08d}{k:03d}", doc.id, doc.path, line, (start, start + len(line)), k + 1,
                                Attribution(f"وكالة رقم {d}", "reported", None, f"k{d}"), (0, len(line))))
    Index.write(folder, model_id, docs, claims, vectors[: len(claims)])


def main() -> None:
    import checker
    from checker.embed import SentenceTransformerEmbedder

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    embedder = SentenceTransformerEmbedder()
    embedder.embed(["warm up"])
    report = ROOT / "examples" / "reports" / "000_715df48419231d69.txt"
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            synthetic_index(Path(tmp) / "idx", size, embedder.model_id, embedder.dimension)
            built = time.perf_counter() - start
            start = time.perf_counter()
            result = checker.check([report], against=Path(tmp) / "idx", embedder=embedder)
            elapsed = time.perf_counter() - start
            print(f"{size:>8} stored claims: check of one report ({len(result.claims)} claims) {elapsed:.2f} s; "
                  f"synthetic index written in {built:.1f} s")


if __name__ == "__main__":
    main()
