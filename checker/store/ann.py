"""Nearest-neighbour search structures: exact flat search for small corpora, IVF for large ones.

An index stores its vectors in one FAISS file that is both the store and the
search structure: ``IndexFlatIP`` (exact; every query scans every row) below
:data:`FLAT_LIMIT` claims, ``IndexIVFFlat`` (vectors grouped into ``nlist``
k-means cells; a query scans the ``nprobe`` nearest cells) above it. IVF keeps
full float32 vectors, so stored vectors are reconstructed exactly and scores
are exact inner products; only which rows get scanned is approximate.

The matrix products (k-means, assigning vectors to cells, exact search) run in
numpy rather than through FAISS's bundled BLAS, which measured 5× slower on
the same CPU (bench/run.py); FAISS stores the lists and scans them.
``nprobe`` is measured, not guessed: after training, :func:`tune_nprobe`
doubles it until recall@10 against exact search on a sample of the stored
vectors reaches the target.
"""

from __future__ import annotations

import math
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

KINDS = ("auto", "flat", "ivf")
FLAT_LIMIT = 50_000  #: below this many claims ``auto`` picks exact search (a few ms per query)
TARGET_RECALL = 0.95
RETRAIN_GROWTH = 4  #: an IVF index is retrained once it holds this many times the vectors it was trained on


