import csv

import numpy as np
import pytest

from checker.evaluate import evaluate, metrics
from checker.scorer import LABELS, AttentionHead, PairScorer

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


def test_numpy_head_reproduces_the_torch_head_with_padding():
    import torch

    from checker.train import _head_module, _padded, export_head

    torch.manual_seed(0)
    net = _head_module(16, 8, dropout=0.3).eval()
    rng = np.random.default_rng(0)
    a = [rng.normal(size=(n, 16)).astype(np.float32) for n in (3, 7, 5)]
    b = [rng.normal(size=(n, 16)).astype(np.float32) for n in (6, 2, 5)]
    with torch.no_grad():
        expected = net(*_padded(a), *_padded(b)).numpy()
    head = AttentionHead(8, export_head(net))
    got = np.array([head.logits(x, y) for x, y in zip(a, b)])
    assert np.abs(got - expected).max() < 1e-4


def test_head_is_symmetric_in_the_two_claims():
    rng = np.random.default_rng(1)
    weights = {"ln_w": np.ones(4), "ln_b": np.zeros(4), "f_w": rng.normal(size=(4, 5)), "f_b": rng.normal(size=5),
               "g_w": rng.normal(size=(20, 5)), "g_b": rng.normal(size=5), "h1_w": rng.normal(size=(20, 5)),
               "h1_b": rng.normal(size=5), "h2_w": rng.normal(size=(5, 3)), "h2_b": rng.normal(size=3)}
    head = AttentionHead(0, weights)
    a, b = rng.normal(size=(3, 4)), rng.normal(size=(6, 4))
    assert np.allclose(head.logits(a, b), head.logits(b, a), atol=1e-5)
    assert not np.allclose(head.logits(a, b), head.logits(a, a[::-1] * 2), atol=1e-3)


def _write_pairs(path, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["s1", "s2", "stance"])
        writer.writerows(rows)


def test_train_writes_a_scorer_that_learns_a_swapped_word(tmp_path, fake_embedder):
    """Disagree pairs replace one word by its opposite; agree pairs drop or repeat a word. Held-out
    sentences must be told apart after training, and the card must say how the scorer was made."""
    from checker.train import PARAMS, train_scorer

    subjects = ["oil", "gold", "wheat", "coffee", "copper", "rice", "sugar", "cotton", "silver", "corn"]
    rows = []
    for s in subjects:
        rows += [(f"{s} prices rise sharply", f"{s} prices fall sharply", "disagree"),
                 (f"{s} prices rise sharply", f"{s} prices rise", "agree"),
                 (f"{s} output falls", f"{s} output rises", "disagree"),
                 (f"{s} output falls", f"{s} output falls again", "agree"),
                 (f"{s} exports rise", "the team won the cup", "other")]
    _write_pairs(tmp_path / "train.csv", rows[:40])
    _write_pairs(tmp_path / "dev.csv", rows[40:])
    params = {**PARAMS, "hidden": 16, "epochs": 30, "heads": [0, 1], "batch": 8, "lr": 3e-3}
    card = train_scorer(tmp_path / "train.csv", tmp_path / "dev.csv", fake_embedder, out=tmp_path / "scorer",
                        params=params)
    assert card["model"] == fake_embedder.model_id and card["heads"] == [0, 1]
    assert len(card["data"]["train"]["sha256"]) == 64 and card["data"]["train"]["pairs"] == 40
    assert not (tmp_path / "scorer.partial").exists()
    scorer = PairScorer.for_model(fake_embedder.model_id, tmp_path / "scorer")
    proba = scorer.score_texts([("corn prices rise sharply", "corn prices fall sharply"),
                                ("corn prices rise sharply", "corn prices rise")], fake_embedder)
    assert proba[0].argmax() == LABELS.index("disagree") and proba[1].argmax() == LABELS.index("agree")
    assert scorer.contradiction_score(proba)[0] > 0.5 > scorer.contradiction_score(proba)[1]
    assert PairScorer.for_model("another/model", tmp_path / "scorer") is None


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

        def score_texts(self, pairs, encoder):
            return np.tile([0.2, 0.7, 0.1], (len(pairs), 1))

        def contradiction_score(self, proba):
            return np.full(len(proba), 0.7)

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
    assert result.metrics["macro_f1_agree_disagree"] > 0.75


def test_the_scorer_reads_a_denial_cue_with_its_content():
    """«نفت الوزارة أن …» asserts the opposite of its proposition: the scorer must see the denial verb."""
    from checker.api import _scored_text
    from checker.claims import split_claims
    from checker.ingest import Document

    text = "نفت وزارة الدفاع أن تكون الطائرة قد سقطت في البحر. وقالت الشرطة إن الطائرة سقطت في البحر."
    denied, said = split_claims(Document(id="r", path="r.txt", title="", text=text))
    assert denied.attribution.how == "denied" and _scored_text(denied).startswith("نفت")
    assert _scored_text(said) == said.proposition and not said.proposition.startswith("وقالت")
