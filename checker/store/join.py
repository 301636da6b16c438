"""All pairs of near neighbours in an IVF index, as a join cell by cell (``index check``, ``check_index``).

``checker.store.ann.all_neighbours`` resolves to :func:`all_neighbours`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from . import ann
from .ann import TARGET_RECALL


def all_neighbours(index: Any, vectors: np.ndarray, k: int, *, target: float = TARGET_RECALL, seed: int = 0
                   ) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The ``k`` nearest stored rows of every stored row, as ``(rows, scores, ids)`` blocks, one IVF cell at a time.

    A join rather than ``n`` searches: the rows of a cell are compared, in one matrix product,
    with the rows of the cells nearest that cell's centroid. How many cells is measured like
    ``nprobe``: doubled until recall@10 on a seeded sample of rows reaches ``target``.
    Memory is one cell block at a time.
    """
    ivf = ann._ivf(index)
    centroids = ann._centroids(ivf)
    cells = ann._assign(vectors, centroids)
    order = np.argsort(cells, kind="stable")
    bounds = np.searchsorted(cells[order], np.arange(ivf.nlist + 1))
    members = [order[bounds[c]:bounds[c + 1]] for c in range(ivf.nlist)]
    near = np.argsort(-(centroids @ centroids.T), axis=1, kind="stable")
    probe = _tune_join(vectors, cells, members, near, k, target, seed, start=max(1, ivf.nprobe))
    # products this small run 40× slower when BLAS spreads them over threads (measured on 2 busy cores)
    with threadpool_limits(1):
        for c in range(ivf.nlist):
            if len(members[c]):
                candidates = np.concatenate([members[o] for o in near[c, :probe]])
                scores, at = ann._top(vectors[members[c]] @ vectors[candidates].T, k)
                yield members[c], scores, np.where(at >= 0, candidates[np.maximum(at, 0)], -1)


def _tune_join(vectors: np.ndarray, cells: np.ndarray, members: list[np.ndarray], near: np.ndarray, k: int,
               target: float, seed: int, start: int) -> int:
    """Cells a join must compare each cell with for recall@10 ≥ ``target`` (self excluded), by doubling."""
    n, nlist = len(vectors), near.shape[0]
    rows = np.sort(np.random.default_rng(seed).choice(n, min(n, 256), replace=False))
    kk = min(11, n)
    exact, _ = ann._top(vectors[rows] @ vectors.T, kk)
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
