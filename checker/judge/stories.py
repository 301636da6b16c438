"""Stories: claims about one event, across reports and languages, with who asserts, reports or denies each.

A story is a connected group of claims linked by findings (agree or contradict).
Every front end (terminal report, browser, pandas, HTML, plots) reads the same
:class:`Story` objects from :attr:`checker.Report.stories`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import TYPE_CHECKING

from ..read.claims import Claim
from ..read.dates import parse_date
from ..read.ingest import Document
from ..text.arabic import normalize
from ..text.signals import read_signals
from .findings import Finding
from .verdict import Relation
from .views import story_html, story_repr

if TYPE_CHECKING:
    import pandas as pd

_CUE = re.compile(r"^[\s:،,\"“”«»]*(?:(?:أن|إن|أنه|إنه|بأن|that)\s+)?[\"“”«»]*")


class Stance(str, Enum):
    """A source's stance towards a claim of a story.

    ``asserts``, ``reports`` (relays what another said) and ``denies`` describe a source's own
    claim; ``agrees`` and ``contradicts`` a claim of another source that its own claims meet.
    """

    ASSERTS = "asserts"
    REPORTS = "reports"
    DENIES = "denies"
    AGREES = "agrees"
    CONTRADICTS = "contradicts"


def stance_of(claim: Claim) -> Stance:
    """How a claim's source stands to its content: denies (a denial or negation), reports (relayed), or asserts."""
    how = claim.attribution.how
    if how == "denied" or read_signals(claim.proposition, how).polarity < 0:
        return Stance.DENIES
    if how == "reported" or claim.attribution.via:
        return Stance.REPORTS
    return Stance.ASSERTS


def short_label(claim: Claim, words: int = 9) -> str:
    """The first ``words`` words of a claim's asserted content, without a leading «أن»."""
    found = _CUE.sub("", claim.proposition).split()
    return " ".join(found[:words]) + ("…" if len(found) > words else "")


def _shorten(title: str, words: int = 12) -> str:
    found = title.split()
    return " ".join(found[:words]) + ("…" if len(found) > words else "")


@dataclass(frozen=True)
class Story:
    """Claims about one event (connected by findings), their sources and findings.

    Attributes:
        id: 1-based rank (contradiction-heavy stories first).
        label: the title of the story's main report (the one with most of its claims), or, for stories that are
            clusters of findings (no report stories), a few words of the most connected claim.
        claims: the claims, in the order findings name them.
        findings: the findings between them.
        reports: ids of the reports the claims come from.
        dates: publication dates of those reports, where known (for timelines).
    """

    id: int
    label: str
    claims: tuple[Claim, ...]
    findings: tuple[Finding, ...]
    reports: tuple[str, ...] = ()
    dates: tuple[date, ...] = ()

    @property
    def sources(self) -> list[str]:
        """Who asserts something in this story."""
        return sorted({c.attributed_to for c in self.claims})

    @property
    def contradictions(self) -> int:
        """Number of contradicting pairs."""
        return sum(f.relation is Relation.CONTRADICT for f in self.findings)

    @property
    def agreements(self) -> int:
        """Number of agreeing pairs."""
        return sum(f.relation is Relation.AGREE for f in self.findings)

    @property
    def first_date(self) -> date | None:
        """The earliest known publication date of its reports."""
        return min(self.dates, default=None)

    @property
    def last_date(self) -> date | None:
        """The latest known publication date of its reports."""
        return max(self.dates, default=None)

    def __repr__(self) -> str:
        return story_repr(self)

    def _repr_html_(self) -> str:
        return story_html(self)

    def matrix(self) -> pd.DataFrame:
        """Sources × claims as a DataFrame: a row per source, a column per claim id (the ``claim_id`` of
        ``Report.to_pandas("claims")``, in :attr:`claims` order), each cell that source's stance (``asserts``,
        ``reports``, ``denies``, ``agrees``, ``contradicts``) or None.

        A source asserts, reports or denies its own claims; it agrees with or contradicts the
        claims that its own claims are found to agree with or contradict (:meth:`stances` as dicts).
        """
        import pandas as pd

        stances = self.stances()
        frame = pd.DataFrame([[row[c.id].value if c.id in row else None for c in self.claims]
                              for row in stances.values()],
                             index=pd.Index(list(stances), name="source"),
                             columns=pd.Index([c.id for c in self.claims], name="claim_id"), dtype=object)
        return frame

    def stances(self) -> dict[str, dict[str, Stance]]:
        """Sources × claims as dicts: ``stances()[source][claim_id]`` is that source's :class:`Stance`, where it has
        one (what :meth:`matrix` tabulates)."""
        rows: dict[str, dict[str, Stance]] = {s: {} for s in self.sources}
        for claim in self.claims:
            rows[claim.attributed_to][claim.id] = stance_of(claim)
        for f in self.findings:
            cross = Stance.CONTRADICTS if f.relation is Relation.CONTRADICT else Stance.AGREES
            for own, other in ((f.a, f.b), (f.b, f.a)):
                cells = rows[own.attributed_to]
                # a source's own stance stays; a contradiction outweighs an agreement
                if other.id not in cells or cells[other.id] is Stance.AGREES:
                    cells[other.id] = cross
        return rows

    def matches(self, *, relation: str | None = None, kind: str | None = None, source: str | None = None,
                report: str | None = None, text: str | None = None) -> bool:
        """Whether the story has a finding of ``relation`` and ``kind``, a claim whose source, report id or
        path, and text contain the given strings (case- and Arabic-spelling-insensitive)."""
        if relation and not any(f.relation.value == relation for f in self.findings):
            return False
        if kind and not any(f.kind == kind for f in self.findings):
            return False
        checks = [(source, lambda c: c.attributed_to), (report, lambda c: f"{c.report_id} {c.path}"),
                  (text, lambda c: f"{c.text} {self.label}")]
        return all(any(_contains(get(c), wanted) for c in self.claims) for wanted, get in checks if wanted)


