"""Chunked index writes: progress, resume after an interruption, streamed input, IVF chosen by size, readers."""

from __future__ import annotations

import functools
import json
import threading

import faiss
import numpy as np
import pytest

from checker import ann, api, build
from checker.api import build_index
from checker.errors import NoReportsError
from checker.read.ingest import iter_reports, read_paths, scan
from checker.store.build import write_chunked
from checker.store.faiss_files import append_flat, flat_rows
from checker.store.index import Index
from tests.conftest import FakeEmbedder


def _corpus(folder, count, start=0):
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(start, start + count):
        (folder / f"r{n:04d}.txt").write_text(
            f"تقرير {n}\nذكرت وكالة رقم {n} أن {n} شاحنة وصلت إلى ميناء المدينة صباح اليوم.\n"
            f"وقال مسؤول إن الشحنة {n} تضم معدات طبية.\n", encoding="utf-8")
    return read_paths([folder]).documents


class Interrupted(Exception):
    pass


class FailingEmbedder(FakeEmbedder):
    """Raises on the n-th call, as a killed or crashed build would stop."""

    def __init__(self, fail_at: int) -> None:
        super().__init__()
        self.fail_at = fail_at

    def embed(self, texts):
        if len(self.calls) + 1 == self.fail_at:
            raise Interrupted
        return super().embed(texts)


def test_chunks_commit_generations_and_report_progress(tmp_path):
    docs = _corpus(tmp_path / "r", 30)
    seen = []
    index = write_chunked(tmp_path / "idx", docs, FakeEmbedder(), chunk_claims=10,
                          progress=lambda done, total: seen.append((done, total)))
    info = index.info()
    assert info.reports == 30 and info.complete and info.generation > 3  # several commits
    assert seen[-1] == (30, 30) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert info.claims == len(index.claims()) == len(index.vectors())


def test_an_interrupted_build_resumes_without_re_embedding(tmp_path):
    docs = _corpus(tmp_path / "r", 30)
    with pytest.raises(Interrupted):
        write_chunked(tmp_path / "idx", docs, FailingEmbedder(fail_at=4), chunk_claims=10)
    partial = Index.open(tmp_path / "idx")
    stored = partial.report_ids()
    stored_texts = {c.proposition for c in partial.claims()}
    assert 0 < len(stored) < 30 and not partial.info().complete
    again = FakeEmbedder()
    index = write_chunked(tmp_path / "idx", docs, again, chunk_claims=10)
    embedded = {t for call in again.calls for t in call}
    assert index.info().complete and index.info().reports == 30
    assert not embedded & stored_texts  # stored reports were skipped
    fresh = write_chunked(tmp_path / "fresh", docs, FakeEmbedder())
    assert sorted(c.id for c in index.claims()) == sorted(c.id for c in fresh.claims())


def test_a_different_build_over_a_partial_index_starts_over(tmp_path):
    docs = _corpus(tmp_path / "r", 30)
    with pytest.raises(Interrupted):
        write_chunked(tmp_path / "idx", docs, FailingEmbedder(fail_at=4), chunk_claims=10)
    other = _corpus(tmp_path / "other", 3, start=500)
    index = write_chunked(tmp_path / "idx", other, FakeEmbedder())
    assert index.report_ids() == {d.id for d in other}


def test_a_replacing_build_does_not_resume_an_interrupted_add_or_another_models_build(tmp_path):
    old = _corpus(tmp_path / "old", 3, start=900)
    write_chunked(tmp_path / "idx", old, FakeEmbedder())
    docs = _corpus(tmp_path / "r", 30)
    with pytest.raises(Interrupted):
        write_chunked(tmp_path / "idx", docs, FailingEmbedder(fail_at=4), add=True, chunk_claims=10)
    assert Index.open(tmp_path / "idx").report_ids() == {d.id for d in old}  # the add's chunks are only staged
    assert (tmp_path / "idx" / ".staging" / "manifest.json").exists()
    replaced = write_chunked(tmp_path / "idx", docs, FakeEmbedder(), chunk_claims=10)
    assert replaced.report_ids() == {d.id for d in docs}  # replaced: the old reports are gone

    class OtherModel(FakeEmbedder):
        model_id = "fake/other-model"

    with pytest.raises(Interrupted):
        write_chunked(tmp_path / "idx2", docs, FailingEmbedder(fail_at=4), chunk_claims=10)
    assert write_chunked(tmp_path / "idx2", docs, OtherModel()).info().model == "fake/other-model"


def test_index_type_is_recorded_and_auto_switches_to_ivf(tmp_path, monkeypatch):
    docs = _corpus(tmp_path / "r", 60)
    forced = write_chunked(tmp_path / "ivf", docs, FakeEmbedder(), index_type="ivf")
    assert forced.manifest["index_type"] == "IndexIVFFlat" and forced.search_params.nprobe >= 1
    assert forced.info().search["recall_at_10"] >= 0.95
    monkeypatch.setattr(ann, "FLAT_LIMIT", 100)
    index = write_chunked(tmp_path / "auto", docs[:20], FakeEmbedder())
    assert index.info().index_type == "IndexFlatIP"
    index = write_chunked(tmp_path / "auto", docs, FakeEmbedder(), add=True)
    assert index.info().index_type == "IndexIVFFlat" and index.info().claims >= 100
    flat = write_chunked(tmp_path / "flat", docs, FakeEmbedder(), index_type="flat")
    assert np.allclose(index.vectors(), flat.vectors())  # same rows, same order, stored exactly
    queries = FakeEmbedder().embed(["شاحنة وصلت إلى ميناء المدينة"])
    assert np.allclose(index.search(queries, 5)[0], flat.search(queries, 5)[0], atol=1e-5)  # ids may tie