@dataclass(frozen=True)
class SearchParams:
    """How an index searches; stored in the manifest under ``"search"``.

    Attributes:
        kind: ``flat`` or ``ivf``.
        nlist: IVF cells (0 for flat).
        nprobe: cells scanned per query (0 for flat).
        recall_at_10: measured recall@10 against exact search (1.0 for flat).
        trained_on: vectors in the index when the cells were trained (0 for flat).
    """

    kind: str = "flat"
    nlist: int = 0
    nprobe: int = 0
    recall_at_10: float = 1.0
    trained_on: int = 0

    def to_json(self) -> dict[str, Any]:
        """The manifest form."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> SearchParams:
        """Read the manifest form; indexes written before IVF existed are flat."""
        return cls(**data) if data else cls()

    @property
    def faiss_type(self) -> str:
        """FAISS class name, for ``index info``."""
        return "IndexIVFFlat" if self.kind == "ivf" else "IndexFlatIP"

    def ram_per_vector(self, dimension: int) -> int:
        """Estimated bytes of RAM per stored vector once loaded (codes, ids, direct map)."""
        return 4 * dimension + (16 if self.kind == "ivf" else 0)


def choose_kind(requested: str, n: int) -> str:
    """The concrete kind for ``n`` vectors: ``requested`` unless it is ``auto``."""
    if requested not in KINDS:
        raise ValueError(f"index type must be one of {', '.join(KINDS)} (got {requested!r})")
    if requested != "auto":
        return requested
    return "ivf" if n >= FLAT_LIMIT else "flat"


def nlist_for(n: int) -> int:
    """IVF cells for ``n`` vectors: about 4·√n, with at least 39 training points per cell."""
    return max(1, min(int(4 * math.sqrt(n)), n // 39))


def build(vectors: np.ndarray, kind: str, *, seed: int = 0, target: float = TARGET_RECALL) -> tuple[Any, SearchParams]:
    """A search structure over ``vectors`` (rows keep their order as ids).

    Args:
        vectors: ``(n, d)`` unit rows.
        kind: ``flat`` or ``ivf``.
        seed: seeds the training sample and k-means.
        target: recall@10 that :func:`tune_nprobe` must reach. Defaults to 0.95.
    """
    import faiss

    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    n, d = vectors.shape
    if kind == "flat" or n < 2:
        index = faiss.IndexFlatIP(d)
        index.add(vectors)
        return index, SearchParams()
    nlist = nlist_for(n)
    rng = np.random.default_rng(seed)
    sample = vectors[np.sort(rng.choice(n, min(n, 40 * nlist), replace=False))]
    quantizer = faiss.IndexFlatIP(d)
    quantizer.add(_kmeans(sample, nlist, rng))
    index = faiss.IndexIVFFlat(quantizer, d, nlist, faiss.METRIC_INNER_PRODUCT)
    index.is_trained = True
    index.own_fields = True
    quantizer.this.disown()  # the IVF index frees its quantizer
    index.make_direct_map()
    _add(index, vectors)  # rows can be reconstructed (Index.vectors) and ids stay row numbers
    nprobe, recall = tune_nprobe(index, vectors, target=target, seed=seed)
    return index, SearchParams("ivf", nlist, nprobe, recall, n)


def extend(index: Any | None, params: SearchParams, new: np.ndarray, requested: str, dimension: int,
           *, seed: int = 0) -> tuple[Any, SearchParams]:
    """``index`` with ``new`` rows appended, rebuilt when the kind changes or IVF outgrew its training.

    ``index`` is consumed: appended to in place, or emptied once its rows are copied into a rebuild.

    Returns:
        The (possibly new) FAISS index and its parameters.
    """
    import faiss

    stored = index.ntotal if index is not None else 0
    kind = choose_kind(requested, stored + len(new))
    regrown = kind == "ivf" and stored + len(new) > RETRAIN_GROWTH * max(params.trained_on, 1)
    if index is not None and kind == params.kind and not regrown:
        if len(new) and kind == "ivf":
            _add(index, new)
        elif len(new):
            index.add(np.ascontiguousarray(new, dtype=np.float32))
        if kind == "ivf" and len(new):
            nprobe, recall = tune_nprobe(index, None, target=TARGET_RECALL, seed=seed, start=params.nprobe)
            params = SearchParams("ivf", params.nlist, nprobe, recall, params.trained_on)
        return index, params
    if index is None and not len(new):
        return faiss.IndexFlatIP(dimension), SearchParams()
    if not stored:  # a first write: no copy of what may be millions of rows
        return build(new, kind, seed=seed)
    stacked = np.vstack([index.reconstruct_n(0, stored), np.asarray(new, np.float32)])
    index.reset()  # its rows are copied out: free them before the new structure is filled (one copy less at peak)
    return build(stacked, kind, seed=seed)


def extend_file(source: Path | None, params: SearchParams, stored: int, new: np.ndarray, requested: str,
                dimension: int, target: Path, *, seed: int = 0) -> SearchParams | None:
    """Write ``target``: the index file ``source`` (``stored`` rows) with ``new`` rows after them, without loading it.

    The on-disk counterpart of :func:`extend`, with the same results. A flat file is copied and
    appended to; an IVF file's lists are copied one by one with the new rows added
    (:mod:`checker.store.faiss_files`); a retrain (IVF grown :data:`RETRAIN_GROWTH`-fold, or a flat index
    grown past :data:`FLAT_LIMIT`) reads the stored rows in blocks, three times: for the k-means
    sample, to assign cells, to write. Memory holds ``new``, a block of stored rows and, while
    retraining, the training sample (40 rows a cell, ~160·√n) and 4 bytes a row for its cell.

    Returns:
        The written file's search parameters; None, having written nothing, when ``source`` is
        not laid out as expected or an IVF index becomes flat: the caller loads it with :func:`extend`.
    """
    from . import faiss_files as files

    new = np.ascontiguousarray(new, dtype=np.float32).reshape(len(new), -1) if len(new) else \
        np.zeros((0, dimension), np.float32)
    total = stored + len(new)
    kind = choose_kind(requested, total)
    if source is None or not stored:
        import faiss

        index, params = build(new, kind, seed=seed) if len(new) else (faiss.IndexFlatIP(dimension), SearchParams())
        write(index, target)
        return params
    if kind == params.kind == "flat":
        return SearchParams() if files.append_flat(source, target, new, dimension) else None
    regrown = kind == "ivf" and total > RETRAIN_GROWTH * max(params.trained_on, 1)
    if kind == params.kind == "ivf" and not regrown:
        layout = files.ivf_layout(source, dimension)
        if layout is None or layout.rows != stored:
            return None
        if not len(new):  # nothing to add: the same file
            shutil.copyfile(source, target)
            return params
        layout = files.append_ivf(source, target, new, _assign(new, layout.centroids(source)))
        nprobe, recall = _tune_file(target, layout, seed=seed, start=params.nprobe)
        return SearchParams("ivf", layout.nlist, nprobe, recall, params.trained_on)
    old_rows = _stored_rows(source, params, stored, dimension) if kind == "ivf" and total >= 2 else None
    if old_rows is None:
        return None
    layout = _build_file(_then(old_rows, stored, new), total, target, seed=seed)
    old_rows = None  # frees the source's reader (its direct map) before the new file is opened to tune it
    nprobe, recall = _tune_file(target, layout, seed=seed)
    return SearchParams("ivf", layout.nlist, nprobe, recall, total)


def _then(old_rows: Callable[[int, int], np.ndarray], stored: int, new: np.ndarray
          ) -> Callable[[int, int], np.ndarray]:
    """Rows ``[start, stop)`` of the stored rows followed by ``new``."""
    def rows(start: int, stop: int) -> np.ndarray:
        parts = ([old_rows(start, min(stop, stored))] if start < stored else []) + \
            ([new[max(start, stored) - stored:stop - stored]] if stop > stored else [])
        return parts[0] if len(parts) == 1 else np.vstack(parts)
    return rows


def _stored_rows(source: Path, params: SearchParams, stored: int, dimension: int
                 ) -> Callable[[int, int], np.ndarray] | None:
    """Reads rows ``[start, stop)`` of an index file in row order, or None if its layout is not the expected one."""
    from . import faiss_files as files

    if params.kind == "flat":
        return files.flat_blocks(source, dimension) if files.flat_rows(source, dimension) == stored else None
    layout = files.ivf_layout(source, dimension)
    if layout is None or layout.rows != stored:
        return None
    index = read(source, params)  # memory-mapped lists
    # reconstruct_batch finds each row through the direct map; reconstruct_n scans every list's ids per call
    return lambda start, stop: index.reconstruct_batch(np.arange(start, stop, dtype=np.int64))


def _build_file(rows: Callable[[int, int], np.ndarray], n: int, target: Path, *, seed: int = 0,
                block: int = 16384) -> Any:
    """:func:`build` of ``n`` rows read in blocks, written to ``target``: the same cells, lists and ids.

    Returns the file's layout; ``nprobe`` is tuned by the caller (:func:`_tune_file`).
    """
    from . import faiss_files as files

    nlist = nlist_for(n)
    rng = np.random.default_rng(seed)
    picks = np.sort(rng.choice(n, min(n, 40 * nlist), replace=False))
    sample, taken = None, 0
    for start in range(0, n, block):  # filled in place: a list of pieces and their stack would hold it twice
        part = rows(start, min(n, start + block))
        mine = picks[(picks >= start) & (picks < start + len(part))] - start
        if sample is None:
            sample = np.empty((len(picks), part.shape[1]), np.float32)
        sample[taken:taken + len(mine)] = part[mine]
        taken += len(mine)
    centroids = _kmeans(sample, nlist, rng)
    del sample
    cells = np.concatenate([_assign(rows(s, min(n, s + block)), centroids).astype(np.int32)
                            for s in range(0, n, block)])
    return files.write_ivf(target, rows, n, centroids, cells, 1, block=block)


def _tune_file(target: Path, layout: Any, *, seed: int, start: int = 1) -> tuple[int, float]:
    """:func:`tune_nprobe` on an IVF file (exact answers from a block-wise read of its lists); stores the result."""
    from . import faiss_files as files

    index = read(target, SearchParams("ivf", layout.nlist, 1))
    nprobe, recall = tune_nprobe(index, None, seed=seed, start=start,
                                 exact_top=lambda q, k: _top_of_blocks(q, files.iter_lists(target, layout), k))
    files.set_nprobe(target, nprobe)
    return nprobe, recall


def tune_nprobe(index: Any, vectors: np.ndarray | None, *, target: float = TARGET_RECALL, sample: int = 256,
                seed: int = 0, start: int = 1, exact_top: Callable[[np.ndarray, int], tuple[np.ndarray, np.ndarray]]
                | None = None) -> tuple[int, float]:
    """The smallest power-of-two ``nprobe`` whose recall@10 (self excluded) reaches ``target``.

    Queries are a seeded sample of stored vectors; the exact answer is ``exact_top(queries, k)``,
    one product with ``vectors``, or (both None) a scan of every cell.
    """
    n = index.ntotal
    rng = np.random.default_rng(seed)
    rows = np.sort(rng.choice(n, min(n, sample), replace=False))
    queries = vectors[rows] if vectors is not None else np.vstack([index.reconstruct(int(r)) for r in rows])
    k = min(11, n)
    if exact_top is not None:
        exact_scores, exact = exact_top(queries, k)
    elif vectors is not None:
        exact_scores, exact = _top_blocks(queries, vectors, k)
    else:  # scanning every cell is exact and needs no second copy of the vectors
        index.nprobe = index.nlist
        exact_scores, exact = search(index, queries, k)
    # the 10th best score of each query, self excluded; counting scores rather than ids keeps ties (equal
    # vectors) from reading as misses
    kth = np.array([s[ids != row][k - 2] for row, s, ids in zip(rows, exact_scores, exact)])[:, None]
    nprobe = max(1, min(start, index.nlist))
    while True:
        index.nprobe = nprobe
        scores, found = search(index, queries, k)
        hits = ((scores >= kth - 1e-5) & (found != rows[:, None]) & (found >= 0)).sum(axis=1)
        recall = float(np.mean(np.minimum(hits, k - 1) / (k - 1)))
        if recall >= target or nprobe >= index.nlist:
            return nprobe, round(recall, 4)
        nprobe = min(index.nlist, nprobe * 2)


def write(index: Any, path: Path) -> None:
    """Write a FAISS index to ``path`` and flush it to disk (the caller renames it into place)."""
    import faiss

    faiss.write_index(index, str(path))
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def read(path: Path, params: SearchParams, *, mmap: bool = True) -> Any:
    """Load a FAISS file (never pickle); memory-mapped read-only for searching, so opening stays cheap."""
    import faiss

    flags = (faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY) if mmap else 0
    index = faiss.read_index(str(path), flags)
    if params.kind == "ivf":
        faiss.extract_index_ivf(index).nprobe = params.nprobe
    return index


def search(index: Any, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """``(scores, ids)`` of the ``k`` nearest stored rows of each query (ids -1 where fewer exist)."""
    queries = np.ascontiguousarray(queries, dtype=np.float32)
    if not index.ntotal:
        return np.full((len(queries), k), -np.inf, np.float32), np.full((len(queries), k), -1, np.int64)
    ivf = _ivf(index)
    if ivf is None:  # flat: one product with the stored matrix
        return _top(queries @ index.reconstruct_n(0, index.ntotal).T, k)
    cell_scores, cells = _top(queries @ _centroids(ivf).T, min(ivf.nprobe, ivf.nlist))
    scores, ids = ivf.search_preassigned(queries, k, cells, cell_scores)
    return scores, ids


def search_batches(index: Any, queries: np.ndarray, k: int, batch_size: int = 4096
                   ) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """``(offset, scores, ids)`` for consecutive batches of ``queries``.

    Memory stays ``batch_size × max(k, stored rows of a flat index)`` floats.
    """
    if _ivf(index) is None:  # flat: the score block is batch × n, so shrink batches as the index grows
        batch_size = max(1, min(batch_size, (1 << 25) // max(1, index.ntotal)))
    for start in range(0, len(queries), batch_size):
        scores, ids = search(index, queries[start:start + batch_size], k)
        yield start, scores, ids


def all_neighbours(index: Any, vectors: np.ndarray, k: int, *, target: float = TARGET_RECALL, seed: int = 0
                   ) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The ``k`` nearest stored rows of every stored row, as ``(rows, scores, ids)`` blocks, one IVF cell at a time.

    A join rather than ``n`` searches: the rows of a cell are compared, in one matrix product,
    with the rows of the cells nearest that cell's centroid. How many cells is measured like
    ``nprobe``: doubled until recall@10 on a seeded sample of rows reaches ``target``.
    Memory is one cell block at a time.
    """
    ivf = _ivf(index)
    centroids = _centroids(ivf)
    cells = _assign(vectors, centroids)
    order = np.argsort(cells, kind="stable")
    bounds = np.searchsorted(cells[order], np.arange(ivf.nlist + 1))
    members = [order[bounds[c]:bounds[c + 1]] for c in range(ivf.nlist)]
    near = np.argsort(-(centroids @ centroids.T), axis=1, kind="stable")
    probe = _tune_join(vectors, cells, members, near, k, target, seed, start=max(1, ivf.nprobe))
    from threadpoolctl import threadpool_limits

    # products this small run 40× slower when BLAS spreads them over threads (measured on 2 busy cores)
    with threadpool_limits(1):
        for c in range(ivf.nlist):
            if len(members[c]):
                candidates = np.concatenate([members[o] for o in near[c, :probe]])
                scores, at = _top(vectors[members[c]] @ vectors[candidates].T, k)
                yield members[c], scores, np.where(at >= 0, candidates[np.maximum(at, 0)], -1)


