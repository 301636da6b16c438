"""Writing an index in chunks: bounded memory, progress, and resume after an interruption.

Reports are claimed, embedded and committed chunk by chunk under one writer lock; each
commit is a complete generation (see :mod:`checker.store.commit`). Over an existing
index the chunks are staged in ``.staging/`` and the last one is published with one
replacement of the manifest, so until then readers see the old index, whole, and an
interrupted build or add leaves it untouched. A first build publishes each chunk,
marked ``"building"`` until the last (``check`` refuses such an index). Either way the
build is named (a fingerprint of the input files for :func:`checker.api.build_index`, of
the reports' content hashes for a list); running the same build again finds that name,
in the staging manifest or the live one, and resumes, skipping reports already stored
(report ids are content hashes), instead of starting over. Reports may come from a list
or be streamed (:func:`checker.read.ingest.iter_reports`): only the chunk being embedded
is held in memory.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from ..embed.base import Embedder
from ..errors import IndexStoreError
from ..read.claims import Claim, split_claims
from ..read.documents import content_id
from ..read.ingest import Document
from .commit import clear_staging, publish, stage
from .index import Index
from .manifest import LOCK_WAIT, MANIFEST, STAGING, read_manifest, writer_lock

Progress = Callable[[int, int], None]
CHUNK_CLAIMS = 2000  #: claims per commit at least; commits also grow with the index (10%), so rewrites stay few
#: claims per commit at most: holds a chunk to ~300 MB of vectors and claims at 384 dimensions. A commit copies
#: the stored files (~2 kB a claim), small beside encoding the chunk (200k claims: ~10 min with the default encoder).
CHUNK_MAX_CLAIMS = 200_000
EMBED_SLICE = 256  #: claims embedded between progress calls


def fingerprint(documents: Iterable[Document]) -> str:
    """A stable name for a set of reports (their content hashes, sorted)."""
    return hashlib.sha256("\n".join(sorted(d.id for d in documents)).encode()).hexdigest()[:16]


def build_name(inputs: str, add: bool, model_id: str) -> str:
    """The manifest's name for a build in progress: its inputs, whether it adds or replaces, and the model.

    An interrupted ``add``, or a build with another model, is then never resumed by a build that replaces.
    """
    return hashlib.sha256(f"{'add' if add else 'build'}\n{model_id}\n{inputs}".encode()).hexdigest()[:16]


def write_chunked(path: str | Path, documents: Iterable[Document], embedder: Embedder, *, add: bool = False,
                  index_type: str = "auto", chunk_claims: int = CHUNK_CLAIMS,
                  chunk_max_claims: int = CHUNK_MAX_CLAIMS, progress: Progress | None = None,
                  building: str | None = None, total: int | None = None,
                  position: Callable[[], int] | None = None, wait: float = LOCK_WAIT,
                  on_wait: Callable[[str], None] | None = None, on_rename: Callable[[str], None] | None = None
                  ) -> Index:
    """Claim, embed and store ``documents`` in ``path`` chunk by chunk, publishing the result in one step.

    Memory holds one chunk of reports, claims and vectors (a chunk grows to 10% of the index, up to
    ``chunk_max_claims``), the ids of the stored reports, and what a commit needs (:mod:`checker.store.index`:
    a block of stored vectors at a time, never all of them); ``documents`` may be a generator, read as
    the chunks fill.

    Args:
        path: the index folder.
        documents: the reports to store: a list, or any iterable (e.g. :func:`checker.read.ingest.iter_reports`'s
            ``documents()``), read once. Reports already stored, or repeated, are skipped.
        embedder: the embedding seam; its ``model_id`` must match an existing index.
        add: keep what the index holds (reports already stored are skipped). Without it the
            index is replaced, unless it holds an interrupted build of the same name (``building``),
            which is resumed. Defaults to False.
        index_type: ``auto``, ``flat`` or ``ivf``. Defaults to ``auto``.
        chunk_claims: claims embedded before a commit (at least; commits grow with the index, 10% of it).
            Lower it to commit more often and hold less in memory, raise it for fewer rewrites. Defaults to 2000.
        chunk_max_claims: the most claims a commit grows to. Memory holds one chunk, and each commit
            copies the stored files, so lower it to hold less, raise it to copy less often. Defaults to 200,000.
        progress: called as ``progress(done, total)`` after each embedded slice, and once at the end.
        building: names this build in the manifest until its last chunk, so running it again resumes.
            Defaults to :func:`fingerprint` of the reports for a list; for any other iterable a fresh
            name, so an interrupted streamed build restarts unless the caller names it (``build_index``
            names it by the input files).
        total: what ``progress`` counts up to, in the units of ``position``. Defaults to the number of
            reports not yet stored, for a list; 0 (unknown) for any other iterable.
        position: how far the input has been read, called as each report is taken from ``documents``
            (``build_index``: bytes of input read, so a bar can show an ETA). Defaults to the count of
            reports taken.
        wait: seconds to wait for another writer of ``path`` to finish; 0 fails at once. Defaults to 600.
        on_wait: receives a one-line message when this writer has to wait for another.
        on_rename: receives a one-line warning for each report whose id a stored report with another text holds;
            it is stored as ``ID#2`` (the next free suffix), never dropped.

    Raises:
        IndexStoreError: the index holds another model's vectors, another writer holds it past ``wait``,
            or the embedder misbehaves.
    """
    path = Path(path)
    listed = isinstance(documents, Sequence)
    building = building or (fingerprint(documents) if listed else uuid.uuid4().hex[:16])
    building = build_name(building, add, embedder.model_id)
    with writer_lock(path, wait, on_wait):
        return _write_locked(path, documents, embedder, add, index_type, chunk_claims, chunk_max_claims, progress,
                             building, total, position, listed, on_rename)


def _write_locked(path: Path, documents: Iterable[Document], embedder: Embedder, add: bool, index_type: str,
                  chunk_claims: int, chunk_max_claims: int, progress: Progress | None, building: str,
                  total: int | None, position: Callable[[], int] | None, listed: bool,
                  on_rename: Callable[[str], None] | None = None) -> Index:
    """:func:`write_chunked` with the writer lock held."""
    existing, in_place = _start(path, building, add)
    if existing is not None:
        existing.require_model(embedder.model_id)
    known = existing.report_ids() if existing else set()
    if total is None:
        total = len({d.id for d in documents} - known) if listed else 0
    if progress is not None and total:  # a file that grew after it was sized must not take the bar past 100%
        report = progress
        progress = lambda done, whole: report(min(done, whole), whole)  # noqa: E731
    stored = existing.manifest["claims"] if existing else 0
    base = (existing.path, existing.manifest) if existing else None
    live = read_manifest(path)
    keep_mark = live.get("building") if add and live and not in_place else None  # an add keeps a build unfinished
    before, committed = 0, False

    def chunk_size() -> int:  # read as each chunk fills: sized from the index as it stands after the last commit
        return max(chunk_claims, min(stored // 10, chunk_max_claims))

    fresh = _fresh(documents, known, position, existing, on_rename)
    for chunk, claims, ends, marks, last in _chunks(fresh, chunk_size):
        vectors = _embed(embedder, claims, ends, marks, before, total, progress)
        manifest = stage(path, base, embedder.model_id, chunk, claims, vectors, index_type=index_type,
                         building=building)
        if in_place:  # a first build: each chunk is published, marked unfinished until the last
            publish(path, None if last else building)
        base = (path if in_place else path / STAGING, manifest)
        stored, before, committed = manifest["claims"], marks[-1], True
        del chunk, claims, vectors  # not held while the next chunk is read and embedded
    if not committed and (in_place or not (path / STAGING / MANIFEST).exists()):
        if add and existing is not None and not in_place:  # nothing new to add: the index stays as it is
            return Index.open(path)
        probe = embedder.embed(["probe"])  # nothing new: still write a finished (or empty) index
        stage(path, base, embedder.model_id, [], [], np.zeros((0, probe.shape[1]), np.float32),
              index_type=index_type, building=building)
        publish(path, None if in_place else keep_mark)
    elif not in_place:
        publish(path, keep_mark)
    if progress:  # stored and skipped input after the last new report counts as done too
        progress(position() if position else before, total)
    return Index.open(path)


def _start(path: Path, building: str, add: bool) -> tuple[Index | None, bool]:
    """Where a build or add starts: the index to extend (None: empty), and whether it publishes every chunk.

    A build or add over a live index stages all its chunks and publishes once at the end, resuming a
    staged build of the same name; a first build, or the resumption of an unfinished one, publishes
    each chunk, marked unfinished (``index info``: ``complete: False``; ``check`` refuses it).
    """
    live = read_manifest(path)
    if live is not None and live.get("building") == building:
        clear_staging(path)
        return Index.open(path), True
    staged = read_manifest(path / STAGING)
    if staged is not None and staged.get("building") == building:
        try:
            return Index.open(path / STAGING), False
        except IndexStoreError:  # a staged generation that does not open is started over
            pass
    clear_staging(path)
    if not (path / MANIFEST).exists():
        return None, True
    return (Index.open(path) if add else None), False  # a build that replaces never reads (a broken index is fine)


def _fresh(documents: Iterable[Document], known: set[str], position: Callable[[], int] | None,
           existing: Index | None = None, on_rename: Callable[[str], None] | None = None
           ) -> Iterator[tuple[Document, int]]:
    """Reports not stored yet (each id once), with ``position()`` (or a count) taken as each is read.

    A report whose id a report of ``existing`` holds is skipped when its text is the stored one, and stored
    under the next free ``ID#n`` (with a warning to ``on_rename``) when its text differs (:func:`stored_id`)."""
    stored = set(known)
    count = 0
    for doc in documents:
        if doc.id in known:
            if doc.id not in stored or existing is None:
                continue
            renamed, there = stored_id(existing, doc, lambda name: name in known and name not in stored)
            if there:  # stored before, under its id or a renamed one: nothing new
                continue
            if on_rename:
                on_rename(f"warning: {doc.path}: id {doc.id!r} is the id of a stored report with another text; "
                          f"stored as {renamed!r}. Give each report its own id")
            doc = replace(doc, id=renamed)
        known.add(doc.id)  # one set of ids for stored and taken reports: ~100 bytes a report
        count += 1
        yield doc, position() if position else count


