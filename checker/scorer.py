"""The learned pair scorer: agree / disagree / other from the two claims' aligned tokens.

Cosine similarity cannot tell a sentence from its negation; what tells them apart is
*which* words differ and how. The scorer is a small decomposable-attention head
(Parikh et al., 2016) over the frozen encoder's contextual token vectors:

1. **attend**: each token of claim A is softly aligned with the tokens of claim B
   (and back), after a learned projection;
2. **compare**: each token is compared with what it aligned to (``[a; β; a − β; a ⊙ β]``
   through a small layer), so a token with no counterpart («لم», «انخفاض» against
   «ارتفاع», 14 against 12) stands out;
3. **aggregate**: mean and max over tokens, symmetric in the two claims, then a
   classifier over agree / disagree / other.

Several such heads, each reading the token vectors after a different encoder layer,
are averaged. They are trained by ``checker train`` (:mod:`checker.train`, torch)
and stored as plain float arrays (``heads.npz`` without pickle, plus ``card.json``
with the data hashes, seed, parameters and dev metrics). Inference here is numpy.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .embed import DEFAULT_MODEL_ID, INT8_MODEL_ID, TokenEncoder

LABELS = ("agree", "disagree", "other")
DEFAULT_SCORER = Path(__file__).parent / "data" / "scorer"
HEAD_KEYS = ("ln_w", "ln_b", "f_w", "f_b", "g_w", "g_b", "h1_w", "h1_b", "h2_w", "h2_b")

#: An encoder quantised from the weights a scorer was trained on reads that scorer: ANS dev with int8 token
#: vectors is within 0.01 of fp32 (README, "The learned pair scorer").
SAME_WEIGHTS = {INT8_MODEL_ID: DEFAULT_MODEL_ID}

States = dict[int, np.ndarray]  # layer -> (tokens, dim) token vectors of one text


def _relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0.0)


def _softmax(x: np.ndarray) -> np.ndarray:
    x = x - x.max(axis=-1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(axis=-1, keepdims=True)


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


class PairScorer:
    """Probabilities of agree / disagree / other for claim pairs, calibrated on dev.

    Load the trained default with :meth:`load` or :meth:`for_model`; ``card`` holds its
    provenance and dev metrics.
    """

    def __init__(self, heads: list[AttentionHead], platt: tuple[float, float], card: dict) -> None:
        self.heads = heads
        self.platt = platt
        self.card = card

    @property
    def layers(self) -> tuple[int, ...]:
        """The encoder layers whose token vectors the heads read."""
        return tuple(sorted({h.layer for h in self.heads}))

    @classmethod
    def load(cls, folder: str | Path = DEFAULT_SCORER) -> PairScorer | None:
        """The scorer stored in ``folder`` (``heads.npz`` + ``card.json``), or None if there is none."""
        folder = Path(folder)
        if not (folder / "heads.npz").is_file():
            return None
        data = np.load(folder / "heads.npz", allow_pickle=False)
        card = json.loads((folder / "card.json").read_text(encoding="utf-8"))
        heads = [AttentionHead(int(layer), {k: data[f"{n}.{k}"] for k in HEAD_KEYS})
                 for n, layer in enumerate(card["heads"])]
        return cls(heads, tuple(card["platt"]), card)

    @classmethod
    def for_model(cls, model_id: str, folder: str | Path = DEFAULT_SCORER) -> PairScorer | None:
        """The stored scorer if it was trained on ``model_id``'s token vectors (or on the weights ``model_id`` was
        quantised from, :data:`SAME_WEIGHTS`), else None."""
        scorer = cls.load(folder)
        trained_on = scorer.card.get("model") if scorer is not None else None
        return scorer if trained_on is not None and trained_on in (model_id, SAME_WEIGHTS.get(model_id)) else None

    def predict_proba(self, pairs: list[tuple[States, States]]) -> np.ndarray:
        """``(n, 3)`` probabilities in :data:`LABELS` order: the heads' softmax outputs, averaged."""
        out = np.zeros((len(pairs), len(LABELS)), dtype=np.float64)
        prepared: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}

        def prep(k: int, states: States) -> tuple[np.ndarray, np.ndarray]:
            key = (k, id(states))
            if key not in prepared:
                prepared[key] = self.heads[k].prepare(states[self.heads[k].layer])
            return prepared[key]

        for n, (a, b) in enumerate(pairs):
            out[n] = np.mean([_softmax(h.logits_prepared(prep(k, a), prep(k, b))) for k, h in enumerate(self.heads)],
                             axis=0)
        return out

    def contradiction_score(self, proba: np.ndarray) -> np.ndarray:
        """P(disagree | agree or disagree) from :meth:`predict_proba` output, Platt-calibrated on dev
        so that 0.5 means even odds."""
        margin = np.log(proba[:, 1] + 1e-9) - np.log(proba[:, 0] + 1e-9)
        a, b = self.platt
        return 1 / (1 + np.exp(-np.clip(a * margin + b, -50, 50)))

    def score_texts(self, pairs: list[tuple[str, str]], encoder: TokenEncoder) -> np.ndarray:
        """:meth:`predict_proba` for pairs of texts; each distinct text is encoded once."""
        texts = sorted({t for pair in pairs for t in pair})
        states = dict(zip(texts, encoder.token_states(texts, self.layers))) if texts else {}
        return self.predict_proba([(states[a], states[b]) for a, b in pairs])
