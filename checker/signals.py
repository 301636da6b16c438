"""Typed facts read off one claim: places, numbers, dates, polarity, antonyms, anchors.

Every fact keeps its character span in the claim text, so the judge can name
and highlight exactly what differs between two claims. The lexicons here are
of general words (place-type nouns, month names, negation particles, antonym
pairs), in Arabic and English; nothing names a particular event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .text.arabic import ARABIC, Token, designations, normalize, root_key, stem, tokens, translit_key
from .text.places import gazetteer

# Nouns that introduce a named place: «قاعدة رامشتاين», «مطار معيتيقة», "Ramstein Air Base".
PLACE_TYPES = {"قاعده", "مطار", "ميناء", "مدينه", "بلده", "قريه", "منطقه", "محافظه", "ولايه", "اقليم", "جزيره",
               "مرفا", "معسكر", "سجن", "مستشفي", "ساحل", "سواحل", "مضيق", "خليج", "نهر", "قاعدتي", "base", "airport",
               "port", "city", "town", "village", "province", "region", "island", "harbour", "harbor", "camp"}
_GENERIC_ADJ = {"البحر", "الساحل", "الشرق", "الغرب", "الشمال", "الجنوب", "الحدود", "العاصمه", "البلاد", "المنطقه",
                "المدينه", "الداخل", "الخارج", "بحر", "حدود", "عاصمه", "بلاد",
                "عسكريه", "عسكري", "جويه", "جوي", "بحريه", "بحري",
                "دوليه", "دولي", "رئيسيه", "رئيسي", "جديده",
                "جديد", "كبيره", "كبير", "اجنبيه", "اجنبي", "دائمه", "دائم", "سريه", "محليه", "قريبه", "ساحليه",
                "military", "air", "naval", "international", "new", "main", "foreign", "permanent", "the", "of"}
MONTHS = {
    **{m: i for i, m in enumerate(["يناير", "فبراير", "مارس", "ابريل", "مايو", "يونيو", "يوليو", "اغسطس", "سبتمبر",
                                   "اكتوبر", "نوفمبر", "ديسمبر"], 1)},
    **{m: i for i, m in enumerate(["كانون الثاني", "شباط", "اذار", "نيسان", "ايار", "حزيران", "تموز", "اب",
                                   "ايلول", "تشرين الاول", "تشرين الثاني", "كانون الاول"], 1)},
    **{m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august",
                                   "september", "october", "november", "december"], 1)},
}
WEEKDAYS = {"الاثنين": 1, "الثلاثاء": 2, "الاربعاء": 3, "الخميس": 4, "الجمعه": 5, "السبت": 6, "الاحد": 7,
            "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6, "sunday": 7}
# Relative dates: (unit, shift) from the report's date. A leading «و»/«ب»/«ف» is stripped before lookup.
RELATIVE_DATES = {
    **{f"{unit} {word}": (kind, shift)
       for kind, units in (("year", ("العام", "السنه", "عام")), ("month", ("الشهر", "شهر")))
       for unit in units
       for words, shift in ((("الماضي", "الماضيه", "المنصرم", "المنصرمه", "السابق"), -1),
                            (("الحالي", "الحاليه", "الجاري", "الجاريه"), 0),
                            (("المقبل", "المقبله", "القادم", "القادمه"), 1))
       for word in words},
    "هذا العام": ("year", 0), "هذه السنه": ("year", 0), "هذا الشهر": ("month", 0),
    "last year": ("year", -1), "this year": ("year", 0), "next year": ("year", 1),
    "last month": ("month", -1), "this month": ("month", 0), "next month": ("month", 1),
}
SCALES = {"الف": 1e3, "آلاف": 1e3, "الاف": 1e3, "مليون": 1e6, "ملايين": 1e6, "مليار": 1e9, "مليارات": 1e9,
          "بليون": 1e9, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "ترليون": 1e12}
NUMBER_WORDS = {"واحد": 1, "اثنان": 2, "اثنين": 2, "ثلاثه": 3, "اربعه": 4, "خمسه": 5, "سته": 6, "سبعه": 7,
                "ثمانيه": 8, "تسعه": 9, "عشره": 10, "ثلاث": 3, "اربع": 4, "خمس": 5, "ثماني": 8, "تسع": 9,
                "مئه": 100, "مائه": 100,
                "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
                "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "dozen": 12, "eleven": 11, "twelve": 12,
                "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
                "nineteen": 19, "hundred": 100}
# Tens, which take a unit after them ("twenty-six") or, in Arabic, before them («ستة وعشرون»).
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
        "ninety": 90, **{w: 10 * n for n, pair in enumerate([
            ("عشرون", "عشرين"), ("ثلاثون", "ثلاثين"), ("اربعون", "اربعين"), ("خمسون", "خمسين"), ("ستون", "ستين"),
            ("سبعون", "سبعين"), ("ثمانون", "ثمانين"), ("تسعون", "تسعين")], 2) for w in pair}}
# Strong negation: the claim asserts that something is not so.
NEGATIONS = {"لم", "لن", "ليس", "ليست", "لا", "عدم", "نفي", "ينفي", "تنفي", "نفت", "نفوا", "نافيا", "ينفون",
             "never", "not", "no", "none", "nobody", "denied", "denies", "deny", "without",
             "nor", "isn", "wasn", "aren", "weren", "didn", "doesn", "don", "hasn", "haven", "won"}
# Weak negative stance: reluctance or refusal, which agrees with a denial but does not contradict an assertion.
RELUCTANCE = {"يتردد", "تتردد", "تردد", "متردد", "يرفض", "ترفض", "رفض", "رفضت", "يعارض", "تعارض", "يعارضون",
              "معارضه", "reluctant", "refuses", "refused", "opposes", "opposed", "hesitant"}
ANTONYMS = [
    ("ارتفع", "انخفض"), ("ارتفاع", "انخفاض"), ("ارتفعت", "انخفضت"), ("زياده", "تراجع"), ("زاد", "تراجع"),
    ("ارتفعت", "تراجعت"), ("ارتفاع", "تراجع"), ("استمرار", "توقف"), ("استمر", "توقف"), ("يستمر", "يتوقف"),
    ("اعلي", "ادني"), ("اكبر", "اصغر"), ("اكثر", "اقل"), ("فوز", "خساره"), ("فاز", "خسر"), ("نجاح", "فشل"),
    ("نجح", "فشل"), ("قبول", "رفض"), ("وافق", "رفض"), ("وافقت", "رفضت"), ("فتح", "اغلاق"), ("افتتاح", "اغلاق"),
    ("صعود", "هبوط"), ("تقدم", "تاخر"), ("انتصار", "هزيمه"), ("حرب", "سلام"), ("دخول", "خروج"), ("بدايه", "نهايه"),
    ("rise", "fall"), ("rose", "fell"), ("increase", "decrease"), ("increased", "decreased"), ("higher", "lower"),
    ("up", "down"), ("won", "lost"), ("win", "lose"), ("accepted", "rejected"), ("accept", "reject"),
    ("open", "closed"), ("opened", "closed"), ("more", "fewer"), ("gain", "loss"), ("success", "failure"),
    ("continue", "stop"), ("continued", "stopped"), ("approved", "rejected"), ("alive", "dead"), ("survived", "died"),
]
_ANTONYM = {}
for _a, _b in ANTONYMS:
    _ANTONYM.setdefault(_a, set()).add(_b)
    _ANTONYM.setdefault(_b, set()).add(_a)
STOPWORDS = set("""
في من الي علي عن مع ان انه انها ان او ثم قد كان كانت كما التي الذي الذين هذا هذه ذلك تلك هناك هنا بعد قبل
حتي خلال عند بين حول ضد منذ لدي لها له لهم هو هي هم نحن كل بعض اي ايضا وقال قال قالت ذكرت ذكر اضاف اشار
اكد تم يتم وفق بحسب حسب مثل غير الا اذا لكن بل وهو وهي وقد فقد ما ماذا لماذا كيف متي اين يكون تكون جدا
the a an of to in on at by for with from and or but that this these those is are was were be been being
it its as has have had will would can could may might said says told according which who whom what when
""".split())


@dataclass(frozen=True)
class Fact:
    """One typed value in a claim: ``key`` compares across claims, ``span`` is where it is."""

    kind: str
    key: str
    text: str
    span: tuple[int, int]
    extra: str = ""  # a place's country; a number's unit (the word after it)
    role: str = ""  # a place's slot (to, at, from); the word before a number ("magnitude 6.1")
    alias: str = ""  # spelling-insensitive key of the bare name, shared by «اللاذقية» and «ميناء اللاذقية»


@dataclass
class ClaimSignals:
    """Everything the judge compares, read off a claim's asserted content."""

    tokens: list[Token]
    text: str = ""
    offset: int = 0
    anchors: dict[str, Token] = field(default_factory=dict)
    roots: dict[str, str] = field(default_factory=dict)  # root key -> anchor key
    latin_names: set[str] = field(default_factory=set)  # cross-script keys of capitalised Latin words
    arabic_names: set[str] = field(default_factory=set)  # cross-script keys of longer Arabic words
    names: dict[str, Fact] = field(default_factory=dict)
    places: list[Fact] = field(default_factory=list)
    numbers: list[Fact] = field(default_factory=list)
    dates: list[Fact] = field(default_factory=list)
    negations: list[Fact] = field(default_factory=list)
    reluctance: list[Fact] = field(default_factory=list)
    polar_words: list[Fact] = field(default_factory=list)

    def text_at(self, span: tuple[int, int]) -> str:
        """The claim text under ``span`` (offsets relative to the claim)."""
        return self.text[span[0] - self.offset: span[1] - self.offset]

    @property
    def polarity(self) -> int:
        """-1 if the claim negates or denies, otherwise +1."""
        return -1 if self.negations else 1


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
                  "cerca": "at", "em": "at", "para": "to", "desde": "from", "depuis": "from"}
