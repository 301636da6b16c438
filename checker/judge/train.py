"""Train the pair scorer on labelled pairs (``checker train``), reproducibly.

    checker train --train ../shared/data/ans/stance_train.csv --dev ../shared/data/ans/stance_dev.csv
    checker train --model use-multilingual-int8 --train … --dev …

An encoder that exposes token vectors (:class:`~checker.embed.TokenEncoder`) gets
attention heads (:class:`checker.judge.scorer.TokenPairScorer`), each trained with torch on
the frozen encoder's token vectors after one layer (each training pair also in swapped
order). Any other encoder gets MLP heads over its sentence vectors
(:class:`checker.judge.scorer.SentencePairScorer`); their input is symmetric in the two
claims, so a swapped pair would be the same example. Hyper-parameters are fixed
(:data:`PARAMS`, :data:`SENTENCE_PARAMS`), head ``n`` is seeded with ``seed + n``, and
dev is used for the Platt calibration only. The scorer goes to the encoder's own
folder under ``checker/data/scorer/``; its card records the model, kind, data hashes,
seeds, parameters and dev metrics. The numpy inference paths are checked against torch.
"""

from __future__ import annotations

import json
import math
import random
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from ..embed.base import ENCODERS, Embedder, TokenEncoder
from .calibrate import file_sha256, read_pairs
from .evaluate import metrics
from .scorer import HEAD_KEYS, LABELS, SENTENCE_KEYS, PairScorer, States, pair_features, scorer_folder

Pairs = list[tuple[str, str, str]]
Log = Callable[[str], None]

PARAMS = {"hidden": 200, "epochs": 12, "batch": 32, "lr": 1e-3, "dropout": 0.2, "weight_decay": 0.01,
          "label_smoothing": 0.05, "class_weight": [1.0, 1.0, 3.0], "heads": [6, 8, 10, 6, 8, 10]}
#: The sentence head: chosen on ANS dev among hidden 128/256/512, 15–60 epochs, dropout 0.2/0.5, one or two layers
#: (all within ±0.01 macro-F1 agree/disagree); five seeds averaged gain ~0.005 over one.
SENTENCE_PARAMS = {"hidden": 256, "epochs": 40, "batch": 32, "lr": 1e-3, "dropout": 0.2, "weight_decay": 0.01,
                   "label_smoothing": 0.05, "class_weight": [1.0, 1.0, 3.0], "seeds": 5}


def _head_module(dim: int, hidden: int, dropout: float):
    """The torch twin of :class:`checker.judge.scorer.AttentionHead` (batched, with padding masks)."""
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


def _sentence_module(dim: int, hidden: int, dropout: float):
    """The torch twin of :class:`~checker.judge.scorer.SentenceHead` (input: :func:`~.scorer.pair_features`)."""
    from torch import nn

    return nn.Sequential(nn.Linear(dim, hidden), nn.ReLU(), nn.Dropout(dropout), nn.Linear(hidden, len(LABELS)))


def _padded(mats: list[np.ndarray]):
    import torch

    n = max(len(m) for m in mats)
    X = torch.zeros(len(mats), n, mats[0].shape[1])
    mask = torch.zeros(len(mats), n, dtype=torch.bool)
    for i, m in enumerate(mats):
        X[i, :len(m)] = torch.from_numpy(m)
        mask[i, :len(m)] = True
    return X, mask


