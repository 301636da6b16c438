"""Normalisation for matching Arabic (and Latin) text; display text is never changed.

Everything here works on tokens that keep their character offsets into the
original string, so a match found on normalised forms can always be shown on
the text the reader saw.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")  # incl. tatweel
_FOLD = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي",
    "٠": "0", "١": "1", "٢": "2", "٣": "3", "٤": "4", "٥": "5", "٦": "6", "٧": "7", "٨": "8", "٩": "9",
    "۰": "0", "۱": "1", "۲": "2", "۳": "3", "۴": "4", "۵": "5", "۶": "6", "۷": "7", "۸": "8", "۹": "9",
    "٫": ".", "٬": ",", "،": ",", "؛": ";", "؟": "?", "ک": "ك", "ی": "ي", "ڤ": "ف", "پ": "ب", "گ": "ك",
    "\u200c": "", "\u200d": "", "\u200f": "", "\u200e": "",
})
TOKEN = re.compile(r"\d+(?:[.,٫]\d+)*|[\w\u064b-\u065f\u0670\u0640]+", re.UNICODE)
ARABIC = re.compile("[\u0600-\u06ff]")


def normalize(text: str) -> str:
    """Fold a string for matching: diacritics, tatweel, alef/yaa/taa marbuta forms, digits, case.

    Example:
        >>> normalize("إِسْـتَقَالَة ٢٠٢٤")
        'استقاله 2024'
    """
    return DIACRITICS.sub("", text).translate(_FOLD).casefold()


@dataclass(frozen=True)
class Token:
    """A word of the original text, its normalised form and its light stem."""

    text: str
    norm: str
    stem: str
    start: int
    end: int


# Light stemming after Larkey et al.'s light10: only the article and its combinations, and «و».
_PROCLITICS = ("وبال", "فبال", "وال", "فال", "بال", "كال", "لل", "ال", "و")
_ENCLITICS = ("هما", "كما", "ات", "ها", "هم", "ون", "ين", "ان", "يه", "ه", "ي")


@lru_cache(maxsize=1 << 16)  # a pure function of one word, called for every token of every report
def stem(norm: str) -> str:
    """Strip the commonest Arabic clitics so «والقاعدة» and «قاعدة» meet; Latin is returned as is."""
    if not ARABIC.search(norm):
        return norm
    word = norm
    for pre in _PROCLITICS:
        if word.startswith(pre) and len(word) - len(pre) >= 3:
            word = word[len(pre):]
            break
    for suf in _ENCLITICS:
        if word.endswith(suf) and len(word) - len(suf) >= 3:
            word = word[: -len(suf)]
            break
    return word


def tokens(text: str, offset: int = 0) -> list[Token]:
    """Split ``text`` into word tokens with offsets (plus ``offset``) into the original string."""
    out = []
    for m in TOKEN.finditer(text):
        norm = normalize(m.group())
        out.append(Token(m.group(), norm, stem(norm), m.start() + offset, m.end() + offset))
    return out


# Arabic spellings of Latin letter names, as used in designations such as «إس-400» or «إف 35».
_LETTER_NAMES = {
    "اس": "S", "س": "S", "اف": "F", "ف": "F", "بي": "B", "سي": "C", "تي": "T", "ام": "M",
    "اتش": "H", "جيه": "J", "كيه": "K", "ميغ": "MIG", "ميج": "MIG", "سو": "SU", "يو": "U",
    "دي": "D", "اي": "A", "ار": "R", "في": "V", "ايه": "A",
}
# Letter names that are also everyday words before a figure («في 3 مارس»: in, not V): a designation only with a
# hyphen or written together («في-22»).
_WORDS_BEFORE_NUMBERS = {"في", "سي", "ما", "اي"}
DESIGNATION = re.compile(
    r"(?<![\w\u0600-\u06ff])([A-Za-z]{1,3}|[\u0600-\u06ff]{1,4})\s?[-–‐]?\s?(\d{1,4})(?![\d.,])"
)


def designations(text: str) -> list[tuple[str, int, int]]:
    """Find model designations (``S-400``, «إس 400», «اس-400») as ``(canonical, start, end)``.

    All spellings of one designation share the canonical form ``S400``.
    """
    found = []
    for m in DESIGNATION.finditer(text):
        prefix = normalize(m.group(1))
        spaced = not re.search(r"[-–‐]", m.group()) and m.group(1) != m.group()[:-len(m.group(2))]
        if spaced and (not m.group(1).isupper() if m.group(1).isascii() else prefix in _WORDS_BEFORE_NUMBERS):
            continue  # "of 40", «في 3 مارس»: a word and a figure, not "S 400" or «إف 35»
        letters = prefix.upper() if prefix.isascii() else _LETTER_NAMES.get(prefix)
        if letters:
            found.append((f"{letters}{m.group(2)}", m.start(), m.end()))
    return found


# Letters that transliterations of foreign names swap freely (Russian «х» as خ or ك, …).
_SKELETON = str.maketrans({
    "خ": "ك", "ق": "ك", "ط": "ت", "ص": "س", "ث": "س", "ذ": "ز", "ظ": "ز", "ض": "د",
    "ح": "ه", "غ": "ج", "ع": "ا",
})


def skeleton(word: str) -> str:
    """A spelling-insensitive key for a transliterated name: «ميكيف», «ميخيف» and «مخييف» agree.

    Long vowels after the first letter are dropped and letters that
    transliteration swaps are merged; Latin words are lower-cased.
    """
    norm = normalize(word)
    if norm.startswith("ال") and len(norm) > 4:
        norm = norm[2:]
    if not ARABIC.search(norm):
        return norm[:1] + re.sub(r"[aeiouy\W]", "", norm[1:])
    norm = norm.translate(_SKELETON)
    return norm[:1] + re.sub("[اويه]", "", norm[1:])


_ROOT_PROCLITICS = ("وبال", "وال", "فال", "بال", "كال", "لل", "ال", "وب", "ول", "و", "ف", "ب", "ل")


def root_key(norm: str) -> str:
    """A rough consonantal key that joins broken plurals and derived forms («قواعد», «قاعدة» → قعد).

    Clitics are stripped, then long vowels and hamza seats after the first letter
    are dropped. Returns "" for keys shorter than three letters (too ambiguous).
    """
    if not ARABIC.search(norm):
        return ""
    word = norm
    for pre in _ROOT_PROCLITICS:
        if word.startswith(pre) and len(word) - len(pre) >= 3:
            word = word[len(pre):]
            break
    for suf in ("هما", "ات", "ها", "هم", "ون", "ين", "يه", "ه", "ي"):
        if word.endswith(suf) and len(word) - len(suf) >= 3:
            word = word[: -len(suf)]
            break
    key = word[:1] + re.sub("[اويءئؤ]", "", word[1:])
    return key if len(key) >= 3 else ""


_AR_TO_LATIN = str.maketrans({
    "ب": "b", "ت": "t", "ث": "t", "ج": "k", "ح": "", "خ": "k", "د": "d", "ذ": "d", "ر": "r", "ز": "z", "س": "s",
    "ش": "s", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "", "غ": "k", "ف": "f", "ق": "k", "ك": "k", "ل": "l",
    "م": "m", "ن": "n", "ه": "", "و": "", "ي": "", "ا": "", "ء": "", "پ": "b", "ڤ": "f", "ة": "",
})
# French and other Latin accents fold to their base letter before keying (« Ménaka » = "Menaka").
_LATIN_ACCENTS = str.maketrans("àâäáãçéèêëíìîïñóòôöõúùûüÿ", "aaaaaceeeeiiiinooooouuuuy")
_LATIN_FOLD = [("sch", "s"), ("sh", "s"), ("ch", "s"), ("kh", "k"), ("gh", "k"), ("th", "t"), ("dh", "d"),
               ("ph", "f"), ("ck", "k"), ("q", "k"), ("c", "k"), ("g", "k"), ("dj", "k"), ("j", "k"), ("x", "ks"),
               ("v", "f"), ("p", "b"),
               ("w", ""), ("y", ""), ("e", ""), ("a", ""), ("i", ""), ("o", ""), ("u", ""), ("h", "")]


@lru_cache(maxsize=1 << 16)
def translit_key(word: str) -> str:
    """A cross-script consonant key: «رامشتاين» and "Ramstein" both give ``rmstn``.

    Arabic letters map to Latin consonants, vowels and weak letters drop, and
    letters that transliteration confuses (g/j/q/k as ج is g or j by region, sh/s, p/b, v/f, h/ح) merge.
    """
    norm = normalize(word)
    if norm.startswith("ال") and len(norm) > 4:
        norm = norm[2:]
    if ARABIC.search(norm):
        if len(norm) >= 6 and norm.endswith(("يين", "يون")):  # «الحوثيين» → the Houthi of "Houthis"
            norm = norm[:-2]
        norm = re.sub(r"[^a-z]", "", norm.translate(_AR_TO_LATIN))
    else:
        norm = re.sub(r"[^a-z]", "", norm.translate(_LATIN_ACCENTS))
        for old, new in _LATIN_FOLD:
            norm = norm.replace(old, new)
    return re.sub(r"(.)\1+", r"\1", norm)
