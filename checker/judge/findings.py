"""Findings: two claims that agree or contradict, and why (what the judge stage hands to the report)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from ..read.claims import Claim
from ..text.arabic import normalize
from .verdict import Difference, Relation, Verdict
from .views import finding_repr, findings_table


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

    def __repr__(self) -> str:
        return finding_repr(self)

    def _repr_html_(self) -> str:
        return findings_table([self])

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
