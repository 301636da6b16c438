"""Which reports tell one story: report-level grouping from names, figures and words, across scripts.

Dense sentence embeddings of a multilingual encoder sit closer for two reports in one language than for
one story told in two (measured on the project's story benchmark: the nearest report by mean claim vector
is of the same story for 6 of 24 reports), so reports are grouped the way story-clustering systems for
multilingual news do it (Miranda et al., EMNLP 2018): sparse features weighted by rarity, here

- **names** as cross-script keys (:func:`~checker.text.arabic.translit_key`): capitalised Latin words that
  do not open a sentence, and Arabic words whose key some Latin name of the corpus also has (so «موفوبو»
  meets "Mufubu" and « Mufubu »);
- **figures** written in digits (years aside);
- **content words** of each language, at a lower weight,

compared by cosine and grouped by average linkage above a threshold. A report that joins no other forms
a story of its own.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from ..read.documents import Document
from ..text.arabic import ARABIC, tokens, translit_key
from ..text.lexicon import STOPWORDS

WORD_WEIGHT = 0.3  #: weight of a content word against a name or a figure
STORY_THRESHOLD = 0.3  #: average-link cosine at which two groups of reports are one story
MAX_REPORTS = 5_000  #: above this many reports at once, no stories are formed (quadratic memory)
STORY_LINKS = 15  #: each report is compared with at most this many reports of its story (the most similar)
_YEAR = re.compile(r"(19|20)\d\d")
_SENTENCE_START = (".", "!", "?", "»", '"', "“", "”", ":")


def _raw_features(text: str) -> tuple[Counter[str], Counter[str]]:
    """(name and figure features, Arabic name candidates) of one report."""
    features: Counter[str] = Counter()
    arabic: Counter[str] = Counter()
    toks = tokens(text)
    for k, tok in enumerate(toks):
        word = tok.text
        if tok.norm in STOPWORDS or len(tok.norm) < 3:
            continue
        if word.isdigit():
            if not _YEAR.fullmatch(word):
                features["#" + word] += 1
            continue
        if ARABIC.search(word):
            features["w:" + tok.stem] += 1
            arabic["n:" + translit_key(word)] += 1
            continue
        features["w:" + tok.stem.lower()] += 1
        opens = k == 0 or text[max(0, tok.start - 3):tok.start].strip()[-1:] in _SENTENCE_START
        if word[:1].isupper() and not opens and len(key := translit_key(word)) >= 3:
            features["n:" + key] += 1
    return features, arabic


def _vectors(texts: Sequence[str]) -> list[dict[str, float]]:
    raw = [_raw_features(t) for t in texts]
    latin = {k for features, _ in raw for k in features if k.startswith("n:")}
    counts = []
    for features, arabic in raw:
        merged = Counter(features)
        merged.update({k: c for k, c in arabic.items() if k in latin})
        counts.append(merged)
    df = Counter(k for c in counts for k in c)
    n = len(texts)
    out = []
    for c in counts:
        v = {k: (1 + math.log(x)) * math.log((n + 1) / df[k]) * (WORD_WEIGHT if k.startswith("w:") else 1.0)
             for k, x in c.items() if df[k] >= 2}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        out.append({k: x / norm for k, x in v.items()})
    return out


def report_similarity(texts: Sequence[str]) -> np.ndarray:
    """Cosine of the reports' name/figure/word vectors, ``(n, n)`` (1.0 on the diagonal)."""
    vectors = _vectors(texts)
    columns: dict[str, int] = {}
    rows, cols, values = [], [], []
    for i, v in enumerate(vectors):
        for k, x in v.items():
            rows.append(i)
            cols.append(columns.setdefault(k, len(columns)))
            values.append(x)
    from scipy.sparse import csr_matrix

    matrix = csr_matrix((values, (rows, cols)), shape=(len(texts), max(1, len(columns))))
    sim = (matrix @ matrix.T).toarray()
    np.fill_diagonal(sim, 1.0)
    return sim


