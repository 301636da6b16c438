"""One decision from the typed rules and the learned judge, fit on the dev half of the report benchmark.

The rules (:mod:`checker.judge.rules`) find slot swaps: a place, a figure, a date, a denial. They cannot see
"reopened" against "remains closed" or "both pilots ejected" against "both pilots were killed": two claims of
one event with no typed slot that differs come out as ``agree``. The learned scorer reads the words. The
decision combines them with two thresholds on the scorer's calibrated contradiction probability
(:meth:`~checker.judge.scorer.PairScorer.contradiction_score`):

- ``flip``: a same-event pair the rules call ``agree`` is a contradiction (kind ``learned``) when the scorer
  gives at least ``flip``, does not call the pair unrelated, and the rules' same-event gate is at least ``gate``;
- ``veto``: a typed contradiction is dropped when the scorer gives at most ``veto`` (it reads the two claims as
  saying the same thing).

:func:`fit_decision` picks them on a benchmark's findings: contradiction F1 with every contradiction the key does
not hold counted as false (a key lists some pairs of a story, not all; counting only keyed pairs would reward
flipping everything), minus the share of traps flagged;
``checker train --stories … --hold-out …`` fits them on the held-out dev stories and stores them, with the
dev figures before and after, in the scorer's card (``decision``). A card without ``decision`` changes
nothing.
"""

from __future__ import annotations

import difflib
import itertools
import re
from dataclasses import dataclass, fields, replace

from .findings import Finding
from .verdict import Relation

_WORDS = re.compile(r"\w+(?:[-'’]\w+)*")
FLIPS = tuple(round(0.5 + 0.025 * n, 3) for n in range(20)) + (0.99, 0.995)  #: flips tried by :func:`fit_decision`
VETOES = (0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3)  #: veto thresholds tried (0: never)
GATES = (0.5, 0.6, 0.7, 0.8)  #: same-event gates tried for a flip


@dataclass(frozen=True)
class Decision:
    """Thresholds on the learned contradiction probability; the defaults change nothing."""

    flip: float = 1.1
    veto: float = 0.0
    gate: float = 0.5  #: the rules' same-event gate a pair needs to be flipped
    other: float = 0.5  #: a pair the scorer calls unrelated with at least this probability is never flipped

    @classmethod
    def from_card(cls, card: dict | None) -> Decision:
        """The decision stored in a scorer's card, or one that changes nothing."""
        stored = (card or {}).get("decision") or {}
        return cls(**{f.name: float(stored[f.name]) for f in fields(cls) if f.name in stored})

    def apply(self, finding: Finding, p_other: float | None = None) -> Finding | None:
        """The finding as decided: flipped to a contradiction, dropped (None), or unchanged."""
        p = finding.pair_score
        if p is None:
            return finding
        if finding.relation is Relation.CONTRADICT and p <= self.veto:
            return None
        if finding.relation is Relation.AGREE and p >= self.flip and finding.gate >= self.gate \
                and (p_other is None or p_other < self.other):
            return replace(finding, relation=Relation.CONTRADICT, kind="learned", score=round(p, 3),
                           reason=learned_reason(finding.a.text, finding.b.text, p))
        return finding


def differing_words(a: str, b: str) -> tuple[str, str]:
    """The first run of words where ``a`` and ``b`` part (empty strings when they share no words to align)."""
    wa, wb = _WORDS.findall(a), _WORDS.findall(b)
    matcher = difflib.SequenceMatcher(a=[w.lower() for w in wa], b=[w.lower() for w in wb], autojunk=False)
    if matcher.ratio() < 0.2:
        return "", ""
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            return " ".join(wa[i1:i2]), " ".join(wb[j1:j2])
    return "", ""


def learned_reason(a: str, b: str, p: float) -> str:
    """The reason of a learned contradiction: the words where the claims part, when they can be aligned."""
    x, y = differing_words(a, b)
    shown = f"«{x or '…'}» vs «{y or '…'}»: " if x or y else ""
    return f"learned: {shown}the pair judge reads the claims as incompatible (p {p:.2f}) with no typed slot differing"


def fit_decision(findings: list[Finding], p_other: dict[str, float], score, key,
                 min_score: float = 0.5, flips: bool = True) -> tuple[Decision, dict, dict]:
    """Pick ``flip`` and ``veto`` on a benchmark's findings.

    Args:
        findings: the findings of a check run with no decision and ``min_score`` 0 (every same-event pair).
        p_other: the scorer's "other" probability by finding id.
        score: :func:`checker.judge.benchmark.score`.
        key: the benchmark's :class:`~checker.judge.benchmark.StoryKey`.
        min_score: findings scoring below this are not reported (``Config.min_score``), after the decision.
        flips: try flipping agreements; False fits the veto alone.

    Returns:
        The decision, and the figures of ``score`` before and after it.
    """
    def objective(figures: dict) -> float:
        recall = figures["contradiction_recall"] or 0.0
        hits = figures.get("by_relation", {}).get("contradict", {}).get("all", {}).get("found")
        precision = (hits / figures["contradict_findings"] if figures.get("contradict_findings") else 0.0) \
            if hits is not None else figures["contradiction_precision"] or 0.0
        f1 = 2 * recall * precision / (recall + precision) if recall + precision else 0.0
        return f1 - (figures["traps_flagged"] or 0.0)

    def decided(decision: Decision) -> list[Finding]:
        out = (decision.apply(f, p_other.get(f.id)) for f in findings)
        return [f for f in out if f is not None and f.score >= min_score]

    before = score(decided(Decision()), key)
    best, best_value = Decision(), objective(before)
    for flip, veto, gate in itertools.product(FLIPS if flips else (1.1,), VETOES, GATES if flips else (0.5,)):
        candidate = Decision(flip, veto, gate)
        value = objective(score(decided(candidate), key))
        if value > best_value + 1e-9:
            best, best_value = candidate, value
    return best, before, score(decided(best), key)
