"""Judge a pair of claims: same event first, then what differs, then agree or contradict.

1. **Event gate** (:func:`event_gate`): calibrated cosine similarity plus the
   anchors the two claims share (rare words, designations such as S-400,
   quoted names). Claims naming different things of the same type («الريم»
   vs «النور»), or differing in several slots at once (place *and* date), are
   about different events and are not compared further.
2. **What differs**: places, numbers (with their units), dates, polarity
   (denial or negation against assertion) and antonyms, each with spans in
   both claims. A difference contradicts only in a slot that holds one value
   per event: a second place that lies inside the first (Tripoli, Libya) does not.
3. **Verdict**: ``contradict`` with the strongest difference as ``kind``,
   ``agree`` for same-event claims with no difference, or ``unrelated``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Protocol

from .signals import ClaimSignals, Fact, antonym_pairs, read_signals
from .text.arabic import ARABIC

_DENIAL_VERBS = {"نفى", "نفت", "ينفي", "تنفي", "نفوا", "أنكر", "أنكرت", "كذب", "كذبت", "denied", "denies", "rejected"}
_CALIBRATION = Path(__file__).parent / "data" / "calibration.json"
SAME_EVENT_GATE = 0.5
STANCE_GATE = 0.4
# How sure a difference of each kind makes a contradiction, once the gate has passed.
_STRENGTH = {"negation": 0.95, "location": 0.9, "number": 0.85, "date": 0.8, "antonym": 0.8, "actor": 0.75}


class Relation(str, Enum):
    """How two claims relate."""

    AGREE = "agree"
    CONTRADICT = "contradict"
    UNRELATED = "unrelated"


@dataclass(frozen=True)
class Difference:
    """A slot where two claims differ: its kind and the differing spans (offsets into each claim)."""

    kind: str
    a_text: str
    b_text: str
    a_span: tuple[int, int]
    b_span: tuple[int, int]
    strength: float = 0.0

    @property
    def weight(self) -> float:
        """How sure this difference makes a contradiction, once the gate has passed."""
        return self.strength or _STRENGTH.get(self.kind, 0.6)


@dataclass(frozen=True)
class Verdict:
    """The judgement of one pair.

    Attributes:
        relation: agree, contradict or unrelated.
        score: confidence in ``relation``, in [0, 1].
        kind: location, number, date, actor, negation, antonym or other.
        reason: one line naming the differing spans.
        gate: how sure we are that both claims are about the same event, in [0, 1].
        similarity: cosine similarity of the two claims' embeddings.
        differences: every differing slot found, strongest first.
        pair_score: the learned scorer's probability that the pair contradicts (None without a scorer).
    """

    relation: Relation
    score: float
    kind: str
    reason: str
    gate: float
    similarity: float
    differences: tuple[Difference, ...] = field(default_factory=tuple)
    pair_score: float | None = None


@dataclass(frozen=True)
class PairInput:
    """What the judge needs of one side of a pair."""

    text: str
    body: tuple[int, int]
    how: str = "asserted"
    date: str | None = None  # the report's date, YYYY-MM[-DD], for relative dates («العام الماضي»)


@dataclass(frozen=True)
class Calibration:
    """Per-model similarity landmarks: ``unrelated`` (most unrelated pairs score below) and ``related``.

    ``cross`` holds the same two landmarks for pairs in different scripts (Arabic against Latin):
    a multilingual encoder puts a sentence and its translation lower on the cosine scale than two
    same-language paraphrases, so one scale for both would never let a cross-language pair through.
    """

    unrelated: float
    related: float
    source: str = "default"
    cross: tuple[float, float] | None = None

    def between(self, a: str, b: str) -> Calibration:
        """The landmarks that apply to texts ``a`` and ``b``: the cross-script ones when their scripts differ."""
        if self.cross is None or _arabic_script(a) == _arabic_script(b):
            return self
        return Calibration(self.cross[0], self.cross[1], self.source + " (cross-script)")

    @property
    def candidate_floor(self) -> float:
        """The lowest similarity at which any pair (same or cross script) can be a candidate."""
        return min(self.unrelated, self.cross[0]) if self.cross else self.unrelated

    @classmethod
    def for_model(cls, model_id: str) -> Calibration | None:
        """The stored calibration of ``model_id``, if ``checker calibrate`` produced one."""
        if _CALIBRATION.is_file():
            entry = json.loads(_CALIBRATION.read_text(encoding="utf-8")).get(model_id)
            if entry:
                cross = entry.get("cross")
                return cls(entry["unrelated"], entry["related"], "stored",
                           (cross["unrelated"], cross["related"]) if cross else None)
        return None

    @classmethod
    def from_null(cls, random_similarities: list[float]) -> Calibration:
        """Calibrate from similarities of random (mostly unrelated) pairs of the corpus itself."""
        values = sorted(random_similarities)
        if len(values) < 200:  # too few pairs to place the landmarks; a generic cosine scale
            return cls(0.5, 0.8, "fallback")
        p95 = values[min(len(values) - 1, int(0.95 * len(values)))]
        return cls(p95, p95 + 0.5 * (1 - p95), "corpus")


class Judge(Protocol):
    """The judgement seam: one verdict per pair."""

    def judge(self, pairs: list[tuple[PairInput, PairInput, float]]) -> list[Verdict]:
        """Judge ``(a, b, cosine)`` triples."""
        ...


def _arabic_script(text: str) -> bool:
    """Whether most letters of ``text`` are Arabic."""
    letters = [ch for ch in text if ch.isalpha()]
    return sum("\u0600" <= ch <= "\u06ff" for ch in letters) * 2 > len(letters)


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

    def judge(self, pairs: list[tuple[PairInput, PairInput, float]]) -> list[Verdict]:
        """Judge ``(a, b, cosine)`` triples; see the module docstring for the steps."""
        return [self.judge_one(a, b, sim) for a, b, sim in pairs]

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

    def judge_one(self, a: PairInput, b: PairInput, similarity: float) -> Verdict:
        """Judge one pair."""
        sa, sb = self.signals(a), self.signals(b)
        calibration = self.calibration.between(a.text, b.text)
        gate, why_not = event_gate(sa, sb, similarity, calibration, self.idf)
        differences = find_differences(sa, sb)
        slots = {d.kind for d in differences if d.kind in ("location", "number", "date")}
        if len(slots) >= 2:  # a ship sinking at another port on another day is another sinking, however alike
            gate, why_not = min(gate, 0.3), f"differ in {' and '.join(sorted(slots))}: likely different events"
        negative_a = sa.polarity < 0 or bool(sa.reluctance)
        negative_b = sb.polarity < 0 or bool(sb.reluctance)
        # Two claims that both deny or reject the same thing agree in stance. The shared
        # negative stance is itself evidence of one topic, so the gate bar is lower (0.4).
        stance = negative_a and negative_b and (sa.polarity < 0 or sb.polarity < 0) and not differences
        # A denial of a phrase the other claim asserts («نفى … أي توجه لإبرام اتفاق» / «تسعى لإبرام اتفاق») names
        # what it denies: that shared phrase is evidence of one topic, as a shared stance is.
        denial = any(d.kind == "negation" for d in differences) and bool(_bigrams(sa) & _bigrams(sb)) \
            and "denied" in {c.key for c in sa.negations + sb.negations}
        if gate < (STANCE_GATE if stance or denial else SAME_EVENT_GATE):
            return Verdict(Relation.UNRELATED, round(1 - gate, 3), "other",
                           why_not or f"not the same event (gate {gate:.2f})", round(gate, 3), similarity)
        if differences:
            top = differences[0]
            score = top.weight * (0.5 + 0.5 * gate)
            return Verdict(Relation.CONTRADICT, round(score, 3), top.kind, _reason(top), round(gate, 3),
                           similarity, tuple(differences))
        if stance:
            score = 0.5 + 0.5 * (gate - STANCE_GATE) / (1 - STANCE_GATE)
            return Verdict(Relation.AGREE, round(score, 3), "negation",
                           "same event, both deny or reject it", round(gate, 3), similarity)
        # Otherwise agreement needs paraphrase-level similarity: the calibrated "related" landmark.
        agree = gate * _sigmoid(12 * (similarity - calibration.related) /
                                max(1e-6, calibration.related - calibration.unrelated) + 1)
        return Verdict(Relation.AGREE, round(agree, 3), "other",
                       "same event, no conflicting place, number, date or polarity", round(gate, 3), similarity)


def _reason(d: Difference) -> str:
    labels = {"negation": "one denies or negates what the other asserts", "location": "different places",
              "number": "different figures", "date": "different dates", "antonym": "opposite words",
              "actor": "different doers of the same action"}
    return f"{d.kind}: «{d.a_text}» vs «{d.b_text}» ({labels.get(d.kind, 'differ')})"


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


def _place_conflicts(a: ClaimSignals, b: ClaimSignals) -> list[Difference]:
    """Places in the same role (destination, location, origin) that cannot both hold.

    A place is compatible when the other claim names it too, or names the
    country it lies in; places in different roles («seized at X», «flown to Y»)
    are never compared.
    """
    countries_a = {p.extra for p in a.places if p.extra}
    countries_b = {p.extra for p in b.places if p.extra}
    named_a = {p.extra for p in a.places if p.key.startswith("country:")}
    named_b = {p.extra for p in b.places if p.key.startswith("country:")}
    keys_a = {p.key for p in a.places} | {p.alias for p in a.places}
    keys_b = {p.key for p in b.places} | {p.alias for p in b.places}
    rank = {"site": 0, "city": 1, "country": 2}
    conflicts = []
    for role in ("to", "at", "from"):
        only_a = [p for p in a.places if p.role == role and p.key not in keys_b and p.alias not in keys_b
                  and not (p.key.startswith("country:") and p.extra in countries_b)]
        only_b = [p for p in b.places if p.role == role and p.key not in keys_a and p.alias not in keys_a
                  and not (p.key.startswith("country:") and p.extra in countries_a)]
        if not only_a or not only_b:
            continue
        pa = min(only_a, key=lambda p: rank[p.key.split(":")[0]])
        pb = min(only_b, key=lambda p: rank[p.key.split(":")[0]])
        # a city inside the country the other side names (not two cities of one country: Aleppo vs Homs)
        if pa.key.startswith("city:") and pa.extra and pb.key.startswith("country:") and pa.extra in named_b:
            continue
        if pb.key.startswith("city:") and pb.extra and pa.key.startswith("country:") and pb.extra in named_a:
            continue
        # A named facility («قاعدة رامشتاين») pins one event down; two countries may be two events.
        level = max(rank[pa.key.split(":")[0]], rank[pb.key.split(":")[0]])
        conflicts.append(Difference("location", pa.text, pb.text, pa.span, pb.span, (0.9, 0.75, 0.55)[level]))
    return sorted(conflicts, key=lambda d: -d.weight)[:1]


def _countries(sig: ClaimSignals) -> dict[int, str]:
    """``{token index: country key}`` for the tokens that name a country or its people («الروسية»)."""
    at = {tok.start: key for key, tok in sig.anchors.items() if key.startswith("country:")}
    return {i: at[t.start] for i, t in enumerate(sig.tokens) if t.start in at}


def _actors(sig: ClaimSignals, countries: dict[int, str], shared: set[str]) -> dict[str, tuple[str, int]]:
    """``{shared word: (actor, token)}``: the country right after a shared word (Arabic verb-first order,
    «قصفت إسرائيل الميناء») or right before it (English "Israel struck the port")."""
    found: dict[str, tuple[str, int]] = {}
    for i, tok in enumerate(sig.tokens):
        j = i + 1 if ARABIC.match(tok.norm) else i - 1
        if tok.stem in shared and j in countries:
            found.setdefault(tok.stem, (countries[j], j))
    return found


def _actor_conflicts(a: ClaimSignals, b: ClaimSignals) -> list[Difference]:
    """One shared action, two different doers: each claim puts a different country in the doer's slot of the
    same word, and neither claim mentions the other's country anywhere (else both may take part)."""
    shared = set(a.anchors) & set(b.anchors)
    countries_a, countries_b = _countries(a), _countries(b)
    actors_a, actors_b = _actors(a, countries_a, shared), _actors(b, countries_b, shared)
    all_a, all_b = set(countries_a.values()), set(countries_b.values())
    for word, (key_a, i) in actors_a.items():
        key_b, j = actors_b.get(word, (None, -1))
        if key_b and key_a != key_b and key_a not in all_b and key_b not in all_a:
            ta, tb = a.tokens[i], b.tokens[j]
            return [Difference("actor", ta.text, tb.text, (ta.start, ta.end), (tb.start, tb.end))]
    return []


