"""What differs between two claims of one event: places, doers, figures, dates, polarity, opposite words.

Each :class:`~checker.judge.verdict.Difference` keeps the spans in both claims. A difference counts only in a
slot that holds one value per event: a second place that lies inside the first (Tripoli, Libya) does not.
"""

from __future__ import annotations

from ..text.arabic import ARABIC
from ..text.numbers import dates_compatible
from ..text.signals import ClaimSignals, Fact, antonym_pairs
from ..text.states import STATUS_CONFLICTS
from .verdict import Difference, _arabic_script


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
    return dates_compatible(x, y) if kind == "date" else x == y


def _figures_agree(x: Fact, y: Fact) -> bool:
    """Whether two figures can be one count: equal, or within what a hedge allows ("about 300" and 296;
    "more than 20" and 23; « une trentaine » and 32)."""
    vx, vy = float(x.key), float(y.key)
    if vx == vy:
        return True
    # News write "at least 12" for the count confirmed so far: against "at least 30" that is a different count,
    # so every hedge allows the same margin, on its own side for "at least" / "up to".
    for f, v, other in ((x, vx, vy), (y, vy, vx)):
        if f.approx == "many" and v / 2 <= other <= v * 5:  # "dozens" (24): 12 to 120; "hundreds" (200): to 1,000
            return True
        near = abs(v - other) <= 0.2 * max(v, other)
        if (f.approx == "about" and near) or (f.approx == "min" and near and other >= v) \
                or (f.approx == "max" and near and other <= v):
            return True
    return False


_APPROXIMATE = {"least", "most", "about", "nearly", "almost", "around", "over", "than", "more", "less", "some",
                "حوالي", "نحو", "قرابه", "اكثر", "اقل", "اقرب", "ما", "يقارب"}


def _near(sig: ClaimSignals, fact: Fact, window: int = 2) -> set[str]:
    """Content words within ``window`` tokens of a figure (what it counts: "12 people died", «غرق 30 راكبا»)."""
    at = [i for i, t in enumerate(sig.tokens) if fact.span[0] <= t.start < fact.span[1]]
    if not at:
        return set()
    around = sig.tokens[max(0, at[0] - window):at[0]] + sig.tokens[at[-1] + 1:at[-1] + 1 + window]
    return {t.stem for t in around if t.stem in sig.anchors and t.norm not in _APPROXIMATE}


def _numbers_comparable(a: ClaimSignals, b: ClaimSignals, x: Fact, y: Fact, aligned: bool = False) -> bool:
    """Whether two figures count the same thing: the same word after them («12 شخصا»), or before them when
    one has no counted noun after it ("magnitude 6.1" / "magnitude of 6.8"; but «انتشلت 3 صيادين» and
    «انتشلت 12 بحارا» count different people); or, when each claim gives one figure, a shared word next to
    both ("12 people died" / "30 passengers died"), no shared script to look in (14 «شخصا» / 26 people), or
    claims ``aligned`` within one story whose figures count the same thing (``Fact.counts``). Figures that
    count different things (survivors and passengers) never compare."""
    if x.counts and y.counts and x.counts != y.counts:  # survivors against passengers, ships against people
        return False
    if x.extra == y.extra:
        return True
    if x.role and x.role == y.role and (x.extra not in a.anchors or y.extra not in b.anchors):
        return True
    if len(a.numbers) != 1 or len(b.numbers) != 1:
        return False
    if aligned and x.counts and x.counts == y.counts:
        return True
    return bool(_near(a, x) & _near(b, y)) or _arabic_script(a.text) != _arabic_script(b.text)


def _value_conflicts(kind: str, a: ClaimSignals, b: ClaimSignals, aligned: bool = False) -> list[Difference]:
    """The first value of ``a`` with no possible match in ``b`` facing one of ``b`` with none in ``a``."""
    fa, fb = (a.numbers, b.numbers) if kind == "number" else (a.dates, b.dates)
    same = _figures_agree if kind == "number" else (lambda x, y: _same_value(kind, x.key, y.key))
    for x in fa:
        if any(same(x, z) for z in fb):
            continue
        for y in fb:
            comparable = _numbers_comparable(a, b, x, y, aligned) if kind == "number" else \
                x.key.startswith("weekday") == y.key.startswith("weekday") and x.key.count("-") == y.key.count("-")
            if comparable and not any(same(y, z) for z in fa):
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


def _state_conflicts(a: ClaimSignals, b: ClaimSignals) -> list[Difference]:
    """States that cannot hold together (dead / alive, held / released), all against part, opposite poles.

    Each side's concept must be absent from the other claim ("11 killed and 14 injured" against "29 injured"
    share the injured state and do not conflict on it)."""
    found = []
    for kind, facts_a, facts_b, clash in (
            ("status", a.status, b.status, lambda x, y: frozenset((x, y)) in STATUS_CONFLICTS),
            ("extent", a.extent, b.extent, lambda x, y: x != y),
            ("antonym", a.poles, b.poles, lambda x, y: x[:-1] == y[:-1] and x != y)):
        keys_a, keys_b = {f.key for f in facts_a}, {f.key for f in facts_b}
        pair = next(((x, y) for x in facts_a for y in facts_b
                     if x.key not in keys_b and y.key not in keys_a and clash(x.key, y.key)), None)
        if pair:
            x, y = pair
            found.append(Difference(kind, x.text, y.text, x.span, y.span))
    return found


def find_differences(a: ClaimSignals, b: ClaimSignals, aligned: bool = False) -> list[Difference]:
    """Every single-valued slot in which ``a`` and ``b`` disagree, strongest first.

    ``aligned``: the claims are counterparts within one story (:class:`~checker.judge.verdict.PairContext`), so
    their single figures compare across languages and states, extents and poles are read too."""
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
    found += _value_conflicts("number", a, b, aligned)
    found += _value_conflicts("date", a, b)
    for x, y in antonym_pairs(a, b)[:1]:
        found.append(Difference("antonym", x.text, y.text, x.span, y.span))
    found += _actor_conflicts(a, b)
    if aligned:
        found += [d for d in _state_conflicts(a, b) if not (d.kind == "antonym" and any(
            f.kind == "antonym" for f in found))]
    return sorted(found, key=lambda d: -d.weight)
