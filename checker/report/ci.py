"""CI helpers: a baseline of reviewed findings, and the machine formats: JSON, JUnit, GitHub annotations, SARIF.

A baseline file lists findings a team has reviewed (by their stable content
ids), so a known contradiction does not fail every later build:

    checker baseline examples/reports                 # writes checker-baseline.json
    checker check examples/reports --baseline checker-baseline.json

SARIF is in :mod:`~checker.report.sarif`; :mod:`~checker.report.outputs` gives a report in any machine format.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from ..errors import InputError
from ..judge.verdict import Relation
from ..read.claims import Claim
from ..store.manifest import write_atomic
from .report import Report

BASELINE_VERSION = 1
DEFAULT_BASELINE = "checker-baseline.json"


def write_baseline(report: Report, path: str | Path = DEFAULT_BASELINE) -> Path:
    """Write the report's findings as a baseline (atomically). Returns the path."""
    path = Path(path)
    entries = [{"id": f.id, "relation": f.relation.value, "kind": f.kind, "reason": f.reason,
                "a": {"path": f.a.path, "line": f.a.line, "text": f.a.text},
                "b": {"path": f.b.path, "line": f.b.line, "text": f.b.text}} for f in report.findings]
    data = {"version": BASELINE_VERSION, "model": report.model, "findings": sorted(entries, key=lambda e: e["id"])}
    # written with the process umask, like the index files (mkstemp would make it 0600, unreadable to others)
    write_atomic(path, (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    return path


def read_baseline(path: str | Path) -> dict[str, dict]:
    """Baseline entries by finding id.

    Raises:
        InputError: missing or malformed file, naming it and the fix.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data["findings"]
        return {entry["id"]: entry for entry in entries}
    except FileNotFoundError as exc:
        raise InputError(f"{path}: baseline not found; create it with `checker baseline REPORTS --output {path}`") \
            from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{path}: not a checker baseline ({exc}); regenerate it with `checker baseline`") from exc


@dataclass
class BaselineResult:
    """A report narrowed to new findings, and the baseline entries that no longer occur."""

    report: Report
    known: int
    gone: list[dict]


def apply_baseline(report: Report, baseline: dict[str, dict]) -> BaselineResult:
    """Keep only findings not in ``baseline``; list baseline entries that no longer occur.

    An entry is said to no longer occur only when this run could have found it: at least one of its claims'
    files was read in this run, and the other was read too, no longer exists, or (when the run compared with an
    index) may be stored there. A check of some files (a pre-commit hook over staged files) says nothing of
    findings between other files.
    """
    present = {f.id for f in report.findings}
    fresh = [f for f in report.findings if f.id not in baseline]
    read = {d.path for d in report.documents}
    gone = [entry for fid, entry in sorted(baseline.items())
            if fid not in present and _could_occur(entry, read, against=bool(report.stored_claims))]
    return BaselineResult(replace(report, findings=fresh), len(report.findings) - len(fresh), gone)


def _could_occur(entry: dict, read: set[str], *, against: bool) -> bool:
    """Whether a run that read the reports at ``read`` (and compared with an index, if ``against``) would have
    found the baseline entry if it still held."""
    paths = [side.get("path") if isinstance(side, dict) else None for side in (entry.get("a"), entry.get("b"))]
    if not any(p in read for p in paths):
        return False
    return against or all(p in read or (isinstance(p, str) and not Path(located(p)[0]).exists()) for p in paths)


def located(path: str, line: int | None = None) -> tuple[str, int | None]:
    """The file of a report path and the line in that file, where it is known.

    ``data.jsonl:12`` is the record on line 12 of ``data.jsonl``; ``data.json#3`` a record of ``data.json`` (no
    line); an HTML report's lines are those of the extracted text, not of the file (no line); any other report
    is its file, ``line`` its line.
    """
    head, sep, tail = path.rpartition(":")
    if sep and tail.isdigit():
        return head, int(tail)
    head, sep, tail = path.rpartition("#")
    if sep and tail.isdigit():
        return head, None
    if Path(path).suffix.lower() in (".html", ".htm"):
        return path, None
    return path, line


def claim_location(claim: Claim) -> tuple[str, int | None]:
    """The file a claim is in and its line there, where it is known (see :func:`located`)."""
    return located(claim.path, claim.line)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml(value: str) -> str:
    """``value`` with the characters XML 1.0 cannot hold (control codes such as ESC) written as ``\\x1b``."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else f"\\u{ord(m.group()):04x}",
                        value)


