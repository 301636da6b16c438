"""Plots of a :class:`~checker.report.Report` with matplotlib (imported when a plot is drawn).

Each function takes the report and an optional ``ax`` to draw on, and returns the Axes.
Arabic labels follow :mod:`checker.text.display`: as written where matplotlib joins and orders Arabic itself
(libraqm, 3.11 on), joined and in display order where it does neither.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import numpy as np

from ..judge.verdict import Relation
from ..text.display import Display, plot_display, visual

if TYPE_CHECKING:  # what a plot reads of a report; not Report itself, which imports this module for its methods
    from collections.abc import Sequence

    from ..judge.findings import Finding
    from ..judge.stories import Story
    from ..read.documents import Document


class Plotted(Protocol):
    """What the plots read: :class:`~checker.report.report.Report` is one."""

    findings: Sequence[Finding]
    documents: Sequence[Document]

    @property
    def stories(self) -> Sequence[Story]: ...


def display_label(text: str, width: int = 40, display: Display | None = None) -> str:
    """A label as matplotlib should be given it: shortened to ``width`` characters, Arabic laid out per ``display``.

    Args:
        text: the label as stored.
        width: most characters kept (an ellipsis ends a cut label). Defaults to 40.
        display: what to do to Arabic. Defaults to :func:`~checker.text.display.plot_display` (nothing where
            matplotlib shapes Arabic itself; joined and reordered where it does not).
    """
    text = text if len(text) <= width else text[: width - 1] + "…"
    return visual(text, plot_display() if display is None else display)


def _axes(ax, size: tuple[float, float]):
    """The given Axes, or a new figure's."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=size, layout="constrained")[1]


def source_matrix(report: Plotted) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Sources, and ``(contradict, agree)`` counts between each pair of them (symmetric matrices)."""
    sources = sorted({c.attributed_to for f in report.findings for c in (f.a, f.b)})
    at = {s: i for i, s in enumerate(sources)}
    counts = {r: np.zeros((len(sources), len(sources)), int) for r in (Relation.CONTRADICT, Relation.AGREE)}
    for f in report.findings:
        i, j = at[f.a.attributed_to], at[f.b.attributed_to]
        counts[f.relation][i, j] += 1
        if i != j:
            counts[f.relation][j, i] += 1
    return sources, counts[Relation.CONTRADICT], counts[Relation.AGREE]


def sources(report: Plotted, ax=None):
    """Heatmap of which sources contradict which: red where they contradict more, green where they agree more.

    Each cell is annotated ``✗contradictions ✓agreements``.

    Args:
        report: the checked report.
        ax: matplotlib Axes to draw on. Defaults to a new figure.

    Returns:
        The Axes.
    """
    names, contradict, agree = source_matrix(report)
    ax = _axes(ax, (2 + 0.6 * len(names), 1.5 + 0.5 * len(names)))
    net = agree - contradict
    limit = max(1, int(np.abs(net).max(initial=0)))
    image = ax.imshow(net, cmap="RdYlGn", vmin=-limit, vmax=limit)
    for i in range(len(names)):
        for j in range(len(names)):
            if contradict[i, j] or agree[i, j]:
                ax.text(j, i, f"✗{contradict[i, j]} ✓{agree[i, j]}", ha="center", va="center", fontsize=8)
    labels = [display_label(n) for n in names]
    ax.set_xticks(range(len(names)), labels, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(names)), labels, fontsize=8)
    ax.figure.colorbar(image, ax=ax, label="agreements − contradictions")
    ax.set_title("Which sources agree (green) or contradict (red)")
    return ax


def timeline(report: Plotted, ax=None):
    """Stories against their reports: one row per story, a marker per report it draws on.

    Reports are placed at their publication date when every report has one; otherwise in the
    order they were read, with the date in the tick label where known. Red markers are reports
    with a contradicting claim in the story, green ones only agreeing claims.

    Args:
        report: the checked report.
        ax: matplotlib Axes to draw on. Defaults to a new figure.

    Returns:
        The Axes.
    """
    from ..read.dates import parse_date

    stories = report.stories
    ax = _axes(ax, (9, 1.5 + 0.45 * len(stories)))
    dates = {d.id: parse_date(d.date) for d in report.documents}
    by_date = bool(dates) and all(dates.values())
    order = {d.id: i for i, d in enumerate(report.documents)}
    for row, story in enumerate(stories):
        disputed = {c.report_id for f in story.findings if f.relation is Relation.CONTRADICT for c in (f.a, f.b)}
        known = [r for r in story.reports if r in order]
        xs = [dates[r] if by_date else order[r] for r in known]
        if xs:
            ax.plot([min(xs), max(xs)], [row, row], color="lightgray", zorder=1)
        for r, x in zip(known, xs):
            size = 30 + 20 * sum(c.report_id == r for c in story.claims)
            ax.scatter([x], [row], s=size, zorder=2, color="tab:red" if r in disputed else "tab:green")
    ax.set_yticks(range(len(stories)), [display_label(f"{s.id}. {s.label}", 45) for s in stories], fontsize=8)
    ax.invert_yaxis()
    if not by_date:
        docs = report.documents
        ax.set_xticks(range(len(docs)), [f"{i + 1}" + (f"\n{dates[d.id]}" if dates[d.id] else "")
                                         for i, d in enumerate(docs)], fontsize=8)
        ax.set_xlabel("report, in reading order (publication date where known)")
    else:
        ax.set_xlabel("publication date")
    ax.set_title("Stories across reports (red: contradicted there)")
    return ax
