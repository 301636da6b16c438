"""The learned pair scorers: agree / disagree / other for two claims, calibrated on dev.

Cosine similarity cannot tell a sentence from its negation; what tells them apart is
*which* words differ and how. For encoders that expose token vectors the scorer is a
small decomposable-attention head (Parikh et al., 2016) over the frozen encoder's
contextual token vectors (:class:`TokenPairScorer`):

1. **attend**: each token of claim A is softly aligned with the tokens of claim B
   (and back), after a learned projection;
2. **compare**: each token is compared with what it aligned to (``[a; β; a − β; a ⊙ β]``
   through a small layer), so a token with no counterpart («لم», «انخفاض» against
   «ارتفاع», 14 against 12) stands out;
3. **aggregate**: mean and max over tokens, symmetric in the two claims, then a
   classifier over agree / disagree / other.

Several such heads, each reading the token vectors after a different encoder layer,
are averaged. Encoders with sentence vectors only (``use-multilingual-int8``) get a
weaker :class:`SentencePairScorer`: an MLP over :func:`pair_features` of the two
claims' vectors.

Both are trained by ``checker train`` (:mod:`checker.judge.train`, torch) and stored as plain
float arrays, one folder per encoder under ``checker/data/scorer/`` (``heads.npz``
without pickle, plus ``card.json`` with the encoder's model id, the kind, data hashes,
seeds, parameters and dev metrics). Inference here is numpy.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import numpy as np

from ..embed.base import DEFAULT_MODEL_ID, ENCODERS, INT8_MODEL_ID, Embedder, TokenEncoder
from ..errors import ModelError

LABELS = ("agree", "disagree", "other")
#: One scorer folder per encoder (``heads.npz`` + ``card.json``); :meth:`PairScorer.for_model` reads the cards.
SCORER_ROOT = Path(__file__).parents[1] / "data" / "scorer"
HEAD_KEYS = ("ln_w", "ln_b", "f_w", "f_b", "g_w", "g_b", "h1_w", "h1_b", "h2_w", "h2_b")
SENTENCE_KEYS = ("w1", "b1", "w2", "b2")

#: An encoder quantised from the weights a scorer was trained on reads that scorer, and the other way round (the
#: card gives the dev figures of both paths).
SAME_WEIGHTS = {INT8_MODEL_ID: DEFAULT_MODEL_ID, DEFAULT_MODEL_ID: INT8_MODEL_ID}

States = dict[int, np.ndarray]  # layer -> (tokens, dim) token vectors of one text


def _relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0.0)


def _softmax(x: np.ndarray) -> np.ndarray:
    x = x - x.max(axis=-1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(axis=-1, keepdims=True)


def scorer_folder(model_id: str, root: str | Path | None = None) -> Path:
    """Where ``checker train`` writes the scorer of ``model_id``: its ``--model`` name if it is a registered
    encoder (``multilingual-e5-small``, ``use-multilingual-int8``), else the id made filename-safe.

    Args:
        model_id: the encoder's ``model_id``.
        root: the folder of scorer folders. Defaults to :data:`SCORER_ROOT`.
    """
    named = [e.name for e in ENCODERS.values() if e.model_id == model_id]
    slug = named[0] if named else re.sub(r"[^a-z0-9]+", "-", model_id.lower()).strip("-")[:80] or "model"
    return Path(root if root is not None else SCORER_ROOT) / slug


class AttentionHead:
    """One decomposable-attention head reading the token vectors after ``layer``.

    ``weights`` maps :data:`HEAD_KEYS` to arrays laid out as ``x @ w + b``.
    """

    def __init__(self, layer: int, weights: dict[str, np.ndarray]) -> None:
        self.layer = layer
        self.w = {k: np.asarray(weights[k], dtype=np.float32) for k in HEAD_KEYS}
        # g([x; a; x - a; x * a]) = x (G1 + G3) + a (G2 - G3) + (x * a) G4: the x term is per claim, not per pair
        g1, g2, g3, g4 = np.split(self.w["g_w"], 4)
        self.g_self, self.g_aligned, self.g_product = g1 + g3, g2 - g3, g4

    def _project(self, x: np.ndarray) -> np.ndarray:
        mu, var = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
        x = (x - mu) / np.sqrt(var + 1e-5) * self.w["ln_w"] + self.w["ln_b"]
        return _relu(x @ self.w["f_w"] + self.w["f_b"])

    def prepare(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The per-claim part of the head: projected tokens and their own share of the compare layer."""
        p = self._project(x)
        return p, p @ self.g_self + self.w["g_b"]

    def _compare(self, x: tuple[np.ndarray, np.ndarray], aligned: np.ndarray) -> np.ndarray:
        v = _relu(x[1] + aligned @ self.g_aligned + (x[0] * aligned) @ self.g_product)
        return np.concatenate([v.mean(0), v.max(0)])

    def logits(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Class logits for one pair of ``(tokens, dim)`` matrices, in :data:`LABELS` order."""
        return self.logits_prepared(self.prepare(a), self.prepare(b))

    def logits_prepared(self, a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        """:meth:`logits` from :meth:`prepare` outputs (a claim in many pairs is prepared once)."""
        pa, pb = a[0], b[0]
        e = pa @ pb.T
        va = self._compare(a, _softmax(e) @ pb)
        vb = self._compare(b, _softmax(e.T) @ pa)
        h = _relu(np.concatenate([va + vb, np.abs(va - vb)]) @ self.w["h1_w"] + self.w["h1_b"])
        return h @ self.w["h2_w"] + self.w["h2_b"]


def pair_features(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """The sentence head's input for rows of ``u`` and ``v``: ``[|u − v|, u ⊙ v, u + v, cos, cos², ‖u − v‖₁ / √d]``.

    Every part is symmetric, so ``pair_features(u, v) == pair_features(v, u)`` exactly. Rows are
    L2-normalised first (an :class:`~checker.embed.Embedder` returns unit rows already).

    Args:
        u: ``(n, d)`` vectors of the first claims.
        v: ``(n, d)`` vectors of the second claims.

    Returns:
        ``(n, 3d + 3)`` float32.
    """
    u = np.asarray(u, np.float32)
    v = np.asarray(v, np.float32)
    u = u / np.clip(np.linalg.norm(u, axis=-1, keepdims=True), 1e-12, None)
    v = v / np.clip(np.linalg.norm(v, axis=-1, keepdims=True), 1e-12, None)
    diff, product = np.abs(u - v), u * v
    cos = product.sum(-1, keepdims=True)
    l1 = diff.sum(-1, keepdims=True) / np.float32(np.sqrt(u.shape[-1]))
    return np.concatenate([diff, product, u + v, cos, cos * cos, l1], -1).astype(np.float32)


class SentenceHead:
    """One MLP over :func:`pair_features`: ``relu(x @ w1 + b1) @ w2 + b2``.

    ``weights`` maps :data:`SENTENCE_KEYS` to arrays laid out as ``x @ w + b``.
    """

    def __init__(self, weights: dict[str, np.ndarray]) -> None:
        self.w = {k: np.asarray(weights[k], dtype=np.float32) for k in SENTENCE_KEYS}

    def logits(self, features: np.ndarray) -> np.ndarray:
        """``(n, 3)`` class logits in :data:`LABELS` order for ``(n, 3d + 3)`` pair features."""
        return _relu(features @ self.w["w1"] + self.w["b1"]) @ self.w["w2"] + self.w["b2"]


class PairScorer:
    """Probabilities of agree / disagree / other for claim pairs, calibrated on dev.

    Load the scorer trained for an encoder with :meth:`for_model` (or one folder with :meth:`load`);
    it is a :class:`TokenPairScorer` or a :class:`SentencePairScorer` (``card["kind"]``). ``card``
    holds its provenance and dev metrics. Loaded scorers are cached per folder and shared: do not
    modify them.
    """

    kind = ""

    def __init__(self, platt: tuple[float, float], card: dict) -> None:
        self.platt = platt
        self.card = card

    @staticmethod
    def load(folder: str | Path) -> PairScorer | None:
        """The scorer stored in ``folder`` (``heads.npz`` + ``card.json``), or None if there is none.

        A card without ``kind`` holds token heads.
        """
        folder = Path(folder)
        files = (folder / "heads.npz", folder / "card.json")
        if not all(f.is_file() for f in files):
            return None
        # a retrained folder is new files (written elsewhere, then renamed): the stamp tells them apart
        stamp = tuple((s.st_ino, s.st_mtime_ns, s.st_size) for s in (f.stat() for f in files))
        return _load(str(folder.resolve()), stamp)

    @staticmethod
    def for_model(model_id: str, folder: str | Path | None = None) -> PairScorer | None:
        """The scorer trained on ``model_id``'s vectors (or on the weights ``model_id`` was quantised from,
        :data:`SAME_WEIGHTS`), else None.

        Args:
            model_id: the encoder's ``model_id``, matched against each card's ``model``.
            folder: one scorer folder, or a folder of them. Defaults to :data:`SCORER_ROOT`.
        """
        root = Path(folder) if folder is not None else SCORER_ROOT
        cards = [root / "card.json"] if (root / "card.json").is_file() else sorted(
            p / "card.json" for p in (root.iterdir() if root.is_dir() else [])
            if not p.name.endswith((".partial", ".old")) and (p / "card.json").is_file())
        trained_on = {path.parent: json.loads(path.read_text(encoding="utf-8")).get("model") for path in cards}
        for wanted in (model_id, SAME_WEIGHTS.get(model_id)):
            found = [path for path, model in trained_on.items() if wanted is not None and model == wanted]
            if found:
                return PairScorer.load(found[0])
        return None

    def score_texts(self, pairs: list[tuple[str, str]], encoder: Embedder,
                    known: dict[str, np.ndarray] | None = None) -> np.ndarray:
        """``(n, 3)`` probabilities in :data:`LABELS` order for pairs of texts; each distinct text is encoded once.

        Args:
            pairs: ``(text a, text b)`` pairs.
            encoder: the encoder the scorer was trained on.
            known: sentence vectors already computed by ``encoder.embed``, by text (a sentence scorer
                encodes only the others; token vectors are always computed).
        """
        raise NotImplementedError

    def contradiction_score(self, proba: np.ndarray) -> np.ndarray:
        """P(disagree | agree or disagree) from :meth:`predict_proba` output, Platt-calibrated on dev
        so that 0.5 means even odds."""
        margin = np.log(proba[:, 1] + 1e-9) - np.log(proba[:, 0] + 1e-9)
        a, b = self.platt
        return 1 / (1 + np.exp(-np.clip(a * margin + b, -50, 50)))


class TokenPairScorer(PairScorer):
    """Decomposable-attention heads over token vectors (``kind: "tokens"``); needs a :class:`TokenEncoder`."""

    kind = "tokens"

    def __init__(self, heads: list[AttentionHead], platt: tuple[float, float], card: dict) -> None:
        super().__init__(platt, card)
        self.heads = heads

    @property
    def layers(self) -> tuple[int, ...]:
        """The encoder layers whose token vectors the heads read."""
        return tuple(sorted({h.layer for h in self.heads}))

    def predict_proba(self, pairs: list[tuple[States, States]]) -> np.ndarray:
        """``(n, 3)`` probabilities in :data:`LABELS` order: the heads' softmax outputs, averaged."""
        out = np.zeros((len(pairs), len(LABELS)), dtype=np.float64)
        prepared: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}

        def prep(k: int, states: States) -> tuple[np.ndarray, np.ndarray]:
            key = (k, id(states))
            if key not in prepared:
                prepared[key] = self.heads[k].prepare(states[self.heads[k].layer])
            return prepared[key]

        from threadpoolctl import threadpool_limits

        # products of a few dozen tokens: one BLAS thread is ~10x faster than two that spin-wait on a busy machine
        with threadpool_limits(1):
            for n, (a, b) in enumerate(pairs):
                out[n] = np.mean([_softmax(h.logits_prepared(prep(k, a), prep(k, b)))
                                  for k, h in enumerate(self.heads)], axis=0)
        return out

    def score_texts(self, pairs: list[tuple[str, str]], encoder: TokenEncoder,
                    known: dict[str, np.ndarray] | None = None) -> np.ndarray:
        """:meth:`predict_proba` for pairs of texts; each distinct text is encoded once (``known`` is unused)."""
        texts = sorted({t for pair in pairs for t in pair})
        states = dict(zip(texts, encoder.token_states(texts, self.layers))) if texts else {}
        return self.predict_proba([(states[a], states[b]) for a, b in pairs])


