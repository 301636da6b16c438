"""The typed facts read off a claim (:class:`Fact`) and the record of all of them (:class:`ClaimSignals`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .arabic import Token


@dataclass(frozen=True)
class Fact:
    """One typed value in a claim: ``key`` compares across claims, ``span`` is where it is."""

    kind: str
    key: str
    text: str
    span: tuple[int, int]
    extra: str = ""  # a place's country; a number's unit (the word after it)
    role: str = ""  # a place's slot (to, at, from); the word before a number ("magnitude 6.1")
    alias: str = ""  # spelling-insensitive key of the bare name, shared by «اللاذقية» and «ميناء اللاذقية»
    counts: str = ""  # what a figure counts: "people:dead", "vessels", "money" (text.states.what_counts)
    approx: str = ""  # a figure's hedge: "about" (« environ », «نحو», "a dozen"), "min" ("at least"), "max"


@dataclass
class ClaimSignals:
    """Everything the judge compares, read off a claim's asserted content."""

    tokens: list[Token]
    text: str = ""
    offset: int = 0
    anchors: dict[str, Token] = field(default_factory=dict)
    roots: dict[str, str] = field(default_factory=dict)  # root key -> anchor key
    latin_names: set[str] = field(default_factory=set)  # cross-script keys of capitalised Latin words
    arabic_names: set[str] = field(default_factory=set)  # cross-script keys of longer Arabic words
    names: dict[str, Fact] = field(default_factory=dict)
    places: list[Fact] = field(default_factory=list)
    numbers: list[Fact] = field(default_factory=list)
    dates: list[Fact] = field(default_factory=list)
    negations: list[Fact] = field(default_factory=list)
    reluctance: list[Fact] = field(default_factory=list)
    polar_words: list[Fact] = field(default_factory=list)
    status: list[Fact] = field(default_factory=list)  # dead / alive / missing / held / released / … (text.states)
    extent: list[Fact] = field(default_factory=list)  # all / part
    poles: list[Fact] = field(default_factory=list)  # trend+ / trend-, open+ / open-, outcome+ / outcome-
    updates: bool = False  # the claim says its figure revises an earlier one (lexicon.UPDATE_MARKERS)

    def text_at(self, span: tuple[int, int]) -> str:
        """The claim text under ``span`` (offsets relative to the claim)."""
        return self.text[span[0] - self.offset: span[1] - self.offset]

    @property
    def polarity(self) -> int:
        """-1 if the claim negates or denies, otherwise +1."""
        return -1 if self.negations else 1
