"""Judge a pair of claims: same event first, then what differs, then agree or contradict.

1. **Event gate** (:func:`~checker.judge.gate.event_gate`): calibrated cosine similarity plus the
   anchors the two claims share (rare words, designations such as S-400,
   quoted names). Claims naming different things of the same type («الريم»
   vs «النور»), or differing in several slots at once (place *and* date), are
   about different events and are not compared further.
2. **What differs** (:mod:`~checker.judge.differences`): places, numbers (with their units), dates, polarity
   (denial or negation against assertion) and antonyms, each with spans in
   both claims. A difference contradicts only in a slot that holds one value
   per event: a second place that lies inside the first (Tripoli, Libya) does not.
3. **Verdict**: ``contradict`` with the strongest difference as ``kind``,
   ``agree`` for same-event claims with no difference, or ``unrelated``.
"""

from __future__ import annotations

import math

from ..text.signals import ClaimSignals, Fact, read_signals
from .differences import find_differences
from .gate import _bigrams, event_gate
from .verdict import Calibration, Difference, PairContext, PairInput, Relation, Verdict

_DENIAL_VERBS = {"نفى", "نفت", "ينفي", "تنفي", "نفوا", "أنكر", "أنكرت", "كذب", "كذبت", "denied", "denies", "rejected"}
SAME_EVENT_GATE = 0.5
STANCE_GATE = 0.4
STORY_TEXT_GATE = 0.5  #: an event gate this high on the text alone says two claims of one story tell one part
STORY_MARGIN = 0.05  #: how far above the other report's claims mutual counterparts must stand


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


class RuleJudge:
    """The default judge: calibrated event gate plus typed differences.

    Args:
        calibration: the embedding model's similarity landmarks.
        idf: optional word weights (rare words anchor events better); all 1.0 when absent.
    """

    def __init__(self, calibration: Calibration, idf: dict[str, float] | None = None) -> None:
        self.calibration = calibration
        self.idf = idf or {}
        self._cache: dict[PairInput, ClaimSignals] = {}

    def judge(self, pairs: list[tuple]) -> list[Verdict]:
        """Judge ``(a, b, cosine)`` triples, or ``(a, b, cosine, context)`` with a :class:`PairContext` (or None);
        see the module docstring for the steps."""
        return [self.judge_one(*pair) for pair in pairs]

    def signals(self, side: PairInput) -> ClaimSignals:
        """Typed facts of one side (spans relative to the claim text); cached per claim."""
        if side in self._cache:
            return self._cache[side]
        self._cache[side] = sig = self._read(side)
        return sig

    def _read(self, side: PairInput) -> ClaimSignals:
        start, end = side.body
        sig = read_signals(side.text[start:end], side.how, offset=start, reference=side.date)
        if side.how == "denied" and sig.negations and sig.negations[0].key == "denied":
            cue = side.text[:start].split()
            verb = next((w for w in cue if w.strip("و") in _DENIAL_VERBS or w in _DENIAL_VERBS), None)
            if verb:
                at = side.text.index(verb)
                sig.negations[0] = Fact("negation", "denied", verb, (at, at + len(verb)))
        return sig

    def judge_one(self, a: PairInput, b: PairInput, similarity: float, context: PairContext | None = None) -> Verdict:
        """Judge one pair; ``context`` says the two claims are counterparts in the reports of one story.

        Context adds what the story knows and never undoes what the two texts show alone: a pair judged
        contradicting (or updating) alone stays so, and one the story cannot place keeps its verdict alone."""
        if context is not None:
            alone = self.judge_one(a, b, similarity)
            if alone.relation in (Relation.CONTRADICT, Relation.UPDATE):
                return alone
            told = self._judge(a, b, similarity, context)
            return alone if told.relation is Relation.UNRELATED else told
        return self._judge(a, b, similarity, None)

    def _judge(self, a: PairInput, b: PairInput, similarity: float, context: PairContext | None) -> Verdict:
        sa, sb = self.signals(a), self.signals(b)
        calibration = self.calibration.between(a.text, b.text)
        gate, why_not = event_gate(sa, sb, similarity, calibration, self.idf)
        differences = find_differences(sa, sb, aligned=context is not None)
        slots = {d.kind for d in differences if d.kind in ("location", "number", "date")}
        told_apart, text_gate, shared = False, gate, False
        if context is not None:
            # One story: the event is known from the reports. That the claims tell one part of it needs more than
            # their rank: text close enough on its own, or mutual counterparts that stand out or share a value.
            # Without that, only a figure that counts the same thing («قتيلا» / "killed") still compares.
            close = gate >= STORY_TEXT_GATE or (context.mutual and context.margin >= STORY_MARGIN)
            shared = _shared_values(sa, sb)
            if not (close or shared):
                differences = [d for d in differences if d.kind == "number" and _same_count(sa, sb, d)]
            if differences or close or shared:
                gate, why_not = max(gate, story_gate(context, shared)), ""
            told_apart = not close
        elif len(slots) >= 2:  # a ship sinking at another port on another day is another sinking, however alike
            gate, why_not = min(gate, 0.3), f"differ in {' and '.join(sorted(slots))}: likely different events"
        negative_a = sa.polarity < 0 or bool(sa.reluctance)
        negative_b = sb.polarity < 0 or bool(sb.reluctance)
        # Two claims that both deny or reject the same thing agree in stance. The shared
        # negative stance is itself evidence of one topic, so the gate bar is lower (0.4).
        stance = negative_a and negative_b and (sa.polarity < 0 or sb.polarity < 0) and not differences \
            and (not told_apart or text_gate >= STANCE_GATE)  # context never undoes what the text alone shows
        # A denial of a phrase the other claim asserts («نفى … أي توجه لإبرام اتفاق» / «تسعى لإبرام اتفاق») names
        # what it denies: that shared phrase is evidence of one topic, as a shared stance is.
        denial = any(d.kind == "negation" for d in differences) and bool(_bigrams(sa) & _bigrams(sb)) \
            and "denied" in {c.key for c in sa.negations + sb.negations}
        if gate < (STANCE_GATE if stance or denial else SAME_EVENT_GATE):
            return Verdict(Relation.UNRELATED, round(1 - gate, 3), "other",
                           why_not or f"not the same event (gate {gate:.2f})", round(gate, 3), similarity)
        if differences and differences[0].kind == "number" and (sa.updates or sb.updates):
            top = differences[0]
            return Verdict(Relation.UPDATE, round(top.weight * (0.5 + 0.5 * gate), 3), "number",
                           f"number: «{top.a_text}» and «{top.b_text}» (one says its figure revises an earlier one)",
                           round(gate, 3), similarity, tuple(differences))
        if differences:
            top = differences[0]
            score = top.weight * (0.5 + 0.5 * gate)
            return Verdict(Relation.CONTRADICT, round(score, 3), top.kind, _reason(top), round(gate, 3),
                           similarity, tuple(differences))
        if stance:
            score = 0.5 + 0.5 * (gate - STANCE_GATE) / (1 - STANCE_GATE)
            return Verdict(Relation.AGREE, round(score, 3), "negation",
                           "same event, both deny or reject it", round(gate, 3), similarity)
        # Otherwise agreement needs paraphrase-level similarity: the calibrated "related" landmark, or, within a
        # story, claims that are each other's closest counterpart and share a value (a figure, a date, a place).
        agree = text_gate * _sigmoid(12 * (similarity - calibration.related) /
                                     max(1e-6, calibration.related - calibration.unrelated) + 1)
        midpoint = (calibration.unrelated + calibration.related) / 2
        if context is not None and context.mutual and shared and similarity >= midpoint:
            agree = max(agree, gate)
        return Verdict(Relation.AGREE, round(agree, 3), "other",
                       "same event, no conflicting place, number, date or polarity", round(gate, 3), similarity)


