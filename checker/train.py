"""Train the pair scorer on labelled pairs (``checker train``), reproducibly.

    checker train --train ../shared/data/ans/stance_train.csv --dev ../shared/data/ans/stance_dev.csv

Train on train (each pair also in swapped order), tune nothing but the Platt
calibration on dev, record data hashes, seed, parameters and dev metrics in
``card.json`` beside the arrays. Needs scikit-learn (training only).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

from .calibrate import file_sha256, read_pairs
from .embed import Embedder
from .evaluate import metrics
from .scorer import DEFAULT_SCORER, LABELS, PairScorer, WordVectors, export_trees, pair_features

PARAMS = {"max_iter": 300, "learning_rate": 0.1, "max_leaf_nodes": 31, "class_weight": "balanced"}


def featurize(pairs: list[tuple[str, str, str]], embedder: Embedder, words: WordVectors) -> np.ndarray:
    """Feature matrix of labelled pairs (texts only; labels are ignored). Each distinct text is embedded once."""
    texts = sorted({text for pair in pairs for text in pair[:2]})
    vectors = dict(zip(texts, embedder.embed(texts)))
    a = np.array([vectors[p[0]] for p in pairs])
    b = np.array([vectors[p[1]] for p in pairs])
    return pair_features([(p[0], p[1]) for p in pairs], a, b, words)


def _platt(margin: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Fit P(disagree) = sigmoid(a * margin + b) on dev (L2-regularised, so extreme margins cannot run away)."""
    from sklearn.linear_model import LogisticRegression

    fit = LogisticRegression(C=1.0).fit(np.clip(margin, -30, 30).reshape(-1, 1), y.astype(int))
    return float(fit.coef_[0, 0]), float(fit.intercept_[0])


def train_scorer(train_csv: str | Path, dev_csv: str | Path, embedder: Embedder, *, seed: int = 0,
                 out: str | Path = DEFAULT_SCORER) -> dict:
    """Train, calibrate on dev, and write the scorer into ``out`` (atomically). Returns the card."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    train, dev = read_pairs(train_csv), read_pairs(dev_csv)
    words = WordVectors(embedder.embed)
    augmented = train + [(b, a, label) for a, b, label in train]
    X, X_dev = featurize(augmented, embedder, words), featurize(dev, embedder, words)
    y = np.array([LABELS.index(p[2]) for p in augmented])
    y_dev = np.array([LABELS.index(p[2]) for p in dev])
    model = HistGradientBoostingClassifier(random_state=seed, **PARAMS).fit(X, y)

    arrays = export_trees(model)
    out = Path(out)
    tmp = out.with_name(out.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    np.savez_compressed(tmp / "trees.npz", **arrays)
    (tmp / "card.json").write_text(json.dumps({"platt": [1.0, 0.0]}))
    scorer = PairScorer.load(tmp)
    drift = float(np.abs(scorer.predict_proba(X_dev) - model.predict_proba(X_dev)).max())
    if drift > 1e-6:
        raise RuntimeError(f"exported trees disagree with scikit-learn (max difference {drift})")

    proba = scorer.predict_proba(X_dev)
    binary = y_dev < 2
    margin = np.log(proba[:, 1] + 1e-9) - np.log(proba[:, 0] + 1e-9)
    platt = _platt(margin[binary], (y_dev[binary] == 1).astype(float))
    predicted = [LABELS[i] for i in proba.argmax(1)]
    dev_metrics = metrics([p[2] for p in dev], predicted)
    card = {
        "model": embedder.model_id, "platt": list(platt), "seed": seed, "params": PARAMS,
        "features": int(X.shape[1]), "labels": list(LABELS),
        "data": {"train": {"file": Path(train_csv).name, "sha256": file_sha256(train_csv), "pairs": len(train)},
                 "dev": {"file": Path(dev_csv).name, "sha256": file_sha256(dev_csv), "pairs": len(dev)}},
        "dev": {k: dev_metrics[k] for k in ("accuracy", "macro_f1", "macro_f1_agree_disagree", "per_class",
                                             "confusion")},
        "command": "checker train --train TRAIN.csv --dev DEV.csv",
    }
    (tmp / "card.json").write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    return card
