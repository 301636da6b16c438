"""The library's entry points: :func:`check`, :func:`compare`, :func:`build_index`.

ingest → clean → claims → embed → (index) → pairs → judge → report.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from .config import Config
from .embed import Embedder, embedder_from_config
from .errors import InputError, NoReportsError
from .judge.corpus import calibration_for, judge_claims, keep_token_states, pair_input_from_text, pair_scores
from .judge.grouping import MAX_REPORTS, group_reports, report_similarity, story_links
from .judge.rules import RuleJudge
from .judge.verdict import Calibration, Verdict
from .progress import INDEXING, Progress, embed_with_progress, judge_with_progress, resolve
from .read.claims import Claim, split_claims, unclaimed, unify_sources
from .read.dates import report_dates
from .read.ingest import Corpus, Document, Skipped, iter_reports, read_paths, scan
from .report.report import Report
from .store.build import write_chunked
from .store.index import Index
from .store.manifest import LOCK_WAIT

Notify = Callable[[str], None]
SPLITTING = "splitting reports"  #: :func:`check`'s first progress stage, counted in reports


@dataclass
class _Session:
    """The pieces a run needs, resolved from a config once."""

    config: Config
    embedder: Embedder


def _session(config: Config | None, embedder: Embedder | None, notify: Notify | None) -> _Session:
    config = config or Config()
    return _Session(config, embedder or _embedder(config.model, config.cache_dir, config.batch_size, notify))


_EMBEDDERS: dict[tuple, Embedder] = {}


def _embedder(model: str, cache_dir: Path, batch_size: int, notify: Notify | None) -> Embedder:
    """One embedder per (model, cache folder, batch size) in a process, so a notebook's second ``check`` does
    not load the model again (the model itself loads on first use)."""
    key = (model, str(cache_dir), batch_size, embedder_from_config)  # a replaced factory (tests) is a new key
    if key not in _EMBEDDERS:
        _EMBEDDERS.clear()  # keep one model in memory, not one per name tried
        _EMBEDDERS[key] = embedder_from_config(Config(model=model, cache_dir=cache_dir, batch_size=batch_size),
                                               notify)
    return _EMBEDDERS[key]


def check(paths: str | Path | list[str | Path], *, against: str | Path | None = None,
          config: Config | None = None, embedder: Embedder | None = None, notify: Notify | None = None,
          progress: Progress | bool | None = None) -> Report:
    """Read reports, split them into claims and find claims that agree or contradict.

    Args:
        paths: a report file or folder, or a list of them (:func:`check_texts` takes texts).
        against: an index folder (or name under ``indexes/``); new claims are compared
            with the stored ones and with each other. The index is not modified.
        config: settings. Defaults to ``Config()``.
        embedder: the embedding seam. Defaults to the model ``config.model`` names.
        notify: receives one-line progress messages (model conversion).
        progress: ``progress(stage, done, total)`` while splitting reports, embedding claims and judging
            pairs, or ``True`` for ``tqdm.auto`` bars (terminal and Jupyter). Defaults to none.

    Returns:
        A :class:`Report`; ``report.findings`` holds the agreeing and contradicting pairs.

    Raises:
        NoReportsError: nothing readable under ``paths`` (a report with no claim, or one that cannot be read,
            is listed in ``report.skipped`` instead while another report is readable).
        IndexStoreError: ``against`` is missing, corrupt, an interrupted build, or built with another model.
        ModelError: the embedding model cannot be loaded.

    Example:
        >>> report = check(["examples/reports"])          # doctest: +SKIP
        >>> report.contradictions[0].kind                  # doctest: +SKIP
        'location'
    """
    paths = [paths] if isinstance(paths, str | Path) else list(paths)
    return _check(read_paths(paths), against, _session(config, embedder, notify), resolve(progress))


def check_texts(texts, *, against: str | Path | None = None, config: Config | None = None,
                embedder: Embedder | None = None, notify: Notify | None = None,
                progress: Progress | bool | None = None) -> Report:
    """:func:`check` for reports held in memory: a list of strings, or a DataFrame with a ``text`` column
    (and optional ``id``, ``title``, ``source``, ``date``). Each report's path reads ``text:ID``.

    Example:
        >>> check_texts(["The ferry sank off Suakin on Friday.", "Le ferry a chaviré jeudi."])  # doctest: +SKIP
    """
    from .read.documents import documents_from_texts

    corpus = documents_from_texts(texts)
    if not corpus.documents:
        raise NoReportsError("texts: no report has any text; pass a list of non-empty strings")
    return _check(corpus, against, _session(config, embedder, notify), resolve(progress))


def _check(corpus: Corpus, against: str | Path | None, session: _Session, tick: Progress | None) -> Report:
    if against is not None:
        index = Index.open(against)
        index.require_model(session.embedder.model_id)
        index.require_complete()
        corpus = _beside_stored(corpus, index)
    corpus, new_claims = _split(corpus, tick)
    keep_token_states(session.embedder)
    stored_claims: list[Claim] = []
    stored_vectors = None
    compared = 0
    stored_documents: list[Document] = []
    new_vectors = embed_with_progress(session.embedder.embed, [c.proposition for c in new_claims], tick)
    if against is not None:
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
    documents = stored_documents + corpus.documents
    story_of, links = _stories(documents, session.config)
    findings = judge_claims(all_claims, vectors, session.embedder.model_id, session.config, queries,
                            session.embedder, report_dates(documents), calibration,
                            run_judge=judge_with_progress(tick) if tick else None, story_of=story_of, links=links)
    return Report(corpus.documents, all_claims[len(stored_claims):], findings, corpus.skipped,
                  session.embedder.model_id, compared, warnings=corpus.notices, story_of=story_of)


def _beside_stored(corpus: Corpus, index: Index) -> Corpus:
    """``corpus`` with each report whose id a stored report with another text holds renamed ``ID#n`` (with a
    notice), so that the two are compared rather than taken for one report; a report stored with the same text
    keeps its id (it is the stored report, and is not compared with itself)."""
    from .read.documents import Notice, content_id

    stored = {d.id: content_id(d.text) for d in index.documents({d.id for d in corpus.documents})}
    if not stored:
        return corpus
    taken = {d.id for d in corpus.documents}
    documents, notices = [], list(corpus.notices)
    for doc in corpus.documents:
        if doc.id in stored and stored[doc.id] != content_id(doc.text):
            digest = content_id(doc.text)
            renamed = next(f"{doc.id}#{n}" for n in itertools.count(2) if _free(index, f"{doc.id}#{n}", digest, taken))
            taken.add(renamed)
            notices.append(Notice(doc.path, f"id {doc.id!r} is the id of a stored report with another text; read "
                                            f"as {renamed!r}. Give each report its own id"))
            doc = replace(doc, id=renamed)
        documents.append(doc)
    return replace(corpus, documents=documents, notices=notices)


def _free(index: Index, name: str, digest: str, taken: set[str]) -> bool:
    """Whether report id ``name`` is free for a text of ``digest``: not taken in this run, and not stored with
    another text."""
    from .read.documents import content_id

    held = index.documents({name})
    return name not in taken and (not held or content_id(held[0].text) == digest)


def _stories(documents: list[Document], config: Config) -> tuple[dict[str, int] | None, dict[str, set[str]] | None]:
    """Reports grouped into stories and which reports of a story meet, or (None, None) with ``pairing = nearest``."""
    if config.pairing != "story":
        return None, None
    if len(documents) > MAX_REPORTS:  # too many reports at once to form stories
        return None, None
    similarity = report_similarity([d.text for d in documents])  # once, for the grouping and the links
    story_of = group_reports(documents, similarity=similarity)
    return story_of, story_links(documents, story_of, similarity=similarity)


def _split(corpus: Corpus, progress: Progress | None = None) -> tuple[Corpus, list[Claim]]:
    """The corpus's claims, and the corpus with reports that split into no claim moved to ``skipped`` and
    reports the cleaner cut noted in ``notices`` (:func:`~checker.read.claims.unclaimed`)."""
    kept, claims = Corpus(skipped=list(corpus.skipped), notices=list(corpus.notices)), []
    for done, doc in enumerate(corpus.documents):
        if progress is not None:
            progress(SPLITTING, done, len(corpus.documents))
        mine = split_claims(doc)
        said = unclaimed(doc, mine)
        if isinstance(said, Skipped):
            kept.skipped.append(said)
            continue
        if said is not None:
            kept.notices.append(said)
        kept.documents.append(doc)
        claims.extend(mine)
    if progress is not None:
        progress(SPLITTING, len(corpus.documents), len(corpus.documents))
    return kept, claims


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
                progress: Progress | bool | None = None, wait: bool = True) -> Index:
    """Build (or with ``add=True`` extend) an index from report files, streaming them in chunks.

    Files are read one at a time (JSONL line by line) as chunks fill, so memory holds one chunk
    of reports, claims and vectors, not the corpus. Reports already in the index (same content hash)
    are skipped and not re-embedded. The index is replaced (or extended) in one atomic step at the end:
    until then readers see the old index, and an interrupted build is resumed when run again over
    the same files (same paths, sizes and modification times). One writer at a time: another waits
    (``notify`` says so) for up to 10 minutes.

    Args:
        paths: report files or folders.
        index: the index folder.
        config: settings (``index_type`` picks the search structure). Defaults to ``Config()``.
        embedder: the embedding seam. Defaults to the model ``config.model`` names.
        add: keep what the index holds. Defaults to False (replace it).
        notify: receives one-line messages (model conversion; each input skipped, with the reason; each
            report whose id was renamed because an earlier one with another text held it).
        progress: called as ``progress("indexing reports", bytes_done, bytes_total)``, in bytes of input
            read (the files are sized first, without reading them, so a bar can show an ETA);
            ``True`` draws tqdm bars.
        wait: wait (up to 10 minutes) for another process writing this index to finish; False fails at
            once with an ``IndexStoreError``. Defaults to True.

    Raises:
        NoReportsError, IndexStoreError, ModelError: as for :func:`check`.
    """
    inputs = scan(paths)  # a missing path fails here, before the model loads
    session = _session(config, embedder, notify)
    stream = iter_reports(paths, unique=False)  # write_chunked drops repeated reports with its own set of ids
    report = resolve(progress)
    tell = notify or (lambda message: None)
    built = write_chunked(index, stream.documents(lambda s: tell(f"warning: skipped {s.path}: {s.reason}")),
                          session.embedder, add=add, index_type=session.config.index_type,
                          on_wait=notify, on_rename=tell, wait=LOCK_WAIT if wait else 0,
                          building=inputs.fingerprint, total=inputs.total_bytes, position=lambda: stream.bytes_read,
                          progress=(lambda done, total: report(INDEXING, done, total)) if report else None)
    for notice in stream.notices:
        tell(f"warning: {notice.path}: {notice.message}")
    return built


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
            :class:`checker.judge.ray.RayJudge` to spread a large index's pairs over a Ray cluster.
            Defaults to judging here.

    Raises:
        IndexStoreError: the index is missing, corrupt, an interrupted build, or built with another model.
    """
    index = index if isinstance(index, Index) else Index.open(index)
    index.require_complete()
    session = _session(config, embedder, notify)
    index.require_model(session.embedder.model_id)
    claims = index.claims()
    documents = index.documents()
    story_of, links = _stories(documents, session.config)
    findings = judge_claims(claims, index.vectors(), index.model_id, session.config, None, session.embedder,
                            report_dates(documents), run_judge=run_judge, story_of=story_of, links=links)
    return Report(documents, claims, findings, [], index.model_id, 0, story_of=story_of)