def story_gate(context: PairContext, shared: bool) -> float:
    """How sure we are that two claims of one story speak of one happening, from their alignment alone:
    0.6 for mutual counterparts, 0.5 for a closest or runner-up counterpart, plus 0.1 for a pair that stands
    out among the other report's claims (margin ≥ ``STORY_MARGIN``) and 0.1 when they ``shared`` a value
    (:func:`_shared_values`)."""
    base = 0.6 if context.mutual else 0.5
    return min(0.9, base + 0.1 * (context.margin >= STORY_MARGIN) + 0.1 * shared)


def _shared_values(a: ClaimSignals, b: ClaimSignals) -> bool:
    """Whether the claims share a figure (above 2), a calendar day, a place, or a name written in Latin letters on
    one side and Arabic on the other."""
    figures = {f.key for f in a.numbers if float(f.key) > 2} & {f.key for f in b.numbers}
    days = {f.key for f in a.dates if f.key.count("-") == 2} & {f.key for f in b.dates}
    # a name in Latin letters on one side and Arabic on the other (same-script words are the gate's business)
    names = (a.latin_names & b.arabic_names) | (a.arabic_names & b.latin_names)
    return bool(figures or days or {f.key for f in a.places} & {f.key for f in b.places}
                or {n for n in names if len(n) >= 4})


def _same_count(a: ClaimSignals, b: ClaimSignals, d: Difference) -> bool:
    """Whether the differing figures say what they count, and it is the same («قتيلا» and "killed")."""
    x = next((f for f in a.numbers if f.span == d.a_span), None)
    y = next((f for f in b.numbers if f.span == d.b_span), None)
    return bool(x and y and x.counts and x.counts == y.counts)


def _reason(d: Difference) -> str:
    labels = {"negation": "one denies or negates what the other asserts", "location": "different places",
              "number": "different figures", "date": "different dates", "antonym": "opposite words",
              "actor": "different doers of the same action", "status": "incompatible states",
              "extent": "all against part"}
    return f"{d.kind}: «{d.a_text}» vs «{d.b_text}» ({labels.get(d.kind, 'differ')})"