def _tune_join(vectors: np.ndarray, cells: np.ndarray, members: list[np.ndarray], near: np.ndarray, k: int,
               target: float, seed: int, start: int) -> int:
    """Cells a join must compare each cell with for recall@10 ≥ ``target`` (self excluded), by doubling."""
    n, nlist = len(vectors), near.shape[0]
    rows = np.sort(np.random.default_rng(seed).choice(n, min(n, 256), replace=False))
    kk = min(11, n)
    exact, _ = _top(vectors[rows] @ vectors.T, kk)
    kth = exact[:, kk - 1:kk]  # self is the best match of a stored row, so the 11th is the 10th neighbour
    probe = min(start, nlist)
    while probe < nlist:
        hits = 0
        for row, bar in zip(rows, kth):
            candidates = np.concatenate([members[o] for o in near[cells[row], :probe]])
            hits += min(kk - 1, int((vectors[candidates] @ vectors[row] >= bar[0] - 1e-5).sum()) - 1)
        if hits / (len(rows) * (kk - 1)) >= target:
            break
        probe = min(nlist, probe * 2)
    return probe


def is_ivf(index: Any) -> bool:
    """Whether ``index`` is (or wraps) an IVF index."""
    return _ivf(index) is not None


def _ivf(index: Any) -> Any | None:
    import faiss

    try:
        return faiss.extract_index_ivf(index)
    except RuntimeError:
        return None