def stored_id(index: Index, doc: Document, taken: Callable[[str], bool]) -> tuple[str, bool]:
    """The id ``doc`` has beside ``index``, and whether ``index`` stores it with ``doc``'s text already.

    That is ``doc.id`` or, where a stored report with another text holds it, the first ``ID#n`` (n ≥ 2) that
    ``index`` stores with the same text (content hash), or that it does not store and ``taken(ID#n)`` (an id
    given to another report of this run) is false. ``check --against`` and ``index add`` name a report alike.
    """
    digest = content_id(doc.text)
    for name in itertools.chain([doc.id], (f"{doc.id}#{n}" for n in itertools.count(2))):
        if name != doc.id and taken(name):
            continue
        held = index.documents({name})
        if not held:
            return name, False
        if content_id(held[0].text) == digest:
            return name, True
    raise AssertionError("unreachable: itertools.count does not end")


def _chunks(documents: Iterator[tuple[Document, int]], size: Callable[[], int]
            ) -> Iterator[tuple[list[Document], list[Claim], list[int], list[int], bool]]:
    """Runs of documents holding at least ``size()`` claims, with claim end offsets, positions, and whether last.

    One report is read ahead, so the last chunk is known as such and committed as the finished index.
    """
    chunk: list[Document] = []
    claims: list[Claim] = []
    ends: list[int] = []
    marks: list[int] = []
    upcoming = next(documents, None)
    while upcoming is not None:
        doc, mark = upcoming
        chunk.append(doc)
        claims.extend(split_claims(doc))
        ends.append(len(claims))
        marks.append(mark)
        upcoming = next(documents, None)
        if upcoming is None or len(claims) >= size():
            yield chunk, claims, ends, marks, upcoming is None
            chunk, claims, ends, marks = [], [], [], []


