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

    def token_states(self, texts: list[str], layers: tuple[int, ...]) -> list[dict[int, np.ndarray]]:
        """Per text, one row per word: the word's stem hashed to a seeded random vector (same at every layer)."""
        out = []
        for text in texts:
            seeds = [int(hashlib.md5(stem(t.norm).encode()).hexdigest()[:8], 16) for t in tokens(text)]
            rows = [np.random.default_rng(s).normal(size=self.dimension).astype(np.float32) for s in seeds]
            rows = rows or [np.ones(self.dimension, np.float32)]
            out.append({layer: np.array(rows) for layer in layers})
        return out


class FakeSentenceEmbedder:
    """:class:`FakeEmbedder`'s sentence vectors only, like the fast USE encoder (not a TokenEncoder)."""

    model_id = "fake/bag-of-words-64-sentences"
    dimension = 64

    def __init__(self) -> None:
        self._words = FakeEmbedder()
        self.calls = self._words.calls

    def embed(self, texts: list[str]) -> np.ndarray:
        return self._words.embed(texts)


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def fake_sentence_embedder() -> FakeSentenceEmbedder:
    return FakeSentenceEmbedder()


@pytest.fixture(autouse=True)
def _debug(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unexpected exceptions keep their traceback under test."""
    monkeypatch.setenv("CHECKER_DEBUG", "1")


@pytest.fixture(autouse=True)
def _plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Arabic display as on a terminal that neither joins nor reorders, whatever terminal runs the tests."""
    for name in ("CHECKER_BIDI", "VTE_VERSION", "KONSOLE_VERSION", "MLTERM"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def sample_dir() -> Path:
    return SAMPLE


def _claim(doc, text: str, source: str, how: str = "said", via: str | None = None):
    from checker.read.claims import Attribution, Claim

    start = doc.text.index(text)
    body = text.index("أن ") + 3 if "أن " in text else 0
    line = doc.text.count("\n", 0, start) + 1
    return Claim(hashlib.md5(f"{doc.id}{text}".encode()).hexdigest()[:12], doc.id, doc.path, text,
                 (start, start + len(text)), line, Attribution(source, how, via, source), (body, len(text)))


def make_report():
    """A hand-made report: two stories over three dated reports (one contradiction with a highlighted span)."""
    from checker.judge.rules import Difference, Relation
    from checker.read.ingest import Document
    from checker.report.report import Finding, Report

    texts = ["عنوان أول\nذكرت صحيفة التايمز أن البطارية نقلت إلى قاعدة رامشتاين في ألمانيا.\n"
             "وقال الوزير إن الميناء سيفتح في مارس.",
             "عنوان ثان\nنقل تقرير عن مسؤولين أن البطارية نقلت إلى مطار معيتيقة في طرابلس.",
             "Second title\nThe minister said the port will open in March 2025."]
    docs = [Document(f"d{i}", f"reports/{i}.txt", t.split("\n")[0], t, f"outlet{i}", date)
            for i, (t, date) in enumerate(zip(texts, ["2024-12-01", "3 ديسمبر 2024", "2024-12-05"]))]
    a = _claim(docs[0], "ذكرت صحيفة التايمز أن البطارية نقلت إلى قاعدة رامشتاين في ألمانيا.", "صحيفة التايمز",
               "reported")
    b = _claim(docs[1], "نقل تقرير عن مسؤولين أن البطارية نقلت إلى مطار معيتيقة في طرابلس.", "مسؤولين",
               "reported", via="تقرير")
    c = _claim(docs[0], "وقال الوزير إن الميناء سيفتح في مارس.", "الوزير")
    d = _claim(docs[2], "The minister said the port will open in March 2025.", "the minister")
    pa, pb = a.text.index("قاعدة رامشتاين"), b.text.index("مطار معيتيقة")
    diff = Difference("location", "قاعدة رامشتاين", "مطار معيتيقة", (pa, pa + 14), (pb, pb + 12))
    findings = [Finding("f1", Relation.CONTRADICT, 0.73, "location", "location: «قاعدة رامشتاين» vs «مطار معيتيقة»",
                        a, b, 0.6, 0.91, (diff,), 0.76),
                Finding("f2", Relation.AGREE, 0.6, "other", "same event", c, d, 0.7, 0.88)]
    return Report(docs, [a, c, b, d], findings, model="fake")


@pytest.fixture
def report():
    return make_report()


@pytest.fixture
def fake(monkeypatch) -> FakeEmbedder:
    """The fake embedder in place of whatever model a command or ``checker.check`` would load."""
    embedder = FakeEmbedder()
    monkeypatch.setattr("checker.embed.embedder_from_config", lambda config, notify=None: embedder)
    monkeypatch.setattr("checker.api.embedder_from_config", lambda config, notify=None: embedder)
    return embedder

