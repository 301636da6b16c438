"""Split article text into claims with spans, and record who asserts each claim.

A claim is a sentence, or a clause of one («…، وأن …»), with its character
span in :attr:`Document.text`. Its :class:`Attribution` says who asserts it:
the source the report quotes («ذكرت صحيفة التايمز أن …», «وفق …», «نقل … عن
مسؤولين قولهم …», "X said …", "according to X") or, by default, the report's
outlet; and how (said, reported, confirmed, denied, asserted).
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from .clean import article_spans
from .ingest import Document
from .text.arabic import DIACRITICS, normalize, skeleton

MIN_WORDS = 4
_Q = "\"“”«»'‘’"

_SENTENCE = re.compile(r"(?<=[^.\d][.!?؟])[" + _Q + r")]*\s+|(?<=\S)\s*\n")
_CLAUSE = re.compile(
    r"[،,]\s*(?=(?:و|ف)?(?:أن|إن|بأن)\s)|[،,]\s*(?=و[\u0621-\u064a]{2,6}\s+(?:أن|إن)\s)"
    r"|[،,]\s*(?=(?:مشير|لافت|مؤكد|مضيف|موضح)(?:ا|ة|اً|ةً)?\s+(?:إلى\s+|على\s+)?(?:أن|إن)\s)"
    r"|[،,]\s*(?=(?:لكن|بينما|في حين|غير أن)\s)"
    r"|;\s+|[,;]\s+(?=(?:but|while|whereas)\s)"
)

# Reporting verbs (Arabic past/present, English) and how they assert.
_VERBS = {
    "said": "قال|قالت|يقول|تقول|أضاف|أضافت|تابع|تابعت|أوضح|أوضحت|أشار|أشارت|لفت|لفتت|صرح|صرحت|"
            "اعتبر|اعتبرت|رأى|رأت|كشف|كشفت|أعلن|أعلنت|قالوا|أعلنوا|أوضحوا|said|says|stated|added|told|announced",
    "reported": "ذكر|ذكرت|ذكرته|أفاد|أفادت|نقل|نقلت|أورد|أوردت|نشر|نشرت|reported|reports|wrote",
    "confirmed": "أكد|أكدت|يؤكد|تؤكد|أكدوا|confirmed|confirms",
    "denied": "نفى|نفت|ينفي|تنفي|نفوا|أنكر|أنكرت|كذب|كذبت|denied|denies|rejected",
}
_VERB_KIND = {v: kind for kind, verbs in _VERBS.items() for v in verbs.split("|")}
_W = r"(?<![\w\u0600-\u06ff])"  # start of a word (Arabic or Latin)
_E = r"(?![\w\u0600-\u06ff])"
_VERB = _W + r"(?:و|ف)?(?P<verb>" + "|".join(sorted(_VERB_KIND, key=len, reverse=True)) + ")" + _E
_THAT = (r"(?:[،,:]?\s*(?:أن|إن|أنه|إنه|أنها|إنها|بأن|that)" + _E
         + r"|\s*:|[،,]\s*[\"“«]|\s*(?:إلى|على)\s*[\"“«])")
_LEAD = r"^(?:[^،,.:]{0,40}[،,]\s*)?(?:لكن\s+|كما\s+|وقد\s+|قد\s+)?(?:و?كانت?\s+)?"
_DENIAL_OBJECT = r"(?:أي|وجود|صحة|ما\s|تقارير|الأنباء|أنباء|any\b|reports\b)"

QUOTING = re.compile(
    r"(?P<via>[^.!?؟:]{0,80}?)\s*" + _W + r"(?:و|ف)?(?:نقل|نقلت|نقلا|نقلاً|نقلته)" + _E
    + r"\s*(?P<mid>[^.!?؟]{0,80}?)\s*" + _W + r"عن\s+(?P<src>[^.!?؟:]{2,90}?)\s*"
    r"(?:[،,][^،,]{0,60}[،,]\s*)?(?:قول(?:هما|هم|ها|ه)\s*[،,]?\s*(?:إنه|أنه|إن|أن|:)?"
    r"|[،,]?\s*(?:أن|إن|بأن)" + _E + "|:)"
)
VERB_FIRST = re.compile(_LEAD + _VERB + r"(?:\s+(?:إلى|على|عن)(?=\s))?"
                        + r"(?:\s+(?!(?:أن|إن|بأن)\s)(?P<src>[^.!?؟:]{1,100}?))?" + _THAT)
DENIAL = re.compile(_LEAD + _W + r"(?:و|ف)?(?P<verb>نفى|نفت|ينفي|تنفي|نفوا|denied|denies)" + _E
                    + r"\s+(?P<src>[^.!?؟:]{2,100}?)\s+" + _DENIAL_OBJECT)
SUBJECT_FIRST = re.compile(_LEAD + r"(?P<src>[^.:!?؟]{2,100}?)\s+" + _VERB + r"(?:\s+(?:إلى|على))?" + _THAT, re.I)
ACCORDING = re.compile(
    _W + r"(?:و?وفق(?:ا|اً)?\s*(?:ل|لـ)?|و?بحسب|حسبما\s+(?P<verb>أفادت|أفاد|ذكرت|ذكر|أوردت|أورد)|حسب|"
    r"according to|as reported by)\s*[\"“”«]?(?P<src>[^،,.!?؟]{2,60})", re.I
)
_TIME = re.compile(r"(?:^|\s)(?:في\s+(?:تقرير|تصريح|تصريحات|بيان|حديث|مقابلة)\S*(?:\s+(?:لها|له|صحافية|صحفية))?|أمس|"
                   r"اليوم|الاثنين|الثلاثاء|الأربعاء|الخميس|الجمعة|السبت|الأحد|حينها|كذلك|أيضا|أيضاً|"
                   r"yesterday|today)(?=\s|$)")
_LEADING = re.compile(r"^(?:لكن|و|ف|من جهت(?:ه|ها|هم)|ما)\s+")
_GENERIC = {"الصحيفه": ("صحيفه", "جريده"), "الجريده": ("جريده", "صحيفه"), "الوكاله": ("وكاله",),
            "المصدر": ("مصدر",), "الموقع": ("موقع",), "التقرير": ("تقرير",), "the newspaper": ("newspaper",),
            "the agency": ("agency",), "the source": ("source",)}


@dataclass(frozen=True)
class Attribution:
    """Who asserts a claim, and how.

    Attributes:
        source: the asserting source as written («صحيفة التايمز البريطانية»), or the outlet.
        how: ``said``, ``reported``, ``confirmed``, ``denied`` or ``asserted`` (the outlet's own voice).
        via: the intermediary that relays the source («تقرير صحيفة أفريكا ريبورت»), if any.
        key: a spelling-insensitive key; equal keys are the same source.
        quoted: False when the claim is the outlet's own statement.
    """

    source: str
    how: str = "asserted"
    via: str | None = None
    key: str = ""
    quoted: bool = True

    def __str__(self) -> str:
        return f"{self.source} (via {self.via})" if self.via else self.source


@dataclass(frozen=True)
class Claim:
    """One claim: its text, where it is, who asserts it.

    Attributes:
        id: content hash of report id, span and text (stable across runs).
        report_id: :attr:`Document.id` of its report.
        path: the report's path.
        text: the claim as written (``document.text[span[0]:span[1]]``).
        span: character offsets into the report text.
        line: 1-based line of the claim's start in the report.
        attribution: who asserts it.
        body: offsets of the asserted proposition within ``text`` (without the «ذكرت X أن» cue).
    """

    id: str
    report_id: str
    path: str
    text: str
    span: tuple[int, int]
    line: int
    attribution: Attribution
    body: tuple[int, int]

    @property
    def proposition(self) -> str:
        """The asserted content, without the reporting cue."""
        return self.text[self.body[0] : self.body[1]]

    @property
    def attributed_to(self) -> str:
        """The asserting source, for display."""
        return str(self.attribution)


def _clean_source(raw: str) -> tuple[str, str | None]:
    """Trim a captured source phrase; return ``(source, told_to)`` («… لـ"الشرق الأوسط"» is who was told)."""
    src, told = raw, None
    if m := re.search(r"\sلـ?\s?[" + _Q + r"](.+)$|\s(?:to|told)\s+(.+)$", src):
        src, told = src[: m.start()], re.sub("[" + _Q + "]", "", m.group(1) or m.group(2)).strip(" ،,")
    src = re.sub("[" + _Q + "]", "", src)
    src = re.split(r"\s*[،,]\s*", src.strip(" ،,:-–"))[0]  # drop appositions: «ألكسندر ميكيف، رئيس …»
    src = _TIME.sub(" ", src)
    while (m := _LEADING.match(src)):
        src = src[m.end():]
    src = re.sub(r"\s+(?:إلى|على|عن)$", "", " ".join(src.split()))
    return src.strip(), told


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out, pos = [], start
    for m in _SENTENCE.finditer(text, start, end):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, end))
    return [(s, e) for s, e in out if text[s:e].strip()]


def _clauses(text: str, start: int, end: int, body: int) -> list[tuple[int, int]]:
    """Cut a sentence into clauses, never inside its reporting cue (before ``body``)."""
    cuts = [start] + [m.start() for m in _CLAUSE.finditer(text, body, end) if m.start() > body] + [end]
    spans = []
    for s, e in zip(cuts, cuts[1:]):
        s += len(text[s:e]) - len(text[s:e].lstrip(" ،,;"))
        if spans and len(text[s:e].split()) < MIN_WORDS:
            spans[-1] = (spans[-1][0], e)
        else:
            spans.append((s, e))
    if len(spans) > 1 and len(text[spans[0][0]:spans[0][1]].split()) < MIN_WORDS:
        spans[1] = (spans[0][0], spans[1][1])
        spans.pop(0)
    return spans


def _strip_marks(text: str) -> tuple[str, list[int]]:
    """Remove diacritics and tatweel, keeping a map from stripped to original offsets."""
    kept = [(i, ch) for i, ch in enumerate(text) if not DIACRITICS.match(ch)]
    return "".join(ch for _, ch in kept), [i for i, _ in kept] + [len(text)]


def find_attribution(sentence: str) -> tuple[str, str, str | None, int] | None:
    """Find the reporting cue of a sentence.

    Returns:
        ``(source, how, via, body_start)`` where ``body_start`` is the offset
        of the asserted content, or ``None`` when the sentence quotes nobody.
        An empty ``source`` means the verb has no subject («وقال: …»): the
        speaker of the previous sentence continues.
    """
    plain, where = _strip_marks(sentence)
    according = ACCORDING.search(plain)
    if m := QUOTING.search(plain):
        src, _ = _clean_source(m.group("src"))
        via = _clean_source(m.group("mid"))[0] or _clean_source(m.group("via"))[0]
        if len(via.split()) > 7:
            via = ""
        return src, "reported", via or None, where[m.end()]
    for pattern in (VERB_FIRST, DENIAL, SUBJECT_FIRST):
        m = pattern.search(plain)
        if not m:
            continue
        src, told = _clean_source(m.group("src") or "")
        if len(src.split()) > 9:
            continue
        kind = _VERB_KIND.get(m.group("verb"), _VERB_KIND.get(m.group("verb").lower(), "said"))
        if src and according and according.start() > m.end():
            told = told or _clean_source(according.group("src"))[0]
        body = m.end() if pattern is not DENIAL else m.end("src")
        if not src and told:
            src, told = told, None
        return src, kind, told, where[body]
    if according:
        verb = according.group("verb")
        how = _VERB_KIND.get(verb, "reported") if verb else "reported"
        src, _ = _clean_source(according.group("src"))
        return src, how, None, 0 if according.start() > 0 else where[according.end()]
    return None


def _resolve(source: str, earlier: list[str]) -> str:
    """«الصحيفة» → the latest source named as a newspaper; other names pass through."""
    norm = normalize(source)
    head = norm.split(" ")[0]
    heads = _GENERIC.get(head) or (_GENERIC.get(" ".join(norm.split()[:2])) if " " in norm else None)
    if not heads or len(norm.split()) > 2:
        return source
    for prior in reversed(earlier):
        prior_norm = normalize(prior)
        if any(h in prior_norm.split() for h in heads):
            return prior
    return source


def source_key(source: str) -> str:
    """A spelling-insensitive key: the skeletons of the source's words."""
    return " ".join(skeleton(w) for w in re.findall(r"[\w\u0600-\u06ff]+", source) if skeleton(w))


def split_claims(document: Document) -> list[Claim]:
    """Split a document's article text into attributed claims.

    Example:
        >>> from checker.ingest import Document
        >>> doc = Document("d1", "x.txt", "t", "ذكرت صحيفة التايمز أن السفينة غرقت قرب الميناء.")
        >>> [(c.attributed_to, c.attribution.how) for c in split_claims(doc)]
        [('صحيفة التايمز', 'reported')]
    """
    text = document.text
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]  # 1-based line = bisect_right(starts, offset)
    outlet = document.source or Path(document.path).stem
    default = Attribution(outlet, "asserted", None, source_key(outlet), quoted=False)
    claims, sources, current = [], [], default
    for start, end in article_spans(text):
        for s_start, s_end in _sentences(text, start, end):
            sentence = text[s_start:s_end]
            found = find_attribution(sentence)
            if found is None:
                attribution, body = default, 0
            else:
                source, how, via, body = found
                if not source:
                    attribution = replace(current, how=how) if current.quoted else default
                else:
                    if via:
                        via = _resolve(via, sources)
                        sources.append(via)
                    source = _resolve(source, sources)
                    sources.append(source)
                    attribution = Attribution(source, how, via, source_key(source))
            current = attribution
            for c_start, c_end in _clauses(text, s_start, s_end, s_start + body):
                claim = _claim(document, c_start, c_end, attribution, max(0, s_start + body - c_start), line_starts)
                if claim:
                    claims.append(claim)
    return claims


