"""Spherical k-means, cell assignment and row-wise top-k in numpy: the arithmetic under :mod:`checker.store.ann`.

Run in numpy rather than through FAISS's bundled BLAS, which measured 5x slower on the same CPU.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


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
