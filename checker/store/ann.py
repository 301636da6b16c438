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

import importlib
import math
import os
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .kmeans import _assign, _kmeans, _top, _top_blocks, _top_of_blocks  # noqa: F401 (ann._top etc. are used)

KINDS = ("auto", "flat", "ivf")
#: names that live in modules built on this one (the on-disk commit, the all-pairs join) and resolve here on
#: first use (PEP 562, as ``checker``'s public names do), so ``ann.extend_file`` and ``ann.all_neighbours`` work
_ON_DISK = {"extend_file": "ann_disk", "all_neighbours": "join"}
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


def _add(index: Any, vectors: np.ndarray) -> None:
    """Append rows to an IVF index with cells assigned here (ids continue the row numbering)."""
    import faiss

    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    cells = _assign(vectors, _centroids(index))
    index.add_core(len(vectors), faiss.swig_ptr(vectors), None, faiss.swig_ptr(cells))


def __getattr__(name: str) -> Any:
    if name not in _ON_DISK:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_ON_DISK[name]}", __package__), name)
    globals()[name] = value  # resolved once
    return value
