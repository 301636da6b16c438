"""SARIF 2.1.0 output, for GitHub code scanning and other tools that read static-analysis results.

One result per contradiction (and per agreement, if asked), under a rule per relation and kind
(``contradict/location``): its location is the claim of a report read in this run, its related locations both
claims with who asserts them, and its fingerprint the finding's stable id, so a code-scanning alert follows a
finding across runs and reorderings. Inputs that could not be read are the run's error notifications, and make
the run unsuccessful (``executionSuccessful: false``: some reports were not checked).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..judge.verdict import Relation
from ..read.claims import Claim
from ..read.ingest import Document
from .ci import claim_location, located
from .report import Finding, Report

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
#: the key of a result's fingerprints: the finding id, a hash of both claims' normalised text
FINGERPRINT = "checkerFinding/v1"

#: what each kind of difference is, for the rules' descriptions
_KINDS = {
    "location": "different places", "number": "different figures", "date": "different dates",
    "negation": "one denies or negates what the other asserts", "antonym": "opposite words",
    "actor": "different doers of the same action", "status": "incompatible states", "extent": "all against part",
}


def to_sarif(report: Report, *, agreements: bool = False) -> str:
    """The report as a SARIF 2.1.0 log (JSON text).

    Args:
        report: what to write.
        agreements: write agreements too, as results of level ``note``. Defaults to False: code scanning shows
            results as alerts to fix.

    Returns:
        The log, indented, ending with a newline.
    """
    from .._version import __version__

    findings = report.contradictions + (report.agreements if agreements else [])
    texts = {d.id: d for d in report.documents}
    rules: list[dict[str, Any]] = []
    rule_index: dict[str, int] = {}
    results = []
    for finding in findings:
        rule_id = f"{finding.relation.value}/{finding.kind}"
        if rule_id not in rule_index:
            rule_index[rule_id] = len(rules)
            rules.append(_rule(finding.relation, finding.kind))
        results.append(_result(finding, rule_id, rule_index[rule_id], texts))
    notifications = ([_notification("error", "unreadable", s.path, s.reason) for s in report.skipped]
                     + [_notification("warning", "report-warning", w.path, w.message) for w in report.warnings])
    run = {
        "tool": {"driver": {"name": "checker", "version": __version__, "semanticVersion": __version__,
                            "rules": rules}},
        "invocations": [{"executionSuccessful": not report.skipped, "toolExecutionNotifications": notifications}],
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {"model": report.model, "summary": report.summary()},
    }
    log = {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"


def _rule(relation: Relation, kind: str) -> dict[str, Any]:
    """The rule of a relation and kind: its descriptions and default level."""
    what = _KINDS.get(kind, "other differences" if relation is Relation.CONTRADICT else "nothing conflicting")
    if relation is Relation.CONTRADICT:
        short = f"Claims contradict: {what}"
        full = (f"Two claims about one event contradict each other ({kind}: {what}). Check which source is right, "
                "or record the finding as reviewed with `checker baseline`.")
    else:
        short = f"Claims agree ({kind})"
        full = "Two claims about one event agree: independent confirmation, or one source repeating another."
    return {"id": f"{relation.value}/{kind}", "name": f"{kind.title()}{relation.value.title()}",
            "shortDescription": {"text": short}, "fullDescription": {"text": full}, "help": {"text": full},
            "defaultConfiguration": {"level": "error" if relation is Relation.CONTRADICT else "note"},
            "properties": {"tags": ["claims", relation.value, kind]}}


def _result(f: Finding, rule_id: str, rule_index: int, texts: dict[str, Document]) -> dict[str, Any]:
    """One finding as a result: at the claim of a report read in this run (A when both were)."""
    primary = f.a if f.a.report_id in texts or f.b.report_id not in texts else f.b
    where = [_link(claim, i) for i, claim in enumerate((f.a, f.b))]
    message = (f"{_escape(f.reason)} — A: {_escape(f.a.attributed_to)} ({where[0]}) vs "
               f"B: {_escape(f.b.attributed_to)} ({where[1]})")
    related = [_location(claim, texts, id=i, message=_escape(f"{'AB'[i]}: {claim.attributed_to}: «{claim.text}»"))
               for i, claim in enumerate((f.a, f.b))]
    return {
        "ruleId": rule_id, "ruleIndex": rule_index, "kind": "fail",
        "level": "error" if f.relation is Relation.CONTRADICT else "note",
        "message": {"text": message},
        "locations": [_location(primary, texts)],
        "relatedLocations": related,
        "fingerprints": {FINGERPRINT: f.id},
        "partialFingerprints": {FINGERPRINT: f.id},
        "properties": {"score": f.score, "gate": f.gate, "similarity": f.similarity, "pairScore": f.pair_score,
                       "claims": [f.a.id, f.b.id]},
    }


def _escape(text: str) -> str:
    """Plain text for a SARIF message, where ``[…](n)`` is a link: brackets and backslashes escaped."""
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def _link(claim: Claim, index: int) -> str:
    """An embedded link to related location ``index``, written as the claim's ``path:line``."""
    file, line = claim_location(claim)
    return f"[{_escape(file + (f':{line}' if line else ''))}]({index})"


def _artifact(path: str) -> dict[str, Any]:
    """An artifactLocation: a relative path against the checkout (``%SRCROOT%``), an absolute one as a file URI."""
    if Path(path).is_absolute():
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(Path(path).as_posix()), "uriBaseId": "%SRCROOT%"}


def _location(claim: Claim, texts: dict[str, Document], *, id: int | None = None,
              message: str | None = None) -> dict[str, Any]:
    """Where a claim is: its file, and its line (with columns, when its report's text is at hand) where known."""
    file, line = claim_location(claim)
    physical: dict[str, Any] = {"artifactLocation": _artifact(file)}
    if line:
        region: dict[str, Any] = {"startLine": line}
        doc = texts.get(claim.report_id)
        if doc is not None and file == doc.path and doc.text[claim.span[0]:claim.span[1]] == claim.text:
            start, end = claim.span
            region["startColumn"] = start - doc.text.rfind("\n", 0, start)
            region["endLine"] = line + doc.text.count("\n", start, end)
            region["endColumn"] = end - doc.text.rfind("\n", 0, end)
        region["snippet"] = {"text": claim.text}
        physical["region"] = region
    location: dict[str, Any] = {"physicalLocation": physical}
    if id is not None:
        location["id"] = id
    if message is not None:
        location["message"] = {"text": message}
    return location


def _notification(level: str, rule: str, path: str, text: str) -> dict[str, Any]:
    """A tool notification about an input (one that could not be read, or a report with something to know)."""
    file, line = located(path)
    physical: dict[str, Any] = {"artifactLocation": _artifact(file)}
    if line:
        physical["region"] = {"startLine": line}
    return {"level": level, "descriptor": {"id": rule}, "message": {"text": f"{path}: {text}"},
            "locations": [{"physicalLocation": physical}]}
