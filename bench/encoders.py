"""Figures for the named encoders: throughput, agreement with fp32 e5, cosine AUC on ANS dev.

Usage: .venv/bin/python bench/encoders.py [--models e5-small-int8,use-multilingual-int8] [--repeat 3]
                                          [--threads N] [--judge]

For each encoder (the fp32 default is always measured first, as the baseline), on the sample corpus's
claims and the distinct ANS dev sentences (../shared/data/ans/stance_dev.csv):
- texts/s encoding the ANS sentences (best of --repeat runs, after a warm-up), and the ratio to fp32;
- for e5 variants, cosine to the fp32 vectors (min, mean) on both text sets;
- cosine AUC on ANS dev pairs: same-event pairs (agree/disagree) against 'other' pairs, agree
  pairs against randomly re-paired sentences (seed 13), and agree against disagree pairs.
--judge adds `checker eval` metrics on ANS dev with each encoder's stored pair scorer (the e5 variants read the
fp32-trained one; use-multilingual-int8 its sentence head).
Throughput on a shared machine is noisy: the load average is printed beside the figures.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
ANS_DEV = ROOT.parent / "shared" / "data" / "ans" / "stance_dev.csv"


def auc(positive: np.ndarray, negative: np.ndarray) -> float:
    """Probability that a random positive scores above a random negative (ties count half)."""
    scores = np.concatenate([positive, negative])
    ranks = np.argsort(np.argsort(scores)) + 1.0
    for value in np.unique(scores):  # average ranks of ties
        tied = scores == value
        ranks[tied] = ranks[tied].mean()
    n_pos, n_neg = len(positive), len(negative)
    return float((ranks[:n_pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def throughput(embedder, texts: list[str], repeat: int) -> float:
    embedder.embed(texts[:8])
    best = min(_timed(embedder, texts) for _ in range(repeat))
    return len(texts) / best


def _timed(embedder, texts: list[str]) -> float:
    start = time.perf_counter()
    embedder.embed(texts)
    return time.perf_counter() - start


def aucs(embedder, rows: list[dict]) -> tuple[float, float]:
    a = embedder.embed([r["s1"] for r in rows])
    b = embedder.embed([r["s2"] for r in rows])
    cos = np.sum(a * b, axis=1)
    label = np.array([r["stance"] for r in rows])
    shuffled = list(range(len(rows)))
    random.Random(13).shuffle(shuffled)
    random_cos = np.array([a[i] @ b[j] for i, j in enumerate(shuffled) if i != j])
    return (auc(cos[label != "other"], cos[label == "other"]), auc(cos[label == "agree"], random_cos),
            auc(cos[label == "agree"], cos[label == "disagree"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="e5-small-int8,use-multilingual-int8")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--judge", action="store_true")
    parser.add_argument("--threads", type=int, default=0, help="threads per encoder (0: the runtime's default); "
                        "1 gives the per-worker throughput of a Ray worker")
    args = parser.parse_args()
    from checker.config import DEFAULT_MODEL, Config
    from checker.embed.base import embedder_from_config
    from checker.judge.evaluate import evaluate
    from checker.judge.scorer import PairScorer
    from checker.read.claims import split_claims
    from checker.read.ingest import read_paths

    claims = [c.proposition for d in read_paths([ROOT / "examples" / "reports"]).documents for c in split_claims(d)]
    rows = list(csv.DictReader(ANS_DEV.open(encoding="utf-8")))
    sentences = sorted({r["s1"] for r in rows} | {r["s2"] for r in rows})
    print(f"{len(claims)} sample claims, {len(sentences)} ANS dev sentences, {len(rows)} ANS dev pairs, "
          f"{os.cpu_count()} cores")
    base = embedder_from_config(Config(model=DEFAULT_MODEL))
    reference = {"claims": base.embed(claims), "ans": base.embed(sentences)}
    base_rate = None
    for name in [DEFAULT_MODEL, *args.models.split(",")]:
        embedder = base if name == DEFAULT_MODEL else embedder_from_config(Config(model=name))
        if args.threads:
            import torch

            torch.set_num_threads(args.threads)
            embedder.threads = args.threads  # onnxruntime encoders read it when they load
        rate = throughput(embedder, sentences, args.repeat)
        base_rate = base_rate or rate
        load = os.getloadavg()[0]
        line = f"{name:24s} {rate:7.1f} texts/s ({rate / base_rate:.2f}x fp32, load {load:.2f})"
        if name.startswith("e5") and name != DEFAULT_MODEL:
            for key, texts in (("claims", claims), ("ans", sentences)):
                cos = np.sum(embedder.embed(texts) * reference[key], axis=1)
                line += f"  cos-to-fp32 {key} min {cos.min():.4f} mean {cos.mean():.4f}"
        same_event, agree_random, agree_disagree = aucs(embedder, rows)
        print(line + f"  AUC same-event/other {same_event:.3f}  agree/random {agree_random:.3f}  "
              f"agree/disagree {agree_disagree:.3f}", flush=True)
        scorer = PairScorer.for_model(embedder.model_id) if args.judge else None
        if scorer is not None:  # e5-small-int8 reads the fp32-trained scorer (SAME_WEIGHTS)
            metrics = evaluate(ANS_DEV, embedder, scorer=scorer).metrics
            print(f"{'':24s} eval ANS dev ({scorer.kind} scorer trained on {scorer.card['model']}): accuracy "
                  f"{metrics['accuracy']:.4f} macro-F1 {metrics['macro_f1']:.4f}", flush=True)


if __name__ == "__main__":
    main()
