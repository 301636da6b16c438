"""Kill a real `index add` subprocess at several points: the index must stay loadable and consistent."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from checker.store.index import Index

WRITER = """
import sys, time
sys.path.insert(0, {root!r})
sys.path.insert(0, {tests!r})
from conftest import FakeEmbedder
import checker.store.commit as commit_module
from checker.api import build_index

slow = float(sys.argv[3])
for name in ("write_index",):
    import faiss
    original = faiss.write_index
    def write_index(*args, _original=original):
        time.sleep(slow)
        return _original(*args)
    faiss.write_index = write_index
original_fsync = commit_module.write_atomic
def fsync_write(*args):
    time.sleep(slow)
    return original_fsync(*args)
commit_module.write_atomic = fsync_write
build_index([sys.argv[1]], sys.argv[2], embedder=FakeEmbedder(), add=True)
"""


def _reports(folder: Path, start: int, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(start, start + count):
        (folder / f"r{n:04d}.txt").write_text(
            f"تقرير رقم {n}\nذكرت صحيفة محلية أن {n} شاحنة وصلت إلى ميناء المدينة صباح اليوم بعد رحلة طويلة.\n",
            encoding="utf-8")


@pytest.mark.parametrize("delay", [0.2, 0.6, 1.0, 1.4, 1.8, 2.5])
def test_killed_writer_leaves_a_consistent_index(tmp_path, delay):
    root = Path(__file__).resolve().parents[1]
    script = tmp_path / "writer.py"
    script.write_text(WRITER.format(root=str(root), tests=str(root / "tests")), encoding="utf-8")
    first, second, idx = tmp_path / "first", tmp_path / "second", tmp_path / "idx"
    _reports(first, 0, 5)
    subprocess.run([sys.executable, str(script), str(first), str(idx), "0"], check=True, timeout=120)
    before = Index.open(idx).info()
    _reports(second, 100, 40)
    proc = subprocess.Popen([sys.executable, str(script), str(second), str(idx), "0.5"])
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    index = Index.open(idx)  # raises if inconsistent
    info = index.info()
    assert info.claims == len(index.vectors()) == len(index.claims())
    assert info.reports in (before.reports, before.reports + 40)
    # the lock died with the process: a later writer finishes and nothing is lost or duplicated
    subprocess.run([sys.executable, str(script), str(second), str(idx), "0"], check=True, timeout=120)
    after = Index.open(idx).info()
    assert after.reports == before.reports + 40
    assert after.claims == len(Index.open(idx).claims())
