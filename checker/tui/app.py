"""``checker browse``: a Textual app over a :class:`~checker.report.Report`.

Stories (sortable, filterable) → a story's sources × claims matrix and its findings → one finding
with both claims side by side. Works in 80×24; every screen shows its keys in the footer.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from typing import ClassVar

from rich.console import Group
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from ..judge.stories import Story
from ..report.report import Finding, Report
from ..text.display import BidiText, Display, one_line, terminal_display
from .widgets import LEGEND, RELATION_STYLE, RELATIONS, STANCE_CELL, ClaimPane, Query, cycle


class FindingScreen(Screen):
    """One finding: relation, scores, reason, and the two claims side by side with the differing spans lit."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "app.pop_screen", "back"), Binding("n", "step(1)", "next"),
        Binding("p", "step(-1)", "previous"), Binding("o", "open", "open report"),
    ]

    def __init__(self, findings: tuple[Finding, ...], at: int) -> None:
        super().__init__()
        self.findings, self.at = findings, at

    def compose(self) -> ComposeResult:
        yield Static(id="head")
        with Horizontal(id="sides"):
            yield VerticalScroll(ClaimPane(id="a"), classes="side")
            yield VerticalScroll(ClaimPane(id="b"), classes="side")
        yield Footer()

    def on_mount(self) -> None:
        self.show()

    def show(self) -> None:
        """Draw the current finding."""
        f = self.findings[self.at]
        pair = "" if f.pair_score is None else f"  pair {f.pair_score:.2f}"
        head = Text.assemble((f"{self.at + 1}/{len(self.findings)} ", "dim"),
                             (f.relation.value.upper(), RELATION_STYLE[f.relation]), (f"  {f.kind}", "bold"),
                             (f"  score {f.score:.2f}  gate {f.gate:.2f}  cos {f.similarity:.3f}{pair}", "dim"))
        self.query_one("#head", Static).update(Group(head, BidiText(Text(f.reason, style="italic"),
                                                                          self.app.arabic)))
        self.query_one("#a", ClaimPane).show("A", f.a, [d.a_span for d in f.differences])
        self.query_one("#b", ClaimPane).show("B", f.b, [d.b_span for d in f.differences])

    def action_step(self, by: int) -> None:
        """Next or previous finding of the story."""
        self.at = (self.at + by) % len(self.findings)
        self.show()

    def action_open(self) -> None:
        """Open claim A's report at its line in ``$EDITOR`` (or say where it is)."""
        claim = self.findings[self.at].a
        editor = os.environ.get("EDITOR")
        if not editor or not os.path.exists(claim.path):
            self.notify(f"{claim.path}:{claim.line}", title="report", markup=False)  # a path is not markup
            return
        with self.app.suspend():
            subprocess.run([*shlex.split(editor), f"+{claim.line}", claim.path], check=False)