def to_junit(report: Report) -> str:
    """JUnit XML: one test case per report read, one failure per contradiction involving it, and one test case
    with an error per input that could not be read (``report.skipped``); warnings go to the suite's
    ``system-err``."""
    cases = []
    contradictions = report.contradictions
    for doc in report.documents:
        failures = []
        for f in contradictions:
            mine = [c for c in (f.a, f.b) if c.report_id == doc.id]
            if not mine:
                continue
            other = f.b if mine[0] is f.a else f.a
            message = f.reason if f.reason.startswith(f"{f.kind}:") else f"{f.kind}: {f.reason}"
            body = (f"{mine[0].path}:{mine[0].line} [{mine[0].attributed_to}] {mine[0].text}\n"
                    f"{other.path}:{other.line} [{other.attributed_to}] {other.text}\n"
                    f"score {f.score:.2f}, gate {f.gate:.2f}, finding {f.id}")
            failures.append(f"<failure message={quoteattr(_xml(message))} type=\"contradiction\">{escape(_xml(body))}"
                            "</failure>")
        cases.append(f"<testcase classname=\"checker\" name={quoteattr(_xml(doc.path))}>{''.join(failures)}</testcase>")
    failed = sum("<failure" in case for case in cases)
    for skipped in report.skipped:  # an input that could not be read is an error, never a pass
        reason = _xml(skipped.reason)
        cases.append(f"<testcase classname=\"checker\" name={quoteattr(_xml(skipped.path))}>"
                     f"<error message={quoteattr(reason)} type=\"unreadable\">{escape(reason)}</error></testcase>")
    warnings = "".join(f"{w.path}: {w.message}\n" for w in report.warnings)
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            f"<testsuite name=\"checker\" tests=\"{len(cases)}\" failures=\"{failed}\" "
            f"errors=\"{len(report.skipped)}\">" + "".join(cases)
            + (f"<system-err>{escape(_xml(warnings))}</system-err>" if warnings else "") + "</testsuite>\n")


def _prop(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A").replace(":", "%3A").replace(",", "%2C")


def _data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _where(path: str, line: int | None = None) -> str:
    """``file=…`` (and ``,line=…`` where the line is known) of an annotation."""
    file, line = located(path, line)
    return f"file={_prop(file)}" + (f",line={line}" if line else "")


#: annotations of one level (error, warning, notice) GitHub shows for a step; it drops the rest without a word
GITHUB_LIMIT = 10


def to_github(report: Report, *, agreements: bool = False, limit: int | None = GITHUB_LIMIT) -> str:
    """GitHub Actions workflow commands: an error per contradiction on each new claim's file and line (best
    first), a warning per input skipped and per report warning, and a notice per agreement if asked.

    Args:
        report: what to annotate.
        agreements: annotate agreements too, as notices. Defaults to False: annotations are for what needs
            fixing, and GitHub shows only ``limit`` of each level.
        limit: annotations of one level to write; past it, the last one says how many more there are and how
            to see them all (GitHub shows 10 a step and drops the rest silently). None for no limit. Defaults
            to 10.
    """
    new_ids = {d.id for d in report.documents}
    warnings = [f"::warning {_where(s.path)},title=checker skipped an input::{_data(s.reason)}"
                for s in report.skipped]
    warnings += [f"::warning {_where(w.path)},title=checker::{_data(w.message)}" for w in report.warnings]
    errors: list[str] = []
    notices: list[str] = []
    for f in report.contradictions + (report.agreements if agreements else []):
        level, out = ("error", errors) if f.relation is Relation.CONTRADICT else ("notice", notices)
        for mine, other in ((f.a, f.b), (f.b, f.a)):
            if mine.report_id not in new_ids:
                continue
            title = f"checker {f.relation.value} ({f.kind})"
            message = f"{f.reason} — {mine.attributed_to} vs {other.attributed_to} ({other.path}:{other.line})"
            out.append(f"::{level} {_where(mine.path, mine.line)},title={_prop(title)}::{_data(message)}")
    lines = (_capped(errors, "error", "contradiction annotations", limit)
             + _capped(warnings, "warning", "warnings", limit)
             + _capped(notices, "notice", "agreement annotations", limit))
    return "\n".join(lines) + ("\n" if lines else "")


def _capped(lines: list[str], level: str, what: str, limit: int | None) -> list[str]:
    """``lines``, or the first ``limit - 1`` of them and one more saying how many were left out."""
    if limit is None or len(lines) <= limit:
        return lines
    kept = lines[:max(0, limit - 1)]
    more = len(lines) - len(kept)
    return kept + [f"::{level} title=checker::{more} more {what} not shown (GitHub shows {limit} a step); see them "
                   "all in the text output, or write SARIF (--output sarif:checker.sarif) for code scanning"]
