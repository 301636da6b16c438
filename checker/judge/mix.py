"""The training mix of the pair scorer: several labelled sources, weighted so that no corpus's habits dominate.

Sources (``checker train --train … --stories … --rules``):

- **labelled CSVs**: ANS headline pairs (``s1,s2,stance``) and ArNLI (``t,h,label`` with the English
  originals), the latter read three ways: Arabic–Arabic, Arabic premise against English hypothesis and
  the reverse (:data:`ARNLI_SIDES`), so that the heads see the same relation across scripts;
- **story pairs**: claim pairs of the project's own report benchmark (``bench/stories/dev``), each side
  the sentence of its report that holds the key's substring; contradictions → disagree, agreements and
  traps that repeat or round a figure → agree, traps about another event → other;
- **rule-made pairs** from the real sentences of the other sources (:func:`rule_pairs`): a figure, a
  country, a month or an antonym swapped, or the claim denied («نفى مسؤولون أن …», "Officials denied
  that …") → disagree; the same sentence, or the sentence with a reporting frame ("According to officials, …")
  → agree; a sentence against the most word-sharing sentence of another pair → other.

Every pair carries its source's name; :func:`weights` gives each source the share of the loss named in
:data:`SHARES` whatever its size. Nothing here names a particular event: the swaps come from general
word lists (:mod:`checker.text.lexicon`) and the gazetteer.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..text.arabic import normalize
from ..text.lexicon import ANTONYMS, MONTHS
from .calibrate import read_pairs

#: How ArNLI files are read for training: each pair once per entry (sides of :data:`~.calibrate.SIDES`).
ARNLI_SIDES = ("ar-ar", "ar-en", "en-ar")
#: Each source's share of the training loss (renormalised over the sources present).
SHARES = {"ans": 0.5, "arnli": 0.2, "stories": 0.1, "rules": 0.2}
#: Trap kinds of the story key read as agreement (the same figure or claim, rounded or from another source);
#: traps of another event are "other"; the rest (an updated figure, two events of one kind) are left out.
AGREEING_TRAPS = {"rough", "same_claim_other_source", "paraphrase"}
UNRELATED_TRAPS = {"other_event"}

_DIGITS = re.compile(r"[0-9\u0660-\u0669]+")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Example:
    """One training pair and the source it came from."""

    a: str
    b: str
    label: str
    source: str


def is_arnli(path: Path) -> bool:
    """Whether a labelled CSV is ArNLI-shaped (``t,h,label`` columns), read three ways for training and two for dev."""
    with path.open(encoding="utf-8-sig") as handle:
        header = handle.readline()
    return {"t", "h", "label"} <= {c.strip() for c in header.split(",")}


def csv_examples(path: str | Path) -> list[Example]:
    """The pairs of one labelled CSV: an ArNLI file once per entry of :data:`ARNLI_SIDES` (source ``arnli``),
    any other ``s1,s2,stance`` file as it is (source ``ans``)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file; pass a labelled CSV (s1,s2,stance or ArNLI's t,h,label)")
    if is_arnli(path):
        return [Example(a, b, label, "arnli") for sides in ARNLI_SIDES for a, b, label in read_pairs(path, sides)]
    return [Example(a, b, label, "ans") for a, b, label in read_pairs(path)]


def _sentence_with(text: str, fragment: str) -> str | None:
    """The sentence of ``text`` that holds ``fragment`` (bounded by . ! ? ؟ or a line break)."""
    at = text.find(fragment)
    if at < 0:
        return None
    start = max(text.rfind(ch, 0, at) for ch in ".!?؟\n") + 1
    ends = [e for e in (text.find(ch, at + len(fragment)) for ch in ".!?؟\n") if e >= 0]
    return text[start:min(ends) + 1 if ends else len(text)].strip() or None


def story_examples(root: str | Path, exclude: set[str] = frozenset()) -> list[Example]:
    """Claim pairs of a report benchmark folder (one ``key.json`` per story folder), story folders in
    ``exclude`` left out (kept for tuning the decision)."""
    root = Path(root)
    out = []
    for key_file in sorted(root.rglob("key.json")):
        if key_file.parent.name in exclude:
            continue
        reports = {p.stem: p.read_text(encoding="utf-8") for p in root.rglob("*.txt")}
        for item in json.loads(key_file.read_text(encoding="utf-8"))["pairs"]:
            relation, kind = item["relation"], item.get("kind", "")
            label = ("disagree" if relation == "contradict" else "agree" if relation == "agree"
                     else "agree" if kind in AGREEING_TRAPS else "other" if kind in UNRELATED_TRAPS else None)
            sides = [_sentence_with(reports.get(stem, ""), fragment) for stem, fragment in (item["a"], item["b"])]
            if label and all(sides):
                out.append(Example(sides[0], sides[1], label, "stories"))
    return out


def _swap_digits(sentence: str, rng: random.Random) -> str | None:
    found = [m for m in _DIGITS.finditer(sentence)]
    if not found:
        return None
    m = rng.choice(found)
    value = int(m.group().translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")))
    new = value + rng.choice([-1, 1]) * rng.randint(max(1, value // 5), max(3, value // 2)) if value > 3 else value + 3
    return sentence[:m.start()] + str(abs(new) if new != value else value + 1) + sentence[m.end():]


def _swap_word(sentence: str, table: dict[str, list[str]], rng: random.Random) -> str | None:
    """Replace one word (or two-word name) of ``sentence`` found in ``table`` (normalised keys) by one of its
    replacements."""
    words = list(_WORD.finditer(sentence))
    spans = [(words[i].start(), words[j].end()) for i in range(len(words)) for j in (i, i + 1) if j < len(words)]
    hits = [(s, e) for s, e in spans if normalize(sentence[s:e]) in table]
    if not hits:
        return None
    s, e = rng.choice(hits)
    return sentence[:s] + rng.choice(table[normalize(sentence[s:e])]) + sentence[e:]


def _tables() -> dict[str, dict[str, list[str]]]:
    """Swap tables: country names by script, month names by calendar, antonyms."""
    from ..text.places import gazetteer

    countries = gazetteer()["countries"]
    arabic = sorted({n for n in countries if n and "\u0600" <= n[0] <= "\u06ff" and len(n.split()) <= 2})
    latin = sorted({n for n in countries if n.isascii() and len(n.split()) <= 2 and "," not in n})
    by_code: dict[str, set[str]] = defaultdict(set)
    for name, code in countries.items():
        by_code[code].add(name)

    def others(pool: list[str], name: str) -> list[str]:
        same = by_code[countries[name]]
        return [n.title() if n.isascii() else n for n in pool if n not in same][:400]

    places = {n: others(arabic if n in arabic else latin, n) for n in arabic + latin}
    months: dict[str, list[str]] = {}
    names = list(MONTHS)
    for name in names:
        script = [n for n in names if (n.isascii() == name.isascii()) and MONTHS[n] != MONTHS[name]]
        months[name] = [n.title() if n.isascii() else n for n in script]
    antonyms: dict[str, list[str]] = defaultdict(list)
    for a, b in ANTONYMS:
        antonyms[a].append(b)
        antonyms[b].append(a)
    return {"place": places, "month": months, "antonym": dict(antonyms)}


_DENIALS = {"ar": ["نفى مسؤولون أن {s}", "ليس صحيحاً أن {s}", "نفت مصادر رسمية أن {s}"],
            "en": ["Officials denied that {s}", "It is not true that {s}", "Sources denied reports that {s}"],
            "fr": ["Les autorités ont démenti que {s}", "Il est faux que {s}"]}
_FRAMES = {"ar": ["وفقاً لمسؤولين، {s}", "قالت مصادر إن {s}", "أفادت تقارير بأن {s}"],
           "en": ["According to officials, {s}", "Sources said that {s}", "Reports said {s}"],
           "fr": ["Selon des responsables, {s}", "Des sources ont indiqué que {s}"]}


def _language(sentence: str) -> str:
    arabic = sum("\u0600" <= ch <= "\u06ff" for ch in sentence)
    if arabic > len(sentence) / 4:
        return "ar"
    return "fr" if re.search(r"\b(le|la|les|des|est|une|du)\b", sentence.lower()) else "en"


_COMMON_FIRST = {"a", "an", "the", "some", "someone", "somebody", "two", "three", "several", "many", "one", "there",
                 "le", "la", "les", "un", "une", "des", "deux", "trois"}


def _lower_first(sentence: str) -> str:
    """``sentence`` to follow "… that": its first word lowered when it is a common word (names keep their capital)."""
    first = sentence.split(" ", 1)[0]
    return first.lower() + sentence[len(first):] if first.lower() in _COMMON_FIRST else sentence


def rule_pairs(sentences: list[str], n: int, seed: int = 0) -> list[Example]:
    """``n`` pairs made from real ``sentences`` by general rules (source ``rules``): about half disagree (a swapped
    figure, country, month or antonym; a denial), a quarter agree (the same sentence; a reporting frame), a quarter
    other (the sentence against the one of another pair that shares most words with it)."""
    rng = random.Random(seed)
    tables = _tables()
    pool = sorted({s.strip() for s in sentences if 15 <= len(s.strip()) <= 300})
    if not pool:
        return []
    bags = [set(normalize(s).split()) for s in pool]
    by_word: dict[str, list[int]] = defaultdict(list)
    for i, bag in enumerate(bags):
        for word in bag:
            by_word[word].append(i)
    out: list[Example] = []
    attempts = 0
    while len(out) < n and attempts < n * 50:
        attempts += 1
        i = rng.randrange(len(pool))
        s, language = pool[i], _language(pool[i])
        roll = rng.random()
        if roll < 0.5:
            rule = rng.choice(["digits", "place", "month", "antonym", "deny"])
            if rule == "digits":
                t = _swap_digits(s, rng)
            elif rule == "deny":
                t = rng.choice(_DENIALS[language]).format(s=_lower_first(s))
            else:
                t = _swap_word(s, tables[rule], rng)
            if t is None and rng.random() < 0.3:  # most sentences hold no figure, country, month or antonym
                t = rng.choice(_DENIALS[language]).format(s=_lower_first(s))
            label = "disagree"
        elif roll < 0.75:
            t = s if rng.random() < 0.5 else rng.choice(_FRAMES[language]).format(s=_lower_first(s))
            label = "agree"
        else:
            shared = Counter(j for word in sorted(bags[i]) if len(by_word[word]) < 200 for j in by_word[word] if j != i)
            close = [j for j, _ in shared.most_common(5) if pool[j] != s]
            t = pool[rng.choice(close)] if close else None
            label = "other"
        if t and t != s or (t == s and label == "agree"):
            out.append(Example(*((s, t) if rng.random() < 0.5 else (t, s)), label, "rules"))
    return out


def weights(examples: list[Example], shares: dict[str, float] | None = None) -> np.ndarray:
    """Per-example loss weights: each source's examples share :data:`SHARES` (renormalised over the sources
    present), the mean weight is 1."""
    shares = shares or SHARES
    count = Counter(e.source for e in examples)
    total = sum(shares.get(source, 0.0) for source in count) or 1.0
    w = np.array([shares.get(e.source, 0.0) / total / count[e.source] for e in examples], dtype=np.float64)
    return (w * len(examples) / w.sum()).astype(np.float32)
