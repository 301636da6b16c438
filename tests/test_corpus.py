"""The learned pair score as the library attaches it to findings (``pair_scores``, ``judge_claims``)."""

import numpy as np

import checker
from checker.judge.corpus import pair_scores
from checker.judge.scorer import TokenPairScorer

from .test_scorer import write_sentence_scorer

PAIRS = [("oil prices rise", "oil prices fall"), ("oil prices rise", "prices of oil go up")]


def test_pair_scores_reads_a_sentence_scorer_with_any_embedder(tmp_path, monkeypatch, fake_sentence_embedder):
    monkeypatch.setattr("checker.judge.scorer.SCORER_ROOT", tmp_path)
    assert pair_scores(PAIRS, fake_sentence_embedder) == [None, None]  # nothing trained for it
    write_sentence_scorer(tmp_path / "fast", fake_sentence_embedder.model_id)
    scores = pair_scores(PAIRS, fake_sentence_embedder)
    assert all(isinstance(s, float) and 0.0 <= s <= 1.0 for s in scores)
    assert fake_sentence_embedder.calls == [sorted({t for p in PAIRS for t in p})]  # each text once


def test_pair_scores_uses_vectors_already_computed(tmp_path, monkeypatch, fake_sentence_embedder):
    monkeypatch.setattr("checker.judge.scorer.SCORER_ROOT", tmp_path)
    write_sentence_scorer(tmp_path / "fast", fake_sentence_embedder.model_id)
    texts = sorted({t for p in PAIRS for t in p})
    known = dict(zip(texts, fake_sentence_embedder.embed(texts)))
    fresh = pair_scores(PAIRS, fake_sentence_embedder)
    fake_sentence_embedder.calls.clear()
    assert pair_scores(PAIRS, fake_sentence_embedder, known) == fresh and fake_sentence_embedder.calls == []


def test_a_token_scorer_gives_no_score_to_an_encoder_without_token_vectors(monkeypatch, fake_sentence_embedder):
    tokens = TokenPairScorer([], (1.0, 0.0), {})
    monkeypatch.setattr("checker.judge.corpus.PairScorer.for_model", lambda model_id: tokens)
    assert pair_scores(PAIRS, fake_sentence_embedder) == [None, None]


def test_check_scores_findings_with_the_claims_vectors(tmp_path, monkeypatch, fake_sentence_embedder):
    """A sentence scorer reads the rows ``check`` embedded; only a denied claim (scored with its cue) is encoded
    again."""
    monkeypatch.setattr("checker.judge.scorer.SCORER_ROOT", tmp_path / "scorers")
    write_sentence_scorer(tmp_path / "scorers" / "fast", fake_sentence_embedder.model_id)
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "a.txt").write_text(
        "تقرير أول\nقالت وزارة الدفاع إن البطارية نقلت إلى قاعدة رامشتاين في ألمانيا يوم الاثنين. "
        "ونفت الحكومة أن تكون الطائرة قد سقطت في البحر قرب الساحل.\n", encoding="utf-8")
    (tmp_path / "reports" / "b.txt").write_text(
        "تقرير ثان\nقال مسؤولون إن البطارية نقلت إلى مطار معيتيقة في طرابلس يوم الاثنين. "
        "وقالت الشرطة إن الطائرة سقطت في البحر قرب الساحل.\n", encoding="utf-8")
    report = checker.check([tmp_path / "reports"], embedder=fake_sentence_embedder)
    assert {f.kind for f in report.contradictions} == {"location", "negation"}
    assert all(isinstance(f.pair_score, float) and np.isfinite(f.pair_score) for f in report.findings)
    denied = [c.text for c in report.claims if c.attribution.how == "denied"]
    assert fake_sentence_embedder.calls == [[c.proposition for c in report.claims], denied]
