"""The library's entry points: :func:`check`, :func:`compare`, :func:`build_index`.

ingest → clean → claims → embed → (index) → pairs → judge → report.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from .attribution import find_attribution
from .build import write_chunked
from .claims import Claim, split_claims, unify_sources
from .config import Config
from .embed import Embedder, TokenEncoder, embedder_from_config
from .index import Index
from .ingest import Document, iter_reports, read_paths, scan
from .judge import Calibration, PairInput, Relation, RuleJudge, Verdict
from .pairs import pairs_from_vectors
from .progress import INDEXING, Progress, embed_with_progress, resolve
from .report import Finding, Report
from .scorer import PairScorer, TokenPairScorer
from .signals import ClaimSignals

Notify = Callable[[str], None]


@dataclass
class _Session:
    """The pieces a run needs, resolved from a config once."""

    config: Config
    embedder: Embedder


def _session(config: Config | None, embedder: Embedder | None, notify: Notify | None) -> _Session:
    config = config or Config()
    return _Session(config, embedder or embedder_from_config(config, notify))


def _pair_input(claim: Claim, dates: dict[str, str] | None = None) -> PairInput:
    return PairInput(claim.text, claim.body, claim.attribution.how, (dates or {}).get(claim.report_id))


def _scored_text(claim: Claim) -> str:
    """What the pair scorer reads: the asserted content, or the whole claim when its cue denies it («نفى … أن»)."""
    return claim.text if claim.attribution.how == "denied" else claim.proposition


def report_dates(documents: list[Document]) -> dict[str, str]:
    """``{report id: YYYY-MM-DD}`` for the reports whose date can be read (relative dates resolve against it)."""
    from .stories import parse_date

    return {d.id: found.isoformat() for d in documents if (found := parse_date(d.date))}


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
                 run_judge: Callable[[RuleJudge, list], list[Verdict]] | None = None) -> list[Finding]:
    """Find and judge candidate pairs among ``claims`` (rows of ``vectors``).

    Only pairs of different reports, or of different sources within a report,
    are judged; with ``queries``, only pairs touching those rows. ``encoder`` gives
    the learned pair score; ``dates`` (:func:`report_dates`) resolves relative dates;
    ``calibration`` defaults to the model's stored one, or one measured on random pairs of ``vectors``;
    ``run_judge(judge, pairs)`` judges the candidate pairs elsewhere (e.g. :class:`checker.distributed.RayJudge`),
    by default ``judge.judge(pairs)`` here.
    """
    def allowed(i: int, j: int) -> bool:
        a, b = claims[i], claims[j]
        return a.report_id != b.report_id or a.attribution.key != b.attribution.key

    calibration = calibration or calibration_for(model_id, vectors)
    pairs = pairs_from_vectors(vectors, k=config.neighbours, min_similarity=calibration.candidate_floor,
                               allowed=allowed, queries=queries)
    # word rarity over the claims that take part in a pair (not the whole index: that grows without bound)
    involved = sorted({k for i, j, _ in pairs for k in (i, j)} | set(queries or []))
    judge = RuleJudge(calibration)
    judge.idf = _idf([claims[k] for k in involved] if queries is not None else claims, judge.signals, dates)
    inputs = [(_pair_input(claims[i], dates), _pair_input(claims[j], dates), s) for i, j, s in pairs]
    verdicts = run_judge(judge, inputs) if run_judge else judge.judge(inputs)
    kept = [(i, j, v) for (i, j, _), v in zip(pairs, verdicts)
            if v.relation is not Relation.UNRELATED and v.score >= config.min_score]
    texts = [(_scored_text(claims[i]), _scored_text(claims[j])) for i, j, _ in kept]
    # rows of ``vectors`` embed the propositions: a sentence-level scorer reads them instead of re-encoding
    known = {claims[k].proposition: vectors[k] for i, j, _ in kept for k in (i, j)}
    scores = pair_scores(texts, encoder, known) if encoder else [None] * len(kept)
    findings = [Finding.from_verdict(claims[i], claims[j], replace(v, pair_score=s))
                for (i, j, v), s in zip(kept, scores)]
    return sorted(findings, key=lambda f: (f.relation is not Relation.CONTRADICT, -f.score, f.id))


def pair_scores(pairs: list[tuple[str, str]], encoder: Embedder,
                known: dict[str, np.ndarray] | None = None) -> list[float | None]:
    """The learned scorer's contradiction probability for each pair of texts (claims' asserted content).

    None for every pair when no scorer was trained for ``encoder``'s model, or its scorer reads
    token vectors (:class:`~checker.scorer.TokenPairScorer`) and the encoder cannot give them.

    Args:
        pairs: ``(text a, text b)`` pairs.
        encoder: the encoder; its ``model_id`` picks the scorer (:meth:`PairScorer.for_model`).
        known: ``encoder.embed`` vectors already at hand, by text; a sentence-level scorer encodes
            only the other texts. Defaults to none.
    """
    scorer = PairScorer.for_model(encoder.model_id)
    if scorer is None or not pairs or (isinstance(scorer, TokenPairScorer) and not isinstance(encoder, TokenEncoder)):
        return [None] * len(pairs)
    proba = scorer.score_texts(pairs, encoder, known)
    return [float(s) for s in scorer.contradiction_score(proba)]


def check(paths: list[str | Path], *, against: str | Path | None = None, config: Config | None = None,
          embedder: Embedder | None = None, notify: Notify | None = None,
          progress: Progress | bool | None = None) -> Report:
    """Read reports, split them into claims and find claims that agree or contradict.

    Args:
        paths: report files or folders.
        against: an index folder (or name under ``indexes/``); new claims are compared
            with the stored ones and with each other. The index is not modified.
        config: settings. Defaults to ``Config()``.
        embedder: the embedding seam. Defaults to the model ``config.model`` names.
        notify: receives one-line progress messages (model conversion).
        progress: ``progress(stage, done, total)`` while embedding, or ``True`` for ``tqdm.auto``
            bars (terminal and Jupyter). Defaults to none.

    Returns:
        A :class:`Report`; ``report.findings`` holds the agreeing and contradicting pairs.

    Raises:
        NoReportsError: nothing readable under ``paths``.
        IndexStoreError: ``against`` is missing, corrupt, or built with another model.
        ModelError: the embedding model cannot be loaded.

    Example:
        >>> report = check(["examples/reports"])          # doctest: +SKIP
        >>> report.contradictions[0].kind                  # doctest: +SKIP
        'location'
    """
    session = _session(config, embedder, notify)
    corpus = read_paths(list(paths))
    new_claims = [c for doc in corpus.documents for c in split_claims(doc)]
    stored_claims: list[Claim] = []
    stored_vectors = None
    compared = 0
    stored_documents: list[Document] = []
    new_vectors = embed_with_progress(session.embedder.embed, [c.proposition for c in new_claims], resolve(progress))
    if against is not None:
        index = Index.open(against)
        index.require_model(session.embedder.model_id)
        # only the stored neighbours of the new claims take part: their k nearest in the whole index are
        # the k nearest among (neighbours ∪ new claims), so pairs are those of a full search at any index size
        rows, compared = index.neighbours(new_vectors, session.config.neighbours, {d.id for d in corpus.documents})
        stored_claims, stored_vectors = index.claims(rows), index.vectors(rows)
        stored_documents = index.documents({c.report_id for c in stored_claims})
    all_claims = unify_sources(stored_claims + new_claims)
    vectors = new_vectors if stored_vectors is None else np.vstack([stored_vectors, new_vectors])
    queries = list(range(len(stored_claims), len(all_claims))) if stored_claims else None
    calibration = None
    if against is not None and Calibration.for_model(session.embedder.model_id) is None:
        # no stored landmarks: measure them on random stored claims, not on the new claims' near neighbours
        calibration = calibration_for(session.embedder.model_id, np.vstack([index.sample_vectors(), new_vectors]))
    findings = judge_claims(all_claims, vectors, session.embedder.model_id, session.config, queries,
                            session.embedder, report_dates(stored_documents + corpus.documents), calibration)
    return Report(corpus.documents, all_claims[len(stored_claims):], findings, corpus.skipped,
                  session.embedder.model_id, compared)


def compare(a: str, b: str, *, config: Config | None = None, embedder: Embedder | None = None,
            notify: Notify | None = None) -> Verdict:
    """Judge two sentences directly.

    Example:
        >>> compare("نقلت طائرة أمريكية البطارية إلى رامشتاين",
        ...         "نقلت البطارية إلى مطار معيتيقة").relation   # doctest: +SKIP
        <Relation.CONTRADICT: 'contradict'>
    """
    session = _session(config, embedder, notify)
    sides = [pair_input_from_text(a), pair_input_from_text(b)]
    texts = [s.text[s.body[0]:] for s in sides]
    vectors = session.embedder.embed(texts)
    similarity = float(vectors[0] @ vectors[1])
    calibration = Calibration.for_model(session.embedder.model_id) or Calibration.from_null([])
    verdict = RuleJudge(calibration).judge_one(sides[0], sides[1], similarity)
    return replace(verdict, pair_score=pair_scores([(texts[0], texts[1])], session.embedder)[0])


def build_index(paths: list[str | Path], index: str | Path, *, config: Config | None = None,
                embedder: Embedder | None = None, add: bool = False, notify: Notify | None = None,
                progress: Progress | bool | None = None) -> Index:
    """Build (or with ``add=True`` extend) an index from report files, streaming them in chunks.

    Files are read one at a time (JSONL line by line) as chunks fill, so memory holds one chunk
    of reports, claims and vectors, not the corpus. Reports already in the index (same content hash)
    are skipped and not re-embedded. Each chunk is committed as a complete generation; an interrupted
    build is resumed when run again over the same files (same paths, sizes and modification times).

    Args:
        paths: report files or folders.
        index: the index folder.
        config: settings (``index_type`` picks the search structure). Defaults to ``Config()``.
        embedder: the embedding seam. Defaults to the model ``config.model`` names.
        add: keep what the index holds. Defaults to False (replace it).
        notify: receives one-line messages (model conversion).
        progress: called as ``progress("indexing reports", bytes_done, bytes_total)``, in bytes of input
            read (the files are sized first, without reading them, so a bar can show an ETA);
            ``True`` draws tqdm bars.

    Raises:
        NoReportsError, IndexStoreError, ModelError: as for :func:`check`.
    """
    inputs = scan(paths)  # a missing path fails here, before the model loads
    session = _session(config, embedder, notify)
    stream = iter_reports(paths, unique=False)  # write_chunked drops repeated reports with its own set of ids
    report = resolve(progress)
    return write_chunked(index, stream.documents(), session.embedder, add=add, index_type=session.config.index_type,
                         building=inputs.fingerprint, total=inputs.total_bytes, position=lambda: stream.bytes_read,
                         progress=(lambda done, total: report(INDEXING, done, total)) if report else None)


def check_index(index: str | Path | Index, *, config: Config | None = None, embedder: Embedder | None = None,
                notify: Notify | None = None,
                run_judge: Callable[[RuleJudge, list], list[Verdict]] | None = None) -> Report:
    """Find agreeing and contradicting claims among the claims stored in an index (nothing is re-embedded).

    Args:
        index: an index folder, a name under ``indexes/``, or an open :class:`Index`.
        config: settings. Defaults to ``Config()``.
        embedder: the embedding seam, for the learned pair score; must be the index's model.
            Defaults to the model ``config.model`` names.
        notify: receives one-line progress messages (model conversion).
        run_judge: judges the candidate pairs, as ``run_judge(judge, pairs)``; pass a
            :class:`checker.distributed.RayJudge` to spread a large index's pairs over a Ray cluster.
            Defaults to judging here.

    Raises:
        IndexStoreError: the index is missing, corrupt, or built with another model.
    """
    index = index if isinstance(index, Index) else Index.open(index)
    session = _session(config, embedder, notify)
    index.require_model(session.embedder.model_id)
    claims = index.claims()
    documents = index.documents()
    findings = judge_claims(claims, index.vectors(), index.model_id, session.config, None, session.embedder,
                            report_dates(documents), run_judge=run_judge)
    return Report(documents, claims, findings, [], index.model_id, 0)
