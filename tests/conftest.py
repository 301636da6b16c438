"""Fixtures: a deterministic fake embedder, the sample corpus, and debug mode for the CLI."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from checker.text.arabic import stem, tokens

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "reports"
SHARED_DATA = ROOT.parent / "shared" / "data"


class FakeEmbedder:
    """Bag-of-stems hashed into 64 dimensions: equal words give similar vectors. For unit tests only."""

    model_id = "fake/bag-of-words-64"
    dimension = 64

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def embed(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        out = np.zeros((len(texts), self.dimension), np.float32)
        for row, text in enumerate(texts):
            for tok in tokens(text):
                bucket = int(hashlib.md5(stem(tok.norm).encode()).hexdigest(), 16) % self.dimension
                out[row, bucket] += 1.0
            out[row, 0] += 0.5  # never all-zero
        return out / np.linalg.norm(out, axis=1, keepdims=True)


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture(autouse=True)
def _debug(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unexpected exceptions keep their traceback under test."""
    monkeypatch.setenv("CHECKER_DEBUG", "1")


@pytest.fixture
def sample_dir() -> Path:
    return SAMPLE
