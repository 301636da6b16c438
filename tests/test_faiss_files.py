"""FAISS files written on disk: byte-identical to ``faiss.write_index``, and commits that never load the store."""

from __future__ import annotations

import faiss
import numpy as np
import pytest

from checker import ann, faiss_files
from checker.store.build import write_chunked
from tests.conftest import FakeEmbedder
from tests.test_ann import clustered
from tests.test_build import _corpus


def _faiss_bytes(index, path) -> bytes:
    faiss.write_index(index, str(path))
    return path.read_bytes()


def _ivf_with_cells(vectors: np.ndarray, centroids: np.ndarray, cells: np.ndarray):
    """An IndexIVFFlat filled by FAISS itself with rows placed in the given lists."""
    quantizer = faiss.IndexFlatIP(centroids.shape[1])
    quantizer.add(centroids)
    index = faiss.IndexIVFFlat(quantizer, centroids.shape[1], len(centroids), faiss.METRIC_INNER_PRODUCT)
    index.is_trained, index.own_fields = True, True
    quantizer.this.disown()
    index.make_direct_map()
    cells = np.ascontiguousarray(cells, dtype=np.int64)  # held: FAISS reads it through a raw pointer
    index.add_core(len(vectors), faiss.swig_ptr(vectors), None, faiss.swig_ptr(cells))
    return index


@pytest.mark.parametrize("lists", ["full", "sparse"])
def test_appending_to_an_ivf_file_gives_the_file_faiss_writes(tmp_path, lists):
    vectors = clustered(3000, seed=7)
    index, _ = ann.build(vectors[:2000], "ivf")
    centroids = ann._centroids(index)
    if lists == "sparse":  # most lists empty: FAISS then stores (list, size) pairs
        cells = np.arange(3000) % 3
        index = _ivf_with_cells(vectors[:2000], centroids, cells[:2000])
    else:
        cells = ann._assign(vectors, centroids)
    faiss.write_index(index, str(tmp_path / "old.faiss"))
    layout = faiss_files.append_ivf(tmp_path / "old.faiss", tmp_path / "new.faiss", vectors[2000:], cells[2000:])
    more, more_cells = np.ascontiguousarray(vectors[2000:]), np.ascontiguousarray(cells[2000:], dtype=np.int64)
    index.add_core(1000, faiss.swig_ptr(more), None, faiss.swig_ptr(more_cells))
    assert (tmp_path / "new.faiss").read_bytes() == _faiss_bytes(index, tmp_path / "faiss.faiss")
    parsed = faiss_files.ivf_layout(tmp_path / "new.faiss", 32)
    assert (parsed.rows, parsed.data, parsed.direct_map) == (3000, layout.data, layout.direct_map)
    assert np.array_equal(parsed.sizes, np.bincount(cells, minlength=parsed.nlist))


@pytest.mark.parametrize("block", [1, 97, 100_000])
def test_an_ivf_file_written_from_row_blocks_is_the_file_faiss_writes(tmp_path, block):
    vectors = clustered(2500, seed=8)
    index, _ = ann.build(vectors, "ivf")
    centroids, cells = ann._centroids(index), ann._assign(vectors, ann._centroids(index))
    faiss_files.write_ivf(tmp_path / "ours.faiss", lambda s, e: vectors[s:e], len(vectors), centroids,
                          cells.astype(np.int32), index.nprobe, block=block)
    assert (tmp_path / "ours.faiss").read_bytes() == _faiss_bytes(index, tmp_path / "faiss.faiss")
    layout = faiss_files.ivf_layout(tmp_path / "ours.faiss", 32)
    for piece in (7, 300):  # lists of ~50 rows: cut into pieces, and read several at a time
        seen = {}
        for rows, ids in faiss_files.iter_lists(tmp_path / "ours.faiss", layout, block=piece):
            assert len(rows) <= piece
            seen.update(zip(ids.tolist(), rows))
        assert sorted(seen) == list(range(2500)) and all(np.array_equal(seen[i], vectors[i]) for i in seen)


def test_a_retrain_read_in_many_blocks_equals_one_in_memory(tmp_path, monkeypatch):
    vectors = clustered(3000, seed=11)
    start, params = ann.build(vectors[:700], "ivf")
    faiss.write_index(start, str(tmp_path / "old.faiss"))
    from checker.store import ann_disk

    build_file = ann_disk._build_file
    monkeypatch.setattr(ann_disk, "_build_file", lambda *a, **k: build_file(*a, **{**k, "block": 333}))
    written = ann.extend_file(tmp_path / "old.faiss", params, 700, vectors[700:], "ivf", 32, tmp_path / "new.faiss")
    expected, expected_params = ann.extend(start, params, vectors[700:], "ivf", 32)
    assert written == expected_params and written.trained_on == 3000  # blocks straddle the stored/new boundary
    assert (tmp_path / "new.faiss").read_bytes() == _faiss_bytes(expected, tmp_path / "faiss.faiss")


