"""The conductor (checker/api.py): a Checker holds its encoder and vectors across calls; the module functions
wrap a default Checker; every kind of input gives the same findings."""

import pandas as pd
import pytest

import checker
import checker.api as api
from checker.api import Checker
from checker.config import Config
from checker.read.ingest import read_paths

from .conftest import SAMPLE, FakeEmbedder

PAIR = ("نقلت طائرة أمريكية البطارية إلى قاعدة رامشتاين في ألمانيا",
        "نقلت البطارية إلى مطار معيتيقة في طرابلس")


def _ids(report):
    return [f.id for f in report.findings]


@pytest.fixture
def loads(monkeypatch):
    """How many times the model was loaded (the fake stands in for it)."""
    made: list[FakeEmbedder] = []
    monkeypatch.setattr(api, "embedder_from_config", lambda config, notify=None: made.append(FakeEmbedder())
                        or made[-1])
    monkeypatch.setattr(api, "_EMBEDDERS", {})
    monkeypatch.setattr(api, "_DEFAULT", [])
    return made


def test_a_checker_loads_its_encoder_once_for_every_call(loads, tmp_path):
    ck = Checker()
    assert "not loaded yet" in repr(ck) and loads == []
    ck.check(SAMPLE)
    ck.compare(*PAIR)
    ck.compare_many([PAIR])
    index = ck.build_index(SAMPLE, tmp_path / "idx")
    ck.check_index(index)
    ck.check(SAMPLE, against=index.path)
    assert len(loads) == 1 and "loaded" in repr(ck)


def test_a_claim_checked_again_is_not_embedded_again(fake_embedder):
    ck = Checker(embedder=fake_embedder)
    first = ck.check(SAMPLE)
    embedded = sum(len(call) for call in fake_embedder.calls)
    second = ck.check(SAMPLE)
    assert sum(len(call) for call in fake_embedder.calls) == embedded  # every vector came from the cache
    assert _ids(second) == _ids(first) and [f.score for f in second.findings] == [f.score for f in first.findings]
    uncached = Checker(embedder=fake_embedder, vector_cache=0)
    uncached.check(SAMPLE)
    uncached.check(SAMPLE)
    assert sum(len(call) for call in fake_embedder.calls) == 3 * embedded and not uncached._vectors


def test_the_vector_cache_keeps_the_most_recent_texts_up_to_its_size(fake_embedder):
    ck = Checker(embedder=fake_embedder, vector_cache=3)
    ck._embed(["a", "b", "c"])
    ck._embed(["a", "d"])  # a is used again, so b (the oldest) goes
    assert list(ck._vectors) == ["c", "a", "d"]
    assert ck._embed(["d", "d"]).shape == (2, fake_embedder.dimension) and ck._embed([]).shape[0] == 0


def test_paths_texts_documents_and_a_frame_give_the_same_findings(fake_embedder):
    ck = Checker(embedder=fake_embedder)
    documents = read_paths([SAMPLE]).documents
    by_path = ck.check([SAMPLE])
    assert _ids(by_path) and _ids(ck.check(documents)) == _ids(by_path)
    assert _ids(ck.check([d.text for d in documents])) == _ids(by_path)
    frame = pd.DataFrame({"text": [d.text for d in documents], "source": [d.source for d in documents]})
    assert _ids(ck.check(frame)) == _ids(by_path) == _ids(ck.check_texts(frame))


def test_compare_many_gives_a_frame_of_verdicts_and_keeps_the_input_columns(fake_embedder):
    ck = Checker(embedder=fake_embedder)
    verdict = ck.compare(*PAIR)
    frame = ck.compare_many([PAIR, (PAIR[1], PAIR[1])])
    assert list(frame.columns) == ["a", "b", "relation", "kind", "score", "gate", "similarity", "pair_score", "reason"]
    assert frame.loc[0, "relation"] == verdict.relation.value and frame.loc[0, "reason"] == verdict.reason
    assert frame.loc[0, "similarity"] == pytest.approx(verdict.similarity, abs=1e-6)
    labelled = pd.DataFrame({"s1": [PAIR[0]], "s2": [PAIR[1]], "stance": ["contradict"]}, index=[7])
    out = ck.compare_many(labelled)
    assert list(out.index) == [7] and out.loc[7, "stance"] == "contradict" and "relation" in out


def test_module_functions_share_a_default_checker_per_config(loads):
    report = checker.check(SAMPLE)
    checker.compare(*PAIR)
    assert len(loads) == 1 and api.default_checker() is api.default_checker(Config())
    strict = api.default_checker(Config(min_score=0.9))
    assert strict.config.min_score == 0.9 and strict is api.default_checker(Config(min_score=0.9))
    checker.check(SAMPLE, config=Config(min_score=0.9))
    assert len(loads) == 1  # another config, the same model: the loaded encoder is shared
    mine = FakeEmbedder()
    assert checker.check(SAMPLE, embedder=mine).findings and mine.calls and _ids(report)
    assert Checker("some-model").config.model == "some-model"
    heard: list[str] = []
    assert api.default_checker(notify=heard.append).notify == heard.append
    assert api.default_checker().notify is None  # a call's messages go to that call's caller only


def test_threads_may_share_a_checker(fake_embedder):
    from concurrent.futures import ThreadPoolExecutor

    ck = Checker(embedder=fake_embedder, vector_cache=50)  # smaller than the sample's claims: entries come and go
    alone = _ids(Checker(embedder=FakeEmbedder()).check(SAMPLE))
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: _ids(ck.check(SAMPLE)), range(8)))
    assert results == [alone] * 8 and len(ck._vectors) == 50


@pytest.mark.model
def test_the_real_model_checks_texts_and_frames_and_compares_many():
    ck = Checker()
    by_path = ck.check(SAMPLE)
    assert any("رامشتاين" in f.reason for f in by_path.contradictions)
    texts = ck.check([d.text for d in read_paths([SAMPLE]).documents])
    assert _ids(texts) == _ids(by_path)  # the same claims, their vectors from the cache
    frame = ck.compare_many([("The ferry sank off Suakin on Friday.", "The ferry sank off Suakin on Thursday."),
                             ("Three people died in the fire.", "The fire killed seven people.")])
    assert list(frame["relation"]) == ["contradict", "contradict"] and list(frame["kind"]) == ["date", "number"]
