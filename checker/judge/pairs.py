"""Candidate pairs: nearest neighbours between claims that different voices assert.

:func:`find_pairs` embeds and delegates to the array-level
:func:`pairs_from_vectors`, which a test can drive with hand-written vectors.
Pairs are kept only between claims of different reports, or of different
attributed sources within one report.

Queries run in batches against one search structure (exact flat search, or a
stored index's IVF), so memory is bounded by ``batch_size × k`` search results
plus the pairs found, never ``n × n``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..store.ann import all_neighbours, build, choose_kind, is_ivf, search_batches


def pairs_from_vectors(vectors: np.ndarray, *, k: int = 8, min_similarity: float = 0.0,
                       allowed: Callable[[int, int], bool] | None = None,
                       queries: list[int] | None = None, search_index: Any | None = None,
                       batch_size: int = 4096) -> list[tuple[int, int, float]]:
    """Nearest-neighbour pairs ``(i, j, cosine)`` with ``i < j``, best first.

    Args:
        vectors: ``(n, d)`` unit rows.
        k: neighbours looked up per query row. Higher finds more pairs, costs more judging.
            Defaults to 8.
        min_similarity: pairs below this cosine are dropped. Defaults to 0.0.
        allowed: ``allowed(i, j)`` filters pairs (e.g. same report, same source).
        queries: rows to search from. Defaults to all rows; pass only the new
            claims' rows to compare them with everything stored.
        search_index: a FAISS index whose ids are the rows of ``vectors`` (e.g. a stored
            IVF index). Defaults to exact search over ``vectors`` below 50,000 rows, and above that an IVF
            index built over them (recall@10 ≥ 0.95): exact search of every row against every row grows
            with the square of the rows (a 50 MB report has ~300,000 claims).
        batch_size: query rows searched at once. Decrease to lower memory. Defaults to 4096.

    Returns:
        Unique pairs sorted by descending cosine.
    """
    n = len(vectors)
    rows = np.arange(n) if queries is None else np.asarray(queries, dtype=np.int64)
    if n < 2 or not len(rows):
        return []
    if search_index is None:  # exact below FLAT_LIMIT rows; above, exact search of every row is quadratic
        search_index, _ = build(vectors, choose_kind("auto", n))
    kk = min(n, k + 1)
    found_i, found_j, found_s = [], [], []
    if queries is None and is_ivf(search_index):  # every row against every row: join cell by cell
        blocks = all_neighbours(search_index, np.ascontiguousarray(vectors, dtype=np.float32), kk)
    else:
        blocks = ((rows[o:o + len(ids)], scores, ids) for o, scores, ids in
                  search_batches(search_index, vectors[rows], kk, batch_size))
    for block_rows, scores, ids in blocks:
        left = np.repeat(block_rows, kk)
        right, sims = ids.ravel(), scores.ravel()
        keep = (right >= 0) & (right != left) & (sims >= min_similarity)
        left, right = left[keep], right[keep]
        found_i.append(np.minimum(left, right))
        found_j.append(np.maximum(left, right))
        found_s.append(sims[keep])
    i, j, s = (np.concatenate(parts) for parts in (found_i, found_j, found_s))
    _, first = np.unique(i * n + j, return_index=True)
    i, j, s = i[first], j[first], s[first]
    order = np.lexsort((j, i, -s))  # best first; ties in row order, so results are reproducible
    pairs = zip(i[order].tolist(), j[order].tolist(), s[order].tolist())
    return [p for p in pairs if allowed(p[0], p[1])] if allowed else list(pairs)


def story_pairs(vectors: np.ndarray, report_of: list[str], story_of: dict[str, int], *, top: int = 2,
                allowed: Callable[[int, int], bool] | None = None,
                links: dict[str, set[str]] | None = None) -> dict[tuple[int, int], tuple[int, bool, float]]:
    """Claims aligned across the reports of one story: ``{(i, j): (rank, mutual, margin)}`` with ``i < j``.

    For every two reports of one story (or two voices of one report), each claim is paired with its ``top``
    most similar claims of the other report, and the other way round. Ranks within one report pair do not
    depend on where cosine sits for a language pair (a translation scores lower than a paraphrase), so the
    same rule aligns Arabic with English as English with English. The number of pairs is at most
    ``2 × top`` per claim per other report of its story.

    Args:
        vectors: ``(n, d)`` unit rows.
        report_of: each row's report id.
        story_of: each report's story (:func:`checker.judge.grouping.group_reports`).
        top: claims of the other report each claim is paired with. Defaults to 2.
        allowed: ``allowed(i, j)`` filters pairs (e.g. one source twice in one report).
        links: the reports each report is compared with (:func:`~checker.judge.grouping.story_links`).
            Defaults to every report of its story.
    """
    rows: dict[str, list[int]] = {}
    for i, report in enumerate(report_of):
        rows.setdefault(report, []).append(i)
    by_story: dict[int, list[str]] = {}
    for report in rows:
        by_story.setdefault(story_of.get(report, -1 - len(by_story)), []).append(report)
    out: dict[tuple[int, int], tuple[int, bool, float]] = {}
    for reports in by_story.values():
        for x, rx in enumerate(reports):
            for ry in reports[x:]:
                if links is None or ry == rx or ry in links.get(rx, ()) or rx in links.get(ry, ()):
                    _align(vectors, rows[rx], rows[ry], top, allowed, out)
    return out


#: Claims of one report aligned with each other (its voices: sources it quotes) at most; a longer report (a dump
#: pasted as one report) keeps only its nearest-neighbour pairs, since aligning it with itself is quadratic.
SELF_ALIGN_LIMIT = 5000
ALIGN_BLOCK = 1024  #: rows of the left report compared at once: memory grows with block × right, not left × right


def _align(vectors: np.ndarray, left: list[int], right: list[int], top: int,
           allowed: Callable[[int, int], bool] | None, out: dict) -> None:
    """Pair each claim of ``left`` with its ``top`` closest of ``right`` and the other way round, by blocks of
    :data:`ALIGN_BLOCK` left rows (a column's best rows and mean are carried across blocks)."""
    same = left is right or left == right
    if same and len(left) > SELF_ALIGN_LIMIT:
        return
    n, m = len(left), len(right)
    k_l, k_r = min(top, m), min(top, n)
    theirs = vectors[right]
    best_l = np.zeros((n, k_l), dtype=np.int64)
    best_l_sims = np.zeros((n, k_l), dtype=np.float32)
    mean_l = np.zeros(n)
    col_rows = np.zeros((0, m), dtype=np.int64)  # best left rows of each right column so far, best first
    col_sims = np.zeros((0, m), dtype=np.float32)
    col_sum, col_count = np.zeros(m), np.zeros(m)
    for start in range(0, n, ALIGN_BLOCK):
        stop = min(n, start + ALIGN_BLOCK)
        sims = vectors[left[start:stop]] @ theirs.T
        if same:  # within one report, a claim is not its own counterpart
            sims[np.arange(stop - start), np.arange(start, stop)] = -2.0
        order = np.argsort(-sims, axis=1)[:, :k_l]
        best_l[start:stop], best_l_sims[start:stop] = order, np.take_along_axis(sims, order, axis=1)
        valid = sims > -1.5
        kept = np.where(valid, sims, 0)
        mean_l[start:stop] = kept.sum(axis=1) / np.maximum(1, valid.sum(axis=1))
        col_sum += kept.sum(axis=0)
        col_count += valid.sum(axis=0)
        rows = np.concatenate([col_rows, np.broadcast_to(np.arange(start, stop)[:, None], sims.shape)])
        values = np.concatenate([col_sims, sims])
        pick = np.argsort(-values, axis=0, kind="stable")[:k_r]  # ties keep the earlier row, as one sort would
        col_rows, col_sims = np.take_along_axis(rows, pick, axis=0), np.take_along_axis(values, pick, axis=0)
    mean_r = col_sum / np.maximum(1, col_count)
    best_r, best_r_sims = col_rows.T, col_sims.T
    for a in range(n):
        for rank, b in enumerate(best_l[a].tolist()):
            _keep(a, b, float(best_l_sims[a, rank]), best_l, best_r, mean_l, mean_r, left, right, allowed, out)
    for b in range(m):
        for rank, a in enumerate(best_r[b].tolist()):
            _keep(a, b, float(best_r_sims[b, rank]), best_l, best_r, mean_l, mean_r, left, right, allowed, out)


def _keep(a, b, sim, best_l, best_r, mean_l, mean_r, left, right, allowed, out) -> None:
    i, j = left[a], right[b]
    if i == j or sim <= -1.5 or (allowed and not allowed(i, j)):
        return
    rank_l, rank_r = list(best_l[a]).index(b) if b in best_l[a] else 99, \
        list(best_r[b]).index(a) if a in best_r[b] else 99
    margin = float(sim - (mean_l[a] + mean_r[b]) / 2)
    key = (min(i, j), max(i, j))
    value = (min(rank_l, rank_r), rank_l == 0 and rank_r == 0, round(margin, 4))
    if key not in out or value < out[key]:
        out[key] = value
