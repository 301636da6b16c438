"""Train the pair scorer on labelled pairs (``checker train``), reproducibly.

    checker train --train ../shared/data/ans/stance_train.csv --dev ../shared/data/ans/stance_dev.csv

Each head of :class:`checker.scorer.PairScorer` is trained with torch on the frozen
encoder's token vectors after one layer (each training pair also in swapped order),
with fixed hyper-parameters (:data:`PARAMS`) and seeds. Dev is used for the Platt
calibration only. The card beside the arrays records the data hashes, seeds,
parameters and dev metrics; the numpy inference path is checked against torch.
"""

from __future__ import annotations

import json
import math
import random
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np

from .calibrate import file_sha256, read_pairs
from .embed import TokenEncoder
from .errors import ModelError
from .evaluate import metrics
from .scorer import DEFAULT_SCORER, HEAD_KEYS, LABELS, PairScorer, States

PARAMS = {"hidden": 200, "epochs": 12, "batch": 32, "lr": 1e-3, "dropout": 0.2, "weight_decay": 0.01,
          "label_smoothing": 0.05, "class_weight": [1.0, 1.0, 3.0], "heads": [6, 8, 10, 6, 8, 10]}


def _head_module(dim: int, hidden: int, dropout: float):
    """The torch twin of :class:`checker.scorer.AttentionHead` (batched, with padding masks)."""
    import torch
    from torch import nn

    class Head(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.ln = nn.LayerNorm(dim)
            self.f, self.g = nn.Linear(dim, hidden), nn.Linear(4 * hidden, hidden)
            self.h1, self.h2 = nn.Linear(4 * hidden, hidden), nn.Linear(hidden, len(LABELS))
            self.drop = nn.Dropout(dropout)

        def compare(self, x, aligned, mask):
            v = torch.relu(self.g(self.drop(torch.cat([x, aligned, x - aligned, x * aligned], -1))))
            m = mask.unsqueeze(-1)
            mean = (v * m).sum(1) / m.sum(1)
            return torch.cat([mean, v.masked_fill(~m, -1e4).max(1).values], -1)

        def forward(self, A, ma, B, mb):
            a = torch.relu(self.f(self.drop(self.ln(A))))
            b = torch.relu(self.f(self.drop(self.ln(B))))
            e = a @ b.transpose(1, 2)
            beta = torch.softmax(e.masked_fill(~mb[:, None, :], -1e4), -1) @ b
            alpha = torch.softmax(e.transpose(1, 2).masked_fill(~ma[:, None, :], -1e4), -1) @ a
            va, vb = self.compare(a, beta, ma), self.compare(b, alpha, mb)
            h = torch.relu(self.h1(self.drop(torch.cat([va + vb, (va - vb).abs()], -1))))
            return self.h2(self.drop(h))

    return Head()


def _padded(mats: list[np.ndarray]):
    import torch

    n = max(len(m) for m in mats)
    X = torch.zeros(len(mats), n, mats[0].shape[1])
    mask = torch.zeros(len(mats), n, dtype=torch.bool)
    for i, m in enumerate(mats):
        X[i, :len(m)] = torch.from_numpy(m)
        mask[i, :len(m)] = True
    return X, mask


def train_head(pairs: list[tuple[str, str, str]], states: dict[str, States], layer: int, *, seed: int,
               params: dict = PARAMS, log: Callable[[str], None] | None = None) -> dict[str, np.ndarray]:
    """Train one head on the token vectors after ``layer``; return its weights in :data:`HEAD_KEYS` layout."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the head's matrices are small: one thread beats two that wait on each other
    try:
        return _train_head(pairs, states, layer, seed, params, log)
    finally:
        torch.set_num_threads(threads)


def _train_head(pairs, states, layer, seed, params, log) -> dict[str, np.ndarray]:
    import torch

    torch.manual_seed(seed)
    rng = random.Random(seed)
    dim = next(iter(states.values()))[layer].shape[1]
    net = _head_module(dim, params["hidden"], params["dropout"])
    opt = torch.optim.AdamW(net.parameters(), lr=params["lr"], weight_decay=params["weight_decay"])
    steps = params["epochs"] * math.ceil(len(pairs) / params["batch"])
    schedule = torch.optim.lr_scheduler.OneCycleLR(opt, params["lr"], total_steps=steps, pct_start=0.1)
    weight = torch.tensor(params["class_weight"])
    order = list(pairs)
    for epoch in range(params["epochs"]):
        rng.shuffle(order)
        total = 0.0
        for start in range(0, len(order), params["batch"]):
            batch = order[start:start + params["batch"]]
            A, ma = _padded([states[a][layer] for a, _, _ in batch])
            B, mb = _padded([states[b][layer] for _, b, _ in batch])
            y = torch.tensor([LABELS.index(label) for *_, label in batch])
            loss = torch.nn.functional.cross_entropy(net(A, ma, B, mb), y, weight=weight,
                                                     label_smoothing=params["label_smoothing"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            schedule.step()
            total += loss.item() * len(batch)
        if log:
            log(f"layer {layer} epoch {epoch + 1}/{params['epochs']}: loss {total / len(order):.4f}")
    return export_head(net)


def export_head(net) -> dict[str, np.ndarray]:
    """A torch head's weights in the ``x @ w + b`` layout of :class:`checker.scorer.AttentionHead`."""
    sd = {k: v.detach().numpy() for k, v in net.state_dict().items()}
    return {"ln_w": sd["ln.weight"], "ln_b": sd["ln.bias"], "f_w": sd["f.weight"].T, "f_b": sd["f.bias"],
            "g_w": sd["g.weight"].T, "g_b": sd["g.bias"], "h1_w": sd["h1.weight"].T, "h1_b": sd["h1.bias"],
            "h2_w": sd["h2.weight"].T, "h2_b": sd["h2.bias"]}


def _platt(margin: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Fit P(disagree) = sigmoid(a * margin + b) on dev (L2-regularised, so extreme margins cannot run away)."""
    from sklearn.linear_model import LogisticRegression

    fit = LogisticRegression(C=1.0).fit(np.clip(margin, -30, 30).reshape(-1, 1), y.astype(int))
    return float(fit.coef_[0, 0]), float(fit.intercept_[0])


def train_scorer(train_csv: str | Path, dev_csv: str | Path, encoder: TokenEncoder, *, seed: int = 0,
                 out: str | Path = DEFAULT_SCORER, params: dict = PARAMS,
                 log: Callable[[str], None] | None = None) -> dict:
    """Train the heads, calibrate on dev, and write the scorer into ``out`` (atomically). Returns the card.

    Args:
        train_csv: labelled pairs to learn from (``s1,s2,stance`` or ``label``).
        dev_csv: labelled pairs for calibration and the reported metrics.
        encoder: the encoder whose token vectors the heads read (the card records its ``model_id``).
        seed: seeds torch and the shuffling; head ``n`` uses ``seed + n``. Defaults to 0.
        out: folder to write. Defaults to the packaged ``checker/data/scorer``.
        params: hyper-parameters. Defaults to :data:`PARAMS`.
        log: receives one line per epoch.

    Raises:
        ModelError: ``encoder`` cannot give token vectors.
        InputError: a CSV lacks columns or has unknown labels.
    """
    if not isinstance(encoder, TokenEncoder):
        raise ModelError(f"encoder {encoder.model_id!r} does not expose token vectors; the pair scorer reads them "
                         "(train with a sentence-transformers model, e.g. the default)")
    train, dev = read_pairs(train_csv), read_pairs(dev_csv)
    layers = tuple(params["heads"])
    texts = sorted({t for a, b, _ in train + dev for t in (a, b)})
    states = dict(zip(texts, encoder.token_states(texts, tuple(sorted(set(layers))))))
    augmented = train + [(b, a, label) for a, b, label in train]
    arrays: dict[str, np.ndarray] = {}
    for n, layer in enumerate(layers):
        weights = train_head(augmented, states, layer, seed=seed + n, params=params, log=log)
        arrays.update({f"{n}.{k}": weights[k].astype(np.float16) for k in HEAD_KEYS})  # halves the file

    out = Path(out)
    tmp = out.with_name(out.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    np.savez_compressed(tmp / "heads.npz", **arrays)
    (tmp / "card.json").write_text(json.dumps({"platt": [1.0, 0.0], "heads": list(layers)}))
    scorer = PairScorer.load(tmp)
    proba = scorer.predict_proba([(states[a], states[b]) for a, b, _ in dev])
    y_dev = np.array([LABELS.index(label) for *_, label in dev])
    binary = y_dev < 2
    margin = np.log(proba[:, 1] + 1e-9) - np.log(proba[:, 0] + 1e-9)
    platt = _platt(margin[binary], (y_dev[binary] == 1).astype(float))
    dev_metrics = metrics([label for *_, label in dev], [LABELS[i] for i in proba.argmax(1)])
    card = {
        "model": encoder.model_id, "heads": list(layers), "platt": list(platt), "seed": seed, "params": params,
        "labels": list(LABELS),
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