def _same_value(kind: str, x: str, y: str) -> bool:
    """Whether two keys can name the same value (dates compare at their common granularity)."""
    if kind != "date" or x.startswith("weekday") or y.startswith("weekday"):
        return x == y
    year_x, _, month_x = x.partition("-")
    year_y, _, month_y = y.partition("-")
    same_year = "?" in (year_x, year_y) or year_x == year_y
    same_month = not month_x or not month_y or month_x == month_y
    return same_year and same_month


_APPROXIMATE = {"least", "most", "about", "nearly", "almost", "around", "over", "than", "more", "less", "some",
                "حوالي", "نحو", "قرابه", "اكثر", "اقل", "اقرب", "ما", "يقارب"}


def _near(sig: ClaimSignals, fact: Fact, window: int = 2) -> set[str]:
    """Content words within ``window`` tokens of a figure (what it counts: "12 people died", «غرق 30 راكبا»)."""
    at = [i for i, t in enumerate(sig.tokens) if fact.span[0] <= t.start < fact.span[1]]
    if not at:
        return set()
    around = sig.tokens[max(0, at[0] - window):at[0]] + sig.tokens[at[-1] + 1:at[-1] + 1 + window]
    return {t.stem for t in around if t.stem in sig.anchors and t.norm not in _APPROXIMATE}


