import csv

import numpy as np
import pytest

from checker.embed.base import DEFAULT_MODEL_ID, INT8_MODEL_ID, USE_MODEL_ID
from checker.errors import ModelError
from checker.judge.evaluate import evaluate, metrics
from checker.judge.scorer import (
    LABELS,
    SENTENCE_KEYS,
    AttentionHead,
    PairScorer,
    SentenceHead,
    SentencePairScorer,
    TokenPairScorer,
    pair_features,
    scorer_folder,
)

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

    from checker.judge.train import _head_module, _padded, export_head

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
    from checker.judge.train import PARAMS, train_scorer

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
    assert len(card["data"]["train"][0]["sha256"]) == 64 and card["data"]["sources"] == {"ans": 40}
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

        def score_texts(self, pairs, encoder, known=None):
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
    """The shipped scorer, read through the fp32 path of the weights it was trained on (int8), scores ANS dev as its
    card says (``paths``); 0.70 is a floor under the 0.73 measured, not the 0.83 goal of issue 15."""
    from checker.embed import SentenceTransformerEmbedder

    embedder = SentenceTransformerEmbedder()
    scorer = PairScorer.for_model(embedder.model_id)
    assert scorer is not None, "run checker train"
    result = evaluate(SHARED_DATA / "ans" / "stance_dev.csv", embedder, scorer)
    card = scorer.card["paths"]["fp32"]["stance_dev.csv"]
    assert result.metrics["macro_f1_agree_disagree"] == pytest.approx(card["macro_f1_agree_disagree"], abs=0.01)
    assert result.metrics["macro_f1_agree_disagree"] > 0.70


def test_the_scorer_reads_a_denial_cue_with_its_content():
    """«نفت الوزارة أن …» asserts the opposite of its proposition: the scorer must see the denial verb."""
    from checker.judge.corpus import scored_text
    from checker.read.claims import split_claims
    from checker.read.ingest import Document

    text = "نفت وزارة الدفاع أن تكون الطائرة قد سقطت في البحر. وقالت الشرطة إن الطائرة سقطت في البحر."
    denied, said = split_claims(Document(id="r", path="r.txt", title="", text=text))
    assert denied.attribution.how == "denied" and scored_text(denied).startswith("نفت")
    assert scored_text(said) == said.proposition and not said.proposition.startswith("وقالت")


def write_sentence_scorer(folder, model_id: str, dim: int = 64, heads: int = 2, seed: int = 0) -> None:
    """A sentence scorer with random weights, as ``checker train`` lays it out."""
    import json

    rng = np.random.default_rng(seed)
    shapes = {"w1": (3 * dim + 3, 8), "b1": (8,), "w2": (8, 3), "b2": (3,)}
    folder.mkdir(parents=True)
    np.savez_compressed(folder / "heads.npz", **{f"{n}.{k}": rng.normal(size=shapes[k]).astype(np.float16)
                                                 for n in range(heads) for k in SENTENCE_KEYS})
    (folder / "card.json").write_text(json.dumps({"model": model_id, "kind": "sentence", "heads": list(range(heads)),
                                                  "platt": [1.0, 0.0]}))


def test_numpy_sentence_head_reproduces_the_torch_module():
    import torch

    from checker.judge.train import _sentence_module, export_sentence_head

    torch.manual_seed(0)
    net = _sentence_module(3 * 16 + 3, 8, dropout=0.3).eval()
    rng = np.random.default_rng(0)
    features = pair_features(rng.normal(size=(5, 16)), rng.normal(size=(5, 16)))
    with torch.no_grad():
        expected = net(torch.from_numpy(features)).numpy()
    got = SentenceHead(export_sentence_head(net)).logits(features)
    assert got.shape == (5, 3) and np.abs(got - expected).max() < 1e-5


def test_sentence_scorer_is_symmetric_in_the_two_claims(tmp_path):
    write_sentence_scorer(tmp_path / "s", "fake/model", dim=16)
    scorer = PairScorer.load(tmp_path / "s")
    rng = np.random.default_rng(2)
    u, v = rng.normal(size=(6, 16)), rng.normal(size=(6, 16))
    assert np.array_equal(pair_features(u, v), pair_features(v, u))
    forward, backward = scorer.predict_proba(u, v), scorer.predict_proba(v, u)
    assert np.array_equal(forward, backward)
    assert np.array_equal(scorer.contradiction_score(forward), scorer.contradiction_score(backward))
    assert np.allclose(forward.sum(1), 1.0) and not np.allclose(forward, scorer.predict_proba(u, u[::-1]))


