"""``checker eval``: judge a labelled pair file and score the judgement.

Labels are normalised to agree / disagree / other (``stance`` column), or from
NLI labels entailment / contradiction / neutral (``label`` column).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..embed.base import Embedder, TokenEncoder, encoder_info
from ..errors import ModelError
from .calibrate import read_pairs
from .rules import Calibration, PairInput, RuleJudge
from .scorer import LABELS, PairScorer, TokenPairScorer


def metrics(gold: list[str], predicted: list[str]) -> dict:
    """Accuracy, per-class precision/recall/F1/support, macro-F1 (all labels present in gold, and over
    agree/disagree), and the confusion matrix ``{gold: {predicted: count}}``."""
    labels = [label for label in LABELS if label in gold or label in predicted]
    per_class = {}
    for label in labels:
        tp = sum(g == p == label for g, p in zip(gold, predicted))
        n_pred = sum(p == label for p in predicted)
        n_gold = sum(g == label for g in gold)
        precision = tp / n_pred if n_pred else 0.0
        recall = tp / n_gold if n_gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[label] = {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
                            "support": n_gold}
    present = [label for label in labels if per_class[label]["support"]]
    binary = [label for label in ("agree", "disagree") if label in per_class]
    return {
        "n": len(gold),
        "accuracy": round(sum(g == p for g, p in zip(gold, predicted)) / max(1, len(gold)), 4),
        "macro_f1": round(float(np.mean([per_class[label]["f1"] for label in present])) if present else 0.0, 4),
        "macro_f1_agree_disagree": round(float(np.mean([per_class[label]["f1"] for label in binary])), 4)
        if binary else 0.0,
        "per_class": per_class,
        "confusion": {g: {p: sum(x == g and y == p for x, y in zip(gold, predicted)) for p in labels} for g in labels},
    }


@dataclass
class Evaluation:
    """The numbers of ``checker eval`` and the per-row predictions."""

    metrics: dict
    rows: list[dict]

    def to_dict(self) -> dict:
        """The ``--format json`` document."""
        return {**self.metrics, "rows": self.rows}


def evaluate(path: str | Path, embedder: Embedder, scorer: PairScorer | None = None,
             sides: str | None = None) -> Evaluation:
    """Judge every pair of a labelled CSV and score the predictions.

    The learned scorer decides the label; the typed rules name the kind of
    difference («location», «negation», …) for pairs judged to disagree.

    Args:
        path: the labelled CSV.
        embedder: the encoder (a :class:`~checker.embed.TokenEncoder` when the scorer reads token vectors).
        scorer: the pair scorer. Defaults to the one trained for ``embedder`` (:meth:`PairScorer.for_model`).
        sides: for ArNLI files, the language of each side (``ar-ar``, ``ar-en``, ``en-ar``, ``en-en``;
            :func:`~checker.judge.calibrate.read_pairs`).

    Raises:
        InputError: the CSV lacks columns or has unknown labels (file and row named).
        ModelError: no trained scorer is available (run ``checker train``), or it needs token vectors
            that ``embedder`` cannot give.
    """
    scorer = scorer or PairScorer.for_model(embedder.model_id)
    if scorer is None:
        raise ModelError(f"no pair scorer trained for model {embedder.model_id!r} in checker/data/scorer; run "
                         "`checker train --model NAME --train TRAIN.csv --dev DEV.csv` with that model first")
    if isinstance(scorer, TokenPairScorer) and not isinstance(embedder, TokenEncoder):
        raise ModelError(f"the pair scorer for {scorer.card.get('model')!r} reads token vectors, which "
                         f"{embedder.model_id!r} does not expose; train one for it with `checker train --model NAME`")
    pairs = read_pairs(path, sides)
    a = embedder.embed([p[0] for p in pairs])
    b = embedder.embed([p[1] for p in pairs])
    known = dict(zip([p[0] for p in pairs], a)) | dict(zip([p[1] for p in pairs], b))
    proba = scorer.score_texts([(p[0], p[1]) for p in pairs], embedder, known)
    contradiction = scorer.contradiction_score(proba)
    judge = RuleJudge(Calibration.for_model(embedder.model_id) or Calibration.from_null([]))
    rows = []
    for n, (s1, s2, gold) in enumerate(pairs):
        predicted = LABELS[int(proba[n].argmax())]
        kind = "other"
        if predicted == "disagree":
            verdict = judge.judge_one(PairInput(s1, (0, len(s1))), PairInput(s2, (0, len(s2))), float(a[n] @ b[n]))
            kind = verdict.differences[0].kind if verdict.differences else "other"
        score = float(contradiction[n]) if predicted != "other" else float(proba[n, 2])
        rows.append({"s1": s1, "s2": s2, "gold": gold, "predicted": predicted, "score": round(score, 4),
                     "kind": kind, "probabilities": {label: round(float(p), 4) for label, p in zip(LABELS, proba[n])}})
    figures = metrics([r["gold"] for r in rows], [r["predicted"] for r in rows])
    figures["encoder"] = encoder_info(embedder)
    figures["scorer"] = {"model": scorer.card.get("model"), "kind": getattr(scorer, "kind", ""),
                         "command": scorer.card.get("command")}
    if sides:
        figures["sides"] = sides
    return Evaluation(figures, rows)
