"""The event gate: are two claims about one event? Calibrated similarity plus the anchors they share."""

from __future__ import annotations

from ..text.signals import ClaimSignals
from .verdict import Calibration


def event_gate(a: ClaimSignals, b: ClaimSignals, similarity: float, calibration: Calibration,
               idf: dict[str, float] | None = None) -> tuple[float, str]:
    """Score in [0, 1] that two claims are about the same event, and why not when low.

    Similarity is placed on the model's calibrated scale; shared anchors
    (weighted by rarity) add evidence; different names of the same type
    (designations, quoted names) veto.
    """
    idf = idf or {}
    scale = max(1e-6, calibration.related - calibration.unrelated)
    sim_score = min(1.0, max(0.0, (similarity - calibration.unrelated) / scale))
    shared = set(a.anchors) & set(b.anchors)
    weight = sum(idf.get(key, 1.0) for key in shared)
    # words of one root in different forms («قاعدة» / «قواعد») count a little less than identical ones
    covered = {r for r, k in a.roots.items() if k in shared} | {r for r, k in b.roots.items() if k in shared}
    for root in (set(a.roots) & set(b.roots)) - covered:
        weight += 0.7 * min(idf.get(a.roots[root], 1.0), idf.get(b.roots[root], 1.0))
    names_a, names_b = set(a.names), set(b.names)
    weight += 1.5 * len(names_a & names_b)
    weight += 1.0 * len(_bigrams(a) & _bigrams(b))  # a shared phrase («إبرام اتفاق») is strong evidence
    # the same place, and the same name across scripts ("Pantsir" / «بانتسير») also anchor an event
    places = ({p.key for p in a.places} | {p.alias for p in a.places}) & \
        ({p.key for p in b.places} | {p.alias for p in b.places}) - {""}
    cross = (a.latin_names & b.arabic_names) | (b.latin_names & a.arabic_names)
    weight += 0.5 * len({p for p in places if not p.startswith("country:")}) + 0.8 * len(cross - {""})
    # the same day or month is weak evidence alone, but it is what a translation shares with its source
    days = {d.key for d in a.dates if "?" not in d.key} & {d.key for d in b.dates if "?" not in d.key}
    weight += 0.3 * len(days)
    shared = shared | places | cross
    anchor_score = weight / (weight + 1.2)
    gate = 0.5 * sim_score + 0.5 * anchor_score
    for prefix in ("q:", ""):
        only_a = {n for n in names_a - names_b if n.startswith(prefix)}
        only_b = {n for n in names_b - names_a if n.startswith(prefix)}
        if only_a and only_b and not (names_a & names_b):
            shown = f"«{a.names[sorted(only_a)[0]].text}» vs «{b.names[sorted(only_b)[0]].text}»"
            return min(gate, 0.25), f"about different things: {shown}"
    if not shared and not (names_a & names_b):
        gate = min(gate, 0.45)
    return gate, "" if gate >= 0.5 else "not the same event: similarity and shared words are too low"


def _bigrams(sig: ClaimSignals) -> set[tuple[str, str]]:
    keys = [t.stem for t in sig.tokens if t.stem in sig.anchors]
    return set(zip(keys, keys[1:]))
