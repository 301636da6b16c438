"""Streaming index builds: peak memory and time as the corpus grows, with the encoder taken out of the cost.

Usage: .venv/bin/python bench/stream.py [--sizes 5 40] [--formats jsonl txt] [--dim 32] [--index-type flat]

For each format (one JSONL file; a folder of .txt files, 1,000 per subfolder) and size in MB, writes a synthetic
Arabic corpus (template sentences with varied names and numbers, so every report is distinct) to a temporary
folder, then builds an index of it with :func:`checker.build_index` in a fresh Python process, so each figure is
that build's own peak resident memory (``ru_maxrss``: the interpreter and libraries included, ~35 MB here). The
embedder is a fake: deterministic vectors hashed from the claim text, so time and memory are ingest, claim
splitting and index writes, not the model.

``--dim`` sets the vector width: the default 32 keeps vectors small so the memory that text costs shows; 384 is the
default model's width, where an IVF index's vectors (loaded whole at each commit) dominate at scale. ``--index-type``
defaults to ``flat``: on hashed (unclustered) vectors IVF tuning raises ``nprobe`` towards ``nlist`` and its training
time would swamp the figures (IVF costs are measured by ``bench/run.py``).

Prints one line per build; nothing here is asserted.
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

_PLACES = ["ميناء طرطوس", "مطار معيتيقة", "قاعدة رامشتاين", "مدينة حلب", "سواحل بنغازي", "معبر رفح", "جزيرة كريت"]
_SOURCES = ["وكالة الأنباء الرسمية", "صحيفة الشرق", "مصادر محلية", "المرصد الإقليمي", "قناة الأخبار"]
_SENTENCES = [
    "ذكرت {source} أن {n} شاحنة وصلت إلى {place} صباح يوم {day} بعد رحلة استمرت {m} ساعات.",
    "وقال مسؤول في {place} إن الشحنة رقم {n} تضم معدات طبية ومواد غذائية لنحو {m} ألف شخص.",
    "وأضاف المتحدث أن السلطات فتحت تحقيقا في الحادث الذي وقع قرب {place} مساء {day}.",
    "ونقلت {source} عن شهود عيان قولهم إن {m} سفن رست في {place} خلال الأسبوع الماضي.",
    "وأكدت وزارة الخارجية أن الاجتماع المقبل سيعقد في {place} مطلع الشهر رقم {m}.",
    "في حين نفت {source} أن تكون القوات قد انسحبت من {place} قبل يوم {day}.",
]
_DAYS = ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]


def report_text(n: int, rng: random.Random) -> tuple[str, str]:
    """Title and body of synthetic report ``n`` (5 to 9 sentences, about 0.8–1.4 kB of UTF-8)."""
    place = rng.choice(_PLACES)
    lines = [sentence.format(source=rng.choice(_SOURCES), place=rng.choice(_PLACES), day=rng.choice(_DAYS),
                             n=n, m=rng.randrange(2, 900))
             for sentence in rng.sample(_SENTENCES * 2, rng.randrange(5, 10))]
    return f"تقرير رقم {n} عن {place}", "\n".join(lines)


def write_corpus(folder: Path, kind: str, megabytes: float, seed: int = 0) -> tuple[Path, int]:
    """A corpus of about ``megabytes`` MB in ``folder``: one JSONL file, or .txt files; returns (path, reports)."""
    rng, limit, size, n = random.Random(seed), int(megabytes * 1_000_000), 0, 0
    if kind == "jsonl":
        path = folder / "reports.jsonl"
        with open(path, "w", encoding="utf-8") as out:
            while size < limit:
                title, body = report_text(n, rng)
                line = json.dumps({"title": title, "text": f"{title}\n{body}", "source": "bench"},
                                  ensure_ascii=False) + "\n"
                out.write(line)
                size, n = size + len(line.encode()), n + 1
        return path, n
    path = folder / "reports"
    while size < limit:
        title, body = report_text(n, rng)
        file = path / f"{n // 1000:04d}" / f"r{n:07d}.txt"
        file.parent.mkdir(parents=True, exist_ok=True)
        data = f"{title}\n{body}\n".encode()
        file.write_bytes(data)
        size, n = size + len(data), n + 1
    return path, n


class HashEmbedder:
    """Deterministic unit vectors hashed from each text (no model): the encoder costs ~nothing."""

    def __init__(self, dimension: int) -> None:
        self.dimension = dimension
        self.model_id = f"bench/hash-{dimension}"

    def embed(self, texts: list[str]):
        import hashlib

        import numpy as np

        reps = -(-self.dimension // 64)
        raw = b"".join(hashlib.blake2b(t.encode(), digest_size=64).digest() * reps for t in texts)
        out = np.frombuffer(raw, np.uint8).reshape(len(texts), 64 * reps)[:, :self.dimension].astype(np.float32)
        out -= 127.5
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def child(corpus: str, index: str, dimension: int, index_type: str) -> None:
    """Build one index and print its figures as JSON (runs in its own process)."""
    from checker import Config, build_index

    start = time.perf_counter()
    built = build_index([corpus], index, config=Config(index_type=index_type), embedder=HashEmbedder(dimension))
    elapsed = time.perf_counter() - start
    info = built.info()
    print(json.dumps({"reports": info.reports, "claims": info.claims, "seconds": round(elapsed, 1),
                      "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[5, 40], help="corpus sizes in MB")
    parser.add_argument("--formats", nargs="+", default=["jsonl", "txt"], choices=["jsonl", "txt"])
    parser.add_argument("--dim", type=int, default=32, help="vector width of the fake embedder")
    parser.add_argument("--index-type", default="flat", choices=["auto", "flat", "ivf"])
    parser.add_argument("--child", nargs=2, metavar=("CORPUS", "INDEX"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.dim, args.index_type)
        return
    print(f"# dim {args.dim}, index type {args.index_type}; peak RSS of the build's own process")
    for kind in args.formats:
        for megabytes in args.sizes:
            with tempfile.TemporaryDirectory(prefix="checker-stream-") as tmp:
                corpus, reports = write_corpus(Path(tmp), kind, megabytes)
                done = subprocess.run([sys.executable, __file__, "--child", str(corpus), str(Path(tmp) / "idx"),
                                       "--dim", str(args.dim), "--index-type", args.index_type],
                                      capture_output=True, text=True, check=True)
                figures = json.loads(done.stdout.strip().splitlines()[-1])
                print(f"{kind:5} {megabytes:6.0f} MB  {figures['reports']:7d} reports  {figures['claims']:8d} claims  "
                      f"{figures['seconds']:7.1f} s  peak RSS {figures['peak_rss_mb']:7.1f} MB", flush=True)


if __name__ == "__main__":
    main()
