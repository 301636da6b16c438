"""Right-to-left text for terminals that draw cells left to right (Textual, tmux, most terminals).

The Unicode bidirectional algorithm (UAX #9, one paragraph, no explicit embeddings) resolves a
level per character; each wrapped line is then reordered for display, mirrored brackets flipped
and combining marks kept after their base. Styles (the highlighted differing spans) travel with
their characters, which is why this is done here rather than with a string-only library.
Set ``CHECKER_BIDI=0`` for terminals that reorder by themselves (mlterm, Konsole with bidi on).
"""

from __future__ import annotations

import os
import unicodedata

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.style import Style
from rich.text import Text

_MIRROR = dict(zip("()[]{}<>«»‹›", ")(][}{><»«›‹"))
_NEUTRAL = {"B", "S", "WS", "ON", "BN"}


def enabled() -> bool:
    """Whether to reorder (``CHECKER_BIDI=0`` turns it off)."""
    return os.environ.get("CHECKER_BIDI", "1") != "0"


def is_rtl(text: str) -> bool:
    """True when the first strong character is right-to-left (the paragraph's direction)."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def levels(text: str, rtl: bool) -> list[int]:
    """Embedding level of each character (rules W1–W7, N1–N2, I1–I2 of UAX #9)."""
    base = 1 if rtl else 0
    sor = "R" if rtl else "L"
    types = [unicodedata.bidirectional(ch) or "ON" for ch in text]
    for i, t in enumerate(types):  # W1: marks take the type of what they follow
        if t == "NSM":
            types[i] = types[i - 1] if i else sor
    strong = sor
    for i, t in enumerate(types):  # W2, W3
        if t == "EN" and strong == "AL":
            types[i] = "AN"
        if t in ("L", "R", "AL"):
            strong = t
        if t == "AL":
            types[i] = "R"
    for i in range(1, len(types) - 1):  # W4
        if types[i] in ("ES", "CS") and types[i - 1] == types[i + 1] == "EN" or \
                types[i] == "CS" and types[i - 1] == types[i + 1] == "AN":
            types[i] = types[i - 1]
    for i, t in enumerate(types):  # W5: terminators next to European numbers
        if t == "ET":
            j = i
            while j < len(types) and types[j] == "ET":
                j += 1
            if (i and types[i - 1] == "EN") or (j < len(types) and types[j] == "EN"):
                types[i:j] = ["EN"] * (j - i)
    types = ["ON" if t in ("ES", "ET", "CS") else t for t in types]  # W6
    strong = sor
    for i, t in enumerate(types):  # W7
        if t in ("L", "R"):
            strong = t
        elif t == "EN" and strong == "L":
            types[i] = "L"
    i = 0
    while i < len(types):  # N1, N2: neutrals take the direction around them, else the paragraph's
        if types[i] not in _NEUTRAL:
            i += 1
            continue
        j = i
        while j < len(types) and types[j] in _NEUTRAL:
            j += 1
        before = _strong_dir(types[i - 1]) if i else sor
        after = _strong_dir(types[j]) if j < len(types) else sor
        types[i:j] = [before if before == after else sor] * (j - i)
        i = j
    out = []
    for t in types:  # I1, I2
        if base == 0:
            out.append(1 if t == "R" else 2 if t in ("AN", "EN") else 0)
        else:
            out.append(2 if t in ("L", "EN", "AN") else 1)
    return out


def _strong_dir(t: str) -> str:
    return "R" if t in ("R", "AN", "EN") else "L"


def visual_order(line_levels: list[int], text: str, base: int) -> list[int]:
    """Indices of a line's characters in display order (rules L1, L2; combining marks after their base)."""
    lv = list(line_levels)
    end = len(text)
    while end and text[end - 1].isspace():  # L1: trailing whitespace at the paragraph level
        end -= 1
        lv[end] = base
    order = list(range(len(text)))
    for level in range(max(lv, default=0), 0, -1):
        i = 0
        while i < len(order):
            if lv[order[i]] >= level:
                j = i
                while j < len(order) and lv[order[j]] >= level:
                    j += 1
                order[i:j] = order[i:j][::-1]
                i = j
            else:
                i += 1
    # a reversed run puts a combining mark before its base; terminals need it after
    fixed: list[int] = []
    for index in order:
        if fixed and unicodedata.combining(text[fixed[-1]]) and index == fixed[-1] - 1:
            marks = []
            while fixed and unicodedata.combining(text[fixed[-1]]) and fixed[-1] > index:
                marks.append(fixed.pop())
            fixed += [index, *marks[::-1]]
        else:
            fixed.append(index)
    return fixed


def display(text: Text, line_levels: list[int], base: int) -> Text:
    """One line of ``text`` (with its styles) in display order."""
    plain = text.plain
    styles: list[list] = [[] for _ in plain]
    for span in text.spans:
        for k in range(max(0, span.start), min(len(plain), span.end)):
            styles[k].append(span.style)
    out = Text(style=text.style, end="")
    for index in visual_order(line_levels, plain, base):
        ch = plain[index]
        if line_levels[index] % 2:
            ch = _MIRROR.get(ch, ch)
        out.append(ch, Style.combine(Style.parse(s) if isinstance(s, str) else s for s in styles[index])
                   if styles[index] else None)
    return out


def wrap(plain: str, width: int) -> list[tuple[int, int]]:
    """Greedy word wrap into ``(start, end)`` offsets of lines no wider than ``width`` cells."""
    lines, start, end, at = [], 0, 0, 0
    for word in plain.split(" "):
        stop = at + len(word)
        if end > start and cell_len(plain[start:stop]) > width:
            lines.append((start, end))
            start = at
        while cell_len(plain[start:stop]) > width and stop - start > 1:  # a word wider than the line
            cut = start + max(1, width)
            lines.append((start, cut))
            start = cut
        end, at = stop, stop + 1
    lines.append((start, len(plain)))
    return lines


class BidiText:
    """A Rich renderable: ``text`` wrapped to the available width, each line in display order, right-aligned
    when the paragraph is right-to-left."""

    def __init__(self, text: Text | str, *, reorder: bool | None = None) -> None:
        self.text = Text(text) if isinstance(text, str) else text
        self.reorder = enabled() if reorder is None else reorder

    def lines(self, width: int) -> list[Text]:
        """The display lines at ``width`` cells."""
        plain = self.text.plain
        rtl = is_rtl(plain)
        if not self.reorder:
            return list(self.text.wrap(Console(width=width), width, justify="right" if rtl else "left"))
        resolved = levels(plain, rtl)
        out = []
        for start, end in wrap(plain, width):
            line = display(self.text[start:end], resolved[start:end], int(rtl))
            if rtl:
                line.rstrip()
                line.pad_left(max(0, width - line.cell_len))
            out.append(line)
        return out

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Text("\n").join(self.lines(options.max_width))

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(min(10, options.max_width), min(self.text.cell_len, options.max_width))


def one_line(text: str, width: int) -> Text:
    """``text`` cut to ``width`` cells (keeping its start) and put in display order, for table cells."""
    cut = text if cell_len(text) <= width else text[: max(1, width - 1)] + "…"
    return BidiText(cut).lines(max(width, cell_len(cut)))[0] if cut else Text("")
