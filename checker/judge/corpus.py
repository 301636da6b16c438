"""Judge a corpus of claims: candidate pairs from the vectors, verdicts by the rules, the learned pair score.

:func:`judge_claims` is what :func:`checker.check` and :func:`checker.check_index` run once claims are
embedded (and, against an index, once the stored neighbours are loaded).
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from ..config import Config
from ..embed.base import Embedder, TokenEncoder
from ..read.attribution import find_attribution
from ..read.claims import Claim
from ..text.signals import ClaimSignals
from .decision import Decision
from .findings import Finding
from .pairs import pairs_from_vectors, story_pairs
from .rules import RuleJudge
from .scorer import PairScorer, TokenPairScorer
from .verdict import Calibration, PairContext, PairInput, Relation, Verdict


def _pair_input(claim: Claim, dates: dict[str, str] | None = None) -> PairInput:
    return PairInput(claim.text, claim.body, claim.attribution.how, (dates or {}).get(claim.report_id))


def scored_text(claim: Claim) -> str:
    """What the pair scorer reads: the asserted content, or the whole claim when its cue denies it («نفى … أن»)."""
    return claim.text if claim.attribution.how == "denied" else claim.proposition


def pair_input_from_text(text: str) -> PairInput:
    """A sentence as the judge sees it: its reporting cue found, its asserted content marked."""
    found = find_attribution(text)
    body, how = ((found[3], found[4]), found[1]) if found else ((0, len(text)), "asserted")
    return PairInput(text, body, how)


def _idf(claims: list[Claim], signals: Callable[[PairInput], ClaimSignals],
         dates: dict[str, str] | None = None) -> dict[str, float]:
    """Rarity weights of words across reports: 1.0 for a word of one report, less for common ones.

    Counting reports rather than claims keeps a report's own topic word («بانتسير»
    in every sentence of one article) a strong anchor across reports. ``signals``
    is the judge's (cached) reader, so each claim is read once.
    """
    df: Counter[str] = Counter()
    words: dict[str, set[str]] = {}
    for claim in claims:
        words.setdefault(claim.report_id, set()).update(signals(_pair_input(claim, dates)).anchors)
    for found in words.values():
        df.update(found)
    n = max(3, len(words) + 1)
    return {word: min(1.0, math.log(n / count) / math.log(n)) for word, count in df.items()}


def calibration_for(model_id: str, vectors: np.ndarray, seed: int = 0) -> Calibration:
    """The stored calibration of a model, or one measured on random pairs of ``vectors``."""
    stored = Calibration.for_model(model_id)
    if stored:
        return stored
    rng = random.Random(seed)
    n = len(vectors)
    sims = [float(vectors[i] @ vectors[j]) for i, j in
            ((rng.randrange(n), rng.randrange(n)) for _ in range(min(2000, n * n))) if i != j] if n > 1 else []
    return Calibration.from_null(sims)


def judge_claims(claims: list[Claim], vectors: np.ndarray, model_id: str, config: Config,
                 queries: list[int] | None = None,
                 encoder: Embedder | None = None, dates: dict[str, str] | None = None,
                 calibration: Calibration | None = None,
                 run_judge: Callable[[RuleJudge, list], list[Verdict]] | None = None,
                 story_of: dict[str, int] | None = None,
                 links: dict[str, set[str]] | None = None) -> list[Finding]:
    """Find and judge candidate pairs among ``claims`` (rows of ``vectors``).

    Only pairs of different reports, or of different sources within a report,
    are judged; with ``queries``, only pairs touching those rows. ``encoder`` gives
    the learned pair score; ``dates`` (:func:`report_dates`) resolves relative dates;
    ``calibration`` defaults to the model's stored one, or one measured on random pairs of ``vectors``;
    ``run_judge(judge, pairs)`` judges the candidate pairs elsewhere (e.g. :class:`checker.judge.ray.RayJudge`),
    by default ``judge.judge(pairs)`` here. ``story_of`` (:func:`~checker.judge.grouping.group_reports`) adds,
    within each story, the claims aligned across its reports (:func:`~checker.judge.pairs.story_pairs`), judged
    with that context (``links``: which reports of a story meet, :func:`~checker.judge.grouping.story_links`;
    default all); without it only nearest neighbours are judged. The learned scorer's decision stored in its
    card (:class:`~checker.judge.decision.Decision`) applies to every same-event pair before ``min_score``.
    """
    def allowed(i: int, j: int) -> bool:
        a, b = claims[i], claims[j]
        return a.report_id != b.report_id or a.attribution.key != b.attribution.key

    calibration = calibration or calibration_for(model_id, vectors)
    pairs = pairs_from_vectors(vectors, k=config.neighbours, min_similarity=calibration.candidate_floor,
                               allowed=allowed, queries=queries)
    contexts: dict[tuple[int, int], PairContext] = {}
    if story_of:
        aligned = story_pairs(vectors, [c.report_id for c in claims], story_of, allowed=allowed, links=links)
        if queries is not None:
            wanted = set(queries)
            aligned = {k: v for k, v in aligned.items() if k[0] in wanted or k[1] in wanted}
        contexts = {k: PairContext(story_of[claims[k[0]].report_id], *v) for k, v in aligned.items()}
        # claims of two stories are of two events: neighbours across stories are not compared
        pairs = [(i, j, s) for i, j, s in pairs
                 if story_of.get(claims[i].report_id, -1) == story_of.get(claims[j].report_id, -2)]
        known = {(i, j) for i, j, _ in pairs}
        pairs += [(i, j, float(vectors[i] @ vectors[j])) for i, j in sorted(aligned) if (i, j) not in known]
    # word rarity over the claims that take part in a pair (not the whole index: that grows without bound)
    involved = sorted({k for i, j, _ in pairs for k in (i, j)} | set(queries or []))
    judge = RuleJudge(calibration)
    judge.idf = _idf([claims[k] for k in involved] if queries is not None else claims, judge.signals, dates)
    inputs = [(_pair_input(claims[i], dates), _pair_input(claims[j], dates), s, contexts.get((i, j)))
              for i, j, s in pairs]
    verdicts = run_judge(judge, inputs) if run_judge else judge.judge(inputs)
    # the learned judge reads every same-event pair (a weak agreement may be a contradiction no slot shows);
    # the decision (:mod:`~checker.judge.decision`) then flips or vetoes, and only then does min_score apply
    kept = [(i, j, v) for (i, j, _), v in zip(pairs, verdicts) if v.relation is not Relation.UNRELATED]
    texts = [(scored_text(claims[i]), scored_text(claims[j])) for i, j, _ in kept]
    # rows of ``vectors`` embed the propositions: a sentence-level scorer reads them instead of re-encoding
    known = {claims[k].proposition: vectors[k] for i, j, _ in kept for k in (i, j)}
    scorer, proba = pair_probabilities(texts, encoder, known) if encoder else (None, None)
    decision = Decision.from_card(scorer.card if scorer is not None else None)
    contradiction = scorer.contradiction_score(proba) if scorer is not None else None
    findings = []
    for n, (i, j, v) in enumerate(kept):
        s = None if contradiction is None else float(contradiction[n])
        finding = decision.apply(Finding.from_verdict(claims[i], claims[j], replace(v, pair_score=s)),
                                 None if proba is None else float(proba[n, 2]))
        if finding is not None and finding.score >= config.min_score:
            findings.append(finding)
    return sorted(findings, key=lambda f: (f.relation is not Relation.CONTRADICT, -f.score, f.id))


def keep_token_states(encoder: Embedder) -> None:
    """Ask ``encoder`` to keep, from its sentence pass, the token vectors its pair scorer reads (encoders with a
    ``keep_layers`` attribute, :class:`~checker.embed.onnx_e5.OnnxE5Embedder`): the judge then encodes each claim
    once, not twice."""
    scorer = PairScorer.for_model(encoder.model_id)
    if isinstance(scorer, TokenPairScorer) and hasattr(encoder, "keep_layers"):
        encoder.keep_layers = scorer.layers


def pair_probabilities(pairs: list[tuple[str, str]], encoder: Embedder, known: dict[str, np.ndarray] | None = None
                       ) -> tuple[PairScorer | None, np.ndarray | None]:
    """The scorer trained for ``encoder`` and its ``(n, 3)`` agree/disagree/other probabilities for ``pairs``;
    ``(None, None)`` when there is no scorer, or it reads token vectors the encoder cannot give."""
    scorer = PairScorer.for_model(encoder.model_id)
    if scorer is None or (isinstance(scorer, TokenPairScorer) and not isinstance(encoder, TokenEncoder)):
        return None, None
    return scorer, (scorer.score_texts(pairs, encoder, known) if pairs else np.zeros((0, 3)))


def pair_scores(pairs: list[tuple[str, str]], encoder: Embedder,
                known: dict[str, np.ndarray] | None = None) -> list[float | None]:
    """The learned scorer's contradiction probability for each pair of texts (claims' asserted content).

    None for every pair when no scorer was trained for ``encoder``'s model, or its scorer reads
    token vectors (:class:`~checker.judge.scorer.TokenPairScorer`) and the encoder cannot give them.

    Args:
        pairs: ``(text a, text b)`` pairs.
        encoder: the encoder; its ``model_id`` picks the scorer (:meth:`PairScorer.for_model`).
        known: ``encoder.embed`` vectors already at hand, by text; a sentence-level scorer encodes
            only the other texts. Defaults to none.
    """
    scorer, proba = pair_probabilities(pairs, encoder, known)
    if scorer is None or not pairs:
        return [None] * len(pairs)
    return [float(s) for s in scorer.contradiction_score(proba)]