@contextmanager
def _one_thread() -> Iterator[None]:
    """The heads' matrices are small: one torch thread beats two that wait on each other."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def _fit(make_net: Callable, n: int, batch: Callable, params: dict, seed: int, log: Log | None, name: str):
    """Train ``make_net()`` on ``n`` examples (``batch(indices)`` gives inputs and labels); return it in eval mode."""
    import torch

    torch.manual_seed(seed)
    rng = random.Random(seed)
    net = make_net()
    opt = torch.optim.AdamW(net.parameters(), lr=params["lr"], weight_decay=params["weight_decay"])
    steps = params["epochs"] * math.ceil(n / params["batch"])
    schedule = torch.optim.lr_scheduler.OneCycleLR(opt, params["lr"], total_steps=steps, pct_start=0.1)
    weight = torch.tensor(params["class_weight"])
    order = list(range(n))
    for epoch in range(params["epochs"]):
        rng.shuffle(order)
        total = 0.0
        for start in range(0, n, params["batch"]):
            inputs, y = batch(order[start:start + params["batch"]])
            loss = torch.nn.functional.cross_entropy(net(*inputs), y, weight=weight,
                                                     label_smoothing=params["label_smoothing"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            schedule.step()
            total += loss.item() * len(y)
        if log:
            log(f"{name} epoch {epoch + 1}/{params['epochs']}: loss {total / n:.4f}")
    return net.eval()


def train_head(pairs: Pairs, states: dict[str, States], layer: int, *, seed: int, params: dict = PARAMS,
               log: Log | None = None) -> dict[str, np.ndarray]:
    """Train one attention head on the token vectors after ``layer``; return its weights in :data:`HEAD_KEYS`
    layout."""
    import torch

    dim = next(iter(states.values()))[layer].shape[1]

    def batch(rows: list[int]):
        chosen = [pairs[i] for i in rows]
        a, b = _padded([states[p[0]][layer] for p in chosen]), _padded([states[p[1]][layer] for p in chosen])
        return (*a, *b), torch.tensor([LABELS.index(label) for *_, label in chosen])

    with _one_thread():
        net = _fit(lambda: _head_module(dim, params["hidden"], params["dropout"]), len(pairs), batch, params, seed,
                   log, f"layer {layer}")
    return export_head(net)


def train_sentence_head(features: np.ndarray, labels: np.ndarray, *, seed: int, params: dict = SENTENCE_PARAMS,
                        log: Log | None = None) -> dict[str, np.ndarray]:
    """Train one MLP head on :func:`~checker.judge.scorer.pair_features` rows; return its weights in
    :data:`SENTENCE_KEYS` layout.

    Args:
        features: ``(n, 3d + 3)`` pair features.
        labels: ``(n,)`` indices into :data:`LABELS`.
        seed: seeds torch and the shuffling.
        params: hyper-parameters. Defaults to :data:`SENTENCE_PARAMS`.
        log: receives one line per epoch.
    """
    import torch

    X, y = torch.from_numpy(np.ascontiguousarray(features, np.float32)), torch.from_numpy(labels.astype(np.int64))
    with _one_thread():
        net = _fit(lambda: _sentence_module(X.shape[1], params["hidden"], params["dropout"]), len(y),
                   lambda rows: ((X[rows],), y[rows]), params, seed, log, f"head {seed}")
    return export_sentence_head(net)


def export_head(net) -> dict[str, np.ndarray]:
    """A torch head's weights in the ``x @ w + b`` layout of :class:`checker.judge.scorer.AttentionHead`."""
    sd = {k: v.detach().numpy() for k, v in net.state_dict().items()}
    return {"ln_w": sd["ln.weight"], "ln_b": sd["ln.bias"], "f_w": sd["f.weight"].T, "f_b": sd["f.bias"],
            "g_w": sd["g.weight"].T, "g_b": sd["g.bias"], "h1_w": sd["h1.weight"].T, "h1_b": sd["h1.bias"],
            "h2_w": sd["h2.weight"].T, "h2_b": sd["h2.bias"]}


def export_sentence_head(net) -> dict[str, np.ndarray]:
    """A torch MLP's weights in the ``x @ w + b`` layout of :class:`checker.judge.scorer.SentenceHead`."""
    sd = {k: v.detach().numpy() for k, v in net.state_dict().items()}
    return {"w1": sd["0.weight"].T, "b1": sd["0.bias"], "w2": sd["3.weight"].T, "b2": sd["3.bias"]}


