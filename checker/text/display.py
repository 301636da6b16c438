"""Arabic on screen: one policy for the terminal report, the browser and the plots.

Reports are stored and written (JSON, JUnit, GitHub) as they were read: letters in logical order, unjoined. Only
what is drawn changes, and only where the renderer cannot do it: a renderer that neither joins Arabic letters
into their contextual forms nor lays right-to-left text out (most terminals; matplotlib without libraqm) is given
joined letters (arabic-reshaper) in display order (python-bidi, rule by rule so that highlights follow their
letters). A renderer that does both (VTE, Konsole and mlterm terminals; matplotlib 3.11 and later, which shapes
with libraqm) is given the text as written: doing it twice reverses the text and breaks the joins.

Terminals follow ``CHECKER_BIDI`` (``auto``, ``on``, ``off``) or ``--bidi``; plots follow what matplotlib does.
The joining and ordering themselves are in :mod:`.rtl`.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping

from ..errors import ConfigError
from .rtl import AS_WRITTEN, LAID_OUT, BidiText, Display, join_letters, lay_out, one_line, visual

__all__ = ["AS_WRITTEN", "LAID_OUT", "MODES", "SHAPING_TERMINALS", "BidiText", "Display", "bidi_mode",
           "join_letters", "lay_out", "matplotlib_shapes", "one_line", "plot_display", "terminal_display", "visual"]

MODES = ("auto", "on", "off")
_MODE_WORDS = {"auto": "auto", "on": "on", "off": "off", "1": "on", "0": "off", "true": "on", "false": "off",
               "yes": "on", "no": "off"}
#: Environment variables set by terminals that join and reorder right-to-left text themselves.
SHAPING_TERMINALS = ("VTE_VERSION", "KONSOLE_VERSION", "MLTERM")


def bidi_mode(value: str | None = None, env: Mapping[str, str] | None = None) -> str:
    """``auto``, ``on`` or ``off``: ``value`` (a flag) if given, else ``CHECKER_BIDI``, else ``auto``.

    Raises:
        ConfigError: a value that is none of these (``1``/``0``, ``true``/``false`` are read as on/off).
    """
    env = os.environ if env is None else env
    raw = value if value is not None else env.get("CHECKER_BIDI", "auto")
    mode = _MODE_WORDS.get(str(raw).strip().lower())
    if mode is None:
        where = "--bidi" if value is not None else "CHECKER_BIDI"
        raise ConfigError(f"{where}={raw!r}: use auto (lay Arabic out unless the terminal does), on or off")
    return mode


def terminal_display(is_terminal: bool = True, mode: str | None = None,
                     env: Mapping[str, str] | None = None) -> Display:
    """How to hand Arabic to a terminal.

    Args:
        is_terminal: whether the output is a terminal; under ``auto``, output to a file or a pipe is written as
            stored (an editor or a browser lays it out). Defaults to True.
        mode: ``auto``, ``on`` or ``off``. Defaults to ``CHECKER_BIDI``, else ``auto``: laid out, unless a
            terminal that does it itself is seen (``VTE_VERSION``, ``KONSOLE_VERSION``, ``MLTERM``).
        env: environment mapping. Defaults to ``os.environ``.

    Raises:
        ConfigError: an unknown mode.
    """
    env = os.environ if env is None else env
    chosen = bidi_mode(mode, env)
    if chosen != "auto":
        return LAID_OUT if chosen == "on" else AS_WRITTEN
    if not is_terminal or any(env.get(name) for name in SHAPING_TERMINALS):
        return AS_WRITTEN
    return LAID_OUT


@functools.cache
def matplotlib_shapes() -> bool:
    """Whether matplotlib joins and orders Arabic itself (it does with libraqm, from 3.11).

    Found by drawing, not by version: a word as written and its joined display form forced left to right (LRO)
    come out as the same pixels only where matplotlib lays the word out itself.
    """
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    def pixels(s: str) -> np.ndarray:
        figure = Figure(figsize=(1, 0.4), dpi=40)
        canvas = FigureCanvasAgg(figure)
        figure.text(0.05, 0.2, s, fontsize=12)
        canvas.draw()
        return np.asarray(canvas.buffer_rgba()).copy()

    word = "سلام"
    return bool(np.array_equal(pixels(word), pixels("\u202d" + visual(word) + "\u202c")))


def plot_display() -> Display:
    """How to hand Arabic to matplotlib: as written where it shapes (:func:`matplotlib_shapes`), else laid out."""
    return AS_WRITTEN if matplotlib_shapes() else LAID_OUT
