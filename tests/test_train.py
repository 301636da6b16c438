"""Training the sentence-level pair scorer (``checker train`` with an encoder that has no token vectors)."""

import csv

import numpy as np

from checker.judge.scorer import LABELS, PairScorer, SentencePairScorer


def _write_pairs(path, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["s1", "s2", "stance"])
        writer.writerows(rows)


def _pairs():
    """Disagree pairs swap a word for its opposite; agree pairs add a word; other pairs share nothing."""
    subjects = ["oil", "gold", "wheat", "coffee", "copper", "rice", "sugar", "cotton", "silver", "corn", "tin", "zinc"]
    rows = []
    for s in subjects:
        rows += [(f"{s} prices rise sharply", f"{s} prices fall sharply", "disagree"),
                 (f"{s} prices rise sharply", f"{s} prices rise sharply today", "agree"),
                 (f"{s} stocks grow", f"{s} stocks shrink", "disagree"),
                 (f"{s} stocks grow", f"{s} stocks grow again", "agree"),
                 (f"{s} exports rise", "the team won the cup", "other")]
    return rows


def test_an_encoder_without_token_vectors_gets_a_sentence_scorer_in_its_own_folder(tmp_path, monkeypatch,
                                                                                  fake_sentence_embedder):
    from checker.judge.train import SENTENCE_PARAMS, train_scorer

    monkeypatch.setattr("checker.judge.scorer.SCORER_ROOT", tmp_path / "scorers")
    rows = _pairs()
    _write_pairs(tmp_path / "train.csv", rows[:50])
    _write_pairs(tmp_path / "dev.csv", rows[50:])
    params = {**SENTENCE_PARAMS, "hidden": 16, "epochs": 60, "seeds": 2, "lr": 3e-3}
    card = train_scorer(tmp_path / "train.csv", tmp_path / "dev.csv", fake_sentence_embedder, seed=7, params=params)

    folder = tmp_path / "scorers" / "fake-bag-of-words-64-sentences"
    assert (folder / "heads.npz").is_file() and not folder.with_name(folder.name + ".partial").exists()
    assert card["kind"] == "sentence" and card["heads"] == [7, 8] and card["model"] == fake_sentence_embedder.model_id
    assert card["params"] == params and len(card["data"]["dev"][0]["sha256"]) == 64
    assert card["data"]["sources"] == {"ans": 50}
    assert card["command"].startswith("checker train --model MODEL --train ") and card["command"].endswith("--seed 7")
    assert {"accuracy", "macro_f1_agree_disagree", "confusion"} <= card["dev"].keys()
    with np.load(folder / "heads.npz", allow_pickle=False) as arrays:
        assert {arrays[k].dtype for k in arrays.files} == {np.dtype(np.float16)}

    scorer = PairScorer.for_model(fake_sentence_embedder.model_id)
    assert isinstance(scorer, SentencePairScorer) and len(scorer.heads) == 2
    held_out = [("lead prices rise sharply", "lead prices fall sharply"),
                ("lead prices rise sharply", "lead prices rise sharply today")]
    proba = scorer.score_texts(held_out, fake_sentence_embedder)
    assert [LABELS[i] for i in proba.argmax(1)] == ["disagree", "agree"]
    assert scorer.contradiction_score(proba)[0] > 0.5 > scorer.contradiction_score(proba)[1]


def test_sentence_training_is_reproducible(tmp_path, fake_sentence_embedder):
    from checker.judge.train import SENTENCE_PARAMS, train_scorer

    _write_pairs(tmp_path / "train.csv", _pairs()[:20])
    _write_pairs(tmp_path / "dev.csv", _pairs()[20:30])
    params = {**SENTENCE_PARAMS, "hidden": 8, "epochs": 3, "seeds": 1}
    for name in ("a", "b"):
        train_scorer(tmp_path / "train.csv", tmp_path / "dev.csv", fake_sentence_embedder, out=tmp_path / name,
                     params=params)
    with np.load(tmp_path / "a" / "heads.npz") as a, np.load(tmp_path / "b" / "heads.npz") as b:
        assert all(np.array_equal(a[k], b[k]) for k in a.files)
