"""Fault injection: kill writers at each commit step, run them concurrently, corrupt every stored file.

A writer is killed as SIGKILL would kill it (``os._exit``, no cleanup) at a named step through the
``CHECKER_FAULT=STEP[:N]`` hook in :mod:`checker.store.manifest`; the index must then open as the old
one or the new one, never a fragment, and running the command again must finish it.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from checker.api import build_index, check, check_index
from checker.errors import IndexStoreError
from checker.read.ingest import read_paths
from checker.store.build import write_chunked
from checker.store.index import MANIFEST, Index
from tests.conftest import ROOT, FakeEmbedder

WRITER = """
import sys, time
sys.path[:0] = [{root!r}, {tests!r}]
from conftest import FakeEmbedder
import checker.store.build as build
from checker.read.ingest import read_paths

slow = float(sys.argv[4])
if slow:
    stage = build.stage
    def slow_stage(*args, **kwargs):
        time.sleep(slow)
        return stage(*args, **kwargs)
    build.stage = slow_stage
docs = read_paths([sys.argv[1]]).documents
index = build.write_chunked(sys.argv[2], docs, FakeEmbedder(), add=sys.argv[3] == "add", chunk_claims=10)
print(sorted(index.report_ids()) == sorted(d.id for d in docs) or sys.argv[3] == "add", index.info().reports)
"""


def _reports(folder: Path, start: int, count: int) -> set[str]:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(start, start + count):
        (folder / f"r{n:04d}.txt").write_text(
            f"تقرير رقم {n}\nذكرت صحيفة محلية أن {n} شاحنة وصلت إلى ميناء المدينة صباح اليوم.\n"
            f"وقال مسؤول إن الميناء {n} سيفتح غدا.\n", encoding="utf-8")
    return {d.id for d in read_paths([folder]).documents}


@pytest.fixture
def writer(tmp_path):
    script = tmp_path / "writer.py"
    script.write_text(WRITER.format(root=str(ROOT), tests=str(ROOT / "tests")), encoding="utf-8")

    def run(reports: Path, index: Path, mode: str = "build", fault: str | None = None, slow: float = 0,
            wait: bool = True):
        env = {**os.environ, **({"CHECKER_FAULT": fault} if fault else {})}
        env.pop("CHECKER_FAULT", None) if not fault else None
        proc = subprocess.Popen([sys.executable, str(script), str(reports), str(index), mode, str(slow)], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if not wait:
            return proc
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == (137 if fault else 0), err
        return out
    return run


# steps of one commit, in order; N counts arrivals, so ":2" is the second chunk's (or the publish's) step
STEPS = ["vectors-written", "meta-written", "manifest-written", "staged", "staged:3", "linked", "manifest-written:5",
         "published"]


@pytest.mark.parametrize("mode", ["build", "add"])
@pytest.mark.parametrize("step", STEPS)
def test_a_killed_writer_leaves_the_old_index_or_the_new_one(tmp_path, writer, mode, step):
    old, new = _reports(tmp_path / "old", 0, 4), _reports(tmp_path / "new", 100, 20)  # 20 reports: 4 chunks
    writer(tmp_path / "old", tmp_path / "idx")
    writer(tmp_path / "new", tmp_path / "idx", mode, fault=step)
    expected_new = new | old if mode == "add" else new
    index = Index.open(tmp_path / "idx")
    assert index.report_ids() in (old, expected_new)  # never a fragment
    assert index.complete and index.info().claims == len(index.claims()) == len(index.vectors())
    if index.report_ids() == old:
        assert not (tmp_path / "idx" / ".staging").exists() or step != "published"
    writer(tmp_path / "new", tmp_path / "idx", mode)  # run again: resumes (or finds it done)
    index = Index.open(tmp_path / "idx")
    assert index.report_ids() == expected_new and index.complete
    index.verify()
    files = {p.name for p in (tmp_path / "idx").iterdir()}
    named = set(index.manifest["files"].values()) | set(index.manifest["previous"])
    assert files - named == {MANIFEST, ".lock"}  # nothing left behind: no staging, no orphan generation


def test_a_resumed_staged_build_does_not_embed_again_what_it_staged(tmp_path, writer):
    _reports(tmp_path / "old", 0, 4)
    new = _reports(tmp_path / "new", 100, 20)
    writer(tmp_path / "old", tmp_path / "idx")
    writer(tmp_path / "new", tmp_path / "idx", fault="staged:3")
    staged = Index.open(tmp_path / "idx" / ".staging")
    assert 0 < len(staged.report_ids()) < 20
    staged_texts = {c.proposition for c in staged.claims()}
    again = FakeEmbedder()
    index = write_chunked(tmp_path / "idx", read_paths([tmp_path / "new"]).documents, again, chunk_claims=10)
    assert index.report_ids() == new
    embedded = {t for call in again.calls for t in call}
    assert not embedded & staged_texts


def test_an_interrupted_first_build_is_refused_until_it_is_finished(tmp_path, writer, fake_embedder):
    _reports(tmp_path / "new", 100, 20)
    writer(tmp_path / "new", tmp_path / "idx", fault="published:2")
    partial = Index.open(tmp_path / "idx")
    assert not partial.complete and 0 < partial.info().reports < 20
    with pytest.raises(IndexStoreError, match="interrupted.*run the same `checker index build"):
        check([tmp_path / "new" / "r0100.txt"], against=tmp_path / "idx", embedder=fake_embedder)
    with pytest.raises(IndexStoreError, match="resume"):
        check_index(tmp_path / "idx", embedder=fake_embedder)
    writer(tmp_path / "new", tmp_path / "idx")
    assert Index.open(tmp_path / "idx").complete


@pytest.mark.parametrize("second", ["build", "add"])
def test_concurrent_writers_serialise_and_never_mix(tmp_path, writer, second):
    a, b = _reports(tmp_path / "a", 0, 20), _reports(tmp_path / "b", 500, 20)
    first = writer(tmp_path / "a", tmp_path / "idx", slow=0.3, wait=False)
    other = writer(tmp_path / "b", tmp_path / "idx", second, slow=0.3, wait=False)
    for proc in (first, other):
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert out.startswith("True")  # each writer's own result held exactly its reports
    found = Index.open(tmp_path / "idx").report_ids()
    # whichever took the lock first ran whole, then the other: never part of one and part of the other
    assert found in ((a, b) if second == "build" else (a, a | b))


def test_a_second_writer_that_will_not_wait_fails_with_the_reason(tmp_path):
    from checker.store.manifest import writer_lock

    with writer_lock(tmp_path / "idx"), pytest.raises(IndexStoreError, match="another checker process is writing"):
        write_chunked(tmp_path / "idx", [], FakeEmbedder(), wait=0)


def test_index_build_no_wait_exits_3_while_another_writer_holds_the_index(tmp_path, monkeypatch):
    from checker.store.manifest import writer_lock

    monkeypatch.setattr("checker.embed.embedder_from_config", lambda *a, **k: FakeEmbedder())
    monkeypatch.setattr("checker.api.embedder_from_config", lambda *a, **k: FakeEmbedder())
    _reports(tmp_path / "r", 0, 2)
    with writer_lock(tmp_path / "idx"):
        result = CliRunner().invoke(_app(), ["index", "build", str(tmp_path / "r"), "--index", str(tmp_path / "idx"),
                                             "--no-wait"])
    assert result.exit_code == 3 and "another checker process is writing" in result.output


def test_user_files_in_the_index_folder_are_never_deleted(tmp_path, fake_embedder):
    reports = tmp_path / "idx"  # the reports live in the index folder itself, named like index files
    reports.mkdir()
    mine = {"meta-notes.txt": "ذكرت صحيفة أن السفينة غرقت قرب ميناء طرطوس.\n",
            "vectors-2024.txt": "قالت وكالة إن السفينة غرقت قرب ميناء اللاذقية.\n",
            "meta-000001.sqlite.txt": "نقل تقرير أن الشاحنة وصلت إلى الميناء.\n"}
    for name, text in mine.items():
        (reports / name).write_text(text, encoding="utf-8")
    for add in (False, False, True, False):
        build_index([reports / n for n in mine], reports, embedder=fake_embedder, add=add)
    assert all((reports / n).read_text(encoding="utf-8") == t for n, t in mine.items())


@pytest.mark.parametrize("mask", [0o022, 0o002])
def test_index_files_follow_the_umask(tmp_path, fake_embedder, mask):
    _reports(tmp_path / "r", 0, 2)
    previous = os.umask(mask)
    try:
        index = build_index([tmp_path / "r"], tmp_path / "idx", embedder=fake_embedder)
    finally:
        os.umask(previous)
    for name in [MANIFEST, *index.manifest["files"].values()]:
        assert stat.S_IMODE((tmp_path / "idx" / name).stat().st_mode) == 0o666 & ~mask, name


@pytest.mark.parametrize("mask", [0o022, 0o002])
def test_a_baseline_follows_the_umask_and_a_killed_write_leaves_the_old_one(tmp_path, fake_embedder, mask,
                                                                              monkeypatch):
    from checker.report.ci import write_baseline

    _reports(tmp_path / "r", 0, 2)
    report = check([tmp_path / "r"], embedder=fake_embedder)
    previous = os.umask(mask)
    try:
        path = write_baseline(report, tmp_path / "baseline.json")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask
    before = path.read_bytes()
    script = ("import sys; from checker import check; from checker.report.ci import write_baseline; "
              "from tests.conftest import FakeEmbedder; "
              f"write_baseline(check([{str(tmp_path / 'r')!r}], embedder=FakeEmbedder()), {str(path)!r})")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT,
                          env={**os.environ, "CHECKER_FAULT": "manifest-written"})
    assert done.returncode == 137 and path.read_bytes() == before  # killed before the rename: the old baseline


def _built(tmp_path, fake_embedder) -> Index:
    _reports(tmp_path / "r", 0, 6)
    return build_index([tmp_path / "r"], tmp_path / "idx", embedder=fake_embedder)


def _damage(path: Path, offset: int, data: bytes) -> None:
    """Overwrite bytes in place, then move the mtime on as any writer would (the test clock is too coarse)."""
    with open(path, "r+b") as handle:
        handle.seek(offset)
        handle.write(data)
    before = path.stat().st_mtime_ns
    os.utime(path, ns=(before + 10**9, before + 10**9))


@pytest.mark.parametrize("kind", ["vectors", "meta"])
@pytest.mark.parametrize("where", [0.1, 0.5, 0.95])
def test_corrupt_bytes_in_any_stored_file_are_found(tmp_path, fake_embedder, kind, where):
    index = _built(tmp_path, fake_embedder)
    path = tmp_path / "idx" / index.manifest["files"][kind]
    offset = int(path.stat().st_size * where)
    original = path.read_bytes()[offset:offset + 8]
    _damage(path, offset, bytes(b ^ 0x5A for b in original))
    with pytest.raises(IndexStoreError, match=f"{path.name}: index file is corrupt.*rebuild it with"):
        Index.open(tmp_path / "idx")
    result = CliRunner().invoke(_app(), ["index", "verify", str(tmp_path / "idx")])
    assert result.exit_code == 3 and path.name in result.output


def test_verify_passes_a_sound_index(tmp_path, fake_embedder):
    _built(tmp_path, fake_embedder)
    result = CliRunner().invoke(_app(), ["index", "verify", str(tmp_path / "idx")])
    assert result.exit_code == 0 and result.output.startswith("ok ")


def test_a_corrupt_manifest_is_found(tmp_path, fake_embedder):
    _built(tmp_path, fake_embedder)
    _damage(tmp_path / "idx" / MANIFEST, 10, b"\xff\xfe")
    with pytest.raises(IndexStoreError, match="corrupt manifest"):
        Index.open(tmp_path / "idx")


def test_random_vector_bytes_without_checksums_are_an_error_not_findings(tmp_path, fake_embedder):
    index = _built(tmp_path, fake_embedder)
    manifest = json.loads((tmp_path / "idx" / MANIFEST).read_text())
    del manifest["checksums"]  # as an index written before checksums: only the vectors' own checks remain
    (tmp_path / "idx" / MANIFEST).write_text(json.dumps(manifest))
    path = tmp_path / "idx" / index.manifest["files"]["vectors"]
    rows = np.random.default_rng(0).normal(0, 1e18, (4, 64)).astype(np.float32).tobytes()
    _damage(path, path.stat().st_size - 8 - len(rows), rows)
    with pytest.raises(IndexStoreError, match="not a finite unit vector|impossible between unit vectors"):
        check([tmp_path / "r" / "r0000.txt"], against=tmp_path / "idx", embedder=fake_embedder)
    with pytest.raises(IndexStoreError, match="impossible between unit vectors"):
        Index.open(tmp_path / "idx").search(np.eye(64, dtype=np.float32)[:3], 3)
    with pytest.raises(IndexStoreError):
        Index.open(tmp_path / "idx").verify()


@pytest.mark.parametrize("entry", ["../outside.faiss", "/etc/passwd", "sub/../../x.faiss"])
def test_manifest_entries_outside_the_folder_are_refused(tmp_path, fake_embedder, entry):
    _built(tmp_path, fake_embedder)
    manifest = json.loads((tmp_path / "idx" / MANIFEST).read_text())
    manifest["files"]["vectors"] = entry
    (tmp_path / "idx" / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(IndexStoreError, match="outside the index folder"):
        Index.open(tmp_path / "idx")


def test_an_embedder_giving_non_unit_vectors_is_refused_before_anything_is_written(tmp_path):
    class Broken(FakeEmbedder):
        def embed(self, texts):
            return super().embed(texts) * np.float32("nan")

    _reports(tmp_path / "r", 0, 2)
    with pytest.raises(IndexStoreError, match="not a finite unit vector"):
        build_index([tmp_path / "r"], tmp_path / "idx", embedder=Broken())
    assert not (tmp_path / "idx" / MANIFEST).exists()


def _app():
    from checker.cli.app import app

    return app
