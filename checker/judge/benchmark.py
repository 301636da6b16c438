"""Score findings against a key of whole-report claim pairs (``checker eval REPORTS_DIR``).

A key names claim pairs by report stem and a distinctive substring on each side, with the relation a
reader gives them: ``contradict``, ``agree``, or ``not_contradict`` (a trap: looks like a contradiction,
is not one). A finding matches a key pair when each of its claims covers that side's substring (in either
order). Measured, per relation, per kind and for same- and cross-language pairs apart:

- contradiction recall: key contradictions found as ``contradict``;
- contradiction precision: of the ``contradict`` findings a key can judge (those on a key pair, and those
  pairing reports of two different stories, which are false by construction), the share on a key
  contradiction; ``contradict`` findings on unkeyed pairs of one story are counted apart (``unjudged``);
- agreement recall: key agreements found as ``agree``;
- traps flagged: key traps found as ``contradict`` (lower is better).

The key is a JSON object ``{"pairs": [{"a": [stem, substring], "b": [stem, substring], "relation": …,
"kind": …, "cross_language": bool}]}``; a folder of stories holds one ``key.json`` per story folder.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..read.claims import Claim
from .findings import Finding
from .verdict import Relation

RELATIONS = ("contradict", "agree", "not_contradict")


@dataclass(frozen=True)
class KeyPair:
    """One keyed pair: ``(stem, substring)`` on each side, the relation, its kind and whether it crosses languages."""

    a: tuple[str, str]
    b: tuple[str, str]
    relation: str
    kind: str = ""
    cross_language: bool = False
    story: str = ""


@dataclass
class StoryKey:
    """Keyed pairs and which story each report stem belongs to."""

    pairs: list[KeyPair] = field(default_factory=list)
    story_of: dict[str, str] = field(default_factory=dict)


def _pair(item: Any, where: str, story: str) -> KeyPair:
    try:
        a, b, relation = tuple(item["a"]), tuple(item["b"]), item["relation"]
    except (KeyError, TypeError) as exc:
        raise InputError(f"{where}: a pair needs \"a\": [stem, text], \"b\": [stem, text] and \"relation\"") from exc
    if relation not in RELATIONS or len(a) != 2 or len(b) != 2:
        raise InputError(f"{where}: relation must be one of {', '.join(RELATIONS)} and each side [stem, text] "
                         f"(got {relation!r})")
    return KeyPair(a, b, relation, item.get("kind", ""), bool(item.get("cross_language", False)), story)


def read_key(root: str | Path, key: str | Path | None = None) -> StoryKey:
    """The key of a benchmark folder: ``key`` if given, else every ``key.json`` under ``root``.

    Each story folder's reports belong to that story (its folder name); a report outside a story folder
    belongs to a story of its own.

    Raises:
        InputError: no key found, or a key that is not valid JSON or lacks a pair's fields.
    """
    root = Path(root)
    files = [Path(key)] if key else sorted(root.rglob("key.json"))
    if not files:
        raise InputError(f"{root}: no key.json found; pass --key KEY.json")
    out = StoryKey()
    for file in files:
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(f"{file}: cannot read the key ({exc}); it must be a JSON object with \"pairs\"") from exc
        if not isinstance(data, dict):
            raise InputError(f"{file}: the key must be a JSON object with \"pairs\" (got a {type(data).__name__})")
        story = data.get("story") or file.parent.name
        out.pairs += [_pair(item, f"{file}: pair {n}", story) for n, item in enumerate(data.get("pairs", []), 1)]
    for report in root.rglob("*"):
        if report.is_file() and report.name != "key.json" and report.suffix in (".txt", ".md", ".html", ".htm"):
            out.story_of[report.stem] = report.parent.name if report.parent != root else report.stem
    return out


def _covers(claim: Claim, stem: str, text: str) -> bool:
    return Path(claim.path).stem == stem and (text in claim.text or claim.text.strip() in text)


def _matches(finding: Finding, pair: KeyPair) -> bool:
    a, b = finding.a, finding.b
    return (_covers(a, *pair.a) and _covers(b, *pair.b)) or (_covers(a, *pair.b) and _covers(b, *pair.a))


def _ratio(hit: int, total: int) -> float | None:
    return round(hit / total, 4) if total else None


def score(findings: list[Finding], key: StoryKey) -> dict[str, Any]:
    """Recall, precision and trap figures of ``findings`` against ``key`` (see the module docstring)."""
    found: dict[int, Relation] = {}
    on_key: set[str] = set()
    for finding in findings:
        for n, pair in enumerate(key.pairs):
            if _matches(finding, pair):
                on_key.add(finding.id)
                if found.get(n) is not Relation.CONTRADICT:  # a contradiction outranks an agreement
                    found[n] = finding.relation
    groups: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for n, pair in enumerate(key.pairs):
        want = {"contradict": Relation.CONTRADICT, "agree": Relation.AGREE}.get(pair.relation, Relation.CONTRADICT)
        hit = found.get(n) is want
        for group in ("all", f"kind:{pair.kind}", "cross" if pair.cross_language else "same"):
            groups[pair.relation][group][0] += hit
            groups[pair.relation][group][1] += 1
    contradictions = [f for f in findings if f.relation is Relation.CONTRADICT]
    stories = key.story_of
    # false by construction: two reports the key places in two different stories (an unknown report is unjudged)
    cross_story = [f for f in contradictions if f.id not in on_key and Path(f.a.path).stem in stories
                   and Path(f.b.path).stem in stories
                   and stories[Path(f.a.path).stem] != stories[Path(f.b.path).stem]]
    keyed_true = sum(1 for n, pair in enumerate(key.pairs)
                     if pair.relation == "contradict" and found.get(n) is Relation.CONTRADICT)
    keyed_false = sum(1 for n, pair in enumerate(key.pairs)
                      if pair.relation != "contradict" and found.get(n) is Relation.CONTRADICT)
    judged = keyed_true + keyed_false + len(cross_story)
    figures = {relation: {group: {"found": hit, "of": total, "rate": _ratio(hit, total)}
                          for group, (hit, total) in sorted(by.items())} for relation, by in groups.items()}
    return {
        "contradiction_recall": figures.get("contradict", {}).get("all", {}).get("rate"),
        "contradiction_precision": _ratio(keyed_true, judged),
        "agreement_recall": figures.get("agree", {}).get("all", {}).get("rate"),
        "traps_flagged": figures.get("not_contradict", {}).get("all", {}).get("rate"),
        "contradict_findings": len(contradictions), "cross_story_contradictions": len(cross_story),
        "unjudged_contradictions": len(contradictions) - len(cross_story)
        - sum(1 for f in contradictions if f.id in on_key),
        "by_relation": figures,
        "pairs": [{"a": list(p.a), "b": list(p.b), "relation": p.relation, "kind": p.kind,
                   "cross_language": p.cross_language, "got": found[n].value if n in found else None}
                  for n, p in enumerate(key.pairs)],
        "false_cross_story": [{"a": f.a.text, "b": f.b.text, "reason": f.reason} for f in cross_story],
    }
