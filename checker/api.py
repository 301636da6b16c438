"""The library's entry points: :class:`Checker` (the encoder and the judge's data held across calls) and the
module-level :func:`check`, :func:`compare`, :func:`build_index`, :func:`check_index` over a default Checker.

read → embed → (store) → judge → report.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .config import Config
from .embed import Embedder, embedder_from_config
from .errors import InputError
from .judge.corpus import calibration_for, judge_claims, keep_token_states, pair_input_from_text, pair_scores
from .judge.grouping import report_stories
from .judge.rules import RuleJudge
from .judge.verdict import Calibration, Verdict
from .progress import INDEXING, Progress, embed_with_progress, judge_with_progress, resolve
from .read.claims import Claim, split_corpus, unify_sources
from .read.dates import report_dates
from .read.ingest import Corpus, Document, iter_reports, scan
from .read.inputs import read_inputs, require_documents, sentence_pairs
from .report.report import Report
from .store.build import write_chunked
from .store.index import Index
from .store.manifest import LOCK_WAIT

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Checker", "build_index", "check", "check_index", "check_texts", "compare", "compare_many",
           "default_checker", "evaluate_reports", "fit_decision"]

Notify = Callable[[str], None]
EMBEDDING = "embedding claims"  #: :meth:`Checker.check`'s progress stage after splitting reports, in claims
VECTOR_CACHE = 20_000  #: claim vectors a :class:`Checker` keeps by text (about 1.5 KB each for the default model)


class Checker:
    """A checker with its encoder loaded: make one per notebook or service and call it as often as needed.

    The model loads on first use (or at :meth:`load`) and stays loaded; the stored calibration is read once (the
    learned pair scorer's weights are cached per process by :mod:`checker.judge.scorer`); claim vectors are kept by
    text, so a report checked again is not embedded again. The module-level :func:`check`, :func:`compare`, … call
    a default Checker for their ``config``. Threads may share one Checker: its vector cache is locked, and each
    call judges with its own judge.

    Args:
        model: a model name or folder (as ``Config.model``). Defaults to ``config.model``.
        config: settings. Defaults to ``Config()``.
        embedder: the embedding seam. Defaults to the model the config names, loaded on first use (one per
            process for each model, cache folder and batch size: two Checkers of one model share it).
        notify: receives one-line messages (model conversion, index lock waits).
        vector_cache: claim vectors kept by text. Larger saves embedding when the same claims come back (a
            notebook cell run again, a folder checked after adding a report) and costs about 1.5 KB a vector
            with the default model; 0 keeps none. Defaults to 20,000.

    Example:
        >>> checker = Checker()                                        # doctest: +SKIP
        >>> checker.check("examples/reports").contradictions[0].kind   # doctest: +SKIP
        'location'
        >>> checker.compare_many([("The ferry sank on Friday.", "The ferry sank on Thursday.")])  # doctest: +SKIP
    """

    def __init__(self, model: str | None = None, *, config: Config | None = None, embedder: Embedder | None = None,
                 notify: Notify | None = None, vector_cache: int = VECTOR_CACHE) -> None:
        config = config or Config()
        self.config = replace(config, model=model) if model is not None else config
        self.notify = notify
        self._embedder = embedder
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._vector_limit = vector_cache
        self._lock = threading.Lock()
        self._calibration: Calibration | None = None
        self._calibration_read = False

    def __repr__(self) -> str:
        loaded = "loaded" if self._embedder is not None else "not loaded yet"
        return (f"Checker(model={self.config.model!r}, {loaded}, pairing={self.config.pairing!r}, "
                f"min_score={self.config.min_score}, {len(self._vectors)} vectors cached)")

    @property
    def embedder(self) -> Embedder:
        """The encoder, loaded on first use.

        Raises:
            ModelError: the model cannot be found, built or loaded.
        """
        if self._embedder is None:
            self._embedder = _embedder(self.config.model, self.config.cache_dir, self.config.batch_size, self.notify)
        return self._embedder

    def load(self) -> Checker:
        """Load the model now rather than on the first call (a service at start-up); returns the Checker."""
        self.embedder.embed(["warm up"])
        return self

    # -- checking ----------------------------------------------------------------------------------------------
    def check(self, reports: Any, *, against: str | Path | None = None,
              progress: Progress | bool | None = None) -> Report:
        """Read reports, split them into claims and find claims that agree or contradict.

        Args:
            reports: a report file or folder; a list of them; a list of report texts or
                :class:`~checker.read.ingest.Document` s; or a DataFrame with a ``text`` column (and optional
                ``id``, ``title``, ``source``, ``date``). In a list, a string is a path when it names an existing
                file or folder and a text otherwise; a list mixing paths and texts is refused
                (:mod:`checker.read.inputs` gives the whole rule).
            against: an index folder (or name under ``indexes/``); new claims are compared
                with the stored ones and with each other. The index is not modified.
            progress: ``progress(stage, done, total)`` while splitting reports, embedding claims and judging
                pairs, or ``True`` for ``tqdm.auto`` bars (terminal and Jupyter). Defaults to none.

        Returns:
            A :class:`Report`; ``report.findings`` holds the agreeing and contradicting pairs.

        Raises:
            InputError: a list mixes paths and texts, or holds something that is neither.
            NoReportsError: nothing readable (a report with no claim, or one that cannot be read, is listed in
                ``report.skipped`` instead while another report is readable).
            IndexStoreError: ``against`` is missing, corrupt, an interrupted build, or built with another model.
            ModelError: the embedding model cannot be loaded.

        Example:
            >>> Checker().check(["نقلت طائرة أمريكية البطارية إلى قاعدة رامشتاين في ألمانيا، حسب التايمز.",
            ...                  "قال مسؤولون إن البطارية نقلت إلى مطار معيتيقة في طرابلس."])  # doctest: +SKIP
        """
        return self._check(read_inputs(reports), against, resolve(progress))

    def check_texts(self, texts: Any, *, against: str | Path | None = None,
                    progress: Progress | bool | None = None) -> Report:
        """:meth:`check` for texts only: every string is a report's text, even one that names a file.

        Args:
            texts: a list of strings, or a DataFrame with a ``text`` column (and optional ``id``, ``title``,
                ``source``, ``date``). Each report's path reads ``text:ID`` (or ``text:N``, its position).
            against, progress: as for :meth:`check`.

        Raises:
            InputError: ``texts`` is a single string (pass ``[text]``), or a DataFrame without a ``text`` column.
            NoReportsError: no text holds anything.
        """
        from .read.documents import documents_from_texts

        corpus = require_documents(documents_from_texts(texts), "texts")
        return self._check(corpus, against, resolve(progress))

    def check_index(self, index: str | Path | Index, *,
                    run_judge: Callable[[RuleJudge, list], list[Verdict]] | None = None) -> Report:
        """Find agreeing and contradicting claims among the claims stored in an index (nothing is re-embedded).

        Args:
            index: an index folder, a name under ``indexes/``, or an open :class:`Index`.
            run_judge: judges the candidate pairs, as ``run_judge(judge, pairs)``; pass a
                :class:`checker.judge.ray.RayJudge` to spread a large index's pairs over a Ray cluster.
                Defaults to judging here.

        Raises:
            IndexStoreError: the index is missing, corrupt, an interrupted build, or built with another model.
        """
        index = index if isinstance(index, Index) else Index.open(index)
        index.require_complete()
        index.require_model(self.embedder.model_id)
        claims = index.claims()
        documents = index.documents()
        story_of, links = report_stories(documents, self.config.pairing)
        findings = judge_claims(claims, index.vectors(), index.model_id, self.config, None, self.embedder,
                                report_dates(documents), self._stored_calibration(), run_judge=run_judge,
                                story_of=story_of, links=links)
        return Report(documents, claims, findings, [], index.model_id, 0, story_of=story_of)

    def build_index(self, paths: Iterable[str | Path], index: str | Path, *, add: bool = False,
                    progress: Progress | bool | None = None, wait: bool = True, notify: Notify | None = None) -> Index:
        """Build (or with ``add=True`` extend) an index from report files, streaming them in chunks.

        Files are read one at a time (JSONL line by line) as chunks fill, so memory holds one chunk
        of reports, claims and vectors, not the corpus. Reports already in the index (same content hash)
        are skipped and not re-embedded. The index is replaced (or extended) in one atomic step at the end:
        until then readers see the old index, and an interrupted build is resumed when run again over
        the same files (same paths, sizes and modification times). One writer at a time: another waits
        (``notify`` says so) for up to 10 minutes.

        Args:
            paths: report files or folders (one path may be given as a string).
            index: the index folder.
            add: keep what the index holds. Defaults to False (replace it).
            progress: called as ``progress("indexing reports", bytes_done, bytes_total)``, in bytes of input
                read (the files are sized first, without reading them, so a bar can show an ETA);
                ``True`` draws tqdm bars.
            wait: wait (up to 10 minutes) for another process writing this index to finish; False fails at
                once with an ``IndexStoreError``. Defaults to True.
            notify: receives this build's messages (each input skipped, with the reason; each report whose id was
                renamed because an earlier one with another text held it; lock waits). Defaults to the Checker's.

        Raises:
            NoReportsError, IndexStoreError, ModelError: as for :meth:`check`.
        """
        notify = notify or self.notify
        paths = [paths] if isinstance(paths, str | Path) else list(paths)
        inputs = scan(paths)  # a missing path fails here, before the model loads
        stream = iter_reports(paths, unique=False)  # write_chunked drops repeated reports with its own set of ids
        report = resolve(progress)
        tell = notify or (lambda message: None)
        built = write_chunked(index, stream.documents(lambda s: tell(f"warning: skipped {s.path}: {s.reason}")),
                              self.embedder, add=add, index_type=self.config.index_type,
                              on_wait=notify, on_rename=tell, wait=LOCK_WAIT if wait else 0,
                              building=inputs.fingerprint, total=inputs.total_bytes,
                              position=lambda: stream.bytes_read,
                              progress=(lambda done, total: report(INDEXING, done, total)) if report else None)
        for notice in stream.notices:
            tell(f"warning: {notice.path}: {notice.message}")
        return built

    # -- comparing ---------------------------------------------------------------------------------------------
    def compare(self, a: str, b: str) -> Verdict:
        """Judge two sentences directly.

        Example:
            >>> Checker().compare("نقلت طائرة أمريكية البطارية إلى رامشتاين",
            ...                   "نقلت البطارية إلى مطار معيتيقة").relation   # doctest: +SKIP
            <Relation.CONTRADICT: 'contradict'>
        """
        return self._verdicts([(a, b)])[0]

    def compare_many(self, pairs: Any) -> pd.DataFrame:
        """Judge many sentence pairs at once (each distinct sentence embedded once, in batches).

        Args:
            pairs: ``(a, b)`` pairs of sentences, or a DataFrame with columns ``a`` and ``b`` (or ``s1`` and
                ``s2``, as ``checker eval`` reads).

        Returns:
            A DataFrame, one row per pair: ``a``, ``b`` (or the input frame's columns, with its index),
            ``relation``, ``kind``, ``score``, ``gate``, ``similarity``, ``pair_score``, ``reason``.

        Raises:
            InputError: a pair is not two strings, or the frame has no sentence columns.

        Example:
            >>> Checker().compare_many([("The ferry sank on Friday.", "The ferry sank on Thursday.")])  # doctest: +SKIP
               a  b  relation  kind  score  gate  similarity  pair_score  reason
            0  …  …  contradict  date  …
        """
        import pandas as pd

        frame, texts = sentence_pairs(pairs)
        verdicts = self._verdicts(texts)
        columns = {"relation": [v.relation.value for v in verdicts], "kind": [v.kind for v in verdicts],
                   "score": [v.score for v in verdicts], "gate": [v.gate for v in verdicts],
                   "similarity": [v.similarity for v in verdicts], "pair_score": [v.pair_score for v in verdicts],
                   "reason": [v.reason for v in verdicts]}
        if frame is None:
            return pd.DataFrame({"a": [a for a, _ in texts], "b": [b for _, b in texts], **columns})
        return frame.assign(**columns)

    # -- the pipeline ------------------------------------------------------------------------------------------
    def _check(self, corpus: Corpus, against: str | Path | None, tick: Progress | None) -> Report:
        model_id = self.embedder.model_id
        if against is not None:
            index = Index.open(against)
            index.require_model(model_id)
            index.require_complete()
            corpus = _beside_stored(corpus, index)
        corpus, new_claims = split_corpus(corpus, tick)
        keep_token_states(self.embedder)  # the pair scorer then reads the token vectors of the sentence pass
        stored_claims: list[Claim] = []
        stored_vectors = None
        compared = 0
        stored_documents: list[Document] = []
        new_vectors = self._embed([c.proposition for c in new_claims], tick)
        if against is not None:
            # only the stored neighbours of the new claims take part: their k nearest in the whole index are
            # the k nearest among (neighbours ∪ new claims), so pairs are those of a full search at any index size
            rows, compared = index.neighbours(new_vectors, self.config.neighbours, {d.id for d in corpus.documents})
            stored_claims, stored_vectors = index.claims(rows), index.vectors(rows)
            stored_documents = index.documents({c.report_id for c in stored_claims})
        all_claims = unify_sources(stored_claims + new_claims)
        vectors = new_vectors if stored_vectors is None else np.vstack([stored_vectors, new_vectors])
        queries = list(range(len(stored_claims), len(all_claims))) if stored_claims else None
        calibration = self._stored_calibration()
        if against is not None and calibration is None:
            # no stored landmarks: measure them on random stored claims, not on the new claims' near neighbours
            calibration = calibration_for(model_id, np.vstack([index.sample_vectors(), new_vectors]))
        documents = stored_documents + corpus.documents
        story_of, links = report_stories(documents, self.config.pairing)
        findings = judge_claims(all_claims, vectors, model_id, self.config, queries, self.embedder,
                                report_dates(documents), calibration,
                                run_judge=judge_with_progress(tick) if tick else None, story_of=story_of,
                                links=links)
        return Report(corpus.documents, all_claims[len(stored_claims):], findings, corpus.skipped, model_id,
                      compared, warnings=corpus.notices, story_of=story_of)

    def _embed(self, texts: list[str], tick: Progress | None = None) -> np.ndarray:
        """``embedder.embed(texts)``, with the vectors of texts embedded before taken from the cache."""
        if not texts:
            return embed_with_progress(self.embedder.embed, [], tick)
        with self._lock:
            known = {t: self._vectors[t] for t in texts if t in self._vectors}
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        if missing:
            known.update(zip(missing, embed_with_progress(self.embedder.embed, missing, tick)))
        elif tick is not None:
            tick(EMBEDDING, len(texts), len(texts))
        if self._vector_limit:
            with self._lock:
                for text in dict.fromkeys(texts):  # the texts of this call become the most recently used
                    if text in self._vectors:
                        self._vectors.move_to_end(text)
                    else:
                        self._vectors[text] = known[text].copy()  # a row view would keep its whole batch alive
                while len(self._vectors) > self._vector_limit:
                    self._vectors.popitem(last=False)
        return np.stack([known[t] for t in texts]).astype(np.float32, copy=False)

    def _stored_calibration(self) -> Calibration | None:
        """The model's stored similarity landmarks (``checker calibrate``), read once."""
        if not self._calibration_read:
            self._calibration, self._calibration_read = Calibration.for_model(self.embedder.model_id), True
        return self._calibration

    def _verdicts(self, pairs: list[tuple[str, str]]) -> list[Verdict]:
        """One verdict per pair of sentences, each with the learned pair score where a scorer exists."""
        sides = [(pair_input_from_text(a), pair_input_from_text(b)) for a, b in pairs]
        texts = [(a.text[a.body[0]:], b.text[b.body[0]:]) for a, b in sides]
        unique = list(dict.fromkeys(t for pair in texts for t in pair))
        keep_token_states(self.embedder)
        vectors = dict(zip(unique, self._embed(unique)))
        judge = RuleJudge(self._stored_calibration() or Calibration.from_null([]))
        verdicts = [judge.judge_one(a, b, float(vectors[ta] @ vectors[tb])) for (a, b), (ta, tb) in zip(sides, texts)]
        scores = pair_scores(texts, self.embedder, vectors)
        return [replace(v, pair_score=s) for v, s in zip(verdicts, scores)]


def _beside_stored(corpus: Corpus, index: Index) -> Corpus:
    """``corpus`` with each report whose id a stored report with another text holds renamed ``ID#n`` (with a
    notice; :func:`~checker.store.build.stored_id`), so that the two are compared rather than taken for one
    report; a report stored with the same text keeps its id (it is the stored report, and is not compared with
    itself)."""
    from .read.documents import Notice, content_id
    from .store.build import stored_id

    stored = {d.id: content_id(d.text) for d in index.documents({d.id for d in corpus.documents})}
    if not stored:
        return corpus
    taken = {d.id for d in corpus.documents}
    documents, notices = [], list(corpus.notices)
    for doc in corpus.documents:
        if doc.id in stored and stored[doc.id] != content_id(doc.text):
            renamed, _ = stored_id(index, doc, taken.__contains__)
            taken.add(renamed)
            notices.append(Notice(doc.path, f"id {doc.id!r} is the id of a stored report with another text; read "
                                            f"as {renamed!r}. Give each report its own id"))
            doc = replace(doc, id=renamed)
        documents.append(doc)
    return replace(corpus, documents=documents, notices=notices)


_EMBEDDERS: dict[tuple, Embedder] = {}
_DEFAULT: list[tuple[tuple, Checker]] = []


def _embedder(model: str, cache_dir: Path, batch_size: int, notify: Notify | None) -> Embedder:
    """One embedder per (model, cache folder, batch size) in a process, so a notebook's second ``check`` does
    not load the model again (the model itself loads on first use)."""
    key = (model, str(cache_dir), batch_size, embedder_from_config)  # a replaced factory (tests) is a new key
    if key not in _EMBEDDERS:
        _EMBEDDERS.clear()  # keep one model in memory, not one per name tried
        _EMBEDDERS[key] = embedder_from_config(Config(model=model, cache_dir=cache_dir, batch_size=batch_size),
                                               notify)
    return _EMBEDDERS[key]


def default_checker(config: Config | None = None, embedder: Embedder | None = None,
                    notify: Notify | None = None) -> Checker:
    """The Checker the module-level functions call: the same one while ``config`` stays the same (its vector cache
    kept), a new one for another config (sharing the loaded model when it names the same one), and a new one
    around a given ``embedder``."""
    if embedder is not None:
        return Checker(config=config, embedder=embedder, notify=notify)
    key = (config or Config(), embedder_from_config)  # a replaced factory (tests) is a new key
    if not _DEFAULT or _DEFAULT[0][0] != key:
        _DEFAULT[:] = [(key, Checker(config=key[0]))]
    checker = _DEFAULT[0][1]
    checker.notify = notify  # this call's messages go to this caller (a model load, a build's skipped files)
    return checker


# -- the module-level functions: one call on the default Checker -------------------------------------------------
def check(reports: Any, *, against: str | Path | None = None, config: Config | None = None,
          embedder: Embedder | None = None, notify: Notify | None = None,
          progress: Progress | bool | None = None) -> Report:
    """:meth:`Checker.check` on the default Checker for ``config`` (:func:`default_checker`).

    Args:
        reports: a path, a list of paths, a list of texts or Documents, or a DataFrame (see :meth:`Checker.check`).
        against, progress: as for :meth:`Checker.check`.
        config: settings. Defaults to ``Config()``.
        embedder: the embedding seam. Defaults to the model ``config.model`` names, loaded once per process.
        notify: receives one-line progress messages (model conversion).

    Example:
        >>> report = check("examples/reports")          # doctest: +SKIP
        >>> report.contradictions[0].kind                # doctest: +SKIP
        'location'
    """
    return default_checker(config, embedder, notify).check(reports, against=against, progress=progress)


def check_texts(texts: Any, *, against: str | Path | None = None, config: Config | None = None,
                embedder: Embedder | None = None, notify: Notify | None = None,
                progress: Progress | bool | None = None) -> Report:
    """:meth:`Checker.check_texts` (every string a report's text) on the default Checker.

    Example:
        >>> check_texts(["The ferry sank off Suakin on Friday.", "Le ferry a chaviré jeudi."])  # doctest: +SKIP
    """
    return default_checker(config, embedder, notify).check_texts(texts, against=against, progress=progress)


def compare(a: str, b: str, *, config: Config | None = None, embedder: Embedder | None = None,
            notify: Notify | None = None) -> Verdict:
    """:meth:`Checker.compare` on the default Checker: judge two sentences directly.

    Example:
        >>> compare("نقلت طائرة أمريكية البطارية إلى رامشتاين",
        ...         "نقلت البطارية إلى مطار معيتيقة").relation   # doctest: +SKIP
        <Relation.CONTRADICT: 'contradict'>
    """
    return default_checker(config, embedder, notify).compare(a, b)


def compare_many(pairs: Any, *, config: Config | None = None, embedder: Embedder | None = None,
                 notify: Notify | None = None) -> pd.DataFrame:
    """:meth:`Checker.compare_many` on the default Checker: a DataFrame of verdicts, one row per pair."""
    return default_checker(config, embedder, notify).compare_many(pairs)


def build_index(paths: Iterable[str | Path], index: str | Path, *, config: Config | None = None,
                embedder: Embedder | None = None, add: bool = False, notify: Notify | None = None,
                progress: Progress | bool | None = None, wait: bool = True) -> Index:
    """:meth:`Checker.build_index` on the default Checker: build (or ``add`` to) an index from report files.

    Args:
        paths, index, add, progress, wait: as for :meth:`Checker.build_index`.
        config: settings (``index_type`` picks the search structure). Defaults to ``Config()``.
        embedder: the embedding seam. Defaults to the model ``config.model`` names.
        notify: receives one-line messages (model conversion; each input skipped, with the reason; each
            report whose id was renamed because an earlier one with another text held it; lock waits).

    Raises:
        NoReportsError, IndexStoreError, ModelError: as for :func:`check`.
    """
    return default_checker(config, embedder, notify).build_index(paths, index, add=add, progress=progress, wait=wait,
                                                                 notify=notify)


def check_index(index: str | Path | Index, *, config: Config | None = None, embedder: Embedder | None = None,
                notify: Notify | None = None,
                run_judge: Callable[[RuleJudge, list], list[Verdict]] | None = None) -> Report:
    """:meth:`Checker.check_index` on the default Checker: findings among an index's stored claims.

    Args:
        index, run_judge: as for :meth:`Checker.check_index`.
        config: settings. Defaults to ``Config()``.
        embedder: the embedding seam, for the learned pair score; must be the index's model.
            Defaults to the model ``config.model`` names.
        notify: receives one-line progress messages (model conversion).

    Raises:
        IndexStoreError: the index is missing, corrupt, an interrupted build, or built with another model.
    """
    return default_checker(config, embedder, notify).check_index(index, run_judge=run_judge)


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
                 notify: Notify | None = None, flips: bool = False) -> dict:
    """Fit the learned judge's decision (:mod:`checker.judge.decision`) on the story folders ``stories`` of a report
    benchmark ``root`` and store it in the scorer's card at ``scorer_folder``. Returns the card's ``decision``.

    The stories are checked with the freshly trained scorer and no decision, every same-event pair kept
    (``min_score`` 0); the thresholds that maximise contradiction F1 minus the traps flagged are kept. Only the
    veto is fitted unless ``flips``: on the sample corpus, flips fitted on the dev stories (at p ≥ 0.99) turned six
    topical neighbours into contradictions, none of them one.

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
    whole = read_key(root)  # story of each report = its story folder (read from the root, not from each folder)
    chosen = {stem: story for stem, story in whole.story_of.items() if story in stories}
    key = StoryKey([p for p in whole.pairs if p.a[0] in chosen and p.b[0] in chosen], chosen)
    files = sorted(p for f in folders for p in f.rglob("*") if p.is_file() and p.name != "key.json")
    store_decision(scorer_folder, None)  # judged with no decision: a stored one would flip pairs before the fit
    every_pair = Checker(config=replace(config, min_score=0.0), embedder=embedder, notify=notify)
    report = every_pair.check(files)
    texts = [(scored_text(f.a), scored_text(f.b)) for f in report.findings]
    _, proba = pair_probabilities(texts, every_pair.embedder)
    p_other = {f.id: float(proba[n, 2]) for n, f in enumerate(report.findings)} if proba is not None else {}
    decision, before, after = fit(report.findings, p_other, score, key, config.min_score, flips)
    summary = {k: before[k] for k in ("contradiction_recall", "contradiction_precision", "agreement_recall",
                                      "traps_flagged", "contradict_findings")}
    entry = {**asdict(decision), "flips_tried": flips, "fit_on": [f"{Path(root).name}/{s}" for s in stories],
             "before": summary, "after": {k: after[k] for k in summary}}
    store_decision(scorer_folder, entry)
    return entry
