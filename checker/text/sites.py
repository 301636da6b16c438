"""Places in a claim: named sites after a place-type noun, gazetteer names, their slot (to / at / from)."""

from __future__ import annotations

from .arabic import ARABIC, Token, stem, translit_key
from .facts import Fact
from .lexicon import _GENERIC_ADJ, PLACE_TYPES, STOPWORDS

_DEMONYMS: dict[str, str] = {}


def _place_type(norm: str) -> str:
    """An Arabic word without its clitics, as a place-type noun where it is one («بمدينة» → مدينه)."""
    for pre in ("وب", "فب", "ول", "و", "ب", "ل", "ف"):
        if norm.startswith(pre) and norm[len(pre):] in PLACE_TYPES:
            return norm[len(pre):]
    return stem(norm)


def _lookup_place(words: list[str], gaz: dict) -> tuple[str, str, int] | None:
    """Longest gazetteer match at the start of ``words`` (clitics stripped): (name, country, length)."""
    for n in (3, 2, 1):
        if len(words) < n:
            continue
        phrase = " ".join(words[:n])
        candidates = [phrase]
        if ARABIC.search(phrase):
            for pre in ("و", "ب", "ل", "ف", "وب", "ول", "وال", "بال", "لل"):
                if phrase.startswith(pre) and len(phrase) - len(pre) >= 3:
                    candidates.append(phrase[len(pre):])
                    if not phrase[len(pre):].startswith("ال"):
                        candidates.append("ال" + phrase[len(pre):])
        for cand in candidates:
            if n == 1 and (cand in PLACE_TYPES or cand.removeprefix("ال") in PLACE_TYPES):
                continue  # «المدينة» is "the city" before it is Medina
            if cand in gaz["countries"]:
                return cand, gaz["countries"][cand], n
            if cand in gaz["cities"]:
                return cand, gaz["cities"][cand], n
    return None


def _is_name(token: Token) -> bool:
    word = token.norm
    if word in _GENERIC_ADJ or word in STOPWORDS or word.isdigit():
        return False
    return len(word) >= 3


# French, Spanish and Portuguese prepositions of place ("arrivé à Lyon", "llegó en Valencia"): each marks a
# location (LOCATIVES) and gives its slot (ROLES).
_ROMANCE_ROLES = {"à": "at", "au": "at", "aux": "at", "vers": "to", "près": "at", "en": "at", "hacia": "to",
                  "dans": "at", "jusqu": "to",
                  "cerca": "at", "em": "at", "para": "to", "desde": "from", "depuis": "from"}


ROLES = {"الي": "to", "to": "to", "into": "to", "نحو": "to", "في": "at", "in": "at", "at": "at", "قرب": "at",
         "near": "at", "قباله": "at", "off": "at", "داخل": "at", "من": "from", "from": "from", **_ROMANCE_ROLES}


# French verbs of moving something somewhere: « envoyée à X » is a destination, « stationnée à X » a location.
_MOTION = ("envoy", "transf", "transport", "achemin", "emmen", "rapatri", "expédi", "livr", "dépla", "arriv",
           "conduit", "évacu", "dérout")


def _role(toks: list[Token], i: int) -> str:
    """The slot a place at token ``i`` fills: destination (to), location (at) or origin (from)."""
    at = i - 2 if i > 1 and toks[i - 1].norm in ("the", "a", "an", "l", "la", "le", "les", "un", "une") \
        and toks[i - 2].norm in ROLES else i - 1  # "near the port of …", « à l'aéroport de … »
    if at >= 0 and toks[at].norm in ROLES:
        role = ROLES[toks[at].norm]
        if toks[at].norm in ("à", "au", "aux") and any(t.norm.startswith(_MOTION) for t in toks[max(0, at - 3):at]):
            return "to"
        return role
    word = toks[i].norm
    if ARABIC.search(word) and word[:1] in "بل" and not word.startswith("ال"):
        return "at" if word[0] == "ب" else "to"
    return ""


def _site(toks: list[Token], i: int, j: int, gaz: dict) -> Fact:
    """A named site: the place-type word at ``i`` up to the name at ``j`` («ميناء اللاذقية», "port of Safaga").

    A site named after a known city shares that city's canonical key and lies in its country.
    """
    name = toks[j]
    alias = translit_key(gaz.get("city_names", {}).get(name.norm, name.norm))
    return Fact("location", "site:" + alias, " ".join(t.text for t in toks[i:j + 1]), (toks[i].start, name.end),
                gaz["cities"].get(name.norm, ""), _role(toks, i), alias)


_OF = ("of", "de", "d", "du")


def _name_after_of(toks: list[Token], i: int) -> int:
    """The index of a capitalised name after a Latin place-type word, its adjectives and "of" / « de »
    ("the port of Safaga", « la base aérienne de Ramstein »), or 0."""
    k = i + 1
    while k < len(toks) and toks[k].norm in _GENERIC_ADJ and toks[k].norm not in _OF:
        k += 1
    if k + 1 < len(toks) and toks[k].norm in _OF and toks[k + 1].text[:1].isupper():
        return k + 1
    return 0


