"""Writing an index in chunks: bounded memory, progress, and resume after an interruption.

Reports are claimed, embedded and committed chunk by chunk; each commit is a
complete, consistent generation (see :mod:`checker.index`), so an interrupted
build leaves a smaller but valid index. Until the last chunk the manifest
carries ``"building"``: a fingerprint of the whole set of reports being
written. Running the same build again finds that fingerprint and resumes,
skipping reports already stored (report ids are content hashes), instead of
starting over; ``index add`` skips stored reports in any case.
"""

from __future__ import annotations

import bisect
import hashlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from .claims import Claim, split_claims
from .embed import Embedder
from .errors import IndexStoreError
from .index import MANIFEST, Index
from .ingest import Document

Progress = Callable[[int, int], None]
CHUNK_CLAIMS = 2000  #: claims per commit at least; commits also grow with the index (10%) so rewrites stay linear
EMBED_SLICE = 256  #: claims embedded between progress calls


def fingerprint(documents: list[Document]) -> str:
    """A stable name for a set of reports (their content hashes, sorted)."""
    return hashlib.sha256("\n".join(sorted(d.id for d in documents)).encode()).hexdigest()[:16]


def write_chunked(path: str | Path, documents: list[Document], embedder: Embedder, *, add: bool = False,
                  index_type: str = "auto", chunk_claims: int = CHUNK_CLAIMS,
                  progress: Progress | None = None) -> Index:
    """Claim, embed and store ``documents`` in ``path``, committing a generation per chunk.

    Args:
        path: the index folder.
        documents: the reports to store.
        embedder: the embedding seam; its ``model_id`` must match an existing index.
        add: keep what the index holds (reports already stored are skipped). Without it the
            index is replaced, unless it holds an interrupted build of these same reports,
            which is resumed. Defaults to False.
        index_type: ``auto``, ``flat`` or ``ivf``. Defaults to ``auto``.
        chunk_claims: claims embedded before a commit (at least; commits grow with the index).
            Lower it to commit more often, raise it for fewer rewrites. Defaults to 2000.
        progress: called as ``progress(done, total)`` in reports, after each embedded slice.

    Raises:
        IndexStoreError: the index holds another model's vectors, or the embedder misbehaves.
    """
    path = Path(path)
    building = fingerprint(documents)
    resume = (path / MANIFEST).exists() and (add or _building(path) == building)
    existing = Index.open(path) if resume else None  # a build that replaces never reads (a broken index is fine)
    if existing is not None:
        existing.require_model(embedder.model_id)
    known = existing.report_ids() if existing else set()
    todo = [d for d in documents if d.id not in known]
    stored = existing.manifest["claims"] if existing else 0
    replace, done, index = not resume, 0, existing
    # late binding is the point: each chunk is sized from the index as it stands after the last commit
    for chunk, claims, ends in _chunks(todo, lambda: max(chunk_claims, stored // 10)):  # noqa: B023
        vectors = _embed(embedder, claims, ends, done, len(todo), progress)
        done += len(chunk)
        last = done == len(todo)
        index = Index.write(path, embedder.model_id, chunk, claims, vectors, replace=replace,
                            index_type=index_type, building=None if last else building)
        replace, stored = False, index.manifest["claims"]
    if index is None or replace or index.manifest.get("building"):  # nothing new: still (re)write a finished index
        probe = embedder.embed(["probe"])
        index = Index.write(path, embedder.model_id, [], [], np.zeros((0, probe.shape[1]), np.float32),
                            replace=replace, index_type=index_type)
    return index


def _building(path: Path) -> str | None:
    """The fingerprint of the build in progress in ``path``, if any (None for a finished or unreadable index)."""
    try:
        return json.loads((path / MANIFEST).read_text(encoding="utf-8")).get("building")
    except (OSError, ValueError, AttributeError):
        return None


def _chunks(documents: list[Document], size: Callable[[], int]
            ) -> Iterator[tuple[list[Document], list[Claim], list[int]]]:
    """Runs of documents holding at least ``size()`` claims (the last may hold fewer), with claim end offsets."""
    chunk: list[Document] = []
    claims: list[Claim] = []
    ends: list[int] = []
    for doc in documents:
        chunk.append(doc)
        claims.extend(split_claims(doc))
        ends.append(len(claims))
        if len(claims) >= size():
            yield chunk, claims, ends
            chunk, claims, ends = [], [], []
    if chunk:
        yield chunk, claims, ends


def _embed(embedder: Embedder, claims: list[Claim], ends: list[int], done: int, total: int,
           progress: Progress | None) -> np.ndarray:
    """Vectors of ``claims`` in slices, reporting finished reports (``ends``: claim offsets) as it goes."""
    parts = [np.zeros((0, embedder.embed(["probe"]).shape[1]), np.float32)] if not claims else []
    step = EMBED_SLICE if progress else max(1, len(claims))  # without progress, one call per chunk (Ray shards it)
    for start in range(0, len(claims), step):
        part = embedder.embed([c.proposition for c in claims[start:start + step]])
        if part.ndim != 2 or part.shape[0] != len(claims[start:start + step]):
            raise IndexStoreError("embedder returned vectors of the wrong shape")
        parts.append(part.astype(np.float32))
        if progress:
            progress(done + bisect.bisect_right(ends, start + len(part)), total)
    if progress and not claims:
        progress(done + len(ends), total)
    return np.vstack(parts)
