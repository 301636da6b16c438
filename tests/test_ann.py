"""Oracle checks for the search structures: IVF against brute force, batched all-pairs against unbatched."""

from __future__ import annotations

import numpy as np
import pytest

from checker import ann
from checker.judge.pairs import pairs_from_vectors


def clustered(n: int, d: int = 32, clusters: int = 64, spread: float = 0.35, seed: int = 0) -> np.ndarray:
    """Unit vectors around random centres: text embeddings of many stories look like this."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(clusters, d))
    x = centres[rng.integers(0, clusters, n)] + spread * rng.normal(size=(n, d))
    x = x.astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def brute_top(vectors: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    return np.argsort(-(queries @ vectors.T), axis=1)[:, :k]


@pytest.mark.parametrize("kind", ["clustered", "random"])
def test_ivf_recall_at_10_against_brute_force(kind):
    data = clustered(6300) if kind == "clustered" else clustered(6300, clusters=6300, spread=1.0)
    vectors, queries = data[:6000], data[6000:]  # held-out queries from the same distribution
    index, params = ann.build(vectors, "ivf", seed=1)
    assert params.kind == "ivf" and params.nlist == ann.nlist_for(6000) and params.recall_at_10 >= 0.95
    _, found = index.search(queries, 10)
    truth = brute_top(vectors, queries, 10)
    recall = np.mean([len(set(f) & set(t)) / 10 for f, t in zip(found, truth)])
    assert recall >= 0.95
    if kind == "clustered":  # structure lets IVF scan a fraction of the cells
        assert params.nprobe < params.nlist / 4


def test_ivf_stores_vectors_exactly_and_keeps_row_ids():
    vectors = clustered(3000, seed=3)
    index, _ = ann.build(vectors, "ivf")
    assert np.array_equal(index.reconstruct_n(0, 3000), vectors)
    _, ids = index.search(vectors[[5, 2500]], 1)
    assert ids[:, 0].tolist() == [5, 2500]


def test_auto_switches_at_the_limit_and_extend_retrains_after_growth():
    assert ann.choose_kind("auto", ann.FLAT_LIMIT - 1) == "flat" and ann.choose_kind("auto", ann.FLAT_LIMIT) == "ivf"
    assert ann.choose_kind("ivf", 10) == "ivf"
    with pytest.raises(ValueError, match="flat, ivf"):
        ann.choose_kind("hnsw", 10)
    vectors = clustered(9000, seed=4)
    index, params = ann.build(vectors[:2000], "ivf")
    grown, same = ann.extend(index, params, vectors[2000:3000], "ivf", 32)
    assert grown.ntotal == 3000 and same.trained_on == 2000  # appended, cells kept
    regrown, retrained = ann.extend(grown, same, vectors[3000:], "ivf", 32)
    assert regrown.ntotal == 9000 and retrained.trained_on == 9000 and retrained.nlist == ann.nlist_for(9000)
    assert np.array_equal(regrown.reconstruct_n(0, 9000), vectors)


@pytest.mark.parametrize("batch_size", [1, 7, 100])
def test_batched_all_pairs_equal_unbatched(batch_size):
    vectors = clustered(400, seed=5)
    whole = pairs_from_vectors(vectors, k=6, min_similarity=0.2, batch_size=10_000)
    batched = pairs_from_vectors(vectors, k=6, min_similarity=0.2, batch_size=batch_size)
    # same pairs; scores equal up to float rounding (BLAS sums in a different order per batch shape)
    assert {(i, j) for i, j, _ in batched} == {(i, j) for i, j, _ in whole}
    assert np.allclose(sorted(s for *_, s in batched), sorted(s for *_, s in whole), atol=1e-5)
    assert whole and all(i < j for i, j, _ in whole)


def test_all_pairs_over_ivf_find_the_exact_top_pairs():
    vectors = clustered(5000, seed=6)
    index, _ = ann.build(vectors, "ivf")
    exact = pairs_from_vectors(vectors, k=5)
    approx = pairs_from_vectors(vectors, k=5, search_index=index, batch_size=512)
    top = {(i, j) for i, j, _ in exact[:2000]}
    assert len(top & {(i, j) for i, j, _ in approx}) / len(top) >= 0.95


def test_blockwise_top_equals_one_product() -> None:
    rng = np.random.default_rng(3)
    vectors, queries = rng.normal(size=(1000, 8)).astype(np.float32), rng.normal(size=(20, 8)).astype(np.float32)
    whole = ann._top(queries @ vectors.T, 11)
    for block in (7, 64, 333, 5000):  # blocks smaller than k, uneven, larger than the matrix
        scores, ids = ann._top_blocks(queries, vectors, 11, block=block)
        assert np.array_equal(ids, whole[1]) and np.allclose(scores, whole[0])
