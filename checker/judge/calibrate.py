"""Calibrate a model's similarity scale on labelled pairs (``checker calibrate PAIRS.csv``).

e5-style encoders put almost every pair above 0.8, so a fixed threshold means
nothing across models. We measure two landmarks on a labelled pair file:
``unrelated``, the 95th percentile of cosines between randomly re-paired
sentences (different events, almost surely), and ``related``, the median
cosine of pairs labelled as being about the same event (agree or disagree).
The result is stored per model id in ``checker/data/calibration.json``.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
from pathlib import Path

import numpy as np

from ..embed.base import Embedder
from ..errors import InputError

CALIBRATION_FILE = Path(__file__).parents[1] / "data" / "calibration.json"
LABELS = {"agree": "agree", "entailment": "agree", "disagree": "disagree", "contradiction": "disagree",
          "other": "other", "neutral": "other", "unrelated": "other"}


#: ArNLI's numeric labels (``t,h,label`` files): 0 neutral, 1 entailment, 2 contradiction.
NLI_NUMBERS = {"0": "other", "1": "agree", "2": "disagree"}
#: ``sides`` of :func:`read_pairs` for ArNLI files: which column gives each side (Arabic ``t``/``h`` or the English
#: originals ``sentence_t_en``/``sentence_h_en``).
SIDES = {"ar-ar": ("t", "h"), "ar-en": ("t", "sentence_h_en"), "en-ar": ("sentence_t_en", "h"),
         "en-en": ("sentence_t_en", "sentence_h_en")}


def read_pairs(path: str | Path, sides: str | None = None) -> list[tuple[str, str, str]]:
    """Read labelled pairs, labels normalised to agree / disagree / other.

    Two layouts: ``s1,s2,stance`` (or ``s1,s2,label`` with NLI labels), and ArNLI's ``t,h,label`` with
    numeric labels (0 neutral, 1 entailment, 2 contradiction) and the English originals
    ``sentence_t_en,sentence_h_en``.

    Args:
        path: the CSV.
        sides: for ArNLI files, which language each side is read in (:data:`SIDES`: ``ar-ar``, the default,
            ``ar-en``, ``en-ar``, ``en-en``).

    Raises:
        InputError: missing columns, unknown labels or ``sides``, naming the file and row.
    """
    path = Path(path)
    if sides is not None and sides not in SIDES:
        raise InputError(f"unknown sides {sides!r}; use one of {', '.join(SIDES)}")
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    with handle:
        reader = csv.DictReader(handle)
        columns = set(reader.fieldnames or [])
        label_col = "stance" if "stance" in columns else "label" if "label" in columns else None
        if {"s1", "s2"} <= columns and label_col is not None:
            left, right = "s1", "s2"
            if sides is not None:
                raise InputError(f"{path}: --sides applies to ArNLI files (t,h,label,sentence_t_en,sentence_h_en)")
        elif {"t", "h", "label"} <= columns:
            left, right = SIDES[sides or "ar-ar"]
            if not {left, right} <= columns:
                raise InputError(f"{path}: sides {sides!r} need columns {left},{right}; found {sorted(columns)}")
        else:
            raise InputError(f"{path}: needs columns s1,s2 and stance (or label), or ArNLI's t,h,label; "
                             f"found {sorted(columns)}")
        rows = []
        for number, row in enumerate(reader, 2):
            value = (row[label_col] or "").strip().lower()
            label = LABELS.get(value) or NLI_NUMBERS.get(value)
            if label is None:
                raise InputError(f"{path}:{number}: unknown label {row[label_col]!r}; use agree, disagree, "
                                 "other (or entailment, contradiction, neutral; or 1, 2, 0)")
            rows.append((row[left], row[right], label))
    return rows


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file, recorded beside anything derived from it."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def calibrate(pairs: list[tuple[str, str, str]], embedder: Embedder, seed: int = 13) -> dict:
    """Measure the ``unrelated`` and ``related`` landmarks of ``embedder`` on labelled pairs."""
    left = embedder.embed([p[0] for p in pairs])
    right = embedder.embed([p[1] for p in pairs])
    cos = np.sum(left * right, axis=1)
    rng = random.Random(seed)
    shuffled = list(range(len(pairs)))
    rng.shuffle(shuffled)
    random_cos = np.array([left[i] @ right[j] for i, j in zip(range(len(pairs)), shuffled) if i != j])
    related = cos[[p[2] != "other" for p in pairs]]
    by_label = {label: float(np.median(cos[[p[2] == label for p in pairs]]))
                for label in ("agree", "disagree", "other") if any(p[2] == label for p in pairs)}
    return {"unrelated": float(np.quantile(random_cos, 0.95)), "related": float(np.median(related)),
            "median_by_label": by_label, "random_median": float(np.median(random_cos)),
            "pairs": len(pairs), "seed": seed}


def calibrate_cross(pairs: list[tuple[str, str, str]], embedder: Embedder) -> dict:
    """Cross-script landmarks from translation pairs (``s1`` in one script, ``s2`` its translation in another).

    ``related`` is the median cosine of the translations; ``unrelated`` the 95th percentile over every
    non-matching cross pair (``n * (n - 1)`` of them).
    """
    left = embedder.embed([p[0] for p in pairs])
    right = embedder.embed([p[1] for p in pairs])
    sims = left @ right.T
    others = sims[~np.eye(len(pairs), dtype=bool)]
    return {"unrelated": float(np.quantile(others, 0.95)), "related": float(np.median(np.diag(sims))),
            "pairs": len(pairs)}


def store(model_id: str, entry: dict, path: Path = CALIBRATION_FILE, key: str | None = None) -> None:
    """Write ``entry`` for ``model_id`` (or under ``key`` inside its entry) into the calibration file (atomically)."""
    data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    if key:
        data.setdefault(model_id, {})[key] = entry
    else:
        data[model_id] = {**entry, **({"cross": data[model_id]["cross"]} if "cross" in data.get(model_id, {}) else {})}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)
