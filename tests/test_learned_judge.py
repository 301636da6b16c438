"""The learned judge's training mix, its decision, and ``checker eval`` on ArNLI-shaped files (no real model)."""

from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import replace

import numpy as np
import pytest

from checker.errors import InputError
from checker.judge.calibrate import read_pairs
from checker.judge.decision import Decision, differing_words, fit_decision
from checker.judge.mix import Example, csv_examples, rule_pairs, story_examples, weights
from checker.judge.verdict import Relation

from .conftest import make_report

ARNLI_ROWS = [
    {"t": "يعزف صبي على الغيتار", "h": "يعزف صبي على الغيتار", "label": "1", "relatedness_score": "5",
     "sentence_t_en": "A boy is playing the guitar", "sentence_h_en": "A boy is playing the guitar"},
    {"t": "يعزف صبي على الغيتار", "h": "لا يعزف صبي على الغيتار", "label": "2", "relatedness_score": "4",
     "sentence_t_en": "A boy is playing the guitar", "sentence_h_en": "A boy is not playing the guitar"},
    {"t": "امرأة تقطع البصل", "h": "رجل يسبح في البحر", "label": "0", "relatedness_score": "1",
     "sentence_t_en": "A woman is cutting an onion", "sentence_h_en": "A man is swimming in the sea"},
]


def _arnli(path):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(ARNLI_ROWS[0]))
        writer.writeheader()
        writer.writerows(ARNLI_ROWS)
    return path


def test_arnli_files_are_read_with_numeric_labels_and_either_language_on_each_side(tmp_path):
    path = _arnli(tmp_path / "valid.csv")
    assert read_pairs(path) == [("يعزف صبي على الغيتار", "يعزف صبي على الغيتار", "agree"),
                                ("يعزف صبي على الغيتار", "لا يعزف صبي على الغيتار", "disagree"),
                                ("امرأة تقطع البصل", "رجل يسبح في البحر", "other")]
    assert read_pairs(path, "ar-en")[1] == ("يعزف صبي على الغيتار", "A boy is not playing the guitar", "disagree")
    assert read_pairs(path, "en-ar")[2] == ("A woman is cutting an onion", "رجل يسبح في البحر", "other")
    with pytest.raises(InputError, match="unknown sides"):
        read_pairs(path, "ar-fr")
    ans = tmp_path / "ans.csv"
    ans.write_text("s1,s2,stance\nأ,ب,agree\n", encoding="utf-8")
    with pytest.raises(InputError, match="ArNLI"):
        read_pairs(ans, "ar-en")


def test_arnli_training_examples_cross_scripts_both_ways(tmp_path):
    examples = csv_examples(_arnli(tmp_path / "train.csv"))
    assert len(examples) == 9 and {e.source for e in examples} == {"arnli"}
    assert ("A boy is playing the guitar", "لا يعزف صبي على الغيتار", "disagree") in {(e.a, e.b, e.label)
                                                                                     for e in examples}


def test_each_source_gets_its_share_of_the_loss_whatever_its_size():
    examples = [Example("a", "b", "agree", "ans")] * 90 + [Example("c", "d", "other", "rules")] * 10
    w = weights(examples, {"ans": 0.5, "rules": 0.5})
    assert w[:90].sum() == pytest.approx(w[90:].sum()) and w.mean() == pytest.approx(1.0)


def test_rule_made_pairs_change_what_they_say_they_change():
    sentences = ["Floods killed 12 people in the north of Italy on Monday",
                 "Prices rose sharply in March after the storm",
                 "ارتفعت أسعار القمح في مصر خلال شهر مارس",
                 "The ministry opened 3 new schools in Kenya",
                 "قالت الوزارة إن 40 شخصا أصيبوا في الحادث"] * 4
    pairs = rule_pairs(sentences, 200, seed=3)
    labels = Counter(p.label for p in pairs)
    assert len(pairs) == 200 and labels["disagree"] > 60 and labels["agree"] > 30 and labels["other"] > 30
    for p in pairs:
        if p.label == "agree":  # the same sentence, or it inside a reporting frame
            assert p.a.lower() in p.b.lower() or p.b.lower() in p.a.lower(), p
        if p.label == "other":
            assert p.a != p.b and p.a in sentences and p.b in sentences
    changed = [p for p in pairs if p.label == "disagree" and p.a in sentences and p.b in sentences]
    assert not changed, "a disagree pair must change the sentence"


