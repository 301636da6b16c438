"""Nearest-neighbour search structures: exact flat search for small corpora, IVF for large ones.

An index stores its vectors in one FAISS file that is both the store and the
search structure: ``IndexFlatIP`` (exact; every query scans every row) below
:data:`FLAT_LIMIT` claims, ``IndexIVFFlat`` (vectors grouped into ``nlist``
k-means cells; a query scans the ``nprobe`` nearest cells) above it. IVF keeps
full float32 vectors, so stored vectors are reconstructed exactly and scores
are exact inner products; only which rows get scanned is approximate.
``nprobe`` is measured, not guessed: after training, :func:`tune_nprobe`
doubles it until recall@10 against exact search on a sample of the stored
vectors reaches the target.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
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
    index = faiss.IndexIVFFlat(faiss.IndexFlatIP(d), d, nlist, faiss.METRIC_INNER_PRODUCT)
    index.cp.niter, index.cp.seed = 10, seed
    rng = np.random.default_rng(seed)
    sample = vectors[np.sort(rng.choice(n, min(n, 40 * nlist), replace=False))]
    index.train(sample)
    index.add(vectors)
    index.make_direct_map()  # rows can be reconstructed (Index.vectors) and ids stay row numbers
    nprobe, recall = tune_nprobe(index, vectors, target=target, seed=seed)
    return index, SearchParams("ivf", nlist, nprobe, recall, n)


def extend(index: Any | None, params: SearchParams, new: np.ndarray, requested: str, dimension: int,
           *, seed: int = 0) -> tuple[Any, SearchParams]:
    """``index`` with ``new`` rows appended, rebuilt when the kind changes or IVF outgrew its training.

    Returns:
        The (possibly new) FAISS index and its parameters.
    """
    import faiss

    stored = index.ntotal if index is not None else 0
    kind = choose_kind(requested, stored + len(new))
    regrown = kind == "ivf" and stored + len(new) > RETRAIN_GROWTH * max(params.trained_on, 1)
    if index is not None and kind == params.kind and not regrown:
        if len(new):
            index.add(np.ascontiguousarray(new, dtype=np.float32))
        if kind == "ivf" and len(new):
            nprobe, recall = tune_nprobe(index, None, target=TARGET_RECALL, seed=seed, start=params.nprobe)
            params = SearchParams("ivf", params.nlist, nprobe, recall, params.trained_on)
        return index, params
    old = index.reconstruct_n(0, stored) if stored else np.zeros((0, dimension), np.float32)
    if index is None and not len(new):
        return faiss.IndexFlatIP(dimension), SearchParams()
    return build(np.vstack([old, new]).astype(np.float32), kind, seed=seed)


def tune_nprobe(index: Any, vectors: np.ndarray | None, *, target: float = TARGET_RECALL, sample: int = 256,
                seed: int = 0, start: int = 1) -> tuple[int, float]:
    """The smallest power-of-two ``nprobe`` whose recall@10 (self excluded) reaches ``target``.

    Queries are a seeded sample of stored vectors; the exact answer comes from
    scanning every cell, so no second copy of the vectors is needed.
    """
    n = index.ntotal
    rng = np.random.default_rng(seed)
    rows = np.sort(rng.choice(n, min(n, sample), replace=False))
    queries = vectors[rows] if vectors is not None else np.vstack([index.reconstruct(int(r)) for r in rows])
    k = min(11, n)
    index.nprobe = index.nlist
    _, exact = index.search(queries, k)
    truth = [set(ids[ids != row].tolist()[: k - 1]) for row, ids in zip(rows, exact)]
    nprobe = max(1, min(start, index.nlist))
    while True:
        index.nprobe = nprobe
        _, found = index.search(queries, k)
        recall = float(np.mean([len(t & set(f.tolist())) / max(1, len(t)) for t, f in zip(truth, found)]))
        if recall >= target or nprobe >= index.nlist:
            return nprobe, round(recall, 4)
        nprobe = min(index.nlist, nprobe * 2)


def read(path: Path, params: SearchParams, *, mmap: bool = True) -> Any:
    """Load a FAISS file (never pickle); memory-mapped read-only for searching, so opening stays cheap."""
    import faiss

    flags = (faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY) if mmap else 0
    index = faiss.read_index(str(path), flags)
    if params.kind == "ivf":
        faiss.extract_index_ivf(index).nprobe = params.nprobe
    return index


def search_batches(index: Any, queries: np.ndarray, k: int, batch_size: int = 4096
                   ) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """``(offset, scores, ids)`` for consecutive batches of ``queries``, so memory stays ``batch_size × k``."""
    for start in range(0, len(queries), batch_size):
        batch = np.ascontiguousarray(queries[start:start + batch_size], dtype=np.float32)
        scores, ids = index.search(batch, k)
        yield start, scores, ids