def _embed(embedder: Embedder, claims: list[Claim], ends: list[int], marks: list[int], before: int, total: int,
           progress: Progress | None) -> np.ndarray:
    """Vectors of ``claims`` in slices, reporting the position (``marks``) of the last report finished as it goes.

    ``ends`` are the reports' claim end offsets; ``before`` is the position before this chunk.
    """
    if not claims:
        if progress:
            progress(marks[-1], total)
        return np.zeros((0, embedder.embed(["probe"]).shape[1]), np.float32)
    vectors = None  # filled in place: one copy of the chunk's vectors, not slices plus their concatenation
    # an embedder that spreads work (Ray) names the slice that keeps its workers busy; without progress, one call
    step = getattr(embedder, "batch_hint", EMBED_SLICE) if progress else len(claims)
    for start in range(0, len(claims), step):
        part = embedder.embed([c.proposition for c in claims[start:start + step]])
        if part.ndim != 2 or part.shape[0] != len(claims[start:start + step]) or \
                (vectors is not None and part.shape[1] != vectors.shape[1]):
            raise IndexStoreError("embedder returned vectors of the wrong shape")
        if vectors is None:
            vectors = np.empty((len(claims), part.shape[1]), np.float32)
        vectors[start:start + len(part)] = part
        if progress:
            finished = bisect.bisect_right(ends, start + len(part))
            progress(marks[finished - 1] if finished else before, total)
    return vectors
