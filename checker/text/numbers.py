"""Numbers and dates in a claim: digits, number words (Arabic, English, French), scales, relative dates.

Dates are keyed ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (``?`` for a year the text leaves open); with the
report's date as reference, weekdays ("on Tuesday", « dimanche », «الثلاثاء») and day words ("yesterday",
« hier », «أمس») resolve to the calendar day they name, so reports written on different days compare.
Figures keep their hedge (``approx``): "about 300" does not contradict 296.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from .arabic import Token, stem
from .facts import Fact
from .lexicon import APPROXIMATE_NUMBERS, DAY_SHIFTS, MONTHS, NUMBER_WORDS, RELATIVE_DATES, SCALES, TENS, WEEKDAYS

_NUM = re.compile(r"\d+(?:[.,]\d+)?")
# Words before a figure that hedge it, by the kind of hedge.
_HEDGES = {"about": {"about", "around", "nearly", "almost", "approximately", "roughly", "some", "estimated",
                     "environ", "près", "presque", "quelque", "approximativement", "حوالي", "نحو", "قرابه", "زهاء",
                     "يقارب", "تقريبا"},
           "min": {"least", "over", "more", "plus", "اكثر", "يزيد", "يفوق"},
           "max": {"under", "fewer", "less", "up", "اقل"}}
# Two-word hedges, read before the words alone: « moins de 20 » is at most 20, « au moins 20 » at least 20.
_HEDGE_PAIRS = {("fewer", "than"): "max", ("less", "than"): "max", ("moins", "de"): "max", ("au", "moins"): "min",
                ("more", "than"): "min", ("plus", "de"): "min", ("at", "least"): "min", ("up", "to"): "max",
                ("jusqu", "a"): "max", ("jusqu", "à"): "max"}
# Plural round amounts: "dozens", « des centaines », «عشرات» hold a wide range, not one figure.
_PLURAL_AMOUNTS = {"dozens", "hundreds", "dizaines", "centaines", "عشرات", "مئات"}
_TEEN_UNITS = {"احد": 1, "احدي": 1, "اثنا": 2, "اثني": 2, "ثلاثه": 3, "ثلاث": 3, "اربعه": 4, "اربع": 4,
               "خمسه": 5, "خمس": 5, "سته": 6, "ست": 6, "سبعه": 7, "سبع": 7, "ثمانيه": 8, "ثماني": 8, "تسعه": 9,
               "تسع": 9}


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


def parse_reference(reference: str | None) -> tuple[tuple[int, int] | None, date | None]:
    """A report date ``YYYY-MM[-DD]`` as ``(year, month)`` and, when it names a day, that day."""
    found = re.match(r"((?:19|20)\d\d)-(\d\d)(?:-(\d\d))?", reference or "")
    if not found:
        return None, None
    day = None
    if found[3]:
        try:
            day = date(int(found[1]), int(found[2]), int(found[3]))
        except ValueError:
            day = None
    return (int(found[1]), int(found[2])), day


def _weekday(norm: str) -> int | None:
    for word in (norm, norm[1:] if norm[:1] in "وب" else norm, norm[2:] if norm.startswith("يوم") else norm):
        if word in WEEKDAYS:
            return WEEKDAYS[word]
    return None


def _day_of_week(weekday: int, day: date) -> date:
    """The last day with ``weekday`` (1 = Monday) on or before ``day``: "on Tuesday" in a Thursday report."""
    return day - timedelta(days=(day.isoweekday() - weekday) % 7)


def dates_compatible(x: str, y: str) -> bool:
    """Whether two date keys can name the same day: equal where both are given (``?`` years match any)."""
    if x.startswith("weekday-") or y.startswith("weekday-"):
        if x.startswith("weekday-") and y.startswith("weekday-"):
            return x == y
        wd, other = (x, y) if x.startswith("weekday-") else (y, x)
        parts = other.split("-")
        if len(parts) == 3 and "?" not in parts[0]:
            try:
                return date(int(parts[0]), int(parts[1]), int(parts[2])).isoweekday() == int(wd.split("-")[1])
            except ValueError:
                return True
        return True
    px, py = x.split("-"), y.split("-")
    return all(a == b or "?" in (a, b) for a, b in zip(px, py))


def _calendar_date(toks: list[Token], norms: list[str], i: int, n: int, year_ref: tuple[int, int] | None
                   ) -> tuple[str, int, int]:
    """A month name at ``i`` (``n`` tokens) with the day before or after it and a year: (key, first, last)."""
    month = MONTHS[" ".join(norms[i:i + n])]
    first, last = i, i + n - 1
    day = ""
    if i and re.fullmatch(r"\d{1,2}", norms[i - 1]) and 1 <= int(norms[i - 1]) <= 31:
        day, first = f"{int(norms[i - 1]):02d}", i - 1
    elif i + n < len(norms) and re.fullmatch(r"\d{1,2}", norms[i + n]) and 1 <= int(norms[i + n]) <= 31:
        day, last = f"{int(norms[i + n]):02d}", i + n
    year = ""
    if last + 1 < len(norms) and re.fullmatch(r"(19|20)\d\d", norms[last + 1]):
        year, last = norms[last + 1], last + 1
    if not year and year_ref and day:
        ref_year, ref_month = year_ref
        year = str(ref_year - 1 if month > ref_month + 2 else ref_year)  # "28 December" in a January report
    year = year or "?"
    if day and year != "?":
        try:
            date(int(year), month, int(day))
        except ValueError:  # "30 February": keep the month, drop the impossible day
            day = ""
    return f"{year}-{month:02d}" + (f"-{day}" if day else ""), first, last


def _dates(toks: list[Token], norms: list[str], reference: str | None, used: set[int]) -> list[Fact]:
    month_ref, day_ref = parse_reference(reference)
    dates = []
    for i in range(len(toks) - 1) if month_ref else ():
        key = _relative_date(f"{norms[i]} {norms[i + 1]}", month_ref)
        if key:
            dates.append(Fact("date", key, f"{toks[i].text} {toks[i + 1].text}", (toks[i].start, toks[i + 1].end)))
            used.update({i, i + 1})
    for i, tok in enumerate(toks):
        if i in used:
            continue
        n = 2 if i + 1 < len(toks) and " ".join(norms[i:i + 2]) in MONTHS else 1 if tok.norm in MONTHS else 0
        ambiguous = tok.norm == "اب" and not (i and norms[i - 1].isdigit()) or (
            tok.norm in ("may", "mai") and not (i + 1 < len(toks) and toks[i + 1].norm.isdigit())
            and not (i and norms[i - 1].isdigit())) or (tok.text == "may")  # "30 may have died": a modal
        weekday = _weekday(tok.norm)
        shift = DAY_SHIFTS.get(tok.norm, DAY_SHIFTS.get(tok.norm[1:]) if tok.norm[:1] in "وف" else None)
        if n and not ambiguous:
            key, first, last = _calendar_date(toks, norms, i, n, month_ref)
            dates.append(Fact("date", key, " ".join(t.text for t in toks[first:last + 1]),
                              (toks[first].start, toks[last].end)))
            used.update(range(first, last + 1))
        elif weekday:
            key = _day_of_week(weekday, day_ref).isoformat() if day_ref else f"weekday-{weekday}"
            dates.append(Fact("date", key, tok.text, (tok.start, tok.end)))
            used.add(i)
        elif shift is not None and day_ref:
            dates.append(Fact("date", (day_ref + timedelta(days=shift)).isoformat(), tok.text, (tok.start, tok.end)))
            used.add(i)
    return dates


def _hedge(norms: list[str], i: int) -> str:
    if i >= 2 and (norms[i - 2], norms[i - 1]) in _HEDGE_PAIRS:
        return _HEDGE_PAIRS[(norms[i - 2], norms[i - 1])]
    before = {norms[k] for k in range(max(0, i - 2), i)}
    return next((kind for kind, words in _HEDGES.items() if before & words), "")


def _numbers_and_dates(toks: list[Token], reference: str | None = None) -> tuple[list[Fact], list[Fact]]:
    """The figures and dates of ``toks``; ``reference`` is the report's date (``YYYY-MM[-DD]``)."""
    numbers, used = [], set()
    norms = [t.norm for t in toks]
    dates = _dates(toks, norms, reference, used)
    for i, tok in enumerate(toks):
        if i in used:
            continue
        if re.fullmatch(r"(19|20)\d\d", tok.norm):
            dates.append(Fact("date", f"{tok.norm}", tok.text, (tok.start, tok.end)))
            continue
        value, j, approx = None, i + 1, _hedge(norms, i)
        if _NUM.fullmatch(tok.norm):
            value = float(tok.norm.replace(",", "")) if tok.norm.count(",") and len(tok.norm.split(",")[-1]) == 3 \
                else float(tok.norm.replace(",", "."))
            # "1 200" (a thin or plain space between thousands, as French and Arabic write them)
            while j < len(toks) and re.fullmatch(r"\d{3}", toks[j].norm) and toks[j].start - toks[j - 1].end == 1 \
                    and re.fullmatch(r"\d{1,3}", tok.norm):
                value, j = value * 1000 + float(toks[j].norm), j + 1
            used.update(range(i, j))
        elif tok.norm == "cent" and i and norms[i - 1] in ("per", "pour"):
            continue
        elif tok.norm in NUMBER_WORDS or tok.norm in TENS or tok.norm in _TEEN_UNITS:
            value, j = _number_words(norms, i)
            used.update(range(i, j))
            if value is None:
                continue
        elif tok.norm in APPROXIMATE_NUMBERS:
            value = float(APPROXIMATE_NUMBERS[tok.norm])
            approx = "many" if tok.norm in _PLURAL_AMOUNTS else "about"
        if value is None:
            continue
        end = toks[j - 1].end
        if j < len(toks) and toks[j].norm in SCALES:
            value *= SCALES[toks[j].norm]
            end, j = toks[j].end, j + 1
        if j < len(toks) and toks[j].norm in ("de", "d") and j + 1 < len(toks):  # « une trentaine de navires »
            j += 1
        unit = stem(toks[j].norm) if j < len(toks) else ""
        before = stem(toks[i - 1].norm) if i else ""
        numbers.append(Fact("number", f"{value:g}", " ".join(t.text for t in toks[i:j]) or tok.text,
                            (tok.start, end), unit, before, approx=approx))
    return numbers, dates


