import csv

import numpy as np
import pytest

from checker.evaluate import evaluate, metrics
from checker.scorer import PairScorer, TreeEnsemble, export_trees, unmatched_words

from .conftest import SHARED_DATA


def test_metrics_match_a_hand_computed_example():
    gold = ["agree", "agree", "disagree", "disagree", "other"]
    pred = ["agree", "disagree", "disagree", "disagree", "agree"]
    m = metrics(gold, pred)
    assert m["n"] == 5 and m["accuracy"] == 0.6
    assert m["per_class"]["agree"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    assert m["per_class"]["disagree"]["precision"] == pytest.approx(2 / 3, abs=1e-4)
    assert m["per_class"]["disagree"]["f1"] == pytest.approx(0.8, abs=1e-4)
    assert m["macro_f1_agree_disagree"] == pytest.approx(0.65, abs=1e-4)
    assert m["confusion"]["other"] == {"agree": 1, "disagree": 0, "other": 0}


def test_exported_trees_reproduce_scikit_learn_without_pickle(tmp_path):
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 5)).astype(np.float32)
    X[::17, 2] = np.nan
    y = (X[:, 0] + np.nan_to_num(X[:, 2]) > 0).astype(int) + (X[:, 1] > 1.2)
    model = HistGradientBoostingClassifier(max_iter=20, random_state=0).fit(X, y)
    arrays = export_trees(model)
    np.savez_compressed(tmp_path / "trees.npz", **arrays)
    (tmp_path / "card.json").write_text('{"platt": [1.0, 0.0], "model": "m"}')
    scorer = PairScorer.load(tmp_path)
    assert isinstance(scorer.trees, TreeEnsemble)
    assert np.abs(scorer.predict_proba(X) - model.predict_proba(X)).max() < 1e-6
    assert PairScorer.for_model("other", tmp_path) is None


def test_unmatched_words_ignore_morphological_variants():
    only_a, only_b = unmatched_words("ارتفاع أسعار النفط في الأسواق", "انخفاض سعر النفط في السوق")
    assert "ارتفاع" in only_a and "انخفاض" in only_b
    assert "النفط" not in only_a + only_b


def test_eval_on_a_small_labelled_file_with_nli_labels(tmp_path, fake_embedder):
    path = tmp_path / "pairs.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["s1", "s2", "label"])
        writer.writerow(["Oil prices rise", "Oil prices fall", "contradiction"])
        writer.writerow(["Oil prices rise", "Prices of oil go up", "entailment"])
        writer.writerow(["Oil prices rise", "The team won the cup", "neutral"])

    class Constant:
        card = {}

        def predict_proba(self, X):
            return np.tile([0.2, 0.7, 0.1], (len(X), 1))

        def contradiction_score(self, X):
            return np.full(len(X), 0.7)

    result = evaluate(path, fake_embedder, Constant())
    assert [r["gold"] for r in result.rows] == ["disagree", "agree", "other"]
    assert all(r["predicted"] == "disagree" for r in result.rows)
    assert result.metrics["accuracy"] == pytest.approx(1 / 3, abs=1e-4)
    assert {"n", "accuracy", "macro_f1", "per_class", "confusion", "rows"} <= result.to_dict().keys()
    assert {"s1", "s2", "gold", "predicted", "score", "kind"} <= result.rows[0].keys()


@pytest.mark.model
@pytest.mark.skipif(not (SHARED_DATA / "ans" / "stance_dev.csv").is_file(), reason="../shared/data absent")
def test_trained_scorer_on_ans_dev_matches_its_card():
    from checker.embed import SentenceTransformerEmbedder

    embedder = SentenceTransformerEmbedder()
    scorer = PairScorer.for_model(embedder.model_id)
    assert scorer is not None, "run checker train"
    result = evaluate(SHARED_DATA / "ans" / "stance_dev.csv", embedder, scorer)
    card = scorer.card["dev"]
    assert result.metrics["macro_f1_agree_disagree"] == pytest.approx(card["macro_f1_agree_disagree"], abs=0.01)
    assert result.metrics["macro_f1_agree_disagree"] > 0.7