def _contains(haystack: str, needle: str) -> bool:
    return normalize(needle).lower() in normalize(haystack).lower()


def group_stories(findings: Sequence[Finding], documents: Iterable[Document] = (),
                  story_of: dict[str, int] | None = None) -> list[Story]:
    """Group findings into stories: the story of their reports, or connected components of the claims they link.

    Args:
        findings: agreeing and contradicting pairs.
        documents: the reports, for publication dates. Defaults to none (stories without dates).
        story_of: each report's story (:func:`checker.judge.grouping.group_reports`). Defaults to none: stories
            are the connected components of the claims that findings link.

    Returns:
        Stories, most contradictions first, then by best score.
    """
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    groups: dict[str, list[Finding]] = {}
    if story_of is not None:
        for f in findings:  # a finding across two stories (a stored neighbour's) goes with the first claim's
            groups.setdefault(f"story:{story_of.get(f.a.report_id, f.a.report_id)}", []).append(f)
    else:
        for f in findings:
            parent[root(f.a.id)] = root(f.b.id)
        for f in findings:
            groups.setdefault(root(f.a.id), []).append(f)
    ordered = sorted(groups.values(), key=lambda fs: (-sum(f.relation is Relation.CONTRADICT for f in fs),
                                                     -max(f.score for f in fs)))
    documents = list(documents)
    dated = {d.id: parse_date(d.date) for d in documents}
    titles = {d.id: " ".join(d.title.split()) for d in documents if d.title and d.title.strip()}
    stories = []
    for number, fs in enumerate(ordered, 1):
        claims = {c.id: c for f in fs for c in (f.a, f.b)}
        degree = Counter(c for f in fs for c in (f.a.id, f.b.id))
        central = claims[degree.most_common(1)[0][0]]
        reports = tuple(dict.fromkeys(c.report_id for c in claims.values()))
        dates = tuple(sorted(d for r in reports if (d := dated.get(r))))
        # a story of reports is named by the title of its report with the most claims in it; claim clusters (no
        # report stories) by their most connected claim
        counted = Counter(c.report_id for c in claims.values())
        main = max(reports, key=lambda r: (counted[r], -reports.index(r)))
        label = _shorten(titles[main]) if story_of is not None and main in titles else short_label(central)
        stories.append(Story(number, label, tuple(claims.values()), tuple(fs), reports, dates))
    return stories
