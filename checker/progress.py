"""Progress for long work (embedding claims, building an index): a callback seam and two front ends.

The library calls ``progress(stage, done, total)``; the CLI draws it with Rich on stderr, a notebook
with ``tqdm.auto`` (a widget in Jupyter, a text bar in a terminal). ``None`` reports nothing. Stages count
items (claims) except those in :data:`BYTE_STAGES`, which count bytes of input read; both front ends show
the time remaining. A total of 0 means unknown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

Progress = Callable[[str, int, int], None]
INDEXING = "indexing reports"  #: ``build_index``'s stage, counted in bytes of input read
BYTE_STAGES = frozenset({INDEXING})


def embed_with_progress(embed: Callable[[list[str]], np.ndarray], texts: list[str], progress: Progress | None,
                        stage: str = "embedding claims", chunk: int = 128) -> np.ndarray:
    """``embed(texts)``, in chunks of ``chunk`` texts with a progress report after each (one call without one)."""
    if progress is None or len(texts) <= chunk:
        vectors = embed(texts)
        if progress is not None:
            progress(stage, len(texts), len(texts))
        return vectors
    parts = []
    for start in range(0, len(texts), chunk):
        parts.append(embed(texts[start:start + chunk]))
        progress(stage, min(start + chunk, len(texts)), len(texts))
    return np.vstack(parts)


def tqdm_progress() -> Progress:
    """A callback drawing one ``tqdm.auto`` bar per stage (works in Jupyter and in a terminal)."""
    from tqdm.auto import tqdm

    bars: dict[str, tqdm] = {}

    def report(stage: str, done: int, total: int) -> None:
        bar = bars.get(stage)
        if bar is None:
            units = {"unit": "B", "unit_scale": True, "unit_divisor": 1024} if stage in BYTE_STAGES else \
                {"unit": stage.split()[-1].removesuffix("s")}
            bar = bars[stage] = tqdm(total=total or None, desc=stage, **units)
        bar.update(done - bar.n)
        if total and done >= total:
            bar.close()

    return report


def resolve(progress: Progress | bool | None) -> Progress | None:
    """``True`` means tqdm bars; a callable is used as is; ``None``/``False`` report nothing."""
    if progress is True:
        return tqdm_progress()
    return progress or None


def judge_with_progress(progress: Progress, stage: str = "judging pairs", chunk: int = 5000
                        ) -> Callable[[Any, list], list]:
    """A ``run_judge(judge, pairs)`` that judges ``chunk`` pairs at a time, reporting progress after each."""
    def run(judge: Any, pairs: list) -> list:
        verdicts: list = []
        for start in range(0, len(pairs), chunk):
            verdicts.extend(judge.judge(pairs[start:start + chunk]))
            progress(stage, min(start + chunk, len(pairs)), len(pairs))
        return verdicts

    return run
