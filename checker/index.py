"""A stored corpus: FAISS vectors, SQLite claim metadata and a JSON manifest.

Layout of ``indexes/NAME/``::

    manifest.json           schema, model id, dimension, generation, file names, report hashes
    vectors-GEN.faiss       exact inner-product index over unit vectors (row i = claim row i)
    meta-GEN.sqlite         reports and claims (row numbers match FAISS rows)
    .lock                   serialises writers

A write builds the next generation's files beside the current ones and then
atomically replaces ``manifest.json``; readers follow the manifest, so they
see the old index or the new one, never half of each. Files older than the
previous generation are removed after the switch (the previous one stays for
readers that opened it). Nothing executable (no pickle) is ever loaded.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .claims import Attribution, Claim
from .errors import IndexStoreError
from .ingest import Document

SCHEMA_VERSION = 1
MANIFEST = "manifest.json"

_TABLES = """
CREATE TABLE IF NOT EXISTS reports (
    id TEXT PRIMARY KEY, path TEXT, title TEXT, source TEXT, date TEXT, url TEXT, text TEXT);
CREATE TABLE IF NOT EXISTS claims (
    row INTEGER PRIMARY KEY, id TEXT UNIQUE, report_id TEXT REFERENCES reports(id), text TEXT,
    start INTEGER, end INTEGER, line INTEGER, source TEXT, how TEXT, via TEXT, key TEXT,
    quoted INTEGER, body_start INTEGER, body_end INTEGER);
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
    bytes_on_disk: int
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
        self._vectors: np.ndarray | None = None

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
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
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
            vectors = self.vectors()
        except (sqlite3.DatabaseError, RuntimeError, ValueError) as exc:
            raise IndexStoreError(f"{self.path}: index files are corrupt ({exc}); {rebuild}") from exc
        if rows != len(vectors) or rows != self.manifest.get("claims", rows):
            raise IndexStoreError(f"{self.path}: {len(vectors)} vectors but {rows} claims; {rebuild}")

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

    def vectors(self) -> np.ndarray:
        """All stored vectors, ``(claims, dimension)`` float32."""
        if self._vectors is None:
            import faiss

            faiss_index = faiss.read_index(str(self.path / self.manifest["files"]["vectors"]))
            if faiss_index.d != self.manifest["dimension"]:
                raise ValueError(f"vector dimension {faiss_index.d} != manifest {self.manifest['dimension']}")
            self._vectors = faiss_index.reconstruct_n(0, faiss_index.ntotal) if faiss_index.ntotal else \
                np.zeros((0, faiss_index.d), np.float32)
        return self._vectors

    def documents(self) -> list[Document]:
        """Every stored report."""
        with self._connect() as db:
            rows = db.execute("SELECT id, path, title, text, source, date, url FROM reports ORDER BY rowid")
            return [Document(*row) for row in rows]

    def claims(self) -> list[Claim]:
        """Every stored claim, in FAISS row order."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT c.id, c.report_id, r.path, c.text, c.start, c.end, c.line, c.source, c.how, c.via,"
                " c.key, c.quoted, c.body_start, c.body_end FROM claims c JOIN reports r ON r.id = c.report_id"
                " ORDER BY c.row").fetchall()
        return [Claim(r[0], r[1], r[2], r[3], (r[4], r[5]), r[6],
                      Attribution(r[7], r[8], r[9], r[10], bool(r[11])), (r[12], r[13])) for r in rows]

    def report_ids(self) -> set[str]:
        """Content hashes of the stored reports."""
        return set(self.manifest.get("reports", []))

    def info(self) -> IndexInfo:
        """Summary for ``checker index info``."""
        files = [self.path / name for name in self.manifest["files"].values()] + [self.path / MANIFEST]
        return IndexInfo(str(self.path), self.model_id, self.manifest["dimension"], self.manifest["schema"],
                         self.manifest["generation"], len(self.report_ids()), self.manifest["claims"],
                         self.manifest.get("index_type", "IndexFlatIP"), sum(f.stat().st_size for f in files),
                         self.manifest.get("updated", ""))

    # -- writing -----------------------------------------------------------------
    @staticmethod
    def write(path: str | Path, model_id: str, documents: list[Document], claims: list[Claim],
              vectors: np.ndarray, *, replace: bool = False) -> Index:
        """Create an index, or append to an existing one (``replace=False``), atomically.

        Reports already stored (same content hash) are skipped with their claims.
        Writers are serialised with a lock file; a crash at any point leaves
        the previous generation intact and loadable.

        Raises:
            IndexStoreError: the existing index uses another model, or is locked for too long.
        """
        from filelock import FileLock, Timeout

        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        try:
            with FileLock(str(path / ".lock"), timeout=600):
                return Index._write_locked(path, model_id, documents, claims, vectors, replace)
        except Timeout as exc:
            raise IndexStoreError(f"{path}: another checker process holds the index lock; "
                                  "wait for it to finish, or delete .lock if none is running") from exc

    @staticmethod
    def _write_locked(path: Path, model_id: str, documents: list[Document], claims: list[Claim],
                      vectors: np.ndarray, replace: bool) -> Index:
        import faiss

        old = None if replace or not (path / MANIFEST).exists() else Index.open(path)
        if old is not None:
            old.require_model(model_id)
        known = old.report_ids() if old else set()
        new_docs = [d for d in documents if d.id not in known]
        keep = [i for i, c in enumerate(claims) if c.report_id in {d.id for d in new_docs}]
        generation = (old.manifest["generation"] + 1) if old else _next_generation(path)
        meta_name, vec_name = f"meta-{generation:06d}.sqlite", f"vectors-{generation:06d}.faiss"
        dimension = int(vectors.shape[1]) if vectors.ndim == 2 and vectors.shape[1] else \
            (old.manifest["dimension"] if old else 0)

        stored = old.vectors() if old else np.zeros((0, dimension), np.float32)
        all_vectors = np.vstack([stored, vectors[keep]]).astype(np.float32) if keep else stored
        faiss_index = faiss.IndexFlatIP(dimension)
        if len(all_vectors):
            faiss_index.add(np.ascontiguousarray(all_vectors))
        tmp_vec = path / (vec_name + ".tmp")
        faiss.write_index(faiss_index, str(tmp_vec))
        with open(tmp_vec, "rb") as handle:
            os.fsync(handle.fileno())
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
            base = len(stored)
            db.executemany("INSERT INTO claims VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", [
                (base + n, c.id, c.report_id, c.text, c.span[0], c.span[1], c.line, c.attribution.source,
                 c.attribution.how, c.attribution.via, c.attribution.key, int(c.attribution.quoted),
                 c.body[0], c.body[1]) for n, c in enumerate(claims[i] for i in keep)])
        db.close()
        tmp_meta.rename(path / meta_name)

        manifest = {
            "schema": SCHEMA_VERSION, "model": model_id, "dimension": dimension, "normalized": True,
            "index_type": "IndexFlatIP", "generation": generation,
            "files": {"vectors": vec_name, "meta": meta_name},
            "claims": len(all_vectors), "reports": sorted(known | {d.id for d in new_docs}),
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

        from .report import claim_rows

        return pd.DataFrame(claim_rows(self.claims()))

    def check(self, **options):
        """Agreeing and contradicting claims among the stored ones: :func:`checker.api.check_index`."""
        from .api import check_index

        return check_index(self, **options)

    def _repr_html_(self) -> str:
        import html

        rows = "".join(f"<tr><th>{k}</th><td>{html.escape(str(v))}</td></tr>" for k, v in vars(self.info()).items())
        return f"<table>{rows}</table>"


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
