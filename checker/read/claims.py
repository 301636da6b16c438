"""Split article text into claims with spans, and record who asserts each claim.

A claim is a sentence, or a clause of one («…، وأن …»), with its character
span in :attr:`Document.text`. Its :class:`Attribution` says who asserts it:
the source the report quotes («ذكرت صحيفة التايمز أن …», «وفق …», «نقل … عن
مسؤولين قولهم …», "X said …", "…, police said.", "according to X", "selon X")
or, by default, the report's outlet; and how (said, reported, confirmed,
denied, asserted). The cues themselves are found by :mod:`checker.read.attribution`.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..text.arabic import normalize, skeleton
from .attribution import QUOTES, find_attribution
from .clean import article_spans
from .ingest import Corpus, Document, Notice, Skipped

MIN_WORDS = 4

_SENTENCE = re.compile(r"(?<=[^.\d][.!?؟])[" + QUOTES + r")]*\s+|(?<=\S)\s*\n")
_CLAUSE = re.compile(
    r"[،,]\s*(?=(?:و|ف)?(?:أن|إن|بأن)\s)|[،,]\s*(?=و[\u0621-\u064a]{2,6}\s+(?:أن|إن)\s)"
    r"|[،,]\s*(?=(?:مشير|لافت|مؤكد|مضيف|موضح)(?:ا|ة|اً|ةً)?\s+(?:إلى\s+|على\s+)?(?:أن|إن)\s)"
    r"|[،,]\s*(?=(?:لكن|بينما|في حين|غير أن)\s)"
    r"|;\s+|[,;]\s+(?=(?:but|while|whereas)\s)"
)

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
        body: offsets of the asserted proposition within ``text`` (without the «ذكرت X أن» or "…, police said" cue).
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


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out, pos = [], start
    for m in _SENTENCE.finditer(text, start, end):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, end))
    return [(s, e) for s, e in out if text[s:e].strip()]


def _clauses(text: str, start: int, end: int, body: tuple[int, int]) -> list[tuple[int, int]]:
    """Cut a sentence into clauses, never inside its reporting cue (outside ``body``)."""
    cuts = [start] + [m.start() for m in _CLAUSE.finditer(text, body[0], body[1]) if m.start() > body[0]] + [end]
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
        >>> from checker.read.ingest import Document
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
                attribution, body = default, (0, len(sentence))
            else:
                source, how, via, *body = found
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
            body = (s_start + body[0], s_start + body[1])
            for c_start, c_end in _clauses(text, s_start, s_end, body):
                claim = _claim(document, c_start, c_end, attribution, body, line_starts)
                if claim:
                    claims.append(claim)
    return claims


CUT_SHARE = 0.25  #: a report whose claims cover less than this share of its text is said to be cut ...
CUT_MIN_CHARS = 2_000  #: ... when at least this many characters were dropped (titles and bylines are not news)


def unclaimed(document: Document, claims: list[Claim]) -> Skipped | Notice | None:
    """What to tell a reader about a report that split into few or no claims.

    A report with no claim at all (a PDF or other binary read as text, a page of links) is
    :class:`Skipped`; one whose claims cover less than a quarter of its text, with at least 2,000 characters
    dropped (repeated lines, link lists, comments: see :mod:`checker.read.clean`), gets a :class:`Notice`.
    """
    if not claims:
        return Skipped(document.path, "no claims found in its text (is it a news report, as plain text? a PDF or "
                                      "word-processor file must be converted to text first)")
    text = len(document.text.strip())
    covered = sum(c.span[1] - c.span[0] for c in claims)
    if covered < CUT_SHARE * text and text - covered >= CUT_MIN_CHARS:
        return Notice(document.path, f"cut by the cleaner: {len(claims)} claim(s) cover {covered:,} of its "
                                     f"{text:,} characters (repeated lines, link lists, comments and other page "
                                     "leftovers are dropped); check the file holds one article")
    return None


def _claim(document: Document, start: int, end: int, attribution: Attribution, body: tuple[int, int],
           line_starts: list[int] | None = None) -> Claim | None:
    """The claim at ``start:end``; ``body`` is its sentence's asserted content, in report offsets."""
    raw = document.text[start:end]
    end -= len(raw) - len(raw.rstrip())
    start += len(raw) - len(raw.lstrip())
    text = document.text[start:end]
    if len(text.split()) < MIN_WORDS:
        return None
    b_start = min(max(0, body[0] - start), len(text))
    b_end = max(b_start, min(body[1] - start, len(text)))
    if len(text[b_start:b_end].split()) < 2:  # a clause that is all cue keeps its whole text
        b_start, b_end = 0, len(text)
    digest = hashlib.sha256(f"{document.id}:{start}:{end}:{text}".encode()).hexdigest()[:16]
    line = bisect.bisect_right(line_starts, start) if line_starts else document.text.count("\n", 0, start) + 1
    return Claim(digest, document.id, document.path, text, (start, end), line, attribution, (b_start, b_end))


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


def claim_rows(claims: list[Claim], story_of: dict[str, int] | None = None) -> list[dict[str, Any]]:
    """One dict per claim: the rows of ``to_pandas("claims")`` for reports and indexes alike."""
    story_of = story_of or {}
    return [{"claim_id": c.id, "story": story_of.get(c.id), "report_id": c.report_id, "path": c.path,
             "line": c.line, "text": c.text, "attributed_to": c.attributed_to, "how": c.attribution.how,
             "start": c.span[0], "end": c.span[1]} for c in claims]


SPLITTING = "splitting reports"  #: :func:`split_corpus`'s progress stage, counted in reports


def split_corpus(corpus: Corpus, progress: Callable[[str, int, int], None] | None = None) -> tuple[Corpus, list[Claim]]:
    """The corpus's claims, and the corpus with reports that split into no claim moved to ``skipped`` and
    reports the cleaner cut noted in ``notices`` (:func:`unclaimed`); ``progress(SPLITTING, done, total)``
    after each report."""
    kept, claims = Corpus(skipped=list(corpus.skipped), notices=list(corpus.notices)), []
    for done, doc in enumerate(corpus.documents):
        if progress is not None:
            progress(SPLITTING, done, len(corpus.documents))
        mine = split_claims(doc)
        said = unclaimed(doc, mine)
        if isinstance(said, Skipped):
            kept.skipped.append(said)
            continue
        if said is not None:
            kept.notices.append(said)
        kept.documents.append(doc)
        claims.extend(mine)
    if progress is not None:
        progress(SPLITTING, len(corpus.documents), len(corpus.documents))
    return kept, claims
