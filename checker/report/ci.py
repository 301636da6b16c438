"""CI helpers: a baseline of reviewed findings, and JUnit / GitHub annotation output.

A baseline file lists findings a team has reviewed (by their stable content
ids), so a known contradiction does not fail every later build:

    checker baseline examples/reports                 # writes checker-baseline.json
    checker check examples/reports --baseline checker-baseline.json
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from ..errors import InputError
from ..judge.verdict import Relation
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
    """Keep only findings not in ``baseline``; list baseline entries the report no longer contains."""
    present = {f.id for f in report.findings}
    fresh = [f for f in report.findings if f.id not in baseline]
    gone = [entry for fid, entry in sorted(baseline.items()) if fid not in present]
    return BaselineResult(replace(report, findings=fresh), len(report.findings) - len(fresh), gone)


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
            message = f"{f.kind}: {f.reason}"
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


def _where(path: str) -> str:
    """``file=…`` (and ``,line=…``) of an annotation on an input: ``data.jsonl:12`` is line 12 of a file,
    ``data.json#3`` a record of it."""
    head, sep, tail = path.rpartition(":")
    if sep and tail.isdigit():
        return f"file={_prop(head)},line={tail}"
    head, sep, tail = path.rpartition("#")
    return f"file={_prop(head if sep and tail.isdigit() else path)}"


def to_github(report: Report) -> str:
    """GitHub Actions workflow commands: a warning per input skipped and per report warning, an error per
    contradiction on each new claim's file and line, a notice per agreement."""
    new_ids = {d.id for d in report.documents}
    lines = [f"::warning {_where(s.path)},title=checker skipped an input::{_data(s.reason)}" for s in report.skipped]
    lines += [f"::warning {_where(w.path)},title=checker::{_data(w.message)}" for w in report.warnings]
    for f in report.findings:
        level = "error" if f.relation is Relation.CONTRADICT else "notice"
        for mine, other in ((f.a, f.b), (f.b, f.a)):
            if mine.report_id not in new_ids:
                continue
            title = f"checker {f.relation.value} ({f.kind})"
            message = f"{f.reason} — {mine.attributed_to} vs {other.attributed_to} ({other.path}:{other.line})"
            lines.append(f"::{level} file={_prop(mine.path)},line={mine.line},title={_prop(title)}::{_data(message)}")
    return "\n".join(lines) + ("\n" if lines else "")