def test_shipped_scorers_are_found_by_the_model_their_card_names():
    fp32, int8, use = (PairScorer.for_model(m) for m in (DEFAULT_MODEL_ID, INT8_MODEL_ID, USE_MODEL_ID))
    assert isinstance(int8, TokenPairScorer) and int8.card["model"] == INT8_MODEL_ID
    assert fp32 is int8  # fp32 e5 reads the scorer trained on its int8 quantisation of the same weights; loaded once
    assert isinstance(use, SentencePairScorer) and use.card["model"] == USE_MODEL_ID and use.card["kind"] == "sentence"
    assert PairScorer.for_model("some-org/unknown-model") is None


def test_for_model_prefers_an_exact_match_and_skips_unfinished_folders(tmp_path):
    write_sentence_scorer(tmp_path / "a", DEFAULT_MODEL_ID, seed=1)
    write_sentence_scorer(tmp_path / "b.partial", INT8_MODEL_ID, seed=2)
    write_sentence_scorer(tmp_path / "c", "fake/model", seed=3)
    assert PairScorer.for_model(INT8_MODEL_ID, tmp_path).card["model"] == DEFAULT_MODEL_ID  # SAME_WEIGHTS
    write_sentence_scorer(tmp_path / "b", INT8_MODEL_ID, seed=2)
    assert PairScorer.for_model(INT8_MODEL_ID, tmp_path).card["model"] == INT8_MODEL_ID
    assert PairScorer.for_model("fake/model", tmp_path / "c").card["model"] == "fake/model"  # one folder
    assert PairScorer.for_model("fake/model", tmp_path / "missing") is None


def test_a_scorer_is_loaded_once_until_its_folder_is_rewritten(tmp_path):
    import shutil

    write_sentence_scorer(tmp_path / "s", "fake/model", seed=1)
    first = PairScorer.load(tmp_path / "s")
    assert PairScorer.load(tmp_path / "s") is first
    shutil.rmtree(tmp_path / "s")
    write_sentence_scorer(tmp_path / "s", "fake/model", heads=3, seed=2)
    assert len(PairScorer.load(tmp_path / "s").heads) == 3


def test_a_card_of_unknown_kind_is_refused_with_its_path(tmp_path):
    import json

    write_sentence_scorer(tmp_path / "s", "fake/model")
    (tmp_path / "s" / "card.json").write_text(json.dumps({"model": "fake/model", "kind": "trees", "heads": [0]}))
    with pytest.raises(ModelError, match="card.json.*trees"):
        PairScorer.load(tmp_path / "s")


def test_scorer_folder_is_the_model_name_or_a_safe_slug(tmp_path):
    assert scorer_folder(USE_MODEL_ID, tmp_path) == tmp_path / "use-multilingual-int8"
    assert scorer_folder(DEFAULT_MODEL_ID, tmp_path) == tmp_path / "multilingual-e5-small"
    assert scorer_folder("/home/me/Models/My Model", tmp_path) == tmp_path / "home-me-models-my-model"


def test_eval_runs_a_sentence_scorer_on_the_vectors_it_already_has(tmp_path, fake_sentence_embedder):
    _write_pairs(tmp_path / "pairs.csv", [("oil prices rise", "oil prices fall", "disagree"),
                                          ("oil prices rise", "prices of oil go up", "agree")])
    write_sentence_scorer(tmp_path / "s", fake_sentence_embedder.model_id)
    result = evaluate(tmp_path / "pairs.csv", fake_sentence_embedder, PairScorer.load(tmp_path / "s"))
    assert result.metrics["n"] == 2 and all(r["predicted"] in LABELS for r in result.rows)
    assert len(fake_sentence_embedder.calls) == 2  # s1 and s2 for the rules' cosine; the scorer re-encodes nothing


def test_eval_refuses_a_token_scorer_for_an_encoder_without_token_vectors(tmp_path, fake_sentence_embedder):
    _write_pairs(tmp_path / "pairs.csv", [("oil prices rise", "oil prices fall", "disagree")])
    tokens = TokenPairScorer([], (1.0, 0.0), {"model": "fake/tokens"})
    with pytest.raises(ModelError, match="token vectors"):
        evaluate(tmp_path / "pairs.csv", fake_sentence_embedder, tokens)


@pytest.mark.model
def test_shipped_use_head_scores_a_negation_above_its_paraphrase():
    pytest.importorskip("onnxruntime_extensions")
    from checker.config import Config
    from checker.embed.base import embedder_from_config

    embedder = embedder_from_config(Config(model="use-multilingual-int8"))
    scorer = PairScorer.for_model(embedder.model_id)
    claim = "ارتفعت أسعار النفط في الأسواق العالمية اليوم"
    try:
        proba = scorer.score_texts([(claim, "لم ترتفع أسعار النفط في الأسواق العالمية اليوم"),
                                    (claim, "أسعار النفط ترتفع اليوم في الأسواق العالمية")], embedder)
    except ModelError as exc:
        pytest.skip(str(exc))
    negation, paraphrase = scorer.contradiction_score(proba)
    assert negation > paraphrase
