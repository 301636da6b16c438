"""What the judge says of a pair: :class:`Relation`, :class:`Difference`, :class:`Verdict`; what it reads
(:class:`PairInput`); the similarity landmarks it reads them on (:class:`Calibration`); the seam (:class:`Judge`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Protocol

from ..errors import ModelError
from ..folders import data_roots
from .views import verdict_html, verdict_repr

# How sure a difference of each kind makes a contradiction, once the gate has passed.
_STRENGTH = {"negation": 0.95, "location": 0.9, "number": 0.85, "date": 0.8, "antonym": 0.8, "actor": 0.75,
             "status": 0.85, "extent": 0.7}
CALIBRATION_NAME = "calibration.json"  #: in the user data folder (``checker calibrate``) and in the package


class Relation(str, Enum):
    """How two claims relate."""

    AGREE = "agree"
    CONTRADICT = "contradict"
    UPDATE = "update"  # a later figure that says it revises an earlier one ("the toll rose to 31")
    UNRELATED = "unrelated"


@dataclass(frozen=True)
class Difference:
    """A slot where two claims differ: its kind and the differing spans (offsets into each claim)."""

    kind: str
    a_text: str
    b_text: str
    a_span: tuple[int, int]
    b_span: tuple[int, int]
    strength: float = 0.0

    @property
    def weight(self) -> float:
        """How sure this difference makes a contradiction, once the gate has passed."""
        return self.strength or _STRENGTH.get(self.kind, 0.6)


@dataclass(frozen=True)
class Verdict:
    """The judgement of one pair.

    Attributes:
        relation: agree, contradict or unrelated.
        score: confidence in ``relation``, in [0, 1].
        kind: location, number, date, actor, negation, antonym or other.
        reason: one line naming the differing spans.
        gate: how sure we are that both claims are about the same event, in [0, 1].
        similarity: cosine similarity of the two claims' embeddings.
        differences: every differing slot found, strongest first.
        pair_score: the learned scorer's probability that the pair contradicts (None without a scorer).
    """

    relation: Relation
    score: float
    kind: str
    reason: str
    gate: float
    similarity: float
    differences: tuple[Difference, ...] = field(default_factory=tuple)
    pair_score: float | None = None

    def __repr__(self) -> str:
        return verdict_repr(self)

    def _repr_html_(self) -> str:
        return verdict_html(self)


@dataclass(frozen=True)
class PairInput:
    """What the judge needs of one side of a pair."""

    text: str
    body: tuple[int, int]
    how: str = "asserted"
    date: str | None = None  # the report's date, YYYY-MM[-DD], for relative dates («العام الماضي»)


@dataclass(frozen=True)
class PairContext:
    """What the story knows of a pair: both claims' reports tell one story, and how well the claims align.

    Attributes:
        story: the story both reports belong to.
        rank: the better of the two ranks of each claim among the other report's claims (0: each is the
            other's most similar claim there).
        mutual: each claim is the other's most similar in the other report.
        margin: the pair's cosine minus the mean cosine of each claim to the other report's claims
            (how much this pair stands out among the claims it could be compared with), language-free.
    """

    story: int
    rank: int
    mutual: bool
    margin: float


@dataclass(frozen=True)
class Calibration:
    """Per-model similarity landmarks: ``unrelated`` (most unrelated pairs score below) and ``related``.

    ``cross`` holds the same two landmarks for pairs in different scripts (Arabic against Latin):
    a multilingual encoder puts a sentence and its translation lower on the cosine scale than two
    same-language paraphrases, so one scale for both would never let a cross-language pair through.
    """

    unrelated: float
    related: float
    source: str = "default"
    cross: tuple[float, float] | None = None

    def between(self, a: str, b: str) -> Calibration:
        """The landmarks that apply to texts ``a`` and ``b``: the cross-script ones when their scripts differ."""
        if self.cross is None or _arabic_script(a) == _arabic_script(b):
            return self
        return Calibration(self.cross[0], self.cross[1], self.source + " (cross-script)")

    @property
    def candidate_floor(self) -> float:
        """The lowest similarity at which any pair (same or cross script) can be a candidate."""
        return min(self.unrelated, self.cross[0]) if self.cross else self.unrelated

    @classmethod
    def for_model(cls, model_id: str) -> Calibration | None:
        """The stored calibration of ``model_id``: the user's (``checker calibrate``, in the user data folder)
        if there is one, else the one shipped with checker, else None.

        Raises:
            ModelError: a calibration file is not valid JSON (named, with the fix).
        """
        for path in calibration_files():
            entry = read_calibrations(path).get(model_id)
            if entry:
                cross = entry.get("cross")
                return cls(entry["unrelated"], entry["related"], "stored",
                           (cross["unrelated"], cross["related"]) if cross else None)
        return None

    @classmethod
    def from_null(cls, random_similarities: list[float]) -> Calibration:
        """Calibrate from similarities of random (mostly unrelated) pairs of the corpus itself."""
        values = sorted(random_similarities)
        if len(values) < 200:  # too few pairs to place the landmarks; a generic cosine scale
            return cls(0.5, 0.8, "fallback")
        p95 = values[min(len(values) - 1, int(0.95 * len(values)))]
        return cls(p95, p95 + 0.5 * (1 - p95), "corpus")


def calibration_files() -> list[Path]:
    """The calibration files readers consult, in order: the user's, then the packaged one."""
    return [root / CALIBRATION_NAME for root in data_roots()]


def read_calibrations(path: Path) -> dict:
    """The landmarks stored in ``path`` by model id (empty when there is no such file).

    Raises:
        ModelError: the file is not valid JSON (named, with the fix).
    """
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelError(f"{path}: not valid JSON ({exc}); delete it or run `checker calibrate` again") from exc


class Judge(Protocol):
    """The judgement seam: one verdict per pair."""

    def judge(self, pairs: list[tuple[PairInput, PairInput, float]]) -> list[Verdict]:
        """Judge ``(a, b, cosine)`` triples."""
        ...


def _arabic_script(text: str) -> bool:
    """Whether most letters of ``text`` are Arabic."""
    letters = [ch for ch in text if ch.isalpha()]
    return sum("\u0600" <= ch <= "\u06ff" for ch in letters) * 2 > len(letters)