def _numbers_comparable(a: ClaimSignals, b: ClaimSignals, x: Fact, y: Fact) -> bool:
    """Whether two figures count the same thing: the same word after them («12 شخصا»), or before them when
    one has no counted noun after it ("magnitude 6.1" / "magnitude of 6.8"; but «انتشلت 3 صيادين» and
    «انتشلت 12 بحارا» count different people); or, when each claim gives one figure, a shared word next to
    both ("12 people died" / "30 passengers died") or no shared script to look in (14 «شخصا» / 26 people)."""
    if x.extra == y.extra:
        return True
    if x.role and x.role == y.role and (x.extra not in a.anchors or y.extra not in b.anchors):
        return True
    if len(a.numbers) != 1 or len(b.numbers) != 1:
        return False
    return bool(_near(a, x) & _near(b, y)) or _arabic_script(a.text) != _arabic_script(b.text)


def _value_conflicts(kind: str, a: ClaimSignals, b: ClaimSignals) -> list[Difference]:
    """The first value of ``a`` with no possible match in ``b`` facing one of ``b`` with none in ``a``."""
    fa, fb = (a.numbers, b.numbers) if kind == "number" else (a.dates, b.dates)
    for x in fa:
        if any(_same_value(kind, x.key, z.key) for z in fb):
            continue
        for y in fb:
            comparable = _numbers_comparable(a, b, x, y) if kind == "number" else \
                x.key.startswith("weekday") == y.key.startswith("weekday")
            if comparable and not any(_same_value(kind, y.key, z.key) for z in fa):
                partial = kind == "date" and ("?" in x.key + y.key or "-" not in x.key + y.key)
                return [Difference(kind, x.text, y.text, x.span, y.span, 0.5 if partial else 0.0)]
    return []


