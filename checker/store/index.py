"""A stored corpus: FAISS vectors, SQLite claim metadata and a JSON manifest.

Layout of ``indexes/NAME/``::

    manifest.json           schema, model id, dimension, generation, file names, report hashes
    vectors-GEN.faiss       FAISS index over unit vectors (row i = claim row i): IndexFlatIP, or
                            IndexIVFFlat above ``ann.FLAT_LIMIT`` claims (see :mod:`checker.store.ann`)
    meta-GEN.sqlite         reports and claims (row numbers match FAISS rows)
    .lock                   serialises writers

A write builds the next generation's files beside the current ones and then
atomically replaces ``manifest.json``; readers follow the manifest, so they
see the old index or the new one, never half of each. Files older than the
previous generation are removed after the switch (the previous one stays for
readers that opened it; a reader that was slower than two writes reads the
manifest again). Nothing executable (no pickle) is ever loaded.

Memory per write: the next generation's SQLite file is a page-by-page copy of
the current one plus the new rows, and the FAISS file is written on disk from
the current one plus the new vectors (:func:`checker.store.ann.extend_file`: a flat
file is appended to, an IVF file's lists are copied one by one, a retrain reads
the stored vectors in blocks), so neither loads what is stored. The manifest
lists every report's content hash (~20 bytes a report).
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import IndexStoreError
from ..read.claims import Attribution, Claim
from ..read.ingest import Document
from . import ann
from .faiss_files import flat_rows

SCHEMA_VERSION = 1
MANIFEST = "manifest.json"

_TABLES = """
CREATE TABLE IF NOT EXISTS reports (
    id TEXT PRIMARY KEY, path TEXT, title TEXT, source TEXT, date TEXT, url TEXT, text TEXT);
CREATE TABLE IF NOT EXISTS claims (
    row INTEGER PRIMARY KEY, id TEXT UNIQUE, report_id TEXT REFERENCES reports(id), text TEXT,
    start INTEGER, end INTEGER, line INTEGER, source TEXT, how TEXT, via TEXT, key TEXT,
    quoted INTEGER, body_start INTEGER, body_end INTEGER);
