"""The on-disk commit of a FAISS file: the next generation's file written from the stored one plus new rows.

:func:`extend_file` is the counterpart of :func:`checker.store.ann.extend` that never loads the stored
index: a flat file is copied and appended to, an IVF file's inverted lists are copied one by one with
the new rows added (:mod:`checker.store.faiss_files`), and a retrain reads the stored rows in blocks.
``checker.store.ann.extend_file`` resolves to it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from . import ann
from . import faiss_files as files


def extend_file(source: Path | None, params: ann.SearchParams, stored: int, new: np.ndarray, requested: str,
                dimension: int, target: Path, *, seed: int = 0) -> ann.SearchParams | None:
    """Write ``target``: the index file ``source`` (``stored`` rows) with ``new`` rows after them, without loading it.

    The on-disk counterpart of :func:`checker.store.ann.extend`, with the same results. A flat file is
    copied and appended to; an IVF file's lists are copied one by one with the new rows added
    (:mod:`checker.store.faiss_files`); a retrain (IVF grown ``ann.RETRAIN_GROWTH``-fold, or a flat index
    grown past ``ann.FLAT_LIMIT``) reads the stored rows in blocks, three times: for the k-means
    sample, to assign cells, to write. Memory holds ``new``, a block of stored rows and, while
    retraining, the training sample (40 rows a cell, ~160·√n) and 4 bytes a row for its cell.

    Returns:
        The written file's search parameters; None, having written nothing, when ``source`` is
        not laid out as expected or an IVF index becomes flat: the caller loads it with ``ann.extend``.
    """
    new = np.ascontiguousarray(new, dtype=np.float32).reshape(len(new), -1) if len(new) else \
        np.zeros((0, dimension), np.float32)
    total = stored + len(new)
    kind = ann.choose_kind(requested, total)
    if source is None or not stored:
        import faiss

        index, params = ann.build(new, kind, seed=seed) if len(new) else \
            (faiss.IndexFlatIP(dimension), ann.SearchParams())
        ann.write(index, target)
        return params
    if kind == params.kind == "flat":
        return ann.SearchParams() if files.append_flat(source, target, new, dimension) else None
    regrown = kind == "ivf" and total > ann.RETRAIN_GROWTH * max(params.trained_on, 1)
    if kind == params.kind == "ivf" and not regrown:
        layout = files.ivf_layout(source, dimension)
        if layout is None or layout.rows != stored:
            return None
        if not len(new):  # nothing to add: the same file
            shutil.copyfile(source, target)
            return params
        layout = files.append_ivf(source, target, new, ann._assign(new, layout.centroids(source)))
        nprobe, recall = _tune_file(target, layout, seed=seed, start=params.nprobe)
        return ann.SearchParams("ivf", layout.nlist, nprobe, recall, params.trained_on)
    old_rows = _stored_rows(source, params, stored, dimension) if kind == "ivf" and total >= 2 else None
    if old_rows is None:
        return None
    layout = _build_file(_then(old_rows, stored, new), total, target, seed=seed)
    old_rows = None  # frees the source's reader (its direct map) before the new file is opened to tune it
    nprobe, recall = _tune_file(target, layout, seed=seed)
    return ann.SearchParams("ivf", layout.nlist, nprobe, recall, total)


def _then(old_rows: Callable[[int, int], np.ndarray], stored: int, new: np.ndarray
          ) -> Callable[[int, int], np.ndarray]:
    """Rows ``[start, stop)`` of the stored rows followed by ``new``."""
    def rows(start: int, stop: int) -> np.ndarray:
        parts = ([old_rows(start, min(stop, stored))] if start < stored else []) + \
            ([new[max(start, stored) - stored:stop - stored]] if stop > stored else [])
        return parts[0] if len(parts) == 1 else np.vstack(parts)
    return rows


def _stored_rows(source: Path, params: ann.SearchParams, stored: int, dimension: int
                 ) -> Callable[[int, int], np.ndarray] | None:
    """Reads rows ``[start, stop)`` of an index file in row order, or None if its layout is not the expected one."""
    if params.kind == "flat":
        return files.flat_blocks(source, dimension) if files.flat_rows(source, dimension) == stored else None
    layout = files.ivf_layout(source, dimension)
    if layout is None or layout.rows != stored:
        return None
    index = ann.read(source, params)  # memory-mapped lists
    # reconstruct_batch finds each row through the direct map; reconstruct_n scans every list's ids per call
    return lambda start, stop: index.reconstruct_batch(np.arange(start, stop, dtype=np.int64))


def _build_file(rows: Callable[[int, int], np.ndarray], n: int, target: Path, *, seed: int = 0,
                block: int = 16384) -> Any:
    """:func:`build` of ``n`` rows read in blocks, written to ``target``: the same cells, lists and ids.

    Returns the file's layout; ``nprobe`` is tuned by the caller (:func:`_tune_file`).
    """
    nlist = ann.nlist_for(n)
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
    centroids = ann._kmeans(sample, nlist, rng)
    del sample
    cells = np.concatenate([ann._assign(rows(s, min(n, s + block)), centroids).astype(np.int32)
                            for s in range(0, n, block)])
    return files.write_ivf(target, rows, n, centroids, cells, 1, block=block)


def _tune_file(target: Path, layout: Any, *, seed: int, start: int = 1) -> tuple[int, float]:
    """:func:`tune_nprobe` on an IVF file (exact answers from a block-wise read of its lists); stores the result."""
    index = ann.read(target, ann.SearchParams("ivf", layout.nlist, 1))
    nprobe, recall = ann.tune_nprobe(index, None, seed=seed, start=start,
                                 exact_top=lambda q, k: ann._top_of_blocks(q, files.iter_lists(target, layout), k))
    files.set_nprobe(target, nprobe)
    return nprobe, recall
