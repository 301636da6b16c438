"""Pieces the browser screens share: stance symbols, claim panes, the story query."""

from __future__ import annotations

from dataclasses import dataclass, replace

from rich.console import Group
from rich.text import Text
from textual.widgets import Static

from ..judge.stories import Stance, Story
from ..judge.verdict import Relation
from ..read.claims import Claim
from ..report.style import STYLE, highlighted
from ..text.display import BidiText

RELATION_STYLE = {r: STYLE[r] for r in (Relation.CONTRADICT, Relation.AGREE, Relation.UPDATE)}
STANCE_CELL = {Stance.ASSERTS: ("A", "bold"), Stance.REPORTS: ("R", "cyan"), Stance.DENIES: ("D", "magenta"),
               Stance.AGREES: ("✓", "green"), Stance.CONTRADICTS: ("✗", "bold red")}
LEGEND = "A asserts  R reports  D denies  ✓ agrees with  ✗ contradicts"
RELATIONS = (None, "contradict", "agree", "update")


class ClaimPane(Static):
    """A claim: who asserts it and how, where it is (path:line), and its text in display order."""

    def show(self, label: str, claim: Claim, spans: list[tuple[int, int]] = ()) -> None:
        """Draw ``claim`` with the differing ``spans`` highlighted."""
        who = Text.assemble((f"{label} ", "bold"), (claim.attributed_to, "cyan"), (f"  {claim.attribution.how}",
                                                                                  "magenta"))
        where = Text(f"{claim.path}:{claim.line}", style="dim")
        arabic = self.app.arabic
        self.update(Group(BidiText(who, arabic), where, BidiText(highlighted(claim.text, list(spans)), arabic)))


@dataclass(frozen=True)
class Query:
    """What the story list shows: filters (see :meth:`checker.Story.matches`) and the sort key."""

    relation: str | None = None
    kind: str | None = None
    source: str | None = None
    report: str | None = None
    text: str | None = None
    sort: str = "contradictions"

    SORTS = ("contradictions", "agreements", "claims", "sources", "date")

    @classmethod
    def parse(cls, typed: str, base: Query) -> Query:
        """``source:X report:Y kind:K relation:R`` and free text, typed in the search box."""
        fields: dict[str, str | None] = {"source": None, "report": None, "text": None}
        words = []
        for word in typed.split():
            key, sep, value = word.partition(":")
            if sep and key in ("source", "report", "kind", "relation") and value:
                fields[key] = value
            else:
                words.append(word)
        fields["text"] = " ".join(words) or None
        return replace(base, **fields)

    def apply(self, stories: list[Story]) -> list[Story]:
        """The matching stories in this query's order."""
        found = [s for s in stories if s.matches(relation=self.relation, kind=self.kind, source=self.source,
                                                 report=self.report, text=self.text)]
        keys = {"contradictions": lambda s: (-s.contradictions, s.id),
                "agreements": lambda s: (-s.agreements, -s.contradictions, s.id),
                "claims": lambda s: (-len(s.claims), s.id), "sources": lambda s: (-len(s.sources), s.id),
                "date": lambda s: (s.first_date is None, s.first_date or 0, s.id)}
        return sorted(found, key=keys[self.sort])

    def describe(self) -> str:
        """One line for the status bar."""
        parts = [f"{k}:{v}" for k in ("relation", "kind", "source", "report") if (v := getattr(self, k))]
        if self.text:
            parts.append(f"“{self.text}”")
        return f"sort {self.sort}" + (" · filter " + " ".join(parts) if parts else "")


def cycle(options: tuple, current):
    """The option after ``current`` (wrapping around)."""
    return options[(options.index(current) + 1) % len(options)] if current in options else options[0]
