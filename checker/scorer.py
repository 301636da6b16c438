"""The learned pair scorer: agree / disagree / other from sentence vectors, word differences and typed signals.

Features of a pair (all symmetric in spirit, computed on the asserted content):

* sentence level: cosine, ``|u - v|`` and ``u * v`` are *not* used (they overfit
  headlines); the cosine and the typed signals carry the sentence view;
* typed signals (:mod:`checker.signals`): shared-word share, words only on one side,
  negation / antonym / number / date / place conflicts, countries swapped, polarity;
* word differences: the words of each side with no stem or root match on the other,
  embedded one by one with the same encoder; the mean difference and product of the
  two sides' vectors, and the closest replacement («ارتفاع» → «انخفاض») as a vector.

The model is a gradient-boosted tree ensemble trained by ``checker train`` (scikit-learn)
and stored as plain arrays (``.npz`` without pickle, plus a JSON card with the data
hashes, seed and dev metrics). Inference here is numpy only.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .signals import STOPWORDS, ClaimSignals, read_signals
from .text.arabic import Token, root_key, tokens

LABELS = ("agree", "disagree", "other")
DEFAULT_SCORER = Path(__file__).parent / "data" / "scorer"


def _content(text: str) -> list[Token]:
    return [t for t in tokens(text) if t.norm not in STOPWORDS]


def _keys(toks: list[Token]) -> set[str]:
    return {t.stem for t in toks} | {k for t in toks if (k := root_key(t.norm))}


def unmatched_words(a: str, b: str) -> tuple[list[str], list[str]]:
    """Content words of each side with no stem or root match on the other (normalised forms)."""
    ta, tb = _content(a), _content(b)
    ka, kb = _keys(ta), _keys(tb)
    only_a = [t.norm for t in ta if t.stem not in kb and (root_key(t.norm) or "#") not in kb]
    only_b = [t.norm for t in tb if t.stem not in ka and (root_key(t.norm) or "#") not in ka]
    return only_a, only_b


def signal_features(sa: ClaimSignals, sb: ClaimSignals, cosine: float) -> list[float]:
    """The typed-signal part of the feature vector (see the module docstring)."""
    from .judge import find_differences

    ka, kb = set(sa.anchors), set(sb.anchors)
    kinds = {d.kind for d in find_differences(sa, sb)}
    ca = {k for k in ka if k.startswith("country:")}
    cb = {k for k in kb if k.startswith("country:")}
    return [cosine, len(ka & kb) / max(1, len(ka | kb)), len(ka - kb), len(kb - ka), min(len(ka - kb), len(kb - ka)),
            float("negation" in kinds), float("antonym" in kinds), float("number" in kinds), float("date" in kinds),
            float("location" in kinds), float(bool(ca - cb) and bool(cb - ca)), float(sa.polarity != sb.polarity),
            float(len(sa.negations) + len(sb.negations)), float(bool(sa.reluctance) != bool(sb.reluctance)),
            float(len(sa.tokens)), float(len(sb.tokens))]


def word_features(only_a: list[str], only_b: list[str], vectors: dict[str, np.ndarray], dim: int) -> np.ndarray:
    """Mean difference and product of the unmatched words' vectors, and the closest replacement."""
    va = np.array([vectors[w] for w in only_a]) if only_a else np.zeros((1, dim), np.float32)
    vb = np.array([vectors[w] for w in only_b]) if only_b else np.zeros((1, dim), np.float32)
    ma, mb = va.mean(0), vb.mean(0)
    if only_a and only_b:
        sims = va @ vb.T
        i, j = np.unravel_index(int(sims.argmax()), sims.shape)
        replacement, best, mean = vb[j] - va[i], float(sims.max()), float(sims.mean())
    else:
        replacement, best, mean = np.zeros(dim, np.float32), 0.0, 0.0
    counts = [best, mean, len(only_a), len(only_b)]
    return np.hstack([ma - mb, ma * mb, counts, replacement]).astype(np.float32)


class WordVectors:
    """Embeds single words with the sentence encoder, once each."""

    def __init__(self, embed: Callable[[list[str]], np.ndarray]) -> None:
        self.embed = embed
        self.cache: dict[str, np.ndarray] = {}

    def ensure(self, words: set[str]) -> dict[str, np.ndarray]:
        """Embed the words not seen yet; return the cache."""
        missing = sorted(words - self.cache.keys())
        if missing:
            for word, vector in zip(missing, self.embed(missing)):
                self.cache[word] = vector
        return self.cache


def pair_features(pairs: list[tuple[str, str]], vectors_a: np.ndarray, vectors_b: np.ndarray,
                  words: WordVectors, hows: list[tuple[str, str]] | None = None) -> np.ndarray:
    """Feature matrix for ``pairs`` of asserted texts with their sentence vectors."""
    unmatched = [unmatched_words(a, b) for a, b in pairs]
    cache = words.ensure({w for oa, ob in unmatched for w in oa + ob})
    dim = vectors_a.shape[1]
    rows = []
    for n, ((a, b), (oa, ob)) in enumerate(zip(pairs, unmatched)):
        how_a, how_b = hows[n] if hows else ("asserted", "asserted")
        sig = signal_features(read_signals(a, how_a), read_signals(b, how_b), float(vectors_a[n] @ vectors_b[n]))
        rows.append(np.hstack([sig, word_features(oa, ob, cache, dim)]))
    return np.array(rows, dtype=np.float32)


