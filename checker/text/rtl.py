"""Right-to-left text laid out for renderers that draw left to right: the mechanics of :mod:`.display`.

Letters joined into their contextual forms by arabic-reshaper; each line put in display order by python-bidi's
rules (resolved once per paragraph, reordered per wrapped line, brackets mirrored); the styles of a Rich
:class:`~rich.text.Text` (highlighted spans) follow their letters through both. Which renderer needs what is
decided in :mod:`.display`.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.style import Style
from rich.text import Text

_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_LAM_ALEF = frozenset(chr(c) for c in range(0xFEF5, 0xFEFD))  # the only ligatures joined (one cell each)
_ZWJ = "\u200d"


@dataclass(frozen=True)
class Display:
    """What checker does to right-to-left text before a renderer draws it.

    Attributes:
        join: replace Arabic letters by their joined (contextual) presentation forms.
        reorder: put each line in display order (left to right, as cells and glyphs are drawn).
    """

    join: bool = False
    reorder: bool = False


AS_WRITTEN = Display()  #: for renderers that join and reorder (and for files, pipes and machine formats)
LAID_OUT = Display(join=True, reorder=True)  #: for renderers that do neither


def visual(text: str, display: Display = LAID_OUT) -> str:
    """``text`` (each of its lines, unwrapped) as ``display`` says to hand it over.

    Example:
        >>> visual("قال (أي) 3") == "3 (ﻱﺃ) ﻝﺎﻗ"
        True
    """
    if display == AS_WRITTEN or not _RTL.search(text):
        return text
    return "\n".join(line.plain for line in lay_out(Text(text), None, display))


def lay_out(text: Text, width: int | None, display: Display) -> list[Text]:
    """``text`` in lines at most ``width`` cells wide (None: no wrapping), each joined and ordered per ``display``.

    Styles travel with their letters. Paragraphs are split at newlines; a right-to-left paragraph (its first
    strong letter is) is right-aligned to ``width``.
    """
    out: list[Text] = []
    for paragraph in text.split("\n", allow_blank=True):
        out += _paragraph(paragraph, width, display)
    return out


def _paragraph(text: Text, width: int | None, display: Display) -> list[Text]:
    from bidi import algorithm as uax9

    rtl = uax9.get_base_level(text.plain) == 1
    if display.join:
        text = join_letters(text)
    if not display.reorder:
        if width is None:
            return [text]
        return list(text.wrap(Console(width=width), width, justify="right" if rtl else "left"))
    base, resolved = _levels(text.plain)
    indices = [c["index"] for c in resolved]
    lines = []
    for start, end in wrap(text.plain, width) if width else [(0, len(text.plain))]:
        chars = resolved[bisect.bisect_left(indices, start):bisect.bisect_left(indices, end)]
        line = _restyle(text, _reorder(base, chars))
        if rtl and width:
            line.rstrip()
            line.pad_left(max(0, width - line.cell_len))
        lines.append(line)
    return lines


def _levels(plain: str) -> tuple[int, list[dict]]:
    """python-bidi's resolved levels (rules P2–I2 of UAX #9) of one paragraph, each character keeping its index.

    Its Python engine, rule by rule: the Rust one returns only the reordered string, which styles cannot follow.
    """
    from bidi import algorithm as uax9

    storage = uax9.get_empty_storage()
    base = uax9.get_base_level(plain)
    storage["base_level"], storage["base_dir"] = base, "LR"[base]
    uax9.get_embedding_levels(_without_isolates(plain), storage)
    for index, char in enumerate(storage["chars"]):
        char["index"] = index  # X9 drops format characters; the index says where each survivor came from
    uax9.explicit_embed_and_overrides(storage)
    for rule in (uax9.resolve_weak_types, uax9.resolve_neutral_types, uax9.resolve_implicit_levels):
        rule(storage, False)
    return base, storage["chars"]


def _without_isolates(plain: str) -> str:
    """Isolates (LRI, RLI, FSI … PDI), which this engine does not know, read as the embeddings closest to them."""
    if not any("\u2066" <= ch <= "\u2069" for ch in plain):
        return plain
    from bidi import algorithm as uax9

    out = []
    for i, ch in enumerate(plain):
        if ch == "\u2068":  # first strong isolate: the direction of what follows
            ch = "\u202b" if uax9.get_base_level(plain[i + 1:].split("\u2069")[0]) else "\u2066"
        out.append({"\u2066": "\u202a", "\u2067": "\u202b", "\u2069": "\u202c"}.get(ch, ch))
    return "".join(out)


def _reorder(base: int, chars: list[dict]) -> list[tuple[int, str]]:
    """One line's ``(index, character)`` in display order: python-bidi's rules L1, L2 and L4 (mirrored
    brackets), then combining marks moved back after their base letter, where a terminal draws them."""
    from bidi import algorithm as uax9

    line = {"base_level": base, "chars": [dict(c) for c in chars]}
    uax9.reorder_resolved_levels(line, False)
    uax9.apply_mirroring(line, False)
    out: list[tuple[int, str]] = []
    for index, char in ((c["index"], c["ch"]) for c in line["chars"]):
        marks = []  # a reversed run shows a letter's marks before it: they belong after it
        while not _is_mark(char) and out and _is_mark(out[-1][1]) and out[-1][0] == index + len(marks) + 1:
            marks.append(out.pop())
        out += [(index, char), *marks]
    return out


def _is_mark(char: str) -> bool:
    return unicodedata.category(char) in ("Mn", "Me")


def _restyle(text: Text, pieces: list[tuple[int, str]]) -> Text:
    """A new Text of ``pieces`` (source index, character), each with the style ``text`` gives its source."""
    styles: list[list] = [[] for _ in text.plain]
    for span in text.spans:
        for k in range(max(0, span.start), min(len(styles), span.end)):
            styles[k].append(span.style)
    out = Text(style=text.style, end="")
    for found, run in itertools.groupby(pieces, key=lambda piece: styles[piece[0]]):  # equally styled runs
        out.append("".join(char for _, char in run),
                   Style.combine(Style.parse(s) if isinstance(s, str) else s for s in found) if found else None)
    return out


@functools.cache
def _reshaper():
    from arabic_reshaper import ArabicReshaper

    # marks kept (terminals draw them on their letter); no word ligatures (ﷲ is wider than a cell)
    return ArabicReshaper({"delete_harakat": False, "ARABIC LIGATURE ALLAH": False})


def join_letters(text: Text) -> Text:
    """``text`` with its Arabic letters in joined (contextual) presentation forms; styles kept on their letters.

    Text that arabic-reshaper would change in a way the styles cannot follow is returned unjoined.
    """
    plain = text.plain
    if not _RTL.search(plain):
        return text
    kept = [i for i, ch in enumerate(plain) if ch != _ZWJ]  # the reshaper drops ZWJ, and miscounts around it
    letters = "".join(plain[i] for i in kept)
    shaped = _reshaper().reshape(letters)
    sources = _sources(letters, shaped)
    return text if sources is None else _restyle(text, [(kept[k], ch) for k, ch in zip(sources, shaped)])


def _sources(plain: str, shaped: str) -> list[int] | None:
    """For each character arabic-reshaper wrote, the index it came from (None when they do not line up).

    The reshaper writes one form per letter, one per lam-alef pair, and each mark after its letter.
    """
    from arabic_reshaper.arabic_reshaper import HARAKAT_RE

    marks = [i for i, ch in enumerate(plain) if HARAKAT_RE.match(ch)]
    letters = [i for i, ch in enumerate(plain) if not HARAKAT_RE.match(ch)]
    out, m, n = [], 0, 0
    for ch in shaped:
        if HARAKAT_RE.match(ch):
            if m == len(marks) or plain[marks[m]] != ch:
                return None
            out.append(marks[m])
            m += 1
        elif n < len(letters):
            out.append(letters[n])
            n += 2 if ch in _LAM_ALEF else 1
        else:
            return None
    return out if (m, n) == (len(marks), len(letters)) else None


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
    """A Rich renderable: ``text`` wrapped to the width it is given, each line laid out as ``display`` says.

    Args:
        text: what to draw (its styles, such as highlighted spans, follow their letters).
        display: what to do to it (:func:`checker.text.display.terminal_display` says, for a terminal).
    """

    def __init__(self, text: Text | str, display: Display) -> None:
        self.text = Text(text) if isinstance(text, str) else text
        self.display = display

    def lines(self, width: int) -> list[Text]:
        """The lines at ``width`` cells."""
        return lay_out(self.text, width, self.display)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Text("\n").join(self.lines(options.max_width))

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(min(10, options.max_width), min(self.text.cell_len, options.max_width))


def one_line(text: str, width: int, display: Display) -> Text:
    """``text`` cut to ``width`` cells (keeping its start) and laid out as ``display`` says, for table cells."""
    cut = text if cell_len(text) <= width else text[: max(1, width - 1)] + "…"
    return lay_out(Text(cut), max(width, cell_len(cut)), display)[0] if cut else Text("")
