"""One benchmark run: encoder, pipeline overhead, check latency by index size, all-pairs discovery, memory, start-up.

Usage: .venv/bin/python bench/run.py [--quick] [--format json]

Sections and their JSON keys (stable; a figure that does not apply is null):

- ``machine``: ``cpus``, ``load_before`` / ``load_after`` (1-minute load average), ``quick``, ``total_s`` (the
  whole run).
- ``seconds``: wall time of each section below, by section name (where a run's time goes).
- ``startup``: ``help_s`` (``checker --help``, median of 3 runs), ``model_load_s`` (fresh process: import,
  load the default model, embed one sentence).
- ``encode``: ``claims`` (the sample corpus's claims, then ANS sentences where ``../shared`` is present; 300,
  quick, or 1,000), ``default_per_s`` (the encoder ``Config()`` resolves to, through the library's own
  seam), ``plain_fp32_per_s`` (sentence-transformers ``encode`` on the same model folder and claims),
  ``speedup`` (default / plain), ``default_model``.
- ``build``: ``claims``, ``build_s`` (``build_index`` of the sample corpus, model loaded), ``encode_s`` (raw
  encode of the same claims), ``overhead`` (build / encode: ingest, claims, chunks and index writes on top).
- ``check_latency``: a list of ``{"claims", "index_type", "seconds", "write_s"}``: one new report (real text, real
  model) checked against synthetic indexes (clustered unit vectors, template claims): ``seconds`` the median and
  ``best_s`` the fastest of 5 warm runs (quick: 3), ``write_s`` the time to write that index;
  ``check_latency_ratio``: ``best_s`` at the largest size / at the middle one (1M / 100k; quick: 50k / 10k); the
  fastest run is the figure least disturbed by other load on a shared machine.
- ``all_pairs``: ``claims``, ``k``, ``index_type`` (what ``auto`` picks at that size), ``checker_s`` (candidate
  discovery over a built index: every claim's k nearest, as unique pairs), ``index_build_s`` (training and filling
  the search structure, part of ``index build``), ``paraphrase_mining_s`` (sentence-transformers
  ``paraphrase_mining_embeddings``, same k), ``speedup`` (discovery), ``speedup_with_build``,
  ``recall_top_pairs`` (share of its top ``top_pairs`` pairs, one per claim, that checker finds), ``top_pairs``.
- ``ivf_real``: IVF forced on real embeddings of ``claims`` sentences (ANS stance data + sample corpus):
  ``nlist``, ``nprobe``, ``recall_at_10`` (measured against exact search).
- ``memory``: ``claims``, ``index_type``, ``rss_bytes_per_claim`` (resident memory a fresh process adds by opening
  the largest index and searching it, per stored claim: the FAISS file is memory-mapped),
  ``rss_bytes_per_claim_all_vectors`` (after also loading every vector, as all-pairs discovery does),
  ``disk_bytes_per_claim``.
- ``commit``: one chunk of ``claims_added`` synthetic claims committed into the largest index (1M; quick: 50k, IVF
  at both), measured in a fresh process by ``bench/commit.py`` (its docstring has the keys): ``disk`` (checker's
  commit, written on disk) and ``in_memory`` (the stored index loaded, extended and written whole, as IVF commits
  were before), each with ``seconds``, ``peak_anon_bytes`` and ``anon_bytes_per_stored_claim``; ``memory_ratio``
  (in-memory peak / disk peak).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "reports"
REPORT = SAMPLE / "000_715df48419231d69.txt"
ANS = ROOT.parent / "shared" / "data" / "ans" / "stance_train.csv"
sys.path.insert(0, str(ROOT))


def synthetic_vectors(n: int, d: int, seed: int = 0) -> np.ndarray:
    """Unit vectors shaped like multilingual-e5-small embeddings of news claims.

    A shared direction, topics (~500 claims), events (~10 claims) and noise, weighted so that
    random pairs have cosine ≈ 0.78, same-topic ≈ 0.84, same-event ≈ 0.92: measured on 700 real
    claims (ANS + sample corpus), random pairs 0.81 median and nearest neighbours 0.95.
    """
    rng = np.random.default_rng(seed)
    topics = rng.normal(size=(max(1, n // 500), d))
    events = rng.normal(size=(max(1, n // 10), d))
    event_topic = rng.integers(0, len(topics), len(events))
    shared = rng.normal(size=d)
    out = np.empty((n, d), np.float32)
    for start in range(0, n, 100_000):  # in blocks: bounded temporary memory at 1M
        m = min(n, start + 100_000) - start
        ev = rng.integers(0, len(events), m)
        block = 0.883 * shared + 0.245 * topics[event_topic[ev]] + 0.283 * events[ev] + 0.283 * rng.normal(size=(m, d))
        out[start:start + m] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def write_synthetic_index(folder: Path, vectors: np.ndarray, model_id: str, per_doc: int = 20, first: int = 0
                          ) -> float:
    """An index of template claims over ``vectors`` (added to it if it exists); returns seconds taken.

    ``first`` numbers the first report, so that a later call adds reports instead of repeating them.
    """
    from checker.read.claims import Attribution, Claim
    from checker.read.ingest import Document
    from checker.store.index import Index

    start = time.perf_counter()
    docs, claims = [], []
    for d in range(first, first + len(vectors) // per_doc):
        lines = [f"ذكرت وكالة رقم {d} أن الشحنة {d}-{k} وصلت إلى الميناء {k} صباح اليوم." for k in range(per_doc)]
        text = "\n".join(lines)
        doc = Document(f"doc{d:08d}", f"synthetic/{d}.txt", f"t{d}", text, f"وكالة {d}")
        docs.append(doc)
        offset = 0
        for k, line in enumerate(lines):
            claims.append(Claim(f"c{d:08d}{k:03d}", doc.id, doc.path, line, (offset, offset + len(line)), k + 1,
                                Attribution(f"وكالة رقم {d}", "reported", None, f"k{d}"), (0, len(line))))
            offset += len(line) + 1
    Index.write(folder, model_id, docs, claims, vectors[: len(claims)])
    return time.perf_counter() - start


def default_embedder():
    """The embedder the library resolves from ``Config()`` (whatever the default encoder path is)."""
    from checker.api import Checker

    return Checker().embedder


def sample_claims() -> list[str]:
    from checker.read.claims import split_claims
    from checker.read.ingest import read_paths

    return [c.proposition for d in read_paths([SAMPLE]).documents for c in split_claims(d)]


def startup() -> dict:
    exe = Path(sys.executable).with_name("checker")
    times = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([str(exe), "--help"], capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    code = (f"import sys, time; sys.path.insert(0, {str(ROOT)!r}); t = time.perf_counter(); from bench.run import "
            "default_embedder; default_embedder().embed(['x']); print(time.perf_counter() - t)")
    load = float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                cwd=ROOT).stdout.split()[-1])
    return {"help_s": round(statistics.median(times), 3), "model_load_s": round(load, 2)}


def encode(embedder, texts: list[str]) -> dict:
    from checker.embed.st import _load_st, default_model_dir

    plain = _load_st(str(default_model_dir(embedder.cache_dir)))
    plain.encode(texts[:8])
    embedder.embed(texts[:8])
    start = time.perf_counter()
    embedder.embed(texts)
    default = time.perf_counter() - start
    start = time.perf_counter()
    plain.encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
    baseline = time.perf_counter() - start
    return {"claims": len(texts), "default_per_s": round(len(texts) / default, 1),
            "plain_fp32_per_s": round(len(texts) / baseline, 1), "speedup": round(baseline / default, 2),
            "default_model": embedder.model_id}


def build(embedder, texts: list[str]) -> dict:
    from checker.api import build_index

    start = time.perf_counter()
    embedder.embed(texts)
    raw = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        build_index([SAMPLE], Path(tmp) / "idx", embedder=embedder)
        total = time.perf_counter() - start
    return {"claims": len(texts), "build_s": round(total, 2), "encode_s": round(raw, 2),
            "overhead": round(total / raw, 2)}


def check_latency(embedder, sizes: list[int], folder: Path, runs: int = 3) -> list[dict]:
    import checker
    from checker.store.index import Index

    rows = []
    for size in sizes:
        path = folder / f"idx{size}"
        write_s = write_synthetic_index(path, synthetic_vectors(size, embedder.dimension), embedder.model_id)
        checker.check([REPORT], against=path, embedder=embedder)  # warm: page cache, mmap
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            checker.check([REPORT], against=path, embedder=embedder)
            times.append(time.perf_counter() - start)
        rows.append({"claims": size, "index_type": Index.open(path).info().index_type,
                     "seconds": round(statistics.median(times), 3), "best_s": round(min(times), 3),
                     "write_s": round(write_s, 1)})
    return rows


def all_pairs(n: int, k: int = 10, d: int = 384) -> dict:
    import torch
    from sentence_transformers.util import paraphrase_mining_embeddings

    from checker import ann
    from checker.judge.pairs import pairs_from_vectors

    vectors = synthetic_vectors(n, d, seed=1)
    start = time.perf_counter()
    index, params = ann.build(vectors, ann.choose_kind("auto", n))
    build_s = time.perf_counter() - start
    start = time.perf_counter()
    ours = pairs_from_vectors(vectors, k=k, search_index=index)
    ours_s = time.perf_counter() - start
    start = time.perf_counter()
    theirs = paraphrase_mining_embeddings(torch.from_numpy(vectors), top_k=k, max_pairs=10 * n)
    theirs_s = time.perf_counter() - start
    top = {(min(i, j), max(i, j)) for _, i, j in theirs[:n]}
    found = {(i, j) for i, j, _ in ours}
    return {"claims": n, "k": k, "index_type": params.faiss_type, "checker_s": round(ours_s, 2),
            "index_build_s": round(build_s, 2), "paraphrase_mining_s": round(theirs_s, 2),
            "speedup": round(theirs_s / ours_s, 1), "speedup_with_build": round(theirs_s / (ours_s + build_s), 1),
            "recall_top_pairs": round(len(top & found) / len(top), 4), "top_pairs": len(top)}


def real_texts(limit: int) -> list[str]:
    """The sample corpus's claims, then ANS sentences where ``../shared`` is present, ``limit`` at most."""
    texts = sample_claims()
    if ANS.is_file():
        with open(ANS, encoding="utf-8") as handle:
            texts += dict.fromkeys(t for row in csv.DictReader(handle) for t in (row["s1"], row["s2"]))
    return texts[:limit]


