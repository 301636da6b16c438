"""Separate article text from web leftovers, without rewriting the text.

:func:`article_spans` returns the character ranges of the lines that belong to
the article, so every claim keeps offsets into the text as decoded. Dropped:
comment forms, "read also" / "related articles" link lists (and neighbouring
articles a scraper appended after them), tag lines, share counters, author
bios, reading-time lines, embedded tweets, captions repeated verbatim, short
section headings, and metadata lines (whose values :func:`metadata` returns).
"""

from __future__ import annotations

import re

from ..text.arabic import normalize

_SENTENCE_END = re.compile(r"[.!?؟…\"”»]\s*$")

# Each pattern is matched against the normalised line (see text.arabic.normalize).
COMMENT_FORM = re.compile(
    r"^(اترك (ردا?|تعليقا?)|لن يتم نشر عنوان بريدك|الحقول الالزاميه|اضف تعليق|"
    r"leave a (reply|comment)|your email address will not be published)"
)
READ_ALSO = re.compile(r"^(اقرا|إقرا) (ايضا|المزيد)|^(read (also|more)|see also)\b|^شاهد ايضا")
RELATED = re.compile(r"^(مقالات|مواضيع|اخبار|مقالات ذات صله|قد يعجبك) ?(مشابهه|ذات صله|متعلقه)?\s*:?$"
                     r"|^related (articles|posts|stories)\s*:?$")
TAGS = re.compile(r"^(كلمات دلاليه|الكلمات الدلاليه|الوسوم|وسوم|tags)\s*:")
SHARES = re.compile(r"\b\d+\s+shares?\b|\bshare\s+\d+\b|\btweet\s+\d+\b|\bpin it\s+\d+", re.I)
READING_TIME = re.compile(r"(دقائق|دقيقه) (لل)?قراءه|وقت القراءه|\bmin(ute)?s? read\b|reading icon")
TWEET = re.compile(r"https?://t\.co/|pic\.twitter\.com|^[—–-]\s*.+\(@\w+\)")
BYLINE = re.compile(r"^(written by|by|بقلم|كتب|الكاتب|الكاتبه)\s*:?\s+\S")
BIO = re.compile(r"من مواليد|كاتب (و|صحفي)|حاصل علي|\bis a (writer|journalist|reporter)\b")
URL_ONLY = re.compile(r"^(https?://\S+|www\.\S+)$")

# «المصدر:», "Source:", and the same label in French, Spanish, Portuguese, Italian and German
SOURCE_LINE = re.compile(r"(?:المصدر|المصادر|source|fuente|fonte|quelle)\s*:\s*(.+?)\s*$", re.I)
DATE_LINE = re.compile(r"^(?:(?:تاريخ النشر|نشر في|تاريخ|published(?: on)?|date|fecha|datum|publié(?: le)?"
                       r"|mis à jour(?: le)?)"
                       r"\s*:\s*|(?:publié le|published on|mis à jour le)\s+)(.+?)\s*$",
                       re.I)
DATELINE = re.compile(r"^([\w\u0600-\u06ff]+(?: [\w\u0600-\u06ff]+)?)\s*[-–]\s*([\w\u0600-\u06ff ]{2,25})$")


def _lines(text: str) -> list[tuple[int, int, str]]:
    out, pos = [], 0
    for raw in text.split("\n"):
        start, end = pos, pos + len(raw)
        pos = end + 1
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            out.append((start + lead, start + lead + len(stripped), stripped))
    return out


def _is_paragraph(line: str) -> bool:
    return len(line.split()) >= 12 and bool(_SENTENCE_END.search(line))


def _is_heading(line: str, norm: str) -> bool:
    """A short line with no sentence end: a section heading, caption stub or link title."""
    return len(norm.split()) < 5 and not _SENTENCE_END.search(line)


def metadata(text: str) -> dict[str, str]:
    """Outlet and date the page states about itself («المصدر: …», «تاريخ النشر: …», a dateline).

    The last source line of the article wins: pages often name the quoted
    source first and the publishing site last.
    """
    found: dict[str, str] = {}
    lines = _lines(text)
    for i, (_, _, line) in enumerate(lines[:article_end(lines)]):
        if (m := SOURCE_LINE.search(line)) and len(m.group(1).split()) <= 6:
            found["source"] = m.group(1).strip("\"“”«» ")
        elif (m := DATE_LINE.match(line)) and "date" not in found:
            found["date"] = m.group(1)
        elif i < 6 and (m := DATELINE.match(line)) and "source" not in found:
            found.setdefault("dateline", m.group(2).strip())
    if "source" not in found and "dateline" in found:
        found["source"] = found["dateline"]
    found.pop("dateline", None)
    return found


def article_end(lines: list[tuple[int, int, str]]) -> int:
    """Index of the first line past the article body (a comment form, or a trailing 'read also')."""
    closed = False
    for i, (_, _, line) in enumerate(lines):
        norm = normalize(line)
        if COMMENT_FORM.search(norm):
            return i
        if TAGS.search(norm) or SHARES.search(line) or SOURCE_LINE.match(line):
            closed = True  # tag, share or source lines close the article; what follows is page chrome
        if READ_ALSO.search(norm) and _is_heading(line, norm):
            later = lines[i + 1 :]
            if closed or not any(_is_paragraph(text) for _, _, text in later):
                return i
    return len(lines)


def _leftover(line: str, norm: str, previous: str | None) -> bool:
    return bool(
        TAGS.search(norm) or SHARES.search(line) or READING_TIME.search(norm) or TWEET.search(line)
        or BYLINE.search(norm) or URL_ONLY.match(line) or SOURCE_LINE.match(line)
        or DATE_LINE.match(line) or READ_ALSO.search(norm) or line == previous
    )


def article_spans(text: str) -> list[tuple[int, int]]:
    """Character ranges ``[start, end)`` of ``text`` that hold article sentences.

    Example:
        >>> text = "Title line here\\nA real sentence of the article goes here.\\nTags: a b"
        >>> [text[s:e] for s, e in article_spans(text)]
        ['Title line here', 'A real sentence of the article goes here.']
    """
    lines = _lines(text)
    lines = lines[: article_end(lines)]
    kept: list[tuple[int, int]] = []
    previous, in_list, after_byline = None, False, False
    for start, end, line in lines:
        norm = normalize(line)
        if RELATED.match(norm) or (READ_ALSO.search(norm) and _is_heading(line, norm)):
            in_list = True
        elif in_list and (line.startswith(("•", "-", "*", "·")) or not _is_paragraph(line)):
            pass  # an item of a link list
        elif after_byline and BIO.search(norm):
            pass  # the author's bio under a byline
        elif _leftover(line, norm, previous):
            after_byline = after_byline or bool(BYLINE.search(norm))
        elif kept and _is_heading(line, norm):
            pass  # a section heading or caption stub between paragraphs
        else:
            in_list = False
            kept.append((start, end))
        previous = line
    return kept

