"""Invariances of the learned pair scorer on the real default model (issue 15).

``tests/data/invariance.json`` holds hand-written news sentences, each with a negated version, and
Arabic/English translation pairs. From them the pair list is generated: every sentence against itself,
every sentence against its negation, every translation pair, and the swaps of the last two. The real
scorer must never call a sentence and itself "disagree", must give (a, b) and (b, a) the same relation,
must call a sentence and its negation "disagree", and a sentence and its translation "agree". The Arabic
and English versions of one ArNLI sentence (``../shared/data/arnli/valid.csv``, when present) must agree.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from checker.judge.scorer import LABELS

DATA = Path(__file__).parent / "data" / "invariance.json"
ARNLI_VALID = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "arnli" / "valid.csv"

MIN_PAIRS = 300
SWAP_RATE = 0.99
NEGATION_RATE = 0.90
TRANSLATION_RATE = 0.90
ARNLI_RATE = 0.90
#: Not reached yet (issue 15). The shipped scorer measured 0.719 on the translations and 0.659 on ArNLI valid
#: (e5-small-int8, an AVX512-VNNI machine); the floors guard against a retrained scorer doing worse (int8 results
#: move a little between machines), and the goal tests are expected to fail until a judge reaches 0.90.
TRANSLATION_FLOOR = 0.65
ARNLI_FLOOR = 0.60
NOT_YET = pytest.mark.xfail(strict=True, reason="issue 15: cross-language agreement below the 0.90 goal")
SHOWN = 10


def _data() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def _pairs() -> dict[str, list[tuple[str, str, str]]]:
    """``kind -> [(lang, a, b)]`` for the kinds ``self``, ``negation`` and ``translation`` (both orders of
    the last two; ``lang`` is ``ar``, ``en`` or ``ar-en``)."""
    data = _data()
    self_pairs, negation, translation = [], [], []
    for entry in data["negation"]:
        lang, text, negated = entry["lang"], entry["text"], entry["negated"]
        self_pairs += [(lang, text, text), (lang, negated, negated)]
        negation += [(lang, text, negated), (lang, negated, text)]
    for entry in data["translation"]:
        self_pairs += [("ar", entry["ar"], entry["ar"]), ("en", entry["en"], entry["en"])]
        translation += [("ar-en", entry["ar"], entry["en"]), ("ar-en", entry["en"], entry["ar"])]
    return {"self": self_pairs, "negation": negation, "translation": translation}


def _probs(proba: np.ndarray) -> str:
    return " ".join(f"{label}={p:.2f}" for label, p in zip(LABELS, proba))


def _report(title: str, failures: list[tuple[str, str, np.ndarray]], total: int) -> str:
    """A readable failure message: the rate and up to :data:`SHOWN` failing pairs with their probabilities
    (a row of ``2 * len(LABELS)`` probabilities is shown as (a, b) then (b, a))."""
    lines = [f"{title}: {len(failures)} of {total} pairs fail"]
    for a, b, proba in failures[:SHOWN]:
        shown = f"[{_probs(proba[:len(LABELS)])}]"
        if len(proba) > len(LABELS):
            shown += f" swapped [{_probs(proba[len(LABELS):])}]"
        lines.append(f"  {shown}  «{a}»  vs  «{b}»")
    if len(failures) > SHOWN:
        lines.append(f"  … and {len(failures) - SHOWN} more")
    return "\n".join(lines)


def _label(proba: np.ndarray) -> str:
    return LABELS[int(np.argmax(proba))]


def test_the_invariance_list_is_large_and_well_formed():
    """Runs without the model: the data keeps its size, languages and shape."""
    data = _data()
    negation = data["negation"]
    for lang in ("ar", "en"):
        assert sum(e["lang"] == lang for e in negation) >= 90, lang
    assert all(set(e) == {"lang", "text", "negated"} and e["text"] != e["negated"] for e in negation)
    assert len(data["translation"]) >= 30
    assert all(set(e) == {"ar", "en"} for e in data["translation"])
    texts = [t for e in negation for t in (e["text"], e["negated"])]
    texts += [t for e in data["translation"] for t in (e["ar"], e["en"])]
    assert len(texts) == len(set(texts)), "a sentence appears twice"
    assert sum(len(v) for v in _pairs().values()) >= MIN_PAIRS


@pytest.fixture(scope="module")
def encoder():
    pytest.importorskip("onnxruntime")
    from checker.config import Config
    from checker.embed.base import embedder_from_config

    return embedder_from_config(Config())  # the default encoder, e5-small-int8


@pytest.fixture(scope="module")
def scorer(encoder):
    from checker.judge.scorer import PairScorer

    found = PairScorer.for_model(encoder.model_id)
    assert found is not None, f"no scorer for {encoder.model_id}: run checker train"
    return found


@pytest.fixture(scope="module")
def scored(encoder, scorer) -> dict[str, list[tuple[str, str, str, np.ndarray]]]:
    """Every generated pair with its probabilities, from one ``score_texts`` call."""
    pairs = _pairs()
    flat = [(kind, lang, a, b) for kind, rows in pairs.items() for lang, a, b in rows]
    assert len(flat) >= MIN_PAIRS
    proba = scorer.score_texts([(a, b) for _, _, a, b in flat], encoder)
    out: dict[str, list[tuple[str, str, str, np.ndarray]]] = {kind: [] for kind in pairs}
    for (kind, lang, a, b), p in zip(flat, proba):
        out[kind].append((lang, a, b, p))
    return out


@pytest.mark.model
def test_a_sentence_against_itself_is_never_disagree(scored):
    rows = scored["self"]
    failures = [(a, b, p) for _, a, b, p in rows if _label(p) == "disagree"]
    print(f"self pairs predicted 'disagree': {len(failures)} of {len(rows)}")
    assert len(failures) == 0, _report("a sentence against itself predicted 'disagree'", failures, len(rows))


@pytest.mark.model
def test_swapping_the_two_sides_keeps_the_relation(scored):
    """Over the pairs of two different sentences (negations and translations; a self pair is its own
    swap), each unordered pair once: the label of (a, b) equals that of (b, a)."""
    by_pair = {(a, b): p for kind in ("negation", "translation") for _, a, b, p in scored[kind]}
    failures, total = [], 0
    for (a, b), p in by_pair.items():
        if (a, b) > (b, a):
            continue
        total += 1
        q = by_pair[(b, a)]
        if _label(p) != _label(q):
            failures.append((a, b, np.concatenate([p, q])))
    rate = 1 - len(failures) / total
    print(f"swap agreement: {rate:.3f} over {total} unordered pairs")
    assert rate >= SWAP_RATE, _report(
        f"(a, b) and (b, a) get different labels; agreement {rate:.3f} < {SWAP_RATE}", failures, total)


@pytest.mark.model
@pytest.mark.parametrize("lang", ["ar", "en"])
def test_a_sentence_against_its_negation_is_disagree(scored, lang):
    rows = [(a, b, p) for row_lang, a, b, p in scored["negation"] if row_lang == lang]
    failures = [(a, b, p) for a, b, p in rows if _label(p) != "disagree"]
    rate = 1 - len(failures) / len(rows)
    print(f"negation {lang} 'disagree': {rate:.3f} over {len(rows)} pairs")
    assert rate >= NEGATION_RATE, _report(
        f"{lang}: negation not 'disagree'; rate {rate:.3f} < {NEGATION_RATE}", failures, len(rows))


def _translation_rate(scored) -> tuple[float, list, int]:
    rows = scored["translation"]
    failures = [(a, b, p) for _, a, b, p in rows if _label(p) != "agree"]
    return 1 - len(failures) / len(rows), failures, len(rows)


@pytest.mark.model
def test_an_arabic_sentence_and_its_english_translation_agree_no_less_than_today(scored):
    rate, failures, total = _translation_rate(scored)
    print(f"translation 'agree': {rate:.3f} over {total} pairs")
    assert rate >= TRANSLATION_FLOOR, _report(
        f"translation not 'agree'; rate {rate:.3f} < {TRANSLATION_FLOOR}", failures, total)


@pytest.mark.model
@NOT_YET
def test_an_arabic_sentence_and_its_english_translation_agree(scored):
    rate, failures, total = _translation_rate(scored)
    assert rate >= TRANSLATION_RATE, _report(
        f"translation not 'agree'; rate {rate:.3f} < {TRANSLATION_RATE}", failures, total)


def _arnli_translations(path: Path) -> list[tuple[str, str]]:
    """(Arabic, English original) for every distinct Arabic sentence of an ArNLI split, ``t`` and ``h``."""
    seen: dict[str, str] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            for ar, en in ((row["t"], row["sentence_t_en"]), (row["h"], row["sentence_h_en"])):
                ar, en = ar.strip(), en.strip()
                if ar and en and ar not in seen:
                    seen[ar] = en
    return list(seen.items())


@pytest.fixture(scope="module")
def arnli_rate(encoder, scorer) -> tuple[float, list, int]:
    if not ARNLI_VALID.is_file():
        pytest.skip("../shared/data/arnli/valid.csv absent")
    pairs = _arnli_translations(ARNLI_VALID)
    assert pairs
    proba = scorer.score_texts(pairs, encoder)
    failures = [(a, b, p) for (a, b), p in zip(pairs, proba) if _label(p) != "agree"]
    return 1 - len(failures) / len(pairs), failures, len(pairs)


@pytest.mark.model
def test_arnli_arabic_and_english_versions_agree_no_less_than_today(arnli_rate):
    rate, failures, total = arnli_rate
    print(f"ArNLI Arabic vs English 'agree': {rate:.3f} over {total} sentences")
    assert rate >= ARNLI_FLOOR, _report(
        f"ArNLI Arabic vs English original not 'agree'; rate {rate:.3f} < {ARNLI_FLOOR}", failures, total)


@pytest.mark.model
@NOT_YET
def test_arnli_arabic_and_english_versions_agree(arnli_rate):
    rate, failures, total = arnli_rate
    assert rate >= ARNLI_RATE, _report(
        f"ArNLI Arabic vs English original not 'agree'; rate {rate:.3f} < {ARNLI_RATE}", failures, total)