def test_story_pairs_are_the_sentences_that_hold_the_key_substrings(tmp_path):
    story = tmp_path / "one_story"
    story.mkdir()
    (story / "r1.txt").write_text("Title\nThe ferry sank near the port on Monday. Rescuers found 12 survivors.\n",
                                  encoding="utf-8")
    (story / "r2.txt").write_text("Title\nRescuers found 20 survivors. The search goes on.\n", encoding="utf-8")
    (story / "key.json").write_text(json.dumps({"pairs": [
        {"a": ["r1", "found 12 survivors"], "b": ["r2", "found 20 survivors"], "relation": "contradict"},
        {"a": ["r1", "ferry sank"], "b": ["r2", "search goes"], "relation": "not_contradict", "kind": "update"}]}),
        encoding="utf-8")
    assert story_examples(tmp_path) == [Example("Rescuers found 12 survivors.", "Rescuers found 20 survivors.",
                                                "disagree", "stories")]
    assert story_examples(tmp_path, {"one_story"}) == []


def test_the_learned_reason_names_where_the_claims_part():
    assert differing_words("The crossing reopened on Sunday", "The crossing remains closed on Sunday") == (
        "reopened", "remains closed")
    assert differing_words("The crossing reopened", "Le point de passage reste fermé") == ("", "")


def test_a_decision_flips_an_agreement_the_scorer_reads_as_contradiction_and_vetoes_a_weak_contradiction():
    report = make_report()
    contradiction, agreement = report.findings
    decision = Decision(flip=0.8, veto=0.1)
    flipped = decision.apply(replace(agreement, pair_score=0.9), p_other=0.05)
    assert flipped.relation is Relation.CONTRADICT and flipped.kind == "learned" and "0.90" in flipped.reason
    assert decision.apply(replace(agreement, pair_score=0.9), p_other=0.7).relation is Relation.AGREE
    assert decision.apply(replace(agreement, pair_score=0.7)).relation is Relation.AGREE
    assert decision.apply(replace(contradiction, pair_score=0.05)) is None
    unscored = replace(contradiction, pair_score=None)
    assert decision.apply(unscored) is unscored
    assert Decision.from_card({}) == Decision() and Decision().apply(replace(agreement, pair_score=0.99)).relation \
        is Relation.AGREE


def test_fit_decision_picks_thresholds_that_raise_the_benchmark_objective():
    report = make_report()
    contradiction, agreement = report.findings
    findings = [replace(contradiction, pair_score=0.9), replace(agreement, pair_score=0.95)]
    key_pairs = {agreement.id: "contradict", contradiction.id: "contradict"}

    def score(found, key):
        hits = sum(1 for f in found if f.relation is Relation.CONTRADICT and key.get(f.id) == "contradict")
        flagged = sum(1 for f in found if f.relation is Relation.CONTRADICT)
        return {"contradiction_recall": hits / 2, "contradiction_precision": hits / flagged if flagged else None,
                "agreement_recall": None, "traps_flagged": 0.0}

    decision, before, after = fit_decision(findings, {}, score, key_pairs, min_score=0.5)
    assert before["contradiction_recall"] == 0.5 and after["contradiction_recall"] == 1.0
    assert 0.5 <= decision.flip <= 0.95 and decision.veto < 0.9


def test_eval_reports_the_encoder_its_path_and_the_cpu(tmp_path, fake_embedder):
    from checker.embed.base import cpu_features, encoder_info
    from checker.judge.evaluate import evaluate

    info = encoder_info(fake_embedder)
    assert info["model"] == fake_embedder.model_id and info["path"] == "fp32" and info["cpu"] == cpu_features()
    assert all(isinstance(f, str) for f in info["cpu"])
    scorer = _constant_scorer()
    result = evaluate(_arnli(tmp_path / "valid.csv"), fake_embedder, scorer, sides="ar-en")
    assert result.metrics["encoder"]["model"] == fake_embedder.model_id and result.metrics["sides"] == "ar-en"
    assert result.rows[1]["s2"] == "A boy is not playing the guitar"


def _constant_scorer():
    from checker.judge.scorer import SentencePairScorer

    class Constant(SentencePairScorer):
        def __init__(self) -> None:
            super().__init__([], (1.0, 0.0), {"model": "constant"})

        def score_texts(self, pairs, encoder, known=None):
            return np.tile([0.6, 0.3, 0.1], (len(pairs), 1))

    return Constant()