CREATE INDEX IF NOT EXISTS claims_report ON claims(report_id);
"""


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


def _fsync_write(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


class Index:
    """An index folder. Open with :meth:`open`; write with :meth:`build` or :meth:`add`.

    Example:
        >>> index = Index.open("indexes/sample")      # doctest: +SKIP
        >>> index.info().claims                       # doctest: +SKIP
        187
    """

    def __init__(self, path: Path, manifest: dict) -> None:
        self.path = Path(path)
        self.manifest = manifest
        self._faiss = None
        self.search_params = ann.SearchParams.from_json(manifest.get("search"))

    # -- reading -----------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path) -> Index:
        """Open an existing index, checking that its files agree with each other.

        A bare name (no ``/``) that is not a folder here is looked up under ``indexes/``.

        Raises:
            IndexStoreError: missing, unreadable, corrupt, or of an unknown schema; the
                message says how to rebuild.
        """
        path = Path(path)
        if not path.exists() and "/" not in str(path) and (Path("indexes") / path).exists():
            path = Path("indexes") / path
        manifest_path = path / MANIFEST
        rebuild = f"rebuild it with `checker index build REPORTS --index {path}`"
        if not manifest_path.is_file():
            raise IndexStoreError(f"{path}: no index here ({MANIFEST} missing); {rebuild}")
        raw = manifest_path.read_bytes()
        for _ in range(2):
            try:
                return cls._open_generation(path, manifest_path, raw, rebuild)
            except IndexStoreError:
                # a writer may have committed twice while this read, removing the files it named: read the new one
                if (now := manifest_path.read_bytes()) == raw:
                    raise
                raw = now
        return cls._open_generation(path, manifest_path, raw, rebuild)

    @classmethod
    def _open_generation(cls, path: Path, manifest_path: Path, raw: bytes, rebuild: str) -> Index:
        """The index that the manifest bytes ``raw`` describe, its files checked against each other."""
        try:
            manifest = json.loads(raw)
            files = manifest["files"]
            schema = manifest["schema"]
        except (ValueError, KeyError, TypeError) as exc:
            raise IndexStoreError(f"{manifest_path}: corrupt manifest ({exc}); {rebuild}") from exc
        if schema != SCHEMA_VERSION:
            raise IndexStoreError(f"{path}: index schema {schema}, this checker reads schema "
                                  f"{SCHEMA_VERSION}; {rebuild}")
        for name in files.values():
            if not (path / name).is_file():
                raise IndexStoreError(f"{path}: {name} is missing; {rebuild}")
        index = cls(path, manifest)
        index._check_consistent(rebuild)
        return index

    def _check_consistent(self, rebuild: str) -> None:
        try:
            rows = self._count("SELECT COUNT(*) FROM claims")
            # a flat file's header gives its rows; loading it would read every vector (FAISS maps only IVF lists)
            stored = flat_rows(self.path / self.manifest["files"]["vectors"], self.manifest["dimension"]) \
                if self.search_params.kind == "flat" else None
            if stored is None:
                stored = self.faiss_index().ntotal
        except (sqlite3.DatabaseError, RuntimeError, ValueError, TypeError) as exc:
            raise IndexStoreError(f"{self.path}: index files are corrupt ({exc}); {rebuild}") from exc
        if rows != stored or rows != self.manifest.get("claims", rows):
            raise IndexStoreError(f"{self.path}: {stored} vectors but {rows} claims; {rebuild}")

    def _connect(self) -> sqlite3.Connection:
        uri = f"file:{self.path / self.manifest['files']['meta']}?mode=ro"
        return sqlite3.connect(uri, uri=True)

    def _count(self, sql: str) -> int:
        with self._connect() as db:
            return int(db.execute(sql).fetchone()[0])

    @property
    def model_id(self) -> str:
        """The embedding model the index was built with."""
        return self.manifest["model"]

    def require_model(self, model_id: str) -> None:
        """Refuse to mix vectors of two models.

        Raises:
            IndexStoreError: the index was built with another model; the message says how to rebuild.
        """
        if self.model_id != model_id:
            raise IndexStoreError(
                f"{self.path} was built with model {self.model_id!r}, not {model_id!r}; use --model "
                f"{self.model_id!r}, or rebuild it with `checker index build REPORTS --index {self.path} --model …`")

    def faiss_index(self) -> Any:
        """The FAISS search structure, memory-mapped read-only (row ids are claim rows)."""
        if self._faiss is None:
            faiss_index = ann.read(self.path / self.manifest["files"]["vectors"], self.search_params)
            if faiss_index.d != self.manifest["dimension"]:
                raise ValueError(f"vector dimension {faiss_index.d} != manifest {self.manifest['dimension']}")
            self._faiss = faiss_index
        return self._faiss

    def vectors(self, rows: list[int] | None = None) -> np.ndarray:
        """Stored vectors, ``(claims, dimension)`` float32: all of them, or those of ``rows`` in that order."""
        faiss_index = self.faiss_index()
        if rows is not None:
            out = np.zeros((len(rows), faiss_index.d), np.float32)
            for n, row in enumerate(rows):
                out[n] = faiss_index.reconstruct(int(row))
            return out
        return faiss_index.reconstruct_n(0, faiss_index.ntotal) if faiss_index.ntotal else \
            np.zeros((0, faiss_index.d), np.float32)

    def sample_vectors(self, size: int = 1000, seed: int = 0) -> np.ndarray:
        """Up to ``size`` stored vectors drawn at random (seeded), e.g. to calibrate a model's cosine scale."""
        n = self.manifest["claims"]
        rows = np.sort(np.random.default_rng(seed).choice(n, min(n, size), replace=False)) if n else []
        return self.vectors([int(r) for r in rows])

    def search(self, queries: np.ndarray, k: int, *, exclude_reports: set[str] | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` stored claims nearest each query row, skipping claims of ``exclude_reports``.

        Returns:
            ``(scores, rows)``, each ``(len(queries), k)``; missing neighbours have row -1.
        """
        excluded = np.array(sorted(self._rows_of(exclude_reports or set())), np.int64)
        kk = min(self.manifest["claims"], k + len(excluded))
        scores = np.full((len(queries), k), -np.inf, np.float32)
        rows = np.full((len(queries), k), -1, np.int64)
        if not kk or not len(queries):
            return scores, rows
        for offset, found_scores, found_rows in ann.search_batches(self.faiss_index(), queries, kk):
            for n, (s, r) in enumerate(zip(found_scores, found_rows)):
                keep = (r >= 0) & ~np.isin(r, excluded)
                m = min(k, int(keep.sum()))
                scores[offset + n, :m], rows[offset + n, :m] = s[keep][:m], r[keep][:m]
        return scores, rows

    def neighbours(self, queries: np.ndarray, k: int, exclude_reports: set[str]) -> tuple[list[int], int]:
        """Rows of the stored claims among the ``k`` nearest of any query, and how many claims were searched.

        Claims of ``exclude_reports`` (reports being checked again) are neither returned nor counted.
        """
        _, rows = self.search(queries, k, exclude_reports=exclude_reports)
        found = sorted({int(r) for r in rows.ravel() if r >= 0})
        return found, self.manifest["claims"] - len(self._rows_of(exclude_reports))

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

    def info(self) -> IndexInfo:
        """Summary for ``checker index info``."""
        files = [self.path / name for name in self.manifest["files"].values()] + [self.path / MANIFEST]
        size, claims, params = sum(f.stat().st_size for f in files), self.manifest["claims"], self.search_params
        return IndexInfo(str(self.path), self.model_id, self.manifest["dimension"], self.manifest["schema"],
                         self.manifest["generation"], len(self.report_ids()), claims, params.faiss_type,
                         params.to_json(), size, size // max(1, claims),
                         params.ram_per_vector(self.manifest["dimension"]), "building" not in self.manifest,
                         self.manifest.get("updated", ""))

    # -- writing -----------------------------------------------------------------
    @staticmethod
    def write(path: str | Path, model_id: str, documents: list[Document], claims: list[Claim],
              vectors: np.ndarray, *, replace: bool = False, index_type: str = "auto",
              building: str | None = None) -> Index:
        """Create an index, or append to an existing one (``replace=False``), atomically.

        Reports already stored (same content hash) are skipped with their claims.
        Writers are serialised with a lock file; a crash at any point leaves
        the previous generation intact and loadable.

        Args:
            path: the index folder.
            model_id: the embedding model; an existing index of another model is refused.
            documents: reports; their claims are ``claims`` and the rows of ``vectors``.
            claims: claims of ``documents``.
            vectors: ``(len(claims), d)`` unit rows.
            replace: start a new index instead of appending. Defaults to False.
            index_type: ``auto`` (flat below ``ann.FLAT_LIMIT`` claims, IVF above), ``flat`` or ``ivf``.
                Defaults to ``auto``.
            building: marks a chunk of a build still in progress, naming that build (``index info``
                says so; re-running the build resumes it). Defaults to None: the index is complete.

        Raises:
            IndexStoreError: the existing index uses another model, or is locked for too long.
        """
        from filelock import FileLock, Timeout

        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        try:
            with FileLock(str(path / ".lock"), timeout=600):
                return Index._write_locked(path, model_id, documents, claims, vectors, replace, index_type,
                                           building)
        except Timeout as exc:
            raise IndexStoreError(f"{path}: another checker process holds the index lock; "
                                  "wait for it to finish, or delete .lock if none is running") from exc

    @staticmethod
    def _write_locked(path: Path, model_id: str, documents: list[Document], claims: list[Claim],
                      vectors: np.ndarray, replace: bool, index_type: str, building: str | None) -> Index:
        old = None if replace or not (path / MANIFEST).exists() else Index.open(path)
        if old is not None:
            old.require_model(model_id)
        known = old.report_ids() if old else set()
        new_docs = [d for d in documents if d.id not in known]
        new_ids = {d.id for d in new_docs}
        keep = [i for i, c in enumerate(claims) if c.report_id in new_ids]
        generation = (old.manifest["generation"] + 1) if old else _next_generation(path)
        meta_name, vec_name = f"meta-{generation:06d}.sqlite", f"vectors-{generation:06d}.faiss"
        dimension = int(vectors.shape[1]) if vectors.ndim == 2 and vectors.shape[1] else \
            (old.manifest["dimension"] if old else 0)

        new_vectors = (vectors if len(keep) == len(vectors) else vectors[keep]) if keep else \
            np.zeros((0, dimension), np.float32)
        base = old.manifest["claims"] if old else 0  # equal to the FAISS rows: Index.open checked
        tmp_vec = path / (vec_name + ".tmp")
        params = _write_vectors(old, new_vectors, index_type, dimension, tmp_vec)
        tmp_vec.rename(path / vec_name)

        tmp_meta = path / (meta_name + ".tmp")
        tmp_meta.unlink(missing_ok=True)
        with sqlite3.connect(tmp_meta) as db:
            if old:
                with old._connect() as source:
                    source.backup(db)
            db.executescript(_TABLES)
            db.executemany("INSERT INTO reports VALUES (?,?,?,?,?,?,?)",
                           [(d.id, d.path, d.title, d.source, d.date, d.url, d.text) for d in new_docs])
            db.executemany("INSERT INTO claims VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", [
                (base + n, c.id, c.report_id, c.text, c.span[0], c.span[1], c.line, c.attribution.source,
                 c.attribution.how, c.attribution.via, c.attribution.key, int(c.attribution.quoted),
                 c.body[0], c.body[1]) for n, c in enumerate(claims[i] for i in keep)])
        db.close()
        tmp_meta.rename(path / meta_name)

        manifest = {
            "schema": SCHEMA_VERSION, "model": model_id, "dimension": dimension, "normalized": True,
            "index_type": params.faiss_type, "search": params.to_json(), "generation": generation,
            "files": {"vectors": vec_name, "meta": meta_name}, **({"building": building} if building else {}),
            "claims": base + len(keep), "reports": sorted(known | new_ids),
            "updated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        fd, tmp_manifest = tempfile.mkstemp(dir=path, prefix=".manifest-", suffix=".tmp")
        os.close(fd)
        _fsync_write(Path(tmp_manifest), json.dumps(manifest, indent=1).encode())
        os.replace(tmp_manifest, path / MANIFEST)
        _fsync_dir(path)
        # keep the previous generation too: a reader that read the old manifest can still open its files
        keep = {vec_name, meta_name} | (set(old.manifest["files"].values()) if old else set())
        _remove_stale(path, keep)
        return Index.open(path)

    # -- notebook views ----------------------------------------------------------------
    def to_pandas(self):
        """A DataFrame of the stored claims (the columns of ``Report.to_pandas("claims")``)."""
        import pandas as pd

        from ..read.claims import claim_rows

        return pd.DataFrame(claim_rows(self.claims()))

    def _repr_html_(self) -> str:
        import html

        rows = "".join(f"<tr><th>{k}</th><td>{html.escape(str(v))}</td></tr>" for k, v in vars(self.info()).items())
        return f"<table>{rows}</table>"


def _write_vectors(old: Index | None, new: np.ndarray, index_type: str, dimension: int, target: Path
                   ) -> ann.SearchParams:
    """Write the next generation's FAISS file: the old rows and ``new`` after them; returns its search parameters.

    Written on disk by :func:`ann.extend_file`, so memory holds ``new``, not what is stored; a file
    it cannot stream (a layout from another FAISS version, or IVF turned flat) is loaded whole and
    extended by :func:`ann.extend`.
    """
    old_file = old.path / old.manifest["files"]["vectors"] if old else None
    old_params = old.search_params if old else ann.SearchParams()
    params = ann.extend_file(old_file, old_params, old.manifest["claims"] if old else 0, new, index_type,
                             dimension, target)
    if params is not None:
        return params
    stored = ann.read(old_file, old_params, mmap=False) if old_file else None
    faiss_index, params = ann.extend(stored, old_params, new, index_type, dimension)
    ann.write(faiss_index, target)
    return params


def _select_in(db: sqlite3.Connection, sql: str, column: str, values: list) -> list[tuple]:
    """Rows of ``sql`` whose ``column`` is one of ``values``, in batches (SQLite caps bound parameters)."""
    found: list[tuple] = []
    for start in range(0, len(values), 500):
        part = values[start:start + 500]
        found += db.execute(f"{sql} WHERE {column} IN ({','.join('?' * len(part))})", part).fetchall()
    return found


def _next_generation(path: Path) -> int:
    numbers = [int(p.stem.split("-")[1]) for p in path.glob("vectors-*.faiss") if p.stem.split("-")[1].isdigit()]
    return max(numbers, default=0) + 1


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_stale(path: Path, current: set[str]) -> None:
    for pattern in ("vectors-*", "meta-*", ".manifest-*"):
        for stale in path.glob(pattern):
            if stale.name not in current:
                stale.unlink(missing_ok=True)