ROLES = {"الي": "to", "to": "to", "into": "to", "نحو": "to", "في": "at", "in": "at", "at": "at", "قرب": "at",
         "near": "at", "قباله": "at", "off": "at", "داخل": "at", "من": "from", "from": "from", **_ROMANCE_ROLES}


def _role(toks: list[Token], i: int) -> str:
    """The slot a place at token ``i`` fills: destination (to), location (at) or origin (from)."""
    if i > 1 and toks[i - 1].norm in ("the", "a", "an") and toks[i - 2].norm in ROLES:
        return ROLES[toks[i - 2].norm]  # "near the port of …"
    if i > 0 and toks[i - 1].norm in ROLES:
        return ROLES[toks[i - 1].norm]
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


def _places(toks: list[Token], gaz: dict) -> list[Fact]:
    found, used = [], set()
    norms = [t.norm for t in toks]
    for i, tok in enumerate(toks):
        head = _place_type(tok.norm) if ARABIC.search(tok.norm) else tok.norm
        if (tok.norm in PLACE_TYPES or head in PLACE_TYPES) and i + 1 < len(toks) and _is_name(toks[i + 1]) \
                and ARABIC.search(tok.norm):
            found.append(_site(toks, i, i + 1, gaz))
            used.update({i, i + 1})
        elif tok.norm in PLACE_TYPES and i + 2 < len(toks) and toks[i + 1].norm == "of" \
                and toks[i + 2].text[:1].isupper() and not ARABIC.search(tok.norm):
            found.append(_site(toks, i, i + 2, gaz))  # "the port of Safaga", "the city of Homs"
            used.update({i, i + 1, i + 2})
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