def evaluate_reports(root: str | Path, key: str | Path | None = None, *, config: Config | None = None,
                     embedder: Embedder | None = None, notify: Notify | None = None) -> dict:
    """Check every report under ``root`` together and score the findings against a key of claim pairs.

    Args:
        root: a folder of reports; story folders with a ``key.json`` each (``bench/stories/dev``), or any
            folder with ``key`` given.
        key: one key file for all of ``root``. Defaults to every ``key.json`` under ``root``.
        config, embedder, notify: as for :func:`check`.

    Returns:
        The figures of :func:`checker.judge.benchmark.score`, plus ``reports``, ``claims`` and ``seconds``.

    Raises:
        InputError: no key, or a key that cannot be read.
    """
    import time

    from .judge.benchmark import read_key, score

    answers = read_key(root, key)
    started = time.perf_counter()
    files = sorted(p for p in Path(root).rglob("*") if p.is_file() and p.name != "key.json")
    report = check(files, config=config, embedder=embedder, notify=notify)
    figures = score(report.findings, answers)
    return {"reports": len(report.documents), "claims": len(report.claims),
            "seconds": round(time.perf_counter() - started, 1), **figures}


def fit_decision(root: str | Path, stories: tuple[str, ...], scorer_folder: str | Path, *,
                 config: Config | None = None, embedder: Embedder | None = None,
                 notify: Notify | None = None) -> dict:
    """Fit the learned judge's decision (:mod:`checker.judge.decision`) on the story folders ``stories`` of a report
    benchmark ``root`` and store it in the scorer's card at ``scorer_folder``. Returns the card's ``decision``.

    The stories are checked with the freshly trained scorer and no decision, every same-event pair kept
    (``min_score`` 0); the thresholds that maximise contradiction F1 minus the traps flagged are kept.

    Raises:
        InputError: a story folder is missing, or the key cannot be read.
    """
    from dataclasses import asdict

    from .judge.benchmark import StoryKey, read_key, score
    from .judge.corpus import pair_probabilities, scored_text
    from .judge.decision import fit_decision as fit
    from .judge.train import store_decision

    config = config or Config()
    folders = [Path(root) / name for name in stories]
    missing = [str(f) for f in folders if not (f / "key.json").is_file()]
    if missing:
        raise InputError(f"no story folder with a key.json at {', '.join(missing)}; name story folders of {root}")
    keys = [read_key(folder) for folder in folders]
    key = StoryKey([p for k in keys for p in k.pairs], {s: t for k in keys for s, t in k.story_of.items()})
    files = sorted(p for f in folders for p in f.rglob("*") if p.is_file() and p.name != "key.json")
    session = _session(replace(config, min_score=0.0), embedder, notify)
    report = check(files, config=replace(config, min_score=0.0), embedder=session.embedder, notify=notify)
    texts = [(scored_text(f.a), scored_text(f.b)) for f in report.findings]
    _, proba = pair_probabilities(texts, session.embedder)
    p_other = {f.id: float(proba[n, 2]) for n, f in enumerate(report.findings)} if proba is not None else {}
    decision, before, after = fit(report.findings, p_other, score, key, config.min_score)
    summary = {k: before[k] for k in ("contradiction_recall", "contradiction_precision", "agreement_recall",
                                      "traps_flagged")}
    entry = {**asdict(decision), "fit_on": [f"{Path(root).name}/{s}" for s in stories],
             "before": summary, "after": {k: after[k] for k in summary}}
    store_decision(scorer_folder, entry)
    return entry