def _in_scope(sig: ClaimSignals, cue: Fact, shared: set[str], window: int = 1) -> bool:
    """Whether a negation bears on what both claims talk about: a denial verb always does;
    a particle («لم», «ليس», "not") only when the next ``window`` content word(s) are shared
    («لم يتم نقل البطارية» negates the transfer; «لا جدوى من دراسته» negates usefulness).
    ``shared`` holds the shared words' :func:`_base` forms ("did not visit" negates "visited")."""
    if cue.key == "denied":
        return True
    after = [t for t in sig.tokens if t.start >= cue.span[1] and t.stem in sig.anchors][:window]
    return any(_base(t.stem) in shared for t in after)


def _base(word: str) -> str:
    """A Latin word without its commonest inflection ("visited", "visits", "visiting" → "visit"); Arabic
    words are already stems."""
    if not word.isascii() or len(word) < 5:
        return word
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def find_differences(a: ClaimSignals, b: ClaimSignals) -> list[Difference]:
    """Every single-valued slot in which ``a`` and ``b`` disagree, strongest first."""
    found: list[Difference] = []
    if (a.polarity < 0) != (b.polarity < 0):
        neg, pos = (a, b) if a.polarity < 0 else (b, a)
        bases = {_base(k) for k in a.anchors} & {_base(k) for k in b.anchors}
        cue = next((c for c in neg.negations if _in_scope(neg, c, bases)), None)
        if cue and not pos.reluctance and pos.tokens:  # reluctance agrees with a denial in stance
            head = pos.tokens[: min(6, len(pos.tokens))]
            span = (head[0].start, head[-1].end)
            text = pos.text_at(span)
            if neg is a:
                found.append(Difference("negation", cue.text, text, cue.span, span))
            else:
                found.append(Difference("negation", text, cue.text, span, cue.span))
    found += _place_conflicts(a, b)
    found += _value_conflicts("number", a, b)
    found += _value_conflicts("date", a, b)
    for x, y in antonym_pairs(a, b)[:1]:
        found.append(Difference("antonym", x.text, y.text, x.span, y.span))
    found += _actor_conflicts(a, b)
    return sorted(found, key=lambda d: -d.weight)