def ivf_real(embedder, limit: int) -> dict:
    from checker import ann

    texts = real_texts(limit)
    vectors = embedder.embed(texts)
    _, params = ann.build(vectors, "ivf")
    return {"claims": len(texts), "nlist": params.nlist, "nprobe": params.nprobe,
            "recall_at_10": params.recall_at_10}


_RSS = "int(open('/proc/self/statm').read().split()[1]) * resource.getpagesize()"


def memory(path: Path) -> dict:
    """Resident memory a fresh process adds per stored claim: to serve checks, and holding every vector."""
    from checker.store.index import Index

    info = Index.open(path).info()
    code = (f"import resource, sys, numpy as np; sys.path.insert(0, {str(ROOT)!r}); "
            "from checker.store.index import Index; "
            f"import faiss; before = {_RSS}; i = Index.open({str(path)!r}); "
            "q = np.random.default_rng(0).normal(size=(30, i.manifest['dimension'])).astype('float32'); "
            "q /= np.linalg.norm(q, axis=1, keepdims=True); rows, _ = i.neighbours(q, 24, set()); i.claims(rows); "
            f"serve = {_RSS} - before; v = i.vectors(); print(serve, {_RSS} - before)")
    serve, everything = map(int, subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                                check=True).stdout.split()[-2:])
    return {"claims": info.claims, "index_type": info.index_type,
            "rss_bytes_per_claim": round(serve / info.claims, 1),
            "rss_bytes_per_claim_all_vectors": round(everything / info.claims, 1),
            "disk_bytes_per_claim": info.disk_bytes_per_claim}