_NUM = re.compile(r"\d+(?:[.,]\d+)?")


def _relative_date(phrase: str, reference: tuple[int, int]) -> str | None:
    """«العام الماضي» with a report of 2024-05 → ``2023``; «الشهر المقبل» → ``2024-06``."""
    words = phrase.split()
    if words[0][:1] in "وبف" and words[0][1:4] in ("الع", "الش", "الس", "هذ"):
        phrase = " ".join([words[0][1:], *words[1:]])
    if phrase not in RELATIVE_DATES:
        return None
    unit, shift = RELATIVE_DATES[phrase]
    year, month = reference
    if unit == "year":
        return f"{year + shift}"
    month0 = year * 12 + month - 1 + shift
    return f"{month0 // 12}-{month0 % 12 + 1:02d}"


def _numbers_and_dates(toks: list[Token], reference: tuple[int, int] | None = None) -> tuple[list[Fact], list[Fact]]:
    numbers, dates, used = [], [], set()
    norms = [t.norm for t in toks]
    for i in range(len(toks) - 1) if reference else ():
        key = _relative_date(f"{norms[i]} {norms[i + 1]}", reference)
        if key:
            dates.append(Fact("date", key, f"{toks[i].text} {toks[i + 1].text}", (toks[i].start, toks[i + 1].end)))
            used.update({i, i + 1})
    for i, tok in enumerate(toks):
        if i in used:
            continue
        n = 2 if i + 1 < len(toks) and " ".join(norms[i:i + 2]) in MONTHS else 1 if tok.norm in MONTHS else 0
        ambiguous = tok.norm == "اب" or (tok.norm == "may" and not (i + 1 < len(toks) and toks[i + 1].norm.isdigit()))
        if n and not ambiguous:
            value = MONTHS[" ".join(norms[i:i + n])]
            year = norms[i + n] if i + n < len(toks) and re.fullmatch(r"(19|20)\d\d", norms[i + n]) else ""
            end = toks[i + n].end if year else toks[i + n - 1].end
            dates.append(Fact("date", f"{year or '?'}-{value:02d}", tok.text if not year else
                              " ".join(t.text for t in toks[i:i + n + 1]), (tok.start, end)))
            used.update(range(i, i + n + (1 if year else 0)))
        elif tok.norm in WEEKDAYS:
            dates.append(Fact("date", f"weekday-{WEEKDAYS[tok.norm]}", tok.text, (tok.start, tok.end)))
    for i, tok in enumerate(toks):
        if i in used:
            continue
        if re.fullmatch(r"(19|20)\d\d", tok.norm):
            dates.append(Fact("date", f"{tok.norm}", tok.text, (tok.start, tok.end)))
            continue
        value, j = None, i + 1
        if _NUM.fullmatch(tok.norm):
            value = float(tok.norm.replace(",", "")) if tok.norm.count(",") and len(tok.norm.split(",")[-1]) == 3 \
                else float(tok.norm.replace(",", "."))
        elif tok.norm in NUMBER_WORDS or tok.norm in TENS:
            value, j = _number_words(norms, i)
            used.update(range(i, j))
        if value is None:
            continue
        end = toks[j - 1].end
        if j < len(toks) and toks[j].norm in SCALES:
            value *= SCALES[toks[j].norm]
            end, j = toks[j].end, j + 1
        unit = stem(toks[j].norm) if j < len(toks) else ""
        before = stem(toks[i - 1].norm) if i else ""
        numbers.append(Fact("number", f"{value:g}", " ".join(t.text for t in toks[i:j]) or tok.text,
                            (tok.start, end), unit, before))
    return numbers, dates


def _number_words(norms: list[str], i: int) -> tuple[float, int]:
    """The value of number words starting at token ``i`` and the token after them: "twenty six", «ستة وعشرون»."""
    word = norms[i]
    nxt = norms[i + 1] if i + 1 < len(norms) else ""
    if word in TENS:
        unit = NUMBER_WORDS.get(nxt, 0)
        return (float(TENS[word] + unit), i + 2) if 0 < unit < 10 else (float(TENS[word]), i + 1)
    if NUMBER_WORDS[word] < 10 and nxt.startswith("و") and nxt[1:] in TENS:
        return float(NUMBER_WORDS[word] + TENS[nxt[1:]]), i + 2
    return float(NUMBER_WORDS[word]), i + 1


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


_DEMONYMS: dict[str, str] = {}


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
    ref = re.match(r"((?:19|20)\d\d)-(\d\d)", reference or "")
    sig.numbers, sig.dates = _numbers_and_dates(toks, (int(ref[1]), int(ref[2])) if ref else None)
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