class SentencePairScorer(PairScorer):
    """MLP heads over two sentence vectors (``kind: "sentence"``); any :class:`Embedder` feeds it."""

    kind = "sentence"

    def __init__(self, heads: list[SentenceHead], platt: tuple[float, float], card: dict) -> None:
        super().__init__(platt, card)
        self.heads = heads

    def predict_proba(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """``(n, 3)`` probabilities in :data:`LABELS` order for rows of ``u`` against rows of ``v``: the heads'
        softmax outputs, averaged."""
        features = pair_features(u, v)
        return np.mean([_softmax(h.logits(features)) for h in self.heads], axis=0, dtype=np.float64)

    def score_texts(self, pairs: list[tuple[str, str]], encoder: Embedder,
                    known: dict[str, np.ndarray] | None = None) -> np.ndarray:
        """:meth:`predict_proba` for pairs of texts; texts not in ``known`` are encoded once each."""
        known = dict(known or {})
        missing = sorted({t for pair in pairs for t in pair} - known.keys())
        if missing:
            known.update(zip(missing, encoder.embed(missing)))
        if not pairs:
            return np.zeros((0, len(LABELS)))
        return self.predict_proba(np.stack([known[a] for a, _ in pairs]), np.stack([known[b] for _, b in pairs]))


@functools.lru_cache(maxsize=8)
def _load(folder: str, stamp: tuple) -> PairScorer:
    """Read one scorer folder (cached: it is asked for on every check)."""
    path = Path(folder)
    card = json.loads((path / "card.json").read_text(encoding="utf-8"))
    kind = card.get("kind", "tokens")
    if kind not in ("tokens", "sentence"):
        raise ModelError(f"{path / 'card.json'}: unknown scorer kind {kind!r} (tokens or sentence); retrain it with "
                         "checker train, or update checker")
    with np.load(path / "heads.npz", allow_pickle=False) as data:
        if kind == "sentence":
            heads = [SentenceHead({k: data[f"{n}.{k}"] for k in SENTENCE_KEYS}) for n in range(len(card["heads"]))]
            return SentencePairScorer(heads, tuple(card["platt"]), card)
        heads = [AttentionHead(int(layer), {k: data[f"{n}.{k}"] for k in HEAD_KEYS})
                 for n, layer in enumerate(card["heads"])]
    return TokenPairScorer(heads, tuple(card["platt"]), card)