def _claim(document: Document, start: int, end: int, attribution: Attribution, body: int,
           line_starts: list[int] | None = None) -> Claim | None:
    raw = document.text[start:end]
    end -= len(raw) - len(raw.rstrip())
    start += len(raw) - len(raw.lstrip())
    text = document.text[start:end]
    if len(text.split()) < MIN_WORDS:
        return None
    body = min(body, len(text))
    if len(text[body:].split()) < 2:
        body = 0
    digest = hashlib.sha256(f"{document.id}:{start}:{end}:{text}".encode()).hexdigest()[:16]
    line = bisect.bisect_right(line_starts, start) if line_starts else document.text.count("\n", 0, start) + 1
    return Claim(digest, document.id, document.path, text, (start, end), line, attribution, (body, len(text)))


def unify_sources(claims: list[Claim]) -> list[Claim]:
    """Give every spelling of one source the same display name and key.

    A source named by one word that looks like a name («ميخيف») is a surname;
    every source ending in a word with the same skeleton («ألكسندر ميكيف»,
    «مخييف», «المدير العام للشركة ألكسندر ميخيف») is that person. The display
    name is the most common spelling of the surname, after the given name
    when one was seen. Other sources merge only when all their words share
    skeletons.
    """
    sources = list(dict.fromkeys(c.attribution.source for c in claims if c.attribution.quoted))  # first-seen order
    surnames = {skeleton(s) for s in sources if len(s.split()) == 1 and len(skeleton(s)) >= 3}
    members: dict[str, list[str]] = {}
    for source in sources:
        words = source.split()
        last = skeleton(words[-1]) if words else ""
        key = f"person:{last}" if last in surnames and len(words) <= 6 else source_key(source)
        members.setdefault(key, []).append(source)
    spelled = Counter(c.attribution.source for c in claims)
    names: dict[str, tuple[str, str]] = {}
    for key, group in members.items():
        if key.startswith("person:"):
            lasts = Counter()
            for source in group:
                lasts[source.split()[-1]] += spelled[source]
            surname = lasts.most_common(1)[0][0]
            given = [s.split()[-2] for s in group if len(s.split()) >= 2]
            display = f"{Counter(given).most_common(1)[0][0]} {surname}" if given else surname
        else:
            display = max(group, key=lambda s: spelled[s])  # ties: the first spelling seen
        for source in group:
            names[source] = (display, key)
    out = []
    for claim in claims:
        if claim.attribution.source in names:
            display, key = names[claim.attribution.source]
            claim = replace(claim, attribution=replace(claim.attribution, source=display, key=key))
        out.append(claim)
    return out
