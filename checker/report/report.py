"""Results: findings between claims, grouped into stories, with JSON, pandas and HTML views."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from ..judge.findings import Finding
from ..judge.stories import Story, group_stories
from ..judge.verdict import Relation
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
        """A DataFrame of ``findings`` (default), ``claims`` or ``stories``.

        Raises:
            ValueError: ``what`` is none of those.
        """
        import pandas as pd

        if what == "claims":
            story_of = {c.id: s.id for s in self.stories for c in s.claims}
            return pd.DataFrame(claim_rows(self.claims, story_of))
        if what == "stories":
            return pd.DataFrame([{"story": s.id, "label": s.label, "claims": len(s.claims),
                                  "contradictions": s.contradictions, "agreements": s.agreements,
                                  "sources": "; ".join(s.sources), "reports": len(s.reports),
                                  "first_date": s.first_date, "last_date": s.last_date} for s in self.stories])
        if what != "findings":
            raise ValueError(f"what must be findings, claims or stories (got {what!r})")
        story_of = {f.id: s.id for s in self.stories for f in s.findings}
        return pd.DataFrame([{"id": f.id, "story": story_of[f.id], "relation": f.relation.value, "score": f.score,
                              "kind": f.kind, "reason": f.reason, "gate": f.gate, "similarity": f.similarity,
                              "pair_score": f.pair_score,
                              "a_text": f.a.text, "a_source": f.a.attributed_to, "a_path": f.a.path, "a_line": f.a.line,
                              "b_text": f.b.text, "b_source": f.b.attributed_to, "b_path": f.b.path, "b_line": f.b.line}
                             for f in self.findings])

    def _repr_html_(self) -> str:
        head = (f"<p>{len(self.documents)} reports, {len(self.claims)} claims, "
                f"{len(self.contradictions)} contradictions, {len(self.agreements)} agreements</p>")
        parts = [head]
        for story in self.stories:
            rows = "".join(_finding_row(f) for f in story.findings)
            parts.append(f"<h4 dir='auto'>Story {story.id}: {html.escape(story.label)}</h4>"
                         "<table><tr><th>relation</th><th>kind</th><th>score</th><th>claim A</th><th>claim B</th>"
                         f"<th>reason</th></tr>{rows}</table>")
        return "".join(parts)


def _marked(claim: Claim, spans: list[tuple[int, int]]) -> str:
    """Claim text as HTML with the differing spans in ``<mark>``."""
    out, at = [], 0
    for start, end in sorted(s for s in spans if 0 <= s[0] < s[1] <= len(claim.text)):
        if start >= at:
            out += [html.escape(claim.text[at:start]), f"<mark>{html.escape(claim.text[start:end])}</mark>"]
            at = end
    out.append(html.escape(claim.text[at:]))
    return "".join(out)


def _finding_row(f: Finding) -> str:
    """One table row of the HTML view."""
    sides = [(f.a, [d.a_span for d in f.differences]), (f.b, [d.b_span for d in f.differences])]
    cells = "".join(f"<td dir='auto'>{_marked(c, spans)}<br><small>"
                    f"{html.escape(c.attributed_to)} · {html.escape(c.path)}:{c.line}</small></td>"
                    for c, spans in sides)
    return (f"<tr><td>{f.relation.value}</td><td>{f.kind}</td><td>{f.score:.2f}</td>{cells}"
            f"<td dir='auto'>{html.escape(f.reason)}</td></tr>")
