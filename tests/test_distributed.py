"""Encoding on Ray: shards in order, and a two-worker local Ray build equals a local build."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from checker.cli import app
from checker.embed import SentenceTransformerEmbedder
from checker.embed.ray import shards
from checker.store.index import Index

from .conftest import FakeEmbedder


def test_shards_cover_the_range_in_order() -> None:
    assert shards(7, 3) == [(0, 3), (3, 6), (6, 7)]
    assert shards(6, 3) == [(0, 3), (3, 6)] and shards(0, 3) == []


def test_ray_build_with_two_workers_equals_local_build(tmp_path: Path, sample_dir: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("ray")
    monkeypatch.setenv("CHECKER_MODEL", "multilingual-e5-small")  # the sentence-transformers path, faked here
    monkeypatch.setattr(SentenceTransformerEmbedder, "from_config",
                        classmethod(lambda cls, c, n=None: FakeEmbedder()))
    runner = CliRunner()
    local = runner.invoke(app, ["index", "build", str(sample_dir), "--index", str(tmp_path / "local")])
    assert local.exit_code == 0, local.output
    driver_side = FakeEmbedder()
    monkeypatch.setattr(SentenceTransformerEmbedder, "from_config", classmethod(lambda cls, c, n=None: driver_side))
    monkeypatch.setattr("checker.embed.ray.DEFAULT_SHARD_SIZE", 16)  # several shards per worker
    distributed = runner.invoke(app, ["index", "build", str(sample_dir), "--index", str(tmp_path / "ray"),
                                      "--engine", "ray", "--workers", "2"])
    assert distributed.exit_code == 0, distributed.output
    a, b = Index.open(tmp_path / "local"), Index.open(tmp_path / "ray")
    assert [c.id for c in a.claims()] == [c.id for c in b.claims()] and len(a.claims()) > 32
    assert np.array_equal(a.vectors(), b.vectors())
    assert a.info().model == b.info().model
    assert driver_side.calls == []  # every claim was encoded by a worker's copy


def test_one_ray_session_serves_every_call_until_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    ray = pytest.importorskip("ray")
    from checker.embed.ray import RayEmbedder

    starts = []
    real_init = ray.init
    monkeypatch.setattr(ray, "init", lambda *a, **k: starts.append(k) or real_init(*a, **k))
    texts = [f"claim {i}" for i in range(40)]
    with RayEmbedder(FakeEmbedder(), workers=2, shard_size=8) as embedder:
        first = embedder.embed(texts[:25])
        second = embedder.embed(texts[25:])
        assert ray.is_initialized()
    assert len(starts) == 1 and not ray.is_initialized()  # started once, shut down on the way out
    assert np.array_equal(np.vstack([first, second]), FakeEmbedder().embed(texts))


def test_judging_on_ray_gives_the_local_verdicts_in_order(tmp_path: Path, sample_dir: Path) -> None:
    pytest.importorskip("ray")
    from checker.api import build_index, check_index
    from checker.judge.corpus import _pair_input, calibration_for
    from checker.judge.pairs import pairs_from_vectors
    from checker.judge.ray import RayJudge
    from checker.judge.rules import RuleJudge

    index = build_index([sample_dir], tmp_path / "idx", embedder=FakeEmbedder())
    claims, vectors = index.claims(), index.vectors()
    inputs = [(_pair_input(claims[i], None), _pair_input(claims[j], None), s)
              for i, j, s in pairs_from_vectors(vectors, k=8)]
    judge = RuleJudge(calibration_for(index.model_id, vectors))
    seen = []

    def spy(judge, pairs):
        seen.append(len(pairs))
        return on_ray(judge, pairs)

    with RayJudge(workers=2, shard_size=50) as on_ray:
        assert on_ray(judge, inputs) == judge.judge(inputs) and len(inputs) > 100  # several shards, in order
        report = check_index(index, embedder=FakeEmbedder(), run_judge=spy)
    assert seen and seen[0] > 0  # check_index hands its candidate pairs to the runner
    assert report.findings == check_index(index, embedder=FakeEmbedder()).findings
