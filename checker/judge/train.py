"""Train the pair scorer on labelled pairs (``checker train``), reproducibly.

    checker train --train ../shared/data/ans/stance_train.csv --dev ../shared/data/ans/stance_dev.csv
    checker train --model use-multilingual-int8 --train … --dev …

An encoder that exposes token vectors (:class:`~checker.embed.TokenEncoder`) gets
attention heads (:class:`checker.judge.scorer.TokenPairScorer`), each trained with torch on
the frozen encoder's token vectors after one layer. Any other encoder gets MLP heads over its
sentence vectors (:class:`checker.judge.scorer.SentencePairScorer`). Both are symmetric in the
two claims by construction, so a swapped pair would be the same example. Hyper-parameters are fixed
(:data:`PARAMS`, :data:`SENTENCE_PARAMS`), head ``n`` is seeded with ``seed + n``, and
dev is used for the Platt calibration only. The scorer goes to the encoder's own
folder under ``scorer/`` in the user data folder; its card records the model, kind, data hashes,
seeds, parameters and dev metrics. The numpy inference paths are checked against torch.
"""

from __future__ import annotations

import json
import math
import random
import shutil
import time
from collections import Counter
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

#: Token heads. With the mixed sources (~20k pairs): two heads (layers 6 and 10), 8 epochs of batches of 64 at lr 2e-3
#: — what fits the 2-core budget (~3 min an epoch a head); the classes are balanced by the mix, not by weights.
PARAMS = {"hidden": 200, "epochs": 8, "batch": 64, "lr": 2e-3, "dropout": 0.2, "weight_decay": 0.01,
          "label_smoothing": 0.05, "class_weight": [1.0, 1.0, 1.0], "heads": [6, 10]}
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
    weight = torch.tensor(params["class_weight"], dtype=torch.float32)
    order = list(range(n))
    for epoch in range(params["epochs"]):
        rng.shuffle(order)
        total = 0.0
        for start in range(0, n, params["batch"]):
            inputs, y, w = batch(order[start:start + params["batch"]])
            each = torch.nn.functional.cross_entropy(net(*inputs), y, weight=weight, reduction="none",
                                                     label_smoothing=params["label_smoothing"])
            loss = (each * w).sum() / w.sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
            schedule.step()
            total += loss.item() * len(y)
        if log:
            log(f"{name} epoch {epoch + 1}/{params['epochs']}: loss {total / n:.4f}")
    return net.eval()


