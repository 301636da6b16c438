"""Results: findings between claims, grouped into stories, with JSON, pandas and HTML views."""

from __future__ import annotations

import hashlib
import html
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .claims import Claim
from .ingest import Document, Skipped
from .judge import Difference, Relation, Verdict
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


@dataclass(frozen=True)
class Story:
    """Claims about one event (connected by findings), their sources and findings."""

    id: int
    label: str
    claims: tuple[Claim, ...]
    findings: tuple[Finding, ...]

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


def group_stories(findings: list[Finding]) -> list[Story]:
    """Group findings into stories: connected components of the claims they link."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for f in findings:
        parent[root(f.a.id)] = root(f.b.id)
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(root(f.a.id), []).append(f)
    ordered = sorted(groups.values(), key=lambda fs: (-sum(f.relation is Relation.CONTRADICT for f in fs),
                                                     -max(f.score for f in fs)))
    stories = []
    for number, fs in enumerate(ordered, 1):
        claims = {c.id: c for f in fs for c in (f.a, f.b)}
        degree = Counter(c for f in fs for c in (f.a.id, f.b.id))
        central = claims[degree.most_common(1)[0][0]]
        words = re.sub(r"^[\s:،,\"“”«»]*(?:(?:أن|إن|أنه|إنه|بأن|that)\s+)?[\"“”«»]*", "", central.proposition).split()
        label = " ".join(words[:9]) + ("…" if len(words) > 9 else "")
        stories.append(Story(number, label, tuple(claims.values()), tuple(fs)))
    return stories


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
        """Findings grouped by event, contradiction-heavy stories first."""
        return group_stories(self.findings)

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
        """A DataFrame of ``findings`` (default), ``claims`` or ``stories``."""
        import pandas as pd

        if what == "claims":
            return pd.DataFrame([{"claim_id": c.id, "report_id": c.report_id, "path": c.path, "line": c.line,
                                  "text": c.text, "attributed_to": c.attributed_to, "how": c.attribution.how,
                                  "start": c.span[0], "end": c.span[1]} for c in self.claims])
        if what == "stories":
            return pd.DataFrame([{"story": s.id, "label": s.label, "claims": len(s.claims),
                                  "contradictions": s.contradictions, "agreements": s.agreements,
                                  "sources": "; ".join(s.sources)} for s in self.stories])
        if what != "findings":
            raise ValueError(f"what must be findings, claims or stories (got {what!r})")
        return pd.DataFrame([{"id": f.id, "relation": f.relation.value, "score": f.score, "kind": f.kind,
                              "reason": f.reason, "gate": f.gate, "similarity": f.similarity, "pair_score": f.pair_score,
                              "a_text": f.a.text, "a_source": f.a.attributed_to, "a_path": f.a.path,
                              "b_text": f.b.text, "b_source": f.b.attributed_to, "b_path": f.b.path}
                             for f in self.findings])

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{f.relation.value}</td><td>{f.kind}</td><td>{f.score:.2f}</td>"
            f"<td dir='auto'>{html.escape(f.a.text)}<br><small>{html.escape(f.a.attributed_to)}</small></td>"
            f"<td dir='auto'>{html.escape(f.b.text)}<br><small>{html.escape(f.b.attributed_to)}</small></td>"
            f"<td>{html.escape(f.reason)}</td></tr>" for f in self.findings)
        return (f"<p>{len(self.documents)} reports, {len(self.claims)} claims, "
                f"{len(self.contradictions)} contradictions, {len(self.agreements)} agreements</p>"
                "<table><tr><th>relation</th><th>kind</th><th>score</th><th>claim A</th><th>claim B</th>"
                f"<th>reason</th></tr>{rows}</table>")