@dataclass
class TreeEnsemble:
    """Gradient-boosted trees as arrays: per tree, node feature, threshold, children, leaf values."""

    baseline: np.ndarray  # (classes,)
    feature: list[np.ndarray]
    threshold: list[np.ndarray]
    left: list[np.ndarray]
    right: list[np.ndarray]
    value: list[np.ndarray]
    leaf: list[np.ndarray]
    missing_left: list[np.ndarray]
    tree_class: np.ndarray  # class index each tree adds to

    def raw(self, X: np.ndarray) -> np.ndarray:
        """Summed tree outputs plus baseline, ``(n, classes)``."""
        out = np.tile(self.baseline, (len(X), 1)).astype(np.float64)
        rows = np.arange(len(X))
        for t in range(len(self.feature)):
            node = np.zeros(len(X), dtype=np.int64)
            feature, threshold, left, right = self.feature[t], self.threshold[t], self.left[t], self.right[t]
            leaf, missing_left = self.leaf[t], self.missing_left[t]
            for _ in range(64):
                active = ~leaf[node]
                if not active.any():
                    break
                x = X[rows, feature[node]]
                go_left = np.where(np.isnan(x), missing_left[node], x <= threshold[node])
                node = np.where(active, np.where(go_left, left[node], right[node]), node)
            out[:, self.tree_class[t]] += self.value[t][node]
        return out


class PairScorer:
    """Probabilities of agree / disagree / other for claim pairs, calibrated on dev.

    Load the trained default with :meth:`load`; ``card`` holds its provenance and dev metrics.
    """

    def __init__(self, trees: TreeEnsemble, platt: tuple[float, float], card: dict) -> None:
        self.trees = trees
        self.platt = platt
        self.card = card

    @classmethod
    def load(cls, folder: str | Path = DEFAULT_SCORER) -> PairScorer | None:
        """The scorer stored in ``folder`` (``trees.npz`` + ``card.json``), or None if there is none."""
        folder = Path(folder)
        if not (folder / "trees.npz").is_file():
            return None
        data = np.load(folder / "trees.npz", allow_pickle=False)
        n = int(data["n_trees"])
        keys = ("feature", "threshold", "left", "right", "value", "leaf", "missing_left")
        trees = TreeEnsemble(data["baseline"], *([data[f"{k}_{t}"] for t in range(n)] for k in keys),
                             tree_class=data["tree_class"])
        card = json.loads((folder / "card.json").read_text(encoding="utf-8"))
        return cls(trees, tuple(card["platt"]), card)

    @classmethod
    def for_model(cls, model_id: str, folder: str | Path = DEFAULT_SCORER) -> PairScorer | None:
        """The stored scorer if it was trained on ``model_id``'s vectors (features depend on the encoder)."""
        scorer = cls.load(folder)
        return scorer if scorer is not None and scorer.card.get("model") == model_id else None

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """``(n, 3)`` probabilities in :data:`LABELS` order (softmax of the tree outputs)."""
        raw = self.trees.raw(X)
        raw -= raw.max(axis=1, keepdims=True)
        p = np.exp(raw)
        return p / p.sum(axis=1, keepdims=True)

    def contradiction_score(self, X: np.ndarray) -> np.ndarray:
        """P(disagree | agree or disagree), Platt-calibrated on dev so 0.5 means even odds."""
        p = self.predict_proba(X)
        margin = np.log(p[:, 1] + 1e-9) - np.log(p[:, 0] + 1e-9)
        a, b = self.platt
        return 1 / (1 + np.exp(-np.clip(a * margin + b, -50, 50)))


def export_trees(model) -> dict[str, np.ndarray]:
    """Arrays of a fitted scikit-learn ``HistGradientBoostingClassifier`` (no pickle needed to reload)."""
    arrays: dict[str, np.ndarray] = {"baseline": np.asarray(model._baseline_prediction, dtype=np.float64).ravel()}
    tree_class, t = [], 0
    for iteration in model._predictors:
        for k, predictor in enumerate(iteration):
            nodes = predictor.nodes
            arrays[f"feature_{t}"] = nodes["feature_idx"].astype(np.int64)
            arrays[f"threshold_{t}"] = nodes["num_threshold"].astype(np.float64)
            arrays[f"left_{t}"] = nodes["left"].astype(np.int64)
            arrays[f"right_{t}"] = nodes["right"].astype(np.int64)
            arrays[f"value_{t}"] = nodes["value"].astype(np.float64)
            arrays[f"leaf_{t}"] = nodes["is_leaf"].astype(bool)
            arrays[f"missing_left_{t}"] = nodes["missing_go_to_left"].astype(bool)
            tree_class.append(k)
            t += 1
    arrays["tree_class"] = np.array(tree_class, dtype=np.int64)
    arrays["n_trees"] = np.array(t)
    return arrays