def train_head(pairs: Pairs, states: dict[str, States], layer: int, *, seed: int, params: dict = PARAMS,
               log: Log | None = None, weights: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Train one attention head on the token vectors after ``layer``; return its weights in :data:`HEAD_KEYS`
    layout. ``weights`` are per-pair loss weights (default 1)."""
    import torch

    dim = next(iter(states.values()))[layer].shape[1]
    w_all = torch.from_numpy(np.ones(len(pairs), np.float32) if weights is None else weights.astype(np.float32))

    def batch(rows: list[int]):
        chosen = [pairs[i] for i in rows]
        a, b = _padded([states[p[0]][layer] for p in chosen]), _padded([states[p[1]][layer] for p in chosen])
        return (*a, *b), torch.tensor([LABELS.index(label) for *_, label in chosen]), w_all[rows]

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
                   lambda rows: ((X[rows],), y[rows], torch.ones(len(rows))), params, seed, log, f"head {seed}")
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


DevSets = dict[str, Pairs]


def _token_heads(train: Pairs, w: np.ndarray, dev: DevSets, encoder: TokenEncoder, seed: int, params: dict,
                 log: Log | None):
    """Attention heads: their arrays, the card's ``heads`` (layers), and dev probabilities (per set) from a loaded
    scorer."""
    layers = list(params["heads"])
    every = train + [p for pairs in dev.values() for p in pairs]
    texts = sorted({t for a, b, _ in every for t in (a, b)})
    if log:
        log(f"encoding {len(texts)} texts (token vectors after layers {sorted(set(layers))})")
    states = dict(zip(texts, encoder.token_states(texts, tuple(sorted(set(layers))))))
    arrays: dict[str, np.ndarray] = {}
    for n, layer in enumerate(layers):  # a head is symmetric in the two claims: a swapped pair is the same example
        weights = train_head(train, states, layer, seed=seed + n, params=params, log=log, weights=w)
        arrays.update({f"{n}.{k}": weights[k].astype(np.float16) for k in HEAD_KEYS})  # halves the file
    return arrays, layers, lambda scorer: {name: scorer.predict_proba([(states[a], states[b]) for a, b, _ in pairs])
                                           for name, pairs in dev.items()}


def _sentence_heads(train: Pairs, w: np.ndarray, dev: DevSets, encoder: Embedder, seed: int, params: dict,
                    log: Log | None):
    """MLP heads: their arrays, the card's ``heads`` (seeds), and dev probabilities (per set) from a loaded scorer.
    (The sentence heads' loss is unweighted: their input is symmetric and small.)"""
    every = train + [p for pairs in dev.values() for p in pairs]
    texts = sorted({t for a, b, _ in every for t in (a, b)})
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
    return arrays, seeds, lambda scorer: {name: scorer.predict_proba(side(pairs, 0), side(pairs, 1))
                                          for name, pairs in dev.items()}


def _command(model_id: str, seed: int, train: list[Path], dev: list[Path], stories: str | Path | None,
             hold_out: tuple[str, ...], rules: int) -> str:
    """The ``checker train`` command that makes this scorer again (paths as given)."""
    named = [e.name for e in ENCODERS.values() if e.model_id == model_id]
    parts = ["checker train", f"--model {named[0] if named else 'MODEL'}"]
    parts += [f"--train {p}" for p in train] + [f"--dev {p}" for p in dev]
    parts += [f"--stories {stories}"] if stories is not None else []
    parts += [f"--hold-out {h}" for h in hold_out] + ([f"--rules {rules}"] if rules else [])
    return " ".join(parts + ([f"--seed {seed}"] if seed else []))


def dev_sets(paths: list[Path]) -> DevSets:
    """Named dev sets: each CSV by its file name; an ArNLI file twice (``NAME ar-ar``, ``NAME ar-en``)."""
    from .mix import is_arnli

    out: DevSets = {}
    for path in paths:
        if path.is_file() and is_arnli(path):
            out.update({f"{path.name} {sides}": read_pairs(path, sides) for sides in ("ar-ar", "ar-en")})
        else:
            out[path.name] = read_pairs(path)
    return out


def train_scorer(train_csv: str | Path | list[str | Path], dev_csv: str | Path | list[str | Path],
                 encoder: Embedder, *, seed: int = 0, out: str | Path | None = None, params: dict | None = None,
                 log: Log | None = None, stories: str | Path | None = None, hold_out: tuple[str, ...] = (),
                 rules: int = 0) -> dict:
    """Train the heads, calibrate on dev, and write the scorer into ``out`` (atomically). Returns the card.

    Args:
        train_csv: labelled CSVs to learn from (``s1,s2,stance``/``label``, or ArNLI's ``t,h,label``, read
            Arabic–Arabic and across scripts both ways: :func:`~checker.judge.mix.csv_examples`).
        dev_csv: labelled CSVs for calibration and the reported metrics (an ArNLI file is scored Arabic–Arabic
            and Arabic–English apart).
        encoder: the encoder the heads read (the card records its ``model_id``): token heads when it is a
            :class:`~checker.embed.TokenEncoder`, sentence heads otherwise.
        seed: seeds torch, the shuffling and the rule-made pairs; head ``n`` uses ``seed + n``. Defaults to 0.
        out: folder to write. Defaults to the encoder's folder under ``scorer/`` in the user data folder
            (:func:`~checker.judge.scorer.scorer_folder`), where readers look before the shipped scorers.
        params: hyper-parameters. Defaults to :data:`PARAMS` (token heads) or :data:`SENTENCE_PARAMS`.
        log: receives one line per epoch.
        stories: a report benchmark folder whose key pairs join the training (:func:`~.mix.story_examples`).
        hold_out: story folders of ``stories`` kept out of training.
        rules: how many rule-made pairs to add (:func:`~checker.judge.mix.rule_pairs`), made from the sentences
            of the training CSVs.

    Raises:
        InputError: a CSV lacks columns or has unknown labels.
    """
    from .mix import csv_examples, rule_pairs, story_examples, weights

    started = time.perf_counter()
    train_files = [Path(p) for p in (train_csv if isinstance(train_csv, list) else [train_csv])]
    dev_files = [Path(p) for p in (dev_csv if isinstance(dev_csv, list) else [dev_csv])]
    examples = [e for path in train_files for e in csv_examples(path)]
    if stories is not None:
        examples += story_examples(stories, set(hold_out))
    if rules:
        examples += rule_pairs([e.a for e in examples if e.source != "stories"], rules, seed)
    mixed = len({e.source for e in examples}) > 1
    train = [(e.a, e.b, e.label) for e in examples]
    w = weights(examples) if mixed else np.ones(len(examples), np.float32)
    dev = dev_sets(dev_files)
    if isinstance(encoder, TokenEncoder):
        kind, params = "tokens", params or PARAMS
        arrays, heads, dev_proba = _token_heads(train, w, dev, encoder, seed, params, log)
    else:
        kind, params = "sentence", params or SENTENCE_PARAMS
        arrays, heads, dev_proba = _sentence_heads(train, w, dev, encoder, seed, params, log)

    out = Path(out) if out is not None else scorer_folder(encoder.model_id)
    tmp = out.with_name(out.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)  # and the folders above it: the user data folder may not exist yet
    np.savez_compressed(tmp / "heads.npz", **arrays)
    (tmp / "card.json").write_text(json.dumps({"kind": kind, "platt": [1.0, 0.0], "heads": heads}))
    probas = dev_proba(PairScorer.load(tmp))
    proba = np.concatenate(list(probas.values()))
    y_dev = np.array([LABELS.index(label) for pairs in dev.values() for *_, label in pairs])
    binary = y_dev < 2
    margin = np.log(proba[:, 1] + 1e-9) - np.log(proba[:, 0] + 1e-9)
    platt = _platt(margin[binary], (y_dev[binary] == 1).astype(float))
    per_set = {}
    for name, pairs in dev.items():
        m = metrics([label for *_, label in pairs], [LABELS[i] for i in probas[name].argmax(1)])
        per_set[name] = {k: m[k] for k in ("accuracy", "macro_f1", "macro_f1_agree_disagree", "per_class",
                                           "confusion")}
    sources = Counter(e.source for e in examples)
    card = {
        "model": encoder.model_id, "kind": kind, "heads": heads, "platt": list(platt), "seed": seed,
        "params": params, "labels": list(LABELS),
        "data": {"train": [{"file": p.name, "sha256": file_sha256(p)} for p in train_files],
                 "dev": [{"file": p.name, "sha256": file_sha256(p)} for p in dev_files],
                 "sources": dict(sorted(sources.items())),
                 **({"stories": {"folder": Path(stories).name, "held_out": sorted(hold_out),
                                 "keys_sha256": _keys_hash(Path(stories))}} if stories is not None else {}),
                 **({"rules": rules} if rules else {})},
        "dev": per_set[next(iter(per_set))],  # the first dev file's figures; every set's in dev_sets
        **({"dev_sets": per_set} if len(per_set) > 1 else {}),
        "command": _command(encoder.model_id, seed, train_files, dev_files, stories, hold_out, rules),
        "train_seconds": round(time.perf_counter() - started, 1),
    }
    if kind == "sentence":
        card["features"] = "[|u-v|, u*v, u+v, cos, cos^2, L1(u-v)/sqrt(d)] of the unit sentence vectors"
    (tmp / "card.json").write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    _swap_in(tmp, out)
    return card


def path_figures(folder: str | Path, dev_csv: list[str | Path], encoders: list[Embedder]) -> dict:
    """Dev figures of the scorer in ``folder`` read through each of ``encoders`` (the int8 and fp32 paths of one
    model), stored in its card as ``paths`` ``{path: {dev set: {accuracy, macro_f1_agree_disagree}}}``."""
    from ..embed.base import encoder_info

    scorer = PairScorer.load(folder)
    sets = dev_sets([Path(p) for p in dev_csv])
    out: dict[str, dict] = {}
    for encoder in encoders:
        figures = {}
        for name, pairs in sets.items():
            proba = scorer.score_texts([(a, b) for a, b, _ in pairs], encoder)
            m = metrics([label for *_, label in pairs], [LABELS[i] for i in proba.argmax(1)])
            figures[name] = {k: m[k] for k in ("accuracy", "macro_f1_agree_disagree")}
        info = encoder_info(encoder)
        out[info["path"]] = {"model": info["model"], "cpu": info["cpu"], **figures}
    _set_in_card(folder, "paths", out)
    return out


def store_decision(folder: str | Path, entry: dict | None) -> None:
    """Write ``entry`` as the ``decision`` of the scorer card in ``folder`` (atomically); None removes it."""
    _set_in_card(folder, "decision", entry)


def _set_in_card(folder: str | Path, key: str, value: object) -> None:
    """Set (or with None remove) one entry of the card in ``folder``, replacing the file atomically."""
    card_file = Path(folder) / "card.json"
    card = json.loads(card_file.read_text(encoding="utf-8"))
    card.pop(key, None)
    if value is not None:
        card[key] = value
    tmp = card_file.with_suffix(".tmp")
    tmp.write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(card_file)


def _keys_hash(root: Path) -> str:
    """One SHA-256 over a benchmark folder's key files and reports (what the story pairs were read from)."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted([*root.rglob("key.json"), *root.rglob("*.txt")]):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _swap_in(new: Path, out: Path) -> None:
    """Put folder ``new`` at ``out``; a crash at any point leaves a complete scorer at ``out`` or beside it."""
    old = out.with_name(out.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        out.rename(old)
    new.rename(out)
    shutil.rmtree(old, ignore_errors=True)
