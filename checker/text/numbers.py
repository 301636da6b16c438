"""Numbers and dates in a claim: digits, number words (Arabic, English, French), scales, relative dates."""

from __future__ import annotations

import re

from .arabic import Token, stem
from .facts import Fact
from .lexicon import MONTHS, NUMBER_WORDS, RELATIVE_DATES, SCALES, TENS, WEEKDAYS

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
