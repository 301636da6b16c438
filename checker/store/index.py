"""A stored corpus: FAISS vectors, SQLite claim metadata and a JSON manifest.

Layout of ``indexes/NAME/``::

    manifest.json           schema, model id, dimension, generation, file names and checksums, report hashes
    vectors-GEN.faiss       FAISS index over unit vectors (row i = claim row i): IndexFlatIP, or
                            IndexIVFFlat above ``ann.FLAT_LIMIT`` claims (see :mod:`checker.store.ann`)
    meta-GEN.sqlite         reports and claims (row numbers match FAISS rows)
    .staging/               the generation a build or add in progress is writing (:mod:`checker.store.commit`)
    .lock                   held by a writer for its whole build or add

Readers follow the manifest, so they see the old index or the new one, never half of each; the
previous generation's files stay until the next commit for readers that opened it (a reader that
was slower than two commits reads the manifest again). Opening checks each file against the size,
mtime and BLAKE2b checksum the manifest recorded (the checksum only when size or mtime differ;
:meth:`Index.verify` reads everything). Nothing executable (no pickle) is ever loaded.

Memory per write: the next generation's SQLite file is a page-by-page copy of the current one plus
the new rows, and the FAISS file is written on disk from the current one plus the new vectors
(:func:`checker.store.ann.extend_file`), so neither loads what is stored. The manifest lists every
report's content hash (~20 bytes a report).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import IndexStoreError
from ..read.claims import Claim
from ..read.ingest import Document
from . import ann
from .commit import check_unit, clear_staging, publish, stage
from .faiss_files import flat_rows
from .manifest import MANIFEST, SCHEMA_VERSION, check_file, inside, writer_lock
from .records import IndexInfo, StoredRecords

__all__ = ["MANIFEST", "SCHEMA_VERSION", "Index", "IndexInfo"]
SCORE_LIMIT = 1.001  #: a similarity of unit vectors beyond this means the stored vectors are corrupt


class Index(StoredRecords):
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
        if not isinstance(files, dict) or set(files) != {"vectors", "meta"}:
            raise IndexStoreError(f"{manifest_path}: corrupt manifest (files: {files!r}); {rebuild}")
        checksums = manifest.get("checksums") or {}
        for name in files.values():
            file = inside(path, name, manifest_path, rebuild)
            if not file.is_file():
                raise IndexStoreError(f"{path}: {name} is missing; {rebuild}")
            check_file(file, checksums.get(name), rebuild)
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

    def verify(self) -> None:
        """Read every stored byte: each file against its checksum, SQLite's integrity check, every vector unit-norm.

        Raises:
            IndexStoreError: naming the file that is corrupt and how to rebuild the index.
        """
        rebuild = f"rebuild it with `checker index build REPORTS --index {self.path}`"
        for name in self.manifest["files"].values():
            check_file(self.path / name, (self.manifest.get("checksums") or {}).get(name), rebuild, full=True)
        meta = self.path / self.manifest["files"]["meta"]
        try:
            with self._connect() as db:
                result = db.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            result = str(exc)
        if result != "ok":
            raise IndexStoreError(f"{meta}: index file is corrupt ({result}); {rebuild}")
        self._check_consistent(rebuild)
        faiss_index, block = self.faiss_index(), 65536
        for start in range(0, faiss_index.ntotal, block):
            check_unit(faiss_index.reconstruct_n(start, min(block, faiss_index.ntotal - start)),
                       f"{self.path / self.manifest['files']['vectors']} (from row {start}); {rebuild}")

    @property
    def complete(self) -> bool:
        """False while the index is the unfinished part of a first build (``index info``: ``complete: False``)."""
        return "building" not in self.manifest

    def require_complete(self) -> None:
        """Refuse an index whose first build was interrupted: checking against it would miss what is not stored yet.

        Raises:
            IndexStoreError: the index is incomplete; the message says how to finish it.
        """
        if not self.complete:
            raise IndexStoreError(
                f"{self.path}: the index build that wrote it was interrupted, so it holds only part of its reports "
                f"({self.manifest['claims']} claims so far); run the same `checker index build … --index {self.path}` "
                "again to resume and finish it")

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
        """Stored vectors, ``(claims, dimension)`` float32: all of them, or those of ``rows`` in that order.

        Raises:
            IndexStoreError: a stored vector is not a finite unit vector (a corrupt file).
        """
        faiss_index = self.faiss_index()
        if rows is not None:
            out = np.zeros((len(rows), faiss_index.d), np.float32)
            for n, row in enumerate(rows):
                out[n] = faiss_index.reconstruct(int(row))
        else:
            out = faiss_index.reconstruct_n(0, faiss_index.ntotal) if faiss_index.ntotal else \
                np.zeros((0, faiss_index.d), np.float32)
        check_unit(out, f"{self.path / self.manifest['files']['vectors']}: stored vectors are corrupt; rebuild the "
                        f"index with `checker index build REPORTS --index {self.path}` or run `checker index verify`")
        return out

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
                if np.any(~(np.abs(s[keep]) <= SCORE_LIMIT)):  # also catches NaN
                    raise IndexStoreError(
                        f"{self.path / self.manifest['files']['vectors']}: a similarity of {s[keep].max():.3g} is "
                        "impossible between unit vectors, so the stored vectors are corrupt; run `checker index "
                        f"verify {self.path}`, and rebuild it with `checker index build REPORTS --index {self.path}`")
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

    # -- writing -----------------------------------------------------------------
    @staticmethod
    def write(path: str | Path, model_id: str, documents: list[Document], claims: list[Claim],
              vectors: np.ndarray, *, replace: bool = False, index_type: str = "auto",
              building: str | None = None) -> Index:
        """Create an index, or append to an existing one (``replace=False``), in one atomic commit.

        Reports already stored (same content hash) are skipped with their claims. The writer
        lock is held for the commit; the new generation is staged and then published by one
        replacement of the manifest, so a crash at any point leaves the previous index intact.
        A build that was interrupted in ``.staging/`` is discarded. For many commits under one
        lock (a streamed build), see :func:`checker.store.build.write_chunked`.

        Args:
            path: the index folder.
            model_id: the embedding model; an existing index of another model is refused.
            documents: reports; their claims are ``claims`` and the rows of ``vectors``.
            claims: claims of ``documents``.
            vectors: ``(len(claims), d)`` unit rows.
            replace: start a new index instead of appending. Defaults to False.
            index_type: ``auto`` (flat below ``ann.FLAT_LIMIT`` claims, IVF above), ``flat`` or ``ivf``.
                Defaults to ``auto``.
            building: marks the index as a build still in progress, naming that build (``index info``
                says so; ``check`` refuses it). Defaults to None: the index is complete.

        Raises:
            IndexStoreError: the existing index uses another model, is corrupt, or is locked for too long.
        """
        path = Path(path)
        with writer_lock(path):
            base = None if replace or not (path / MANIFEST).exists() else Index.open(path)
            if base is not None:
                base.require_model(model_id)
            clear_staging(path)
            stage(path, (base.path, base.manifest) if base else None, model_id, documents, claims, vectors,
                  index_type=index_type, building=building)
            publish(path, building)
        return Index.open(path)