def _platt(margin: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Fit P(disagree) = sigmoid(a * margin + b) on dev (L2-regularised, so extreme margins cannot run away)."""
    from sklearn.linear_model import LogisticRegression

    fit = LogisticRegression(C=1.0).fit(np.clip(margin, -30, 30).reshape(-1, 1), y.astype(int))
    return float(fit.coef_[0, 0]), float(fit.intercept_[0])


def _token_heads(train: Pairs, dev: Pairs, encoder: TokenEncoder, seed: int, params: dict, log: Log | None):
    """Attention heads: their arrays, the card's ``heads`` (layers), and dev probabilities from a loaded scorer."""
    layers = list(params["heads"])
    texts = sorted({t for a, b, _ in train + dev for t in (a, b)})
    states = dict(zip(texts, encoder.token_states(texts, tuple(sorted(set(layers))))))
    augmented = train + [(b, a, label) for a, b, label in train]
    arrays: dict[str, np.ndarray] = {}
    for n, layer in enumerate(layers):
        weights = train_head(augmented, states, layer, seed=seed + n, params=params, log=log)
        arrays.update({f"{n}.{k}": weights[k].astype(np.float16) for k in HEAD_KEYS})  # halves the file
    return arrays, layers, lambda scorer: scorer.predict_proba([(states[a], states[b]) for a, b, _ in dev])


def _sentence_heads(train: Pairs, dev: Pairs, encoder: Embedder, seed: int, params: dict, log: Log | None):
    """MLP heads: their arrays, the card's ``heads`` (seeds), and dev probabilities from a loaded scorer."""
    texts = sorted({t for a, b, _ in train + dev for t in (a, b)})
    vectors = dict(zip(texts, encoder.embed(texts)))

    def side(pairs: Pairs, k: int) -> np.ndarray:
        return np.stack([vectors[p[k]] for p in pairs])

    features = pair_features(side(train, 0), side(train, 1))
    labels = np.array([LABELS.index(label) for *_, label in train])
    seeds = [seed + n for n in range(params["seeds"])]
    arrays: dict[str, np.ndarray] = {}
    for n, head_seed in enumerate(seeds):
        weights = train_sentence_head(features, labels, seed=head_seed, params=params, log=log)
        arrays.update({f"{n}.{k}": weights[k].astype(np.float16) for k in SENTENCE_KEYS})
    return arrays, seeds, lambda scorer: scorer.predict_proba(side(dev, 0), side(dev, 1))


def _command(model_id: str, seed: int) -> str:
    named = [e.name for e in ENCODERS.values() if e.model_id == model_id]
    return (f"checker train --model {named[0] if named else 'MODEL'} --train TRAIN.csv --dev DEV.csv"
            + (f" --seed {seed}" if seed else ""))


def train_scorer(train_csv: str | Path, dev_csv: str | Path, encoder: Embedder, *, seed: int = 0,
                 out: str | Path | None = None, params: dict | None = None, log: Log | None = None) -> dict:
    """Train the heads, calibrate on dev, and write the scorer into ``out`` (atomically). Returns the card.

    Args:
        train_csv: labelled pairs to learn from (``s1,s2,stance`` or ``label``).
        dev_csv: labelled pairs for calibration and the reported metrics.
        encoder: the encoder the heads read (the card records its ``model_id``): token heads when it is a
            :class:`~checker.embed.TokenEncoder`, sentence heads otherwise.
        seed: seeds torch and the shuffling; head ``n`` uses ``seed + n``. Defaults to 0.
        out: folder to write. Defaults to the encoder's folder under ``checker/data/scorer``
            (:func:`~checker.judge.scorer.scorer_folder`).
        params: hyper-parameters. Defaults to :data:`PARAMS` (token heads) or :data:`SENTENCE_PARAMS`.
        log: receives one line per epoch.

    Raises:
        InputError: a CSV lacks columns or has unknown labels.
    """
    started = time.perf_counter()
    train, dev = read_pairs(train_csv), read_pairs(dev_csv)
    if isinstance(encoder, TokenEncoder):
        kind, params = "tokens", params or PARAMS
        arrays, heads, dev_proba = _token_heads(train, dev, encoder, seed, params, log)
    else:
        kind, params = "sentence", params or SENTENCE_PARAMS
        arrays, heads, dev_proba = _sentence_heads(train, dev, encoder, seed, params, log)

    out = Path(out) if out is not None else scorer_folder(encoder.model_id)
    tmp = out.with_name(out.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    np.savez_compressed(tmp / "heads.npz", **arrays)
    (tmp / "card.json").write_text(json.dumps({"kind": kind, "platt": [1.0, 0.0], "heads": heads}))
    proba = dev_proba(PairScorer.load(tmp))
    y_dev = np.array([LABELS.index(label) for *_, label in dev])
    binary = y_dev < 2
    margin = np.log(proba[:, 1] + 1e-9) - np.log(proba[:, 0] + 1e-9)
    platt = _platt(margin[binary], (y_dev[binary] == 1).astype(float))
    dev_metrics = metrics([label for *_, label in dev], [LABELS[i] for i in proba.argmax(1)])
    card = {
        "model": encoder.model_id, "kind": kind, "heads": heads, "platt": list(platt), "seed": seed,
        "params": params, "labels": list(LABELS),
        "data": {"train": {"file": Path(train_csv).name, "sha256": file_sha256(train_csv), "pairs": len(train)},
                 "dev": {"file": Path(dev_csv).name, "sha256": file_sha256(dev_csv), "pairs": len(dev)}},
        "dev": {k: dev_metrics[k] for k in ("accuracy", "macro_f1", "macro_f1_agree_disagree", "per_class",
                                             "confusion")},
        "command": _command(encoder.model_id, seed),
        "train_seconds": round(time.perf_counter() - started, 1),
    }
    if kind == "sentence":
        card["features"] = "[|u-v|, u*v, u+v, cos, cos^2, L1(u-v)/sqrt(d)] of the unit sentence vectors"
    (tmp / "card.json").write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    _swap_in(tmp, out)
    return card


def _swap_in(new: Path, out: Path) -> None:
    """Put folder ``new`` at ``out``; a crash at any point leaves a complete scorer at ``out`` or beside it."""
    old = out.with_name(out.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        out.rename(old)
    new.rename(out)
    shutil.rmtree(old, ignore_errors=True)
