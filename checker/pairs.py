"""Candidate pairs: nearest neighbours between claims that different voices assert.

:func:`find_pairs` embeds and delegates to the array-level
:func:`pairs_from_vectors`, which a test can drive with hand-written vectors.
Pairs are kept only between claims of different reports, or of different
attributed sources within one report.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def pairs_from_vectors(vectors: np.ndarray, *, k: int = 8, min_similarity: float = 0.0,
                       allowed: Callable[[int, int], bool] | None = None,
                       queries: list[int] | None = None) -> list[tuple[int, int, float]]:
    """Nearest-neighbour pairs ``(i, j, cosine)`` with ``i < j``, best first.

    Args:
        vectors: ``(n, d)`` unit rows.
        k: neighbours looked up per query row. Higher finds more pairs, costs more judging.
            Defaults to 8.
        min_similarity: pairs below this cosine are dropped. Defaults to 0.0.
        allowed: ``allowed(i, j)`` filters pairs (e.g. same report, same source).
        queries: rows to search from. Defaults to all rows; pass only the new
            claims' rows to compare them with everything stored.

    Returns:
        Unique pairs sorted by descending cosine.
    """
    import faiss

    n = len(vectors)
    if n < 2:
        return []
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    rows = list(range(n)) if queries is None else list(queries)
    if not rows:
        return []
    kk = min(n, k + 1)
    scores, neighbours = index.search(np.ascontiguousarray(vectors[rows], dtype=np.float32), kk)
    seen: dict[tuple[int, int], float] = {}
    for row, sims, ids in zip(rows, scores, neighbours):
        for sim, j in zip(sims, ids):
            if j < 0 or j == row or sim < min_similarity:
                continue
            pair = (min(row, int(j)), max(row, int(j)))
            if pair in seen or (allowed and not allowed(*pair)):
                continue
            seen[pair] = float(sim)
    return sorted(((i, j, s) for (i, j), s in seen.items()), key=lambda t: -t[2])