def _number_words(norms: list[str], i: int) -> tuple[float | None, int]:
    """The value of number words starting at token ``i`` and the token after them: "twenty six", «ستة وعشرون»,
    « vingt-neuf », « soixante-dix », « quatre-vingts », «أحد عشر»; (None, i + 1) for a unit word alone that is
    not a figure («أحد» is "one of")."""
    word = norms[i]
    nxt = norms[i + 1] if i + 1 < len(norms) else ""
    after = norms[i + 2] if i + 2 < len(norms) else ""
    if word in _TEEN_UNITS and nxt in ("عشر", "عشره"):
        return float(_TEEN_UNITS[word] + 10), i + 2
    if word not in NUMBER_WORDS and word not in TENS:
        return None, i + 1
    if word == "quatre" and nxt in ("vingt", "vingts"):
        unit = NUMBER_WORDS.get(after, 0)
        return (80.0 + unit, i + 3) if 0 < unit < 20 else (80.0, i + 2)
    if word in TENS:
        if nxt == "et" and after in ("un", "onze"):
            return float(TENS[word] + (1 if after == "un" else 11)), i + 3
        unit = NUMBER_WORDS.get(nxt, 0)
        limit = 20 if word == "soixante" else 10
        return (float(TENS[word] + unit), i + 2) if 0 < unit < limit else (float(TENS[word]), i + 1)
    if NUMBER_WORDS[word] < 10 and nxt.startswith("و") and nxt[1:] in TENS:
        return float(NUMBER_WORDS[word] + TENS[nxt[1:]]), i + 2
    return float(NUMBER_WORDS[word]), i + 1
