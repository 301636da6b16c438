"""Results: findings between claims, grouped into stories, with JSON, pandas and HTML views."""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass, field
from typing import Any

from .claims import Claim
from .ingest import Document, Skipped
from .judge import Difference, Relation, Verdict
from .stories import Story, group_stories
from .text.arabic import normalize


@dataclass(frozen=True)
class Finding:
    """Two claims that agree or contradict, and why.

    Attributes:
        id: stable id from both claims' normalised text (not from row numbers).
        relation: ``Relation.AGREE`` or ``Relation.CONTRADICT``.
        score: confidence in [0, 1].
        kind: location, number, date, actor, negation, antonym or other.
        reason: one line naming the differing spans.
        a, b: the two claims.
        gate: same-event score in [0, 1].
        similarity: cosine similarity of the claims' embeddings.
        differences: every differing slot, with spans relative to each claim's text.
        pair_score: the learned pair scorer's probability of contradiction (None without a scorer).
    """

    id: str
    relation: Relation
    score: float
    kind: str
    reason: str
    a: Claim
    b: Claim
    gate: float
    similarity: float
    differences: tuple[Difference, ...] = ()
    pair_score: float | None = None

    @classmethod
    def from_verdict(cls, a: Claim, b: Claim, verdict: Verdict) -> Finding:
        """Build a finding from a judged pair."""
        return cls(finding_id(a, b), verdict.relation, verdict.score, verdict.kind, verdict.reason, a, b,
                   verdict.gate, verdict.similarity, verdict.differences, verdict.pair_score)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``checker check --format json``."""
        return {
            "id": self.id, "relation": self.relation.value, "score": self.score, "kind": self.kind,
            "reason": self.reason, "gate": self.gate, "similarity": round(self.similarity, 4),
            "pair_score": None if self.pair_score is None else round(self.pair_score, 4),
            "a": _claim_dict(self.a, [d.a_span for d in self.differences]),
            "b": _claim_dict(self.b, [d.b_span for d in self.differences]),
        }


def finding_id(a: Claim, b: Claim) -> str:
    """Stable id of a pair: a hash of both claims' normalised texts, order-free."""
    texts = sorted(" ".join(normalize(c.text).split()) for c in (a, b))
    return hashlib.sha256("\x1f".join(texts).encode("utf-8")).hexdigest()[:12]


def _claim_dict(claim: Claim, highlights: list[tuple[int, int]]) -> dict[str, Any]:
    return {
        "claim_id": claim.id, "report_id": claim.report_id, "path": claim.path, "line": claim.line,
        "text": claim.text, "span": list(claim.span), "attributed_to": claim.attributed_to,
        "source": claim.attribution.source, "via": claim.attribution.via, "how": claim.attribution.how,
        "highlights": [list(h) for h in highlights if h[1] > h[0]],
    }


@dataclass
class Report:
    """The result of :func:`checker.check`.

    Attributes:
        documents: the reports read (new ones, when checking against an index).
        claims: every claim of those reports.
        findings: agreeing and contradicting pairs, best first.
        skipped: inputs that could not be read, with reasons.
        model: the embedding model id.
        stored_claims: claims of the index compared against (0 without ``against``).
    """

    documents: list[Document]
    claims: list[Claim]
    findings: list[Finding]
    skipped: list[Skipped] = field(default_factory=list)
    model: str = ""
    stored_claims: int = 0
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
        """Findings grouped by event, contradiction-heavy stories first (computed once per set of findings)."""
        key = tuple(f.id for f in self.findings)
        if self._stories is None or self._stories[0] != key:
            self._stories = (key, group_stories(self.findings, self.documents))
        return self._stories[1]

    def plot_sources(self, ax=None):
        """Heatmap of which sources contradict (red) or agree with (green) which; see :func:`checker.plot.sources`."""
        from .plot import sources

        return sources(self, ax=ax)

    def plot_timeline(self, ax=None):
        """Stories over the reports' publication dates; see :func:`checker.plot.timeline`."""
        from .plot import timeline

        return timeline(self, ax=ax)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``checker check --format json``."""
        return {
            "model": self.model,
            "reports": [{"id": d.id, "path": d.path, "title": d.title, "source": d.source, "date": d.date}
                        for d in self.documents],
            "claims": len(self.claims),
            "stored_claims": self.stored_claims,
            "skipped": [{"path": s.path, "reason": s.reason} for s in self.skipped],
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


def claim_rows(claims: list[Claim], story_of: dict[str, int] | None = None) -> list[dict[str, Any]]:
    """One dict per claim: the rows of ``to_pandas("claims")`` for reports and indexes alike."""
    story_of = story_of or {}
    return [{"claim_id": c.id, "story": story_of.get(c.id), "report_id": c.report_id, "path": c.path,
             "line": c.line, "text": c.text, "attributed_to": c.attributed_to, "how": c.attribution.how,
             "start": c.span[0], "end": c.span[1]} for c in claims]


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