def commit(path: Path, claims: int) -> dict:
    """One commit into the index at ``path``, on disk and in memory, each in a fresh process (bench/commit.py)."""
    out = {}
    for mode, flags in (("disk", []), ("in_memory", ["--in-memory"])):
        done = subprocess.run([sys.executable, str(ROOT / "bench" / "commit.py"), str(path), "--claims", str(claims),
                               "--format", "json", *flags], capture_output=True, text=True, check=True)
        out[mode] = json.loads(done.stdout.splitlines()[-1])
    out["memory_ratio"] = round(out["in_memory"]["peak_anon_bytes"] / max(1, out["disk"]["peak_anon_bytes"]), 1)
    return out


def run(quick: bool) -> dict:
    """Every section; ``quick`` shrinks sizes so the whole run takes under two minutes."""
    started = time.perf_counter()
    result: dict = {"machine": {"cpus": os.cpu_count(), "load_before": round(os.getloadavg()[0], 2), "quick": quick}}
    seconds: dict[str, float] = {}

    def timed(name: str, make):
        start = time.perf_counter()
        result[name] = make()
        seconds[name] = round(time.perf_counter() - start, 1)

    timed("startup", startup)
    embedder = default_embedder()
    timed("encode", lambda: encode(embedder, real_texts(300 if quick else 1000)))
    timed("build", lambda: build(embedder, sample_claims()))
    sizes = [1_000, 10_000, 50_000] if quick else [10_000, 100_000, 1_000_000]
    with tempfile.TemporaryDirectory() as tmp:
        timed("check_latency", lambda: check_latency(embedder, sizes, Path(tmp), 3 if quick else 5))
        result["check_latency_ratio"] = round(result["check_latency"][-1]["best_s"]
                                              / result["check_latency"][1]["best_s"], 2)
        timed("memory", lambda: memory(Path(tmp) / f"idx{sizes[-1]}"))
        timed("commit", lambda: commit(Path(tmp) / f"idx{sizes[-1]}", 5_000 if quick else 20_000))
    timed("all_pairs", lambda: all_pairs(10_000 if quick else 100_000))
    timed("ivf_real", lambda: ivf_real(embedder, 200 if quick else 3000))
    result["machine"]["load_after"] = round(os.getloadavg()[0], 2)
    result["machine"]["total_s"] = round(time.perf_counter() - started, 1)
    result["seconds"] = seconds
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes; under two minutes")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    args = parser.parse_args()
    result = run(args.quick)
    if args.format == "json":
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return
    for section, value in result.items():
        rows = value if isinstance(value, list) else [value]
        for row in rows:
            text = ", ".join(f"{k}={v}" for k, v in row.items()) if isinstance(row, dict) else row
            print(f"{section:>20}: {text}")


if __name__ == "__main__":
    main()