def group_reports(documents: Sequence[Document], threshold: float = STORY_THRESHOLD,
                  max_reports: int = MAX_REPORTS, similarity: np.ndarray | None = None) -> dict[str, int]:
    """``{report id: story number}``: reports grouped by average-link cosine of :func:`report_similarity`.

    Memory grows with the square of the number of reports (a 2,000-report run: a 32 MB matrix); above
    ``max_reports`` reports no stories are formed and the judge
    works from nearest neighbours alone. Defaults to 5,000. ``similarity``: :func:`report_similarity` of
    ``documents`` when the caller already has it.
    """
    n = len(documents)
    if n > max_reports:
        return {}  # no stories: the judge works from nearest neighbours alone
    if n < 2:
        return {d.id: i for i, d in enumerate(documents)}
    link = report_similarity([d.text for d in documents]) if similarity is None else similarity
    groups = average_link(link, threshold)
    return {documents[i].id: story for story, group in enumerate(groups) for i in group}


def average_link(similarity: np.ndarray, threshold: float) -> list[list[int]]:
    """Agglomerative clustering by average linkage: merge the two closest groups while their mean similarity
    is at least ``threshold``; returns the groups (row indices), each led by its smallest index.

    Each row's best partner is cached and only rows that pointed at a merged group are searched again, so a
    merge costs a few rows, not the whole matrix (2,000 reports: a fraction of a second, not seconds).
    """
    n = len(similarity)
    link = np.array(similarity, dtype=np.float64, copy=True)
    np.fill_diagonal(link, -np.inf)
    size = np.ones(n)
    alive = np.ones(n, dtype=bool)
    members = {i: [i] for i in range(n)}
    best, partner = link.max(axis=1), link.argmax(axis=1)
    while n > 1:
        x = int(np.argmax(np.where(alive, best, -np.inf)))
        y = int(partner[x])
        if not alive[x] or best[x] < threshold:
            break
        x, y = min(x, y), max(x, y)
        # Lance-Williams update for average linkage: the merged group's mean similarity to every other group
        merged = (size[x] * link[x] + size[y] * link[y]) / (size[x] + size[y])
        link[x], link[:, x] = merged, merged
        link[y], link[:, y] = -np.inf, -np.inf
        link[x, x] = -np.inf
        size[x] += size[y]
        alive[y], best[y] = False, -np.inf
        members[x] += members.pop(y)
        stale = alive & ((partner == x) | (partner == y))
        stale[x] = alive[x]
        rows = np.flatnonzero(stale)
        if len(rows):
            best[rows], partner[rows] = link[rows].max(axis=1), link[rows].argmax(axis=1)
        better = alive & (link[:, x] > best)
        best[better], partner[better] = link[better, x], x
    return list(members.values())


def story_links(documents: Sequence[Document], story_of: dict[str, int], limit: int = STORY_LINKS,
                similarity: np.ndarray | None = None) -> dict[str, set[str]]:
    """``{report id: the reports of its story it chooses to be compared with}``: all of them in a story of up
    to ``limit + 1`` reports, else its ``limit`` most similar ones. Two reports meet when either chose the other,
    so every report starts at most ``limit`` comparisons and the pairs judged grow linearly with the corpus
    however large a story grows."""
    n = len(documents)
    members: dict[int, list[int]] = {}
    for i, d in enumerate(documents):
        members.setdefault(story_of.get(d.id, -1 - i), []).append(i)
    links: dict[str, set[str]] = {d.id: set() for d in documents}
    big = [group for group in members.values() if len(group) > limit + 1]
    sim = similarity if similarity is not None or not big or n > MAX_REPORTS else \
        report_similarity([d.text for d in documents])
    for group in members.values():
        for i in group:
            others = [j for j in group if j != i]
            if sim is not None and len(others) > limit:
                others = sorted(others, key=lambda j: -sim[i, j])[:limit]
            links[documents[i].id].update(documents[j].id for j in others)
    return links


def report_stories(documents: list[Document], pairing: str = "story"
                   ) -> tuple[dict[str, int] | None, dict[str, set[str]] | None]:
    """Reports grouped into stories and which reports of a story meet (``story_of``, ``links``), or (None, None)
    with ``pairing = "nearest"`` or more than :data:`MAX_REPORTS` reports (too many at once to form stories)."""
    if pairing != "story" or len(documents) > MAX_REPORTS:
        return None, None
    similarity = report_similarity([d.text for d in documents])  # once, for the grouping and the links
    story_of = group_reports(documents, similarity=similarity)
    return story_of, story_links(documents, story_of, similarity=similarity)
