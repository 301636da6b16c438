"""Notebook views of the judge's results: short reprs (a line of counts, never whole texts) and HTML for
:class:`~checker.judge.verdict.Verdict`, :class:`~checker.judge.findings.Finding` and
:class:`~checker.judge.stories.Story`; :class:`checker.Report`'s HTML is made of the same pieces.

Every text from a report (claims, sources, paths, reasons, labels) is escaped with :func:`html.escape`; cells
that hold it are ``dir="auto"``, so an Arabic cell reads right to left and an English one left to right.
"""

from __future__ import annotations

import html
from typing import Any

from ..read.claims import Claim

# Finding, Story and Verdict are typed Any here: their modules import this one for their views
Finding = Story = Verdict = Any

STANCE_MARK = {"asserts": "A", "reports": "R", "denies": "D", "agrees": "✓", "contradicts": "✗"}
LEGEND = "A asserts · R reports (relays) · D denies · ✓ agrees with · ✗ contradicts"
FINDING_HEAD = ("<tr><th>relation</th><th>kind</th><th>score</th><th>claim A</th><th>claim B</th>"
                "<th>reason</th></tr>")


def clip(text: str, width: int = 60) -> str:
    """``text`` on one line, cut to ``width`` characters with an ellipsis."""
    line = " ".join(text.split())
    return line if len(line) <= width else line[:width - 1] + "…"


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 claim``, ``2 claims`` (``many`` where adding an s is wrong: ``2 stories``)."""
    return f"{n} {word if n == 1 else many or word + 's'}"


def esc(text: object) -> str:
    """Escaped for HTML text and attribute values."""
    return html.escape(str(text), quote=True)


def marked(claim: Claim, spans: list[tuple[int, int]]) -> str:
    """A claim's text as HTML with the differing ``spans`` (offsets into the claim) in ``<mark>``."""
    out, at = [], 0
    for start, end in sorted(s for s in spans if 0 <= s[0] < s[1] <= len(claim.text)):
        if start >= at:
            out += [esc(claim.text[at:start]), f"<mark>{esc(claim.text[start:end])}</mark>"]
            at = end
    out.append(esc(claim.text[at:]))
    return "".join(out)


def where(claim: Claim) -> str:
    """Who asserts a claim and where it is, as a small HTML line."""
    return f"<small dir='auto'>{esc(claim.attributed_to)} · {esc(claim.path)}:{claim.line}</small>"


def finding_row(f: Finding) -> str:
    """One table row: relation, kind, score, both claims with the differing spans marked, the reason."""
    sides = [(f.a, [d.a_span for d in f.differences]), (f.b, [d.b_span for d in f.differences])]
    cells = "".join(f"<td dir='auto'>{marked(c, spans)}<br>{where(c)}</td>" for c, spans in sides)
    return (f"<tr><td>{esc(f.relation.value)}</td><td>{esc(f.kind)}</td><td>{f.score:.2f}</td>{cells}"
            f"<td dir='auto'>{esc(f.reason)}</td></tr>")


def findings_table(findings: list[Finding] | tuple[Finding, ...]) -> str:
    """A table of findings, one row each."""
    return f"<table>{FINDING_HEAD}{''.join(finding_row(f) for f in findings)}</table>"


def finding_repr(f: Finding) -> str:
    """``Finding('1a2b…', contradict location 0.73, A: source @ path:line, B: …, reason '…')``."""
    return (f"Finding({f.id!r}, {f.relation.value} {f.kind} {f.score:.2f}, "
            f"A: {clip(f.a.attributed_to, 30)} @ {f.a.path}:{f.a.line}, "
            f"B: {clip(f.b.attributed_to, 30)} @ {f.b.path}:{f.b.line}, reason {clip(f.reason, 70)!r})")


def verdict_repr(v: Verdict) -> str:
    """``Verdict(contradict, kind='location', score=0.72, gate=0.59, similarity=0.919, …, reason='…')``."""
    pair = "None" if v.pair_score is None else f"{v.pair_score:.2f}"
    return (f"Verdict({v.relation.value}, kind={v.kind!r}, score={v.score:.2f}, gate={v.gate:.2f}, "
            f"similarity={v.similarity:.3f}, pair_score={pair}, reason={clip(v.reason, 70)!r})")


def verdict_html(v: Verdict) -> str:
    """A verdict as a small table, with each difference found."""
    pair = "" if v.pair_score is None else f"{v.pair_score:.2f}"
    rows = [("relation", esc(v.relation.value)), ("kind", esc(v.kind)), ("score", f"{v.score:.2f}"),
            ("gate", f"{v.gate:.2f}"), ("similarity", f"{v.similarity:.3f}"), ("pair score", pair),
            ("reason", f"<span dir='auto'>{esc(v.reason)}</span>")]
    rows += [(f"difference: {esc(d.kind)}", f"<span dir='auto'>«{esc(d.a_text)}»</span> vs "
                                            f"<span dir='auto'>«{esc(d.b_text)}»</span>") for d in v.differences]
    return "<table>" + "".join(f"<tr><th>{k}</th><td>{value}</td></tr>" for k, value in rows) + "</table>"


def story_repr(s: Story) -> str:
    """``Story(1, 'label…', 4 claims, 1 contradiction, 2 agreements, 3 sources, 2 reports, 2024-12-01…)``."""
    dates = "" if s.first_date is None else f", {s.first_date}" + (
        "" if s.last_date == s.first_date else f"…{s.last_date}")
    return (f"Story({s.id}, {clip(s.label, 50)!r}, {plural(len(s.claims), 'claim')}, "
            f"{plural(s.contradictions, 'contradiction')}, {plural(s.agreements, 'agreement')}, "
            f"{plural(len(s.sources), 'source')}, {plural(len(s.reports), 'report')}{dates})")


def story_heading(s: Story) -> str:
    """The story's number, label and counts, as an ``<h4>``."""
    return (f"<h4 dir='auto'>Story {s.id}: {esc(s.label)}</h4><p>{plural(s.contradictions, 'contradiction')}, "
            f"{plural(s.agreements, 'agreement')}, {plural(len(s.claims), 'claim')} of "
            f"{plural(len(s.sources), 'source')} in {plural(len(s.reports), 'report')}</p>")


def story_html(s: Story) -> str:
    """A story: heading, the sources × claims matrix (with the claims listed under it), and its findings."""
    number = {c.id: n for n, c in enumerate(s.claims, 1)}
    head = "<tr><th>source</th>" + "".join(f"<th>c{n}</th>" for n in number.values()) + "</tr>"
    rows = "".join(f"<tr><td dir='auto'>{esc(source)}</td>" + "".join(
        f"<td>{STANCE_MARK[cells[c.id].value] if c.id in cells else '·'}</td>" for c in s.claims) + "</tr>"
        for source, cells in s.stances().items())
    claims = "".join(f"<tr><td>c{number[c.id]}</td><td dir='auto'>{esc(c.text)}<br>{where(c)}</td></tr>"
                     for c in s.claims)
    return (f"{story_heading(s)}<table>{head}{rows}</table><p><small>{LEGEND}</small></p>"
            f"<table>{claims}</table>{findings_table(s.findings)}")
