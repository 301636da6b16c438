"""Stage 2, embed: texts → unit vectors behind one seam (:class:`Embedder`).

Importing the package registers the built-in encoders (their modules call
:func:`~checker.embed.base.register`); a new encoder is a module that does the same.
"""

from __future__ import annotations

from . import onnx_e5, st, use  # noqa: F401  (each registers its encoder; st first: it is the fallback)
from .base import (
                   DEFAULT_MODEL_ID,
                   ENCODERS,
                   INT8_MODEL_ID,
                   USE_MODEL_ID,
                   Embedder,
                   NamedEncoder,
                   TokenEncoder,
                   embedder_from_config,
                   register,
)
from .st import SentenceTransformerEmbedder, default_model_dir

__all__ = ["DEFAULT_MODEL_ID", "ENCODERS", "INT8_MODEL_ID", "USE_MODEL_ID", "Embedder", "NamedEncoder",
           "SentenceTransformerEmbedder", "TokenEncoder",
           "default_model_dir", "embedder_from_config", "register"]