class StoryScreen(Screen):
    """A story: who asserts, reports or denies which claim (sources × claims), the claim under the cursor,
    and the findings; Enter opens a finding."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "app.pop_screen", "back"), Binding("tab", "focus_next", "matrix/findings", show=True),
    ]

    def __init__(self, story: Story) -> None:
        super().__init__()
        self.story = story

    def compose(self) -> ComposeResult:
        story = self.story
        yield Static(Text.assemble((f"Story {story.id} ", "bold"), one_line(story.label, 50, self.app.arabic),
                                   (f"  ✗{story.contradictions} ✓{story.agreements}", "bold")), id="title")
        yield DataTable(id="matrix", cursor_type="cell", zebra_stripes=True)
        yield Static(Text(LEGEND, style="dim"), id="legend")
        yield VerticalScroll(ClaimPane(id="claim"), id="claim-box")
        yield DataTable(id="findings", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        matrix = self.query_one("#matrix", DataTable)
        matrix.add_column("source", width=22)
        for n, _ in enumerate(self.story.claims, 1):
            matrix.add_column(f"c{n}", width=3)
        for source, cells in self.story.stances().items():
            row = [Text(*STANCE_CELL[cells[c.id]], justify="center") if c.id in cells
                   else Text("·", style="dim", justify="center") for c in self.story.claims]
            matrix.add_row(one_line(source, 22, self.app.arabic), *row)
        findings = self.query_one("#findings", DataTable)
        findings.add_columns("relation", "kind", "score", "A", "B")
        number = {c.id: n for n, c in enumerate(self.story.claims, 1)}
        for f in self.story.findings:
            findings.add_row(Text(f.relation.value, style=RELATION_STYLE[f.relation]), Text(f.kind), f"{f.score:.2f}",
                             f"c{number[f.a.id]}", f"c{number[f.b.id]}")
        self.show_claim(0)

    def show_claim(self, column: int) -> None:
        """Show the claim of matrix column ``column`` (the source column shows the first claim)."""
        at = max(0, column - 1)
        claim = self.story.claims[at]
        self.query_one("#claim", ClaimPane).show(f"c{at + 1}", claim)

    def on_data_table_cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        if event.data_table.id == "matrix":
            self.show_claim(event.coordinate.column)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "findings":
            self.app.push_screen(FindingScreen(self.story.findings, event.cursor_row))

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        if event.data_table.id == "matrix":  # Enter on a claim: its first finding
            claim = self.story.claims[max(0, event.coordinate.column - 1)]
            at = next(i for i, f in enumerate(self.story.findings) if claim.id in (f.a.id, f.b.id))
            self.app.push_screen(FindingScreen(self.story.findings, at))


class StoriesScreen(Screen):
    """The story list: counts of contradictions and agreements; sort, filter and search; Enter opens a story."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "sort", "sort"), Binding("r", "relation", "relation"), Binding("k", "kind", "kind"),
        Binding("slash", "search", "search"), Binding("c", "clear", "clear"),
    ]

    def __init__(self, report: Report) -> None:
        super().__init__()
        self.report = report
        self.query_state = Query()
        self.kinds = (None, *sorted({f.kind for f in report.findings}))
        self.shown: list[Story] = []

    def compose(self) -> ComposeResult:
        yield Static(id="status")
        yield Input(placeholder="text, source:NAME, report:PATH, kind:K, relation:R — Enter applies", id="search")
        yield DataTable(id="stories", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#stories", DataTable)
        table.add_column("#", width=3)
        table.add_column("✗", width=2)
        table.add_column("✓", width=2)
        table.add_column("cl", width=3)
        table.add_column("src", width=3)
        table.add_column("story", width=56)
        self.refresh_stories()
        table.focus()

    def refresh_stories(self) -> None:
        """Redraw the story list for the current query."""
        table = self.query_one("#stories", DataTable)
        table.clear()
        self.shown = self.query_state.apply(self.report.stories)
        for story in self.shown:
            table.add_row(str(story.id), Text(str(story.contradictions), style="bold red" if story.contradictions
                                              else "dim"),
                          Text(str(story.agreements), style="green" if story.agreements else "dim"),
                          str(len(story.claims)), str(len(story.sources)),
                          one_line(story.label, 56, self.app.arabic),
                          key=str(story.id))
        r = self.report
        self.query_one("#status", Static).update(Text.assemble(
            f"{len(r.documents)} reports · {len(r.claims)} claims · ", (f"✗ {len(r.contradictions)}", "bold red"),
            " · ", (f"✓ {len(r.agreements)}", "bold green"), f" · {len(self.shown)}/{len(r.stories)} stories · ",
            (self.query_state.describe(), "dim")))

    def _set(self, **changes) -> None:
        from dataclasses import replace

        self.query_state = replace(self.query_state, **changes)
        self.refresh_stories()

    def action_sort(self) -> None:
        """Next sort order."""
        self._set(sort=cycle(Query.SORTS, self.query_state.sort))

    def action_relation(self) -> None:
        """Show all stories, those with a contradiction, those with an agreement."""
        self._set(relation=cycle(RELATIONS, self.query_state.relation))

    def action_kind(self) -> None:
        """Next finding kind to filter by."""
        self._set(kind=cycle(self.kinds, self.query_state.kind))

    def action_clear(self) -> None:
        """Drop every filter."""
        self.query_one("#search", Input).value = ""
        self._set(relation=None, kind=None, source=None, report=None, text=None)

    def action_search(self) -> None:
        """Open the search box."""
        box = self.query_one("#search", Input)
        box.add_class("visible")
        box.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_state = Query.parse(event.value, self.query_state)
        event.input.remove_class("visible")
        self.refresh_stories()
        self.query_one("#stories", DataTable).focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "stories" and self.shown:
            self.app.push_screen(StoryScreen(self.shown[event.cursor_row]))


class BrowseApp(App):
    """Browse a report's stories, their source matrices and findings.

    Args:
        report: what to browse (from :func:`checker.check`, or any hand-made :class:`Report`).
        display: what to do to Arabic before the terminal draws it. Defaults to
            :func:`~checker.text.display.terminal_display` (``CHECKER_BIDI``, else joined and reordered unless
            the terminal does it).
    """

    TITLE = "checker browse"
    CSS = """
    #status, #title, #legend { height: 1; }
    #search { display: none; height: 3; }
    #search.visible { display: block; }
    #matrix { height: auto; max-height: 8; }
    #claim-box { height: 6; border-top: solid $primary; }
    #findings { height: 1fr; }
    #head { height: auto; max-height: 4; }
    .side { width: 1fr; border: round $primary; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "quit", "quit")]

    def __init__(self, report: Report, display: Display | None = None) -> None:
        super().__init__()
        self.report = report
        self.arabic = terminal_display() if display is None else display

    def get_default_screen(self) -> Screen:
        return StoriesScreen(self.report)
