"""Typed facts read off one claim: places, numbers, dates, states, polarity, antonyms, anchors.

:func:`read_signals` gathers what the other modules of ``text/`` read: places (:mod:`.sites`), figures and
dates (:mod:`.numbers`), states, extents and poles (:mod:`.states`), with the word lists of :mod:`.lexicon`.
Every fact keeps its character span in the claim text, so the judge can name and highlight exactly what
differs between two claims. Nothing here names a particular event.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .arabic import ARABIC, designations, normalize, root_key, stem, tokens, translit_key
from .facts import ClaimSignals, Fact
from .lexicon import _ANTONYM, NEGATIONS, RELUCTANCE, STOPWORDS, UPDATE_MARKERS
from .numbers import _NUM, _numbers_and_dates
from .places import gazetteer
from .sites import _places, concept
from .states import read_states, what_counts


def read_signals(text: str, how: str = "asserted", offset: int = 0, reference: str | None = None) -> ClaimSignals:
    """Read the typed facts of a claim's asserted content.

    Args:
        text: the asserted content (``Claim.proposition``) or a whole sentence.
        how: the attribution verb; ``denied`` makes the claim negative.
        offset: added to every span (the content's offset within the claim).
        reference: the report's date as ``YYYY-MM[-DD]``; relative dates («العام الماضي», "next month")
            are resolved against it, and ignored without it.
    """
    gaz = gazetteer()
    toks = tokens(text, offset)
    sig = ClaimSignals(toks, text, offset)
    sig.places = _places(toks, gaz)
    sig.numbers, sig.dates = _numbers_and_dates(toks, reference)
    states = read_states(toks)
    sig.status, sig.extent, sig.poles = states["status"], states["extent"], states["pole"]
    sig.updates = any(t.norm in UPDATE_MARKERS or t.stem in UPDATE_MARKERS for t in toks)
    sig.numbers = [replace(f, counts=_symbol_unit(text, offset, f) or what_counts(f, states, toks))
                   for f in sig.numbers]
    for canon, start, end in designations(text):
        sig.names[canon] = Fact("name", canon, text[start:end], (start + offset, end + offset))
        # the digits of a model name («S-400») are part of a name, not a figure
        sig.numbers = [f for f in sig.numbers if not start + offset <= f.span[0] < end + offset]
    for m in re.finditer(r"[«\"“]([^»\"”]{2,30})[»\"”]", text):
        if len(m.group(1).split()) <= 3:
            sig.names["q:" + normalize(m.group(1))] = Fact("name", normalize(m.group(1)), m.group(1),
                                                          (m.start(1) + offset, m.end(1) + offset))
    if how == "denied":
        sig.negations.append(Fact("negation", "denied", "denied", (offset, offset)))
    place_tokens = {t.start for f in sig.places for t in toks if f.span[0] <= t.start < f.span[1]}
    for i, tok in enumerate(toks):
        word = tok.norm
        if word in NEGATIONS or (ARABIC.search(word) and stem(word) in {"نفي", "عدم"}):
            if not (word == "غير" and i + 1 < len(toks) and toks[i + 1].norm in {"ان", "انه"}):
                sig.negations.append(Fact("negation", word, tok.text, (tok.start, tok.end)))
        elif word in RELUCTANCE:
            sig.reluctance.append(Fact("reluctance", word, tok.text, (tok.start, tok.end)))
        if word in _ANTONYM or tok.stem in _ANTONYM:
            sig.polar_words.append(Fact("antonym", word if word in _ANTONYM else tok.stem, tok.text,
                                        (tok.start, tok.end)))
        if tok.start in place_tokens or word in STOPWORDS or len(word) < 3 or _NUM.fullmatch(word):
            continue
        key = concept(word, gaz) or tok.stem
        sig.anchors.setdefault(key, tok)
        if tok.text[:1].isupper() and len(word) >= 4:
            sig.latin_names.add(translit_key(word))
        elif ARABIC.search(word) and len(word) >= 5:
            sig.arabic_names.add(translit_key(word))
        if (root := root_key(word)) and not key.startswith("country:"):
            sig.roots.setdefault(root, key)
    return sig


def _symbol_unit(text: str, offset: int, figure: Fact) -> str:
    """A unit written as a sign next to the figure: "95 %", «٪», "€10", "$3 million"."""
    after = text[figure.span[1] - offset:figure.span[1] - offset + 2].strip()[:1]
    before = text[max(0, figure.span[0] - offset - 1):figure.span[0] - offset]
    if after in ("%", "٪"):
        return "share"
    return "money" if before in ("$", "€", "£") or after in ("$", "€", "£") else ""


def antonym_pairs(a: ClaimSignals, b: ClaimSignals) -> list[tuple[Fact, Fact]]:
    """Words of ``a`` whose antonym appears in ``b`` (and not in ``a`` itself)."""
    b_keys = {f.key: f for f in b.polar_words}
    a_keys = {f.key for f in a.polar_words}
    out = []
    for fact in a.polar_words:
        for opposite in _ANTONYM.get(fact.key, ()):
            if opposite in b_keys and opposite not in a_keys and fact.key not in b_keys:
                out.append((fact, b_keys[opposite]))
    return out