def _places(toks: list[Token], gaz: dict) -> list[Fact]:
    found, used = [], set()
    norms = [t.norm for t in toks]
    for i, tok in enumerate(toks):
        head = _place_type(tok.norm) if ARABIC.search(tok.norm) else tok.norm
        if (tok.norm in PLACE_TYPES or head in PLACE_TYPES) and i + 1 < len(toks) and _is_name(toks[i + 1]) \
                and ARABIC.search(tok.norm):
            found.append(_site(toks, i, i + 1, gaz))
            used.update({i, i + 1})
        elif tok.norm in PLACE_TYPES and not ARABIC.search(tok.norm) and (k := _name_after_of(toks, i)):
            found.append(_site(toks, i, k, gaz))  # "the port of Safaga", « l'aéroport international de Mitiga »
            used.update(range(i, k + 1))
        elif tok.norm in PLACE_TYPES and i > 0 and not ARABIC.search(tok.norm):
            # "Ramstein Air Base", "Mitiga airport": capitalised name words before the type word
            j = i - 1
            while j >= 0 and toks[j].norm in _GENERIC_ADJ:
                j -= 1
            if j >= 0 and toks[j].text[:1].isupper() and toks[j].norm not in _GENERIC_ADJ:
                found.append(Fact("location", "site:" + translit_key(toks[j].norm),
                                  " ".join(t.text for t in toks[j:i + 1]), (toks[j].start, tok.end), "",
                                  _role(toks, j), translit_key(toks[j].norm)))
                used.update(range(j, i + 1))
    i = 0
    while i < len(toks):
        if i in used:
            i += 1
            continue
        hit = _lookup_place(norms[i:i + 3], gaz)
        if hit and (ARABIC.search(toks[i].text) or toks[i].text[:1].isupper()):
            name, country, n = hit
            kind = "country" if name in gaz["countries"] else "city"
            if not _locative(toks, i, name):
                i += 1
                continue
            canonical = gaz.get("city_names", {}).get(name, name)
            found.append(Fact("location", f"{kind}:{country}" if kind == "country" else f"city:{canonical}",
                              " ".join(t.text for t in toks[i:i + n]), (toks[i].start, toks[i + n - 1].end), country,
                              _role(toks, i), translit_key(canonical if kind == "city" else name)))
            i += n
        else:
            i += 1
    return found


LOCATIVES = {"في", "الي", "قرب", "قباله", "عبر", "نحو", "داخل", "مدينه", "مدن", "شرق", "غرب", "شمال", "جنوب",
             "وسط", "ضواحي", "سواحل", "ساحل", "in", "to", "into", "near", "at", "off", "outside", "city",
             *_ROMANCE_ROLES}


def _locative(toks: list[Token], i: int, name: str) -> bool:
    """A place name fills a location slot only after a locative word («في», «إلى», "in") or as «بـ»+name.

    Countries and cities also name actors («روسيا تسعى …»); those are not locations.
    """
    if i > 0 and toks[i - 1].norm in LOCATIVES:
        return True
    if i > 1 and toks[i - 1].norm == "of" and toks[i - 2].norm in PLACE_TYPES | {"district", "outskirts", "centre",
                                                                                 "center", "suburbs", "north",
                                                                                 "south", "east", "west"}:
        return True  # "the Shubra district of Cairo", "the port city of Latakia"
    word = toks[i].norm
    return ARABIC.search(word) is not None and word.startswith("ب") and word[1:] in (name, name[2:])


def _demonyms(gaz: dict) -> dict[str, str]:
    """«روسي», «روسية», «الروسيون», «روسيا» → the country's key, from the gazetteer's Arabic names."""
    out: dict[str, str] = {}
    for name, code in gaz["countries"].items():
        if not ARABIC.search(name) or " " in name:
            continue
        bare = name[2:] if name.startswith("ال") else name
        base = bare[:-1] if bare.endswith("ا") else bare
        if not base.endswith("ي"):
            base += "ي"
        for form in (bare, base, base + "ه", base + "ون", base + "ين"):
            if len(form) >= 4:
                out[form] = code
                out["ال" + form] = code
    return out


def concept(word: str, gaz: dict) -> str | None:
    """The country a word names or describes («الروسية» → ``country:RU``), if any."""
    if not _DEMONYMS:
        _DEMONYMS.update(_demonyms(gaz))
    for cand in (word, word[1:] if word[:1] in "وبل" else word, word[2:] if word.startswith("لل") else word):
        if cand in _DEMONYMS:
            return "country:" + _DEMONYMS[cand]
    if word.isascii() and word in gaz["countries"]:  # one-word English names ("israel", "france")
        return "country:" + gaz["countries"][word]
    return None