def _centroids(ivf: Any) -> np.ndarray:
    return ivf.quantizer.reconstruct_n(0, ivf.nlist)


def _top(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Row-wise ``k`` largest of a score matrix, best first (ids -1 past the last column)."""
    n, m = scores.shape
    kk = min(k, m)
    part = np.argpartition(-scores, kk - 1, axis=1)[:, :kk] if kk < m else np.tile(np.arange(m), (n, 1))
    top = np.take_along_axis(scores, part, axis=1)
    order = np.argsort(-top, axis=1, kind="stable")
    ids, top = np.take_along_axis(part, order, axis=1), np.take_along_axis(top, order, axis=1)
    if kk < k:
        ids = np.hstack([ids, np.full((n, k - kk), -1)])
        top = np.hstack([top, np.full((n, k - kk), -np.inf, np.float32)])
    return top.astype(np.float32), ids.astype(np.int64)


def _top_blocks(queries: np.ndarray, vectors: np.ndarray, k: int, block: int = 65536) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_top` of ``queries @ vectors.T`` computed over blocks of ``vectors`` (memory: queries × block)."""
    return _top_of_blocks(queries, ((vectors[s:s + block], np.arange(s, min(len(vectors), s + block)))
                                    for s in range(0, len(vectors), block)), k)


def _top_of_blocks(queries: np.ndarray, blocks: Iterable[tuple[np.ndarray, np.ndarray]], k: int
                   ) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` best ``(scores, ids)`` of each query over ``(vectors, ids)`` blocks, merged block by block."""
    best_scores = np.full((len(queries), k), -np.inf, np.float32)
    best_ids = np.full((len(queries), k), -1, np.int64)
    for vectors, ids in blocks:
        scores, at = _top(queries @ vectors.T, k)
        merged_scores = np.hstack([best_scores, scores])
        merged_ids = np.hstack([best_ids, np.where(at >= 0, ids[np.maximum(at, 0)], -1)])
        best_scores, at = _top(merged_scores, k)
        best_ids = np.take_along_axis(merged_ids, np.maximum(at, 0), axis=1)
    return best_scores, best_ids


def _assign(vectors: np.ndarray, centroids: np.ndarray, scores: int = 1 << 23) -> np.ndarray:
    """Nearest centroid of each row, in blocks of rows holding about ``scores`` scores (32 MB) at a time."""
    block = max(256, scores // max(1, len(centroids)))
    return np.concatenate([np.argmax(vectors[s:s + block] @ centroids.T, axis=1)
                           for s in range(0, len(vectors), block)] or [np.zeros(0, np.int64)]).astype(np.int64)


def _kmeans(sample: np.ndarray, k: int, rng: np.random.Generator, niter: int = 10) -> np.ndarray:
    """Spherical k-means (unit centroids, inner product), seeded; empty cells keep their old centroid."""
    centroids = sample[rng.choice(len(sample), k, replace=False)].copy()
    for _ in range(niter):
        assign = _assign(sample, centroids)
        sums = np.zeros_like(centroids)
        np.add.at(sums, assign, sample)  # in place: no sorted copy of the sample (~250 MB at 1M claims)
        cells = np.unique(assign)
        centroids[cells] = sums[cells] / np.maximum(np.linalg.norm(sums[cells], axis=1, keepdims=True), 1e-12)
    return np.ascontiguousarray(centroids, dtype=np.float32)


def _add(index: Any, vectors: np.ndarray) -> None:
    """Append rows to an IVF index with cells assigned here (ids continue the row numbering)."""
    import faiss

    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    cells = _assign(vectors, _centroids(index))
    index.add_core(len(vectors), faiss.swig_ptr(vectors), None, faiss.swig_ptr(cells))
