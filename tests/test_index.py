import json

import numpy as np
import pytest

from checker.api import build_index, check
from checker.errors import IndexStoreError
from checker.store.index import MANIFEST, Index

REPORT_A = "عنوان أ\nذكرت صحيفة الغد أن السفينة غرقت قرب ميناء طرطوس صباح الاثنين.\n"
REPORT_B = "عنوان ب\nقالت وكالة الأنباء إن السفينة غرقت قرب ميناء اللاذقية صباح الاثنين.\n"


@pytest.fixture
def reports(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.txt").write_text(REPORT_A, "utf-8")
    return folder


def test_build_info_and_reload(reports, tmp_path, fake_embedder):
    index = build_index([reports], tmp_path / "idx", embedder=fake_embedder)
    info = index.info()
    assert info.reports == 1 and info.claims >= 1 and info.model == fake_embedder.model_id
    again = Index.open(tmp_path / "idx")
    assert len(again.claims()) == info.claims == len(again.vectors())
    assert again.claims()[0].text in REPORT_A


def test_add_dedupes_by_content_hash_and_embeds_only_new_reports(reports, tmp_path, fake_embedder):
    build_index([reports], tmp_path / "idx", embedder=fake_embedder)
    (reports / "b.txt").write_text(REPORT_B, "utf-8")
    (reports / "a-copy.txt").write_text(REPORT_A, "utf-8")
    fake_embedder.calls.clear()
    index = build_index([reports], tmp_path / "idx", embedder=fake_embedder, add=True)
    assert index.info().reports == 2
    embedded = [t for call in fake_embedder.calls for t in call]
    assert embedded and all("اللاذقية" in t or "وكالة" in t or "عنوان ب" in t for t in embedded)


def test_check_against_index_does_not_modify_it(reports, tmp_path, fake_embedder):
    build_index([reports], tmp_path / "idx", embedder=fake_embedder)
    before = (tmp_path / "idx" / MANIFEST).read_bytes()
    new = tmp_path / "new.txt"
    new.write_text(REPORT_B, "utf-8")
    report = check([new], against=tmp_path / "idx", embedder=fake_embedder)
    assert report.stored_claims >= 1 and len(report.documents) == 1
    assert (tmp_path / "idx" / MANIFEST).read_bytes() == before


def test_other_model_is_refused_with_the_fix(reports, tmp_path, fake_embedder):
    build_index([reports], tmp_path / "idx", embedder=fake_embedder)

    class Other(type(fake_embedder)):
        model_id = "other/model"

    with pytest.raises(IndexStoreError, match="rebuild"):
        check([reports], against=tmp_path / "idx", embedder=Other())
    with pytest.raises(IndexStoreError, match="built with model"):
        build_index([reports], tmp_path / "idx", embedder=Other(), add=True)


@pytest.mark.parametrize("damage", ["manifest", "faiss", "sqlite", "missing", "schema"])
def test_damaged_index_gives_a_clear_error(reports, tmp_path, fake_embedder, damage):
    index = build_index([reports], tmp_path / "idx", embedder=fake_embedder)
    files = index.manifest["files"]
    folder = tmp_path / "idx"
    if damage == "manifest":
        (folder / MANIFEST).write_text("{not json")
    elif damage == "faiss":
        (folder / files["vectors"]).write_bytes(b"garbage")
    elif damage == "sqlite":
        (folder / files["meta"]).write_bytes(b"garbage" * 100)
    elif damage == "missing":
        (folder / files["vectors"]).unlink()
    else:
        manifest = json.loads((folder / MANIFEST).read_text())
        manifest["schema"] = 99
        (folder / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(IndexStoreError, match="checker index build"):
        Index.open(folder)


def test_a_failed_write_leaves_the_previous_index_intact(reports, tmp_path, fake_embedder, monkeypatch):
    build_index([reports], tmp_path / "idx", embedder=fake_embedder)
    before = Index.open(tmp_path / "idx").info()
    (reports / "b.txt").write_text(REPORT_B, "utf-8")

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("checker.store.commit.write_atomic", boom)
    with pytest.raises(OSError):
        build_index([reports], tmp_path / "idx", embedder=fake_embedder, add=True)
    after = Index.open(tmp_path / "idx").info()
    assert (after.claims, after.generation) == (before.claims, before.generation)


def test_vectors_are_stored_exactly(reports, tmp_path, fake_embedder):
    index = build_index([reports], tmp_path / "idx", embedder=fake_embedder)
    claims = index.claims()
    expected = fake_embedder.embed([c.proposition for c in claims])
    assert np.allclose(Index.open(tmp_path / "idx").vectors(), expected, atol=1e-6)