def test_a_reader_never_sees_a_half_written_index(tmp_path):
    docs = _corpus(tmp_path / "r", 40)
    write_chunked(tmp_path / "idx", docs[:2], FakeEmbedder())
    done, seen, errors = threading.Event(), [], []

    def read() -> None:
        while not done.is_set():
            try:
                index = Index.open(tmp_path / "idx")
                vectors, claims = index.faiss_index().ntotal, len(index.claims())
                if vectors != claims or vectors != index.manifest["claims"]:
                    errors.append((vectors, claims))
                seen.append(vectors)
            except Exception as exc:  # any failure to open is a defect too
                errors.append(exc)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for n in range(2, 40, 2):
            write_chunked(tmp_path / "idx", docs[n:n + 2], FakeEmbedder(), add=True)
    finally:
        done.set()
        reader.join()
    assert not errors
    assert len(set(seen)) > 3  # the reader really saw the index grow


def _mixed_inputs(folder):
    """40 reports: 25 .txt files in a folder and 15 records in one JSONL file."""
    _corpus(folder / "txt", 25)
    lines = [json.dumps({"text": f"تقرير {n}\nذكرت وكالة رقم {n} أن {n} سفينة رست في الميناء مساء أمس.\n"
                                 f"وقال مسؤول إن الحمولة {n} تضم وقودا."}, ensure_ascii=False) for n in range(100, 115)]
    (folder / "batch.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [folder / "txt", folder / "batch.jsonl"]


@pytest.fixture
def small_chunks(monkeypatch):
    """build_index committing every 10 claims, so a small corpus takes several commits."""
    monkeypatch.setattr(api, "write_chunked", functools.partial(build.write_chunked, chunk_claims=10))


def test_an_interrupted_streamed_build_resumes_and_equals_an_uninterrupted_one(tmp_path, small_chunks):
    paths = _mixed_inputs(tmp_path / "in")
    with pytest.raises(Interrupted):
        build_index(paths, tmp_path / "idx", embedder=FailingEmbedder(fail_at=4))
    partial = Index.open(tmp_path / "idx")
    stored_texts = {c.proposition for c in partial.claims()}
    assert 0 < partial.info().reports < 40 and not partial.info().complete
    assert partial.manifest["building"] == build.build_name(scan(paths).fingerprint, False, FakeEmbedder.model_id)
    again, seen = FakeEmbedder(), []
    index = build_index(paths, tmp_path / "idx", embedder=again, progress=lambda *a: seen.append(a))
    assert not {t for call in again.calls for t in call} & stored_texts  # stored reports were not embedded again
    fresh = build_index(paths, tmp_path / "fresh", embedder=FakeEmbedder())
    assert index.info().complete and index.report_ids() == fresh.report_ids() and len(fresh.report_ids()) == 40
    assert index.info().claims == fresh.info().claims
    assert sorted(c.id for c in index.claims()) == sorted(c.id for c in fresh.claims())
    total = scan(paths).total_bytes
    done = [d for _, d, _ in seen]
    assert {t for _, _, t in seen} == {total} and done == sorted(done) and done[-1] == total


def test_a_streamed_build_over_changed_inputs_starts_over(tmp_path, small_chunks):
    paths = _mixed_inputs(tmp_path / "in")
    with pytest.raises(Interrupted):
        build_index(paths, tmp_path / "idx", embedder=FailingEmbedder(fail_at=4))
    (tmp_path / "in" / "txt" / "r0000.txt").write_text("تقرير جديد\nذكرت وكالة أن القافلة وصلت إلى المدينة.",
                                                       encoding="utf-8")
    again = FakeEmbedder()
    index = build_index(paths, tmp_path / "idx", embedder=again)
    assert index.info().complete and index.info().reports == 40
    assert len({t for call in again.calls for t in call}) == index.info().claims  # everything embedded anew


def test_a_streamed_build_holds_one_chunk_at_a_time(tmp_path, monkeypatch):
    _corpus(tmp_path / "r", 30)
    stream, taken, at_commit = iter_reports([tmp_path / "r"]), [], []
    write = build.stage

    def documents():
        for doc in stream.documents():
            taken.append(doc.id)
            yield doc

    def recording_write(*args, **kwargs):
        at_commit.append((len(taken), len(args[3])))
        return write(*args, **kwargs)

    monkeypatch.setattr(build, "stage", recording_write)
    index = write_chunked(tmp_path / "idx", documents(), FakeEmbedder(), chunk_claims=10)
    assert len(at_commit) > 3 and index.info().reports == 30 and index.info().complete
    committed = 0
    for read, chunk in at_commit:
        committed += chunk
        assert read <= committed + 1  # at each commit: this chunk and one report read ahead, not the whole input
    assert index.manifest.get("building") is None


def test_commits_grow_with_the_index_up_to_the_cap(tmp_path, monkeypatch):
    docs = _corpus(tmp_path / "r", 300)  # two claims a report
    write, claims_at_commit = build.stage, []

    def recording_write(*args, **kwargs):
        claims_at_commit.append(len(args[4]))
        return write(*args, **kwargs)

    monkeypatch.setattr(build, "stage", recording_write)
    write_chunked(tmp_path / "idx", docs, FakeEmbedder(), chunk_claims=4, chunk_max_claims=30)
    assert sum(claims_at_commit) == 600
    grown = [n for n in claims_at_commit if n > 5]
    assert grown and max(claims_at_commit) <= 31  # the cap, plus the claims of the report that crossed it
    assert claims_at_commit[:3] == [4, 4, 4] and claims_at_commit[-2] >= 30  # 10% of a growing index, then capped


def test_a_generator_without_a_name_does_not_resume_another_build(tmp_path):
    docs = _corpus(tmp_path / "r", 30)
    with pytest.raises(Interrupted):
        write_chunked(tmp_path / "idx", iter(docs), FailingEmbedder(fail_at=4), chunk_claims=10)
    again = FakeEmbedder()
    index = write_chunked(tmp_path / "idx", iter(docs), again, chunk_claims=10)
    assert index.info().reports == 30 and len({t for call in again.calls for t in call}) == index.info().claims


def test_flat_commits_append_on_disk_without_loading_stored_vectors(tmp_path, monkeypatch):
    docs = _corpus(tmp_path / "r", 30)
    expected = write_chunked(tmp_path / "one", docs, FakeEmbedder())
    real_read = ann.read
    monkeypatch.setattr(ann, "read", lambda *a, **k: pytest.fail("a commit loaded the stored vectors"))
    index = write_chunked(tmp_path / "idx", docs, FakeEmbedder(), chunk_claims=10)
    assert index.info().generation > 3 and index.info().index_type == "IndexFlatIP"
    monkeypatch.setattr(ann, "read", real_read)
    assert np.array_equal(index.vectors(), expected.vectors())
    assert index.search(expected.vectors()[:2], 3)[1].tolist() == expected.search(expected.vectors()[:2], 3)[1].tolist()


def test_appending_to_a_flat_file_gives_the_file_faiss_writes(tmp_path):
    rng = np.random.default_rng(0)
    first, more = rng.standard_normal((5, 8)).astype(np.float32), rng.standard_normal((3, 8)).astype(np.float32)
    for start in (first, first[:0]):
        index = faiss.IndexFlatIP(8)
        index.add(start)
        faiss.write_index(index, str(tmp_path / "old.faiss"))
        assert flat_rows(tmp_path / "old.faiss", 8) == len(start) and flat_rows(tmp_path / "old.faiss", 9) is None
        assert append_flat(tmp_path / "old.faiss", tmp_path / "new.faiss", more, 8)
        index.add(more)
        faiss.write_index(index, str(tmp_path / "faiss.faiss"))
        assert (tmp_path / "new.faiss").read_bytes() == (tmp_path / "faiss.faiss").read_bytes()
    ivf, _ = ann.build(rng.standard_normal((200, 8)).astype(np.float32), "ivf")
    faiss.write_index(ivf, str(tmp_path / "ivf.faiss"))
    assert flat_rows(tmp_path / "ivf.faiss", 8) is None
    assert not append_flat(tmp_path / "ivf.faiss", tmp_path / "no.faiss", more, 8)
    assert not (tmp_path / "no.faiss").exists()


def test_an_index_opened_while_two_commits_land_reads_the_newer_manifest(tmp_path, monkeypatch):
    docs = _corpus(tmp_path / "r", 6)
    write_chunked(tmp_path / "idx", docs[:2], FakeEmbedder())
    open_generation, landed = Index._open_generation, []

    def slow_reader(*args):
        if not landed:  # two commits land between reading the manifest and opening its files
            landed.append(True)
            write_chunked(tmp_path / "idx", docs[2:4], FakeEmbedder(), add=True)
            write_chunked(tmp_path / "idx", docs[4:], FakeEmbedder(), add=True)
        return open_generation(*args)

    monkeypatch.setattr(Index, "_open_generation", staticmethod(slow_reader))
    assert Index.open(tmp_path / "idx").info().reports == 6


def test_a_build_from_nothing_readable_fails_before_touching_the_index(tmp_path):
    docs = _corpus(tmp_path / "r", 3)
    write_chunked(tmp_path / "idx", docs, FakeEmbedder())
    before = Index.open(tmp_path / "idx").manifest
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "empty.txt").write_text("", encoding="utf-8")
    with pytest.raises(NoReportsError, match="empty.txt: no text"):
        build_index([tmp_path / "bad"], tmp_path / "idx", embedder=FakeEmbedder())
    assert Index.open(tmp_path / "idx").manifest == before
