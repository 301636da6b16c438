"""Terminal styles shared by the Rich report (``checker check``) and the browser (``checker browse``)."""

from __future__ import annotations

from rich.text import Text

from ..judge.verdict import Relation

STYLE = {Relation.CONTRADICT: "bold red", Relation.AGREE: "bold green", Relation.UPDATE: "bold yellow",
         Relation.UNRELATED: "dim"}
HIGHLIGHT = "bold black on yellow"


def highlighted(text: str, spans: list[tuple[int, int]]) -> Text:
    """``text`` with the differing ``spans`` highlighted."""
    out = Text(text)
    for start, end in spans:
        if 0 <= start < end <= len(text):
            out.stylize(HIGHLIGHT, start, end)
    return out
