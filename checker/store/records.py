"""The SQLite side of an index: stored reports and claims, by id or row, and the views of an index.

:class:`StoredRecords` is the part of :class:`checker.store.index.Index` that reads ``meta-GEN.sqlite``
(read-only; batched ``IN`` queries, as SQLite caps bound parameters) and draws the summary
(:class:`IndexInfo`) and the notebook views.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ..read.claims import Attribution, Claim
from ..read.ingest import Document
from .ann import SearchParams
from .manifest import MANIFEST


@dataclass(frozen=True)
class IndexInfo:
    """What ``checker index info`` shows."""

    path: str
    model: str
    dimension: int
    schema: int
    generation: int
    reports: int
    claims: int
    index_type: str
    search: dict
    bytes_on_disk: int
    disk_bytes_per_claim: int
    ram_bytes_per_claim: int
    complete: bool
    updated: str


class StoredRecords:
    """Reading the stored reports and claims; the index's ``path`` and ``manifest`` say where they are."""

    path: Path
    manifest: dict
    search_params: SearchParams
    model_id: str
    complete: bool

    def _connect(self) -> sqlite3.Connection:
        uri = f"file:{self.path / self.manifest['files']['meta']}?mode=ro"
        return sqlite3.connect(uri, uri=True)

    def _count(self, sql: str) -> int:
        with self._connect() as db:
            return int(db.execute(sql).fetchone()[0])

    def _rows_of(self, report_ids: set[str]) -> set[int]:
        """Rows of the claims of ``report_ids`` (by the report_id index: no scan of all claims)."""
        with self._connect() as db:
            return {r for (r,) in _select_in(db, "SELECT row FROM claims", "report_id", sorted(report_ids))}

    def documents(self, ids: set[str] | None = None) -> list[Document]:
        """Every stored report, or those whose id is in ``ids``."""
        sql = "SELECT id, path, title, text, source, date, url FROM reports"
        with self._connect() as db:
            if ids is None:
                return [Document(*row) for row in db.execute(sql + " ORDER BY rowid")]
            return [Document(*row) for row in _select_in(db, sql, "id", sorted(ids))]

    def claims(self, rows: list[int] | None = None) -> list[Claim]:
        """Stored claims: all of them in FAISS row order, or those of ``rows`` in that order."""
        sql = ("SELECT c.row, c.id, c.report_id, r.path, c.text, c.start, c.end, c.line, c.source, c.how, c.via,"
               " c.key, c.quoted, c.body_start, c.body_end FROM claims c JOIN reports r ON r.id = c.report_id")
        with self._connect() as db:
            if rows is None:
                found = db.execute(sql + " ORDER BY c.row").fetchall()
            else:
                by_row = {r[0]: r for r in _select_in(db, sql, "c.row", sorted(set(int(r) for r in rows)))}
                found = [by_row[int(r)] for r in rows]
        return [Claim(r[1], r[2], r[3], r[4], (r[5], r[6]), r[7],
                      Attribution(r[8], r[9], r[10], r[11], bool(r[12])), (r[13], r[14])) for r in found]

    def report_ids(self) -> set[str]:
        """Content hashes of the stored reports."""
        return set(self.manifest.get("reports", []))

    # -- notebook views ----------------------------------------------------------------
    def info(self) -> IndexInfo:
        """Summary for ``checker index info``."""
        files = [self.path / name for name in self.manifest["files"].values()] + [self.path / MANIFEST]
        size, claims, params = sum(f.stat().st_size for f in files), self.manifest["claims"], self.search_params
        return IndexInfo(str(self.path), self.model_id, self.manifest["dimension"], self.manifest["schema"],
                         self.manifest["generation"], len(self.report_ids()), claims, params.faiss_type,
                         params.to_json(), size, size // max(1, claims),
                         params.ram_per_vector(self.manifest["dimension"]), self.complete,
                         self.manifest.get("updated", ""))

    def to_pandas(self):
        """A DataFrame of the stored claims (the columns of ``Report.to_pandas("claims")``)."""
        import pandas as pd

        from ..read.claims import claim_rows

        return pd.DataFrame(claim_rows(self.claims()))

    def __repr__(self) -> str:
        try:
            info = self.info()
        except (OSError, KeyError) as exc:  # a repr must not raise: the folder changed under an open index
            return f"Index({str(self.path)!r}, unreadable: {exc})"
        building = "" if info.complete else ", build in progress"
        return (f"Index({info.path!r}, {info.reports} reports, {info.claims} claims, model={info.model!r}, "
                f"{_search(info)}, {_size(info.bytes_on_disk)}{building})")

    def _repr_html_(self) -> str:
        import html

        info = self.info()
        rows = [("folder", info.path), ("model", f"{info.model} ({info.dimension} dimensions)"),
                ("reports", f"{info.reports:,}"), ("claims", f"{info.claims:,}"), ("search", _search(info)),
                ("on disk", f"{_size(info.bytes_on_disk)} ({info.disk_bytes_per_claim:,} bytes a claim; "
                            f"{info.ram_bytes_per_claim:,} in RAM)"),
                ("generation", f"{info.generation} (schema {info.schema}), updated {info.updated}"),
                ("complete", "yes" if info.complete else "no: a build was interrupted; run it again to finish")]
        cells = "".join(f"<tr><th>{k}</th><td dir='auto'>{html.escape(v)}</td></tr>" for k, v in rows)
        return f"<table>{cells}</table><p><small>index.to_pandas() lists the stored claims</small></p>"


def _select_in(db: sqlite3.Connection, sql: str, column: str, values: list) -> list[tuple]:
    """Rows of ``sql`` whose ``column`` is one of ``values``, in batches (SQLite caps bound parameters)."""
    found: list[tuple] = []
    for start in range(0, len(values), 500):
        part = values[start:start + 500]
        found += db.execute(f"{sql} WHERE {column} IN ({','.join('?' * len(part))})", part).fetchall()
    return found


def _search(info: IndexInfo) -> str:
    """The search structure in words: exact (flat) or IVF with its cells, probes and measured recall."""
    search = info.search
    if search.get("kind") != "ivf":
        return "flat (exact)"
    return (f"IVF, {search.get('nlist')} cells, nprobe {search.get('nprobe')}, "
            f"recall@10 {search.get('recall_at_10', 0):.2f}")


def _size(n: int) -> str:
    """Bytes in KB, MB or GB."""
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} bytes"
