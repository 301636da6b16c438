"""Results: findings between claims, grouped into stories, with JSON, pandas and HTML views."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..judge.findings import Finding
from ..judge.stories import Story, group_stories
from ..judge.verdict import Relation
from ..judge.views import esc, findings_table, plural, story_heading
from ..read.claims import Claim, claim_rows
from ..read.ingest import Document, Notice, Skipped

#: version of the JSON document :meth:`Report.to_dict` returns; raised when a key changes meaning or goes away
#: (new keys do not raise it)
JSON_SCHEMA_VERSION = 1


@dataclass
class Report:
    """The result of :func:`checker.check`.

    Attributes:
        documents: the reports read (new ones, when checking against an index).
        claims: every claim of those reports.
        findings: agreeing and contradicting pairs, best first.
        skipped: inputs that could not be read (or held no claim), with reasons.
        model: the embedding model id.
        stored_claims: claims of the index compared against (0 without ``against``).
        warnings: reports that were read, with something to know (an id renamed because an earlier report with
            another text held it; most of the text cut by the cleaner).
        story_of: the story each report was grouped into (``pairing = "story"``); None with nearest pairing,
            where :attr:`stories` are the clusters of claims that findings link.
    """

    documents: list[Document]
    claims: list[Claim]
    findings: list[Finding]
    skipped: list[Skipped] = field(default_factory=list)
    model: str = ""
    stored_claims: int = 0
    warnings: list[Notice] = field(default_factory=list)
    story_of: dict[str, int] | None = field(default=None, repr=False)
    _stories: tuple[tuple[str, ...], list[Story]] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def contradictions(self) -> list[Finding]:
        """Findings whose relation is contradict."""
        return [f for f in self.findings if f.relation is Relation.CONTRADICT]

    @property
    def agreements(self) -> list[Finding]:
        """Findings whose relation is agree."""
        return [f for f in self.findings if f.relation is Relation.AGREE]

    def __repr__(self) -> str:
        skipped = f", {len(self.skipped)} skipped" if self.skipped else ""
        against = f", against {self.stored_claims} stored claims" if self.stored_claims else ""
        return (f"Report({plural(len(self.documents), 'report')}, {plural(len(self.claims), 'claim')}, "
                f"{plural(len(self.contradictions), 'contradiction')}, {plural(len(self.agreements), 'agreement')} "
                f"in {plural(len(self.stories), 'story', 'stories')}{skipped}{against}, "
                f"model={self.model!r})")

    @property
    def stories(self) -> list[Story]:
        """Findings grouped by the story their reports tell (by the claims they link, without stories),
        contradiction-heavy stories first (computed once per set of findings)."""
        key = tuple(f.id for f in self.findings)
        if self._stories is None or self._stories[0] != key:
            self._stories = (key, group_stories(self.findings, self.documents, self.story_of))
        return self._stories[1]

    def plot_sources(self, ax=None):
        """Heatmap of sources that contradict (red) or agree with (green) each other (:func:`~.plot.sources`)."""
        from .plot import sources

        return sources(self, ax=ax)

    def plot_timeline(self, ax=None):
        """Stories over the reports' publication dates; see :func:`checker.report.plot.timeline`."""
        from .plot import timeline

        return timeline(self, ax=ax)

    def summary(self) -> dict[str, Any]:
        """Counts of the run: reports read, inputs skipped, claims (new and stored), findings by relation, and
        findings by relation and kind (``{"contradict": {"location": 2}, "agree": {"other": 1}}``)."""
        by_kind: dict[str, dict[str, int]] = {r.value: {} for r in (Relation.CONTRADICT, Relation.AGREE)}
        for f in self.findings:
            kinds = by_kind.setdefault(f.relation.value, {})
            kinds[f.kind] = kinds.get(f.kind, 0) + 1
        return {"reports": len(self.documents), "skipped": len(self.skipped), "warnings": len(self.warnings),
                "claims": len(self.claims), "stored_claims": self.stored_claims, "findings": len(self.findings),
                "contradictions": len(self.contradictions), "agreements": len(self.agreements),
                "by_kind": {relation: dict(sorted(kinds.items())) for relation, kinds in by_kind.items()}}

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``checker check --format json`` (its shape is ``schema_version``
        :data:`JSON_SCHEMA_VERSION`)."""
        from .._version import __version__

        return {
            "schema_version": JSON_SCHEMA_VERSION,
            "checker_version": __version__,
            "summary": self.summary(),
            "model": self.model,
            "reports": [{"id": d.id, "path": d.path, "title": d.title, "source": d.source, "date": d.date}
                        for d in self.documents],
            "claims": len(self.claims),
            "stored_claims": self.stored_claims,
            "skipped": [{"path": s.path, "reason": s.reason} for s in self.skipped],
            "warnings": [{"path": w.path, "message": w.message} for w in self.warnings],
            "findings": [f.to_dict() for f in self.findings],
        }

    def to_pandas(self, what: str = "findings"):
        """A DataFrame of ``findings`` (default), ``claims``, ``stories`` or ``reports``.

        Dates are pandas datetimes: a story's ``first_date`` and ``last_date`` (days), a report's ``date`` (as
        written in the report, read by :func:`~checker.read.dates.parse_date`; UTC-aware when any report's date
        carries a time zone), NaT where unknown.

        Raises:
            ValueError: ``what`` is none of those.
        """
        import pandas as pd

        if what == "claims":
            story_of = {c.id: s.id for s in self.stories for c in s.claims}
            return pd.DataFrame(claim_rows(self.claims, story_of))
        if what == "stories":
            frame = pd.DataFrame([{"story": s.id, "label": s.label, "claims": len(s.claims),
                                   "contradictions": s.contradictions, "agreements": s.agreements,
                                   "sources": "; ".join(s.sources), "reports": len(s.reports),
                                   "first_date": s.first_date, "last_date": s.last_date} for s in self.stories],
                                 columns=["story", "label", "claims", "contradictions", "agreements", "sources",
                                          "reports", "first_date", "last_date"])
            return frame.astype({"first_date": "datetime64[ns]", "last_date": "datetime64[ns]"})
        if what == "reports":
            return pd.DataFrame({"report_id": [d.id for d in self.documents], "path": [d.path for d in self.documents],
                                 "title": [d.title for d in self.documents],
                                 "source": [d.source for d in self.documents],
                                 "date": datetimes([d.date for d in self.documents]),
                                 "url": [d.url for d in self.documents]})
        if what != "findings":
            raise ValueError(f"what must be findings, claims, stories or reports (got {what!r})")
        story_of = {f.id: s.id for s in self.stories for f in s.findings}
        return pd.DataFrame([{"id": f.id, "story": story_of[f.id], "relation": f.relation.value, "score": f.score,
                              "kind": f.kind, "reason": f.reason, "gate": f.gate, "similarity": f.similarity,
                              "pair_score": f.pair_score,
                              "a_text": f.a.text, "a_source": f.a.attributed_to, "a_path": f.a.path, "a_line": f.a.line,
                              "b_text": f.b.text, "b_source": f.b.attributed_to, "b_path": f.b.path, "b_line": f.b.line}
                             for f in self.findings])

    def _repr_html_(self) -> str:
        parts = [f"<p>{plural(len(self.documents), 'report')}, {plural(len(self.claims), 'claim')}, "
                 f"{plural(len(self.contradictions), 'contradiction')}, {plural(len(self.agreements), 'agreement')}"
                 f" · model {esc(self.model)}</p>"]
        if self.skipped or self.warnings:
            items = [f"<li dir='auto'>skipped {esc(s.path)}: {esc(s.reason)}</li>" for s in self.skipped]
            items += [f"<li dir='auto'>{esc(w.path)}: {esc(w.message)}</li>" for w in self.warnings]
            parts.append(f"<ul>{''.join(items)}</ul>")
        for story in self.stories:
            parts.append(story_heading(story) + findings_table(story.findings))
        return "".join(parts)


def datetimes(texts: list[str | None]):
    """Publication dates as written, as a pandas datetime Series: ISO dates and times as they are, other forms
    («28 ديسمبر 2024», "28th, December 2024 GMT") read by :func:`~checker.read.dates.parse_date`, NaT where
    unknown; in UTC when any carries a time zone (then one without is taken as UTC)."""
    import pandas as pd

    from ..read.dates import parse_date

    stamps = []
    for text in texts:
        try:
            stamp = pd.Timestamp(datetime.fromisoformat(text.strip())) if text else None
        except ValueError:
            day = parse_date(text)
            stamp = pd.Timestamp(day) if day else None
        stamps.append(stamp)
    if any(s is not None and s.tzinfo is not None for s in stamps):
        stamps = [None if s is None else s.tz_convert("UTC") if s.tzinfo else s.tz_localize("UTC") for s in stamps]
        return pd.Series(pd.DatetimeIndex(stamps, tz="UTC"))
    return pd.Series(pd.DatetimeIndex(stamps), dtype="datetime64[ns]")