def test_a_damaged_file_is_refused_not_raised(tmp_path):
    ivf, _ = ann.build(clustered(400, seed=12), "ivf")
    raw = bytearray(_faiss_bytes(ivf, tmp_path / "ivf.faiss"))
    layout = faiss_files.ivf_layout(tmp_path / "ivf.faiss", 32)
    count_at = layout.direct_map + 8 * layout.rows + 4 + 8 + 8 + 4  # the list-size count after "ilar", nlist, code size
    for damaged in (raw[:count_at + 20], raw[:count_at] + (1 << 40).to_bytes(8, "little") + raw[count_at + 8:]):
        (tmp_path / "bad.faiss").write_bytes(bytes(damaged))
        assert faiss_files.ivf_layout(tmp_path / "bad.faiss", 32) is None


def test_files_of_another_layout_are_refused_and_nothing_is_written(tmp_path):
    vectors = clustered(1000, seed=9)
    flat = faiss.IndexFlatIP(32)
    flat.add(vectors)
    faiss.write_index(flat, str(tmp_path / "flat.faiss"))
    ivf, _ = ann.build(vectors, "ivf")
    raw = _faiss_bytes(ivf, tmp_path / "ivf.faiss")
    (tmp_path / "cut.faiss").write_bytes(raw[:-8])
    for name, dimension in (("flat.faiss", 32), ("cut.faiss", 32), ("ivf.faiss", 16), ("missing.faiss", 32)):
        assert faiss_files.ivf_layout(tmp_path / name, dimension) is None
        assert faiss_files.append_ivf(tmp_path / name, tmp_path / "out.faiss", vectors[:3, :dimension],
                                      np.zeros(3, np.int64)) is None
        assert not (tmp_path / "out.faiss").exists()
    assert ann.extend_file(tmp_path / "cut.faiss", ann.SearchParams("ivf", 25, 4, 1.0, 1000), 1000,
                           vectors[:10], "ivf", 32, tmp_path / "out.faiss") is None


@pytest.mark.parametrize("case", ["flat stays flat", "flat becomes ivf", "ivf appends", "ivf retrains"])
def test_extending_a_file_on_disk_equals_extending_it_in_memory(tmp_path, case, monkeypatch):
    monkeypatch.setattr(ann, "FLAT_LIMIT", 1500)
    vectors = clustered(8000, seed=10)
    first, total = {"flat stays flat": (600, 1000), "flat becomes ivf": (1000, 2600),
                    "ivf appends": (1600, 2400), "ivf retrains": (1600, 8000)}[case]
    start, params = ann.build(vectors[:first], ann.choose_kind("auto", first))
    faiss.write_index(start, str(tmp_path / "old.faiss"))
    written = ann.extend_file(tmp_path / "old.faiss", params, first, vectors[first:total], "auto", 32,
                              tmp_path / "new.faiss")
    expected, expected_params = ann.extend(start, params, vectors[first:total], "auto", 32)
    assert written == expected_params
    assert written.kind == ("flat" if case == "flat stays flat" else "ivf")
    assert written.trained_on == {"ivf appends": 1600}.get(case, 0 if written.kind == "flat" else total)
    assert (tmp_path / "new.faiss").read_bytes() == _faiss_bytes(expected, tmp_path / "faiss.faiss")


def test_ivf_commits_never_load_the_stored_vectors(tmp_path, monkeypatch):
    docs = _corpus(tmp_path / "r", 40)
    expected = write_chunked(tmp_path / "one", docs, FakeEmbedder(), index_type="ivf")
    real_read = ann.read

    def mapped_only(path, params, *, mmap=True):
        assert mmap, "a commit loaded the stored vectors"
        return real_read(path, params)

    monkeypatch.setattr(ann, "read", mapped_only)
    index = write_chunked(tmp_path / "idx", docs, FakeEmbedder(), index_type="ivf", chunk_claims=10)
    info = index.info()
    assert info.generation > 3 and info.index_type == "IndexIVFFlat" and info.search["trained_on"] < info.claims
    assert np.array_equal(index.vectors(), expected.vectors())
    queries = expected.vectors()[:5]
    assert index.search(queries, 1)[1][:, 0].tolist() == [0, 1, 2, 3, 4]


def test_a_file_that_cannot_be_streamed_is_extended_in_memory(tmp_path, monkeypatch):
    docs = _corpus(tmp_path / "r", 40)
    write_chunked(tmp_path / "idx", docs[:20], FakeEmbedder(), index_type="ivf")
    monkeypatch.setattr(faiss_files, "ivf_layout", lambda *a: None)  # as if FAISS changed its file layout
    index = write_chunked(tmp_path / "idx", docs[20:], FakeEmbedder(), index_type="ivf", add=True)
    expected = write_chunked(tmp_path / "one", docs, FakeEmbedder(), index_type="ivf")
    assert index.info().claims == expected.info().claims
    assert np.array_equal(index.vectors(), expected.vectors())
