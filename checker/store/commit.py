"""Writing generations: stage the next one in ``.staging/``, then publish it with one manifest replacement.

A commit never writes into the live generation. :func:`stage` writes the next generation's FAISS and
SQLite files into the staging folder (copied from a base generation, with the new rows after them)
and replaces the staging manifest; :func:`publish` hard-links the staged files into the index folder
and replaces ``manifest.json``, the one step at which readers switch. A crash before that step leaves
the live index as it was and the staged build resumable; a crash after it leaves the new index.
Callers hold the writer lock (:func:`checker.store.manifest.writer_lock`).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import time
from pathlib import Path

import numpy as np

from ..errors import IndexStoreError
from ..read.claims import Claim
from ..read.ingest import Document
from . import ann
from .manifest import (
    MANIFEST,
    SCHEMA_VERSION,
    STAGING,
    fault,
    file_names,
    fsync_dir,
    named_files,
    next_generation,
    read_manifest,
    remove,
    stamp,
    write_atomic,
)

UNIT_TOLERANCE = 1e-3  #: how far a stored vector's norm may be from 1

_TABLES = """
CREATE TABLE IF NOT EXISTS reports (
    id TEXT PRIMARY KEY, path TEXT, title TEXT, source TEXT, date TEXT, url TEXT, text TEXT);
CREATE TABLE IF NOT EXISTS claims (
    row INTEGER PRIMARY KEY, id TEXT UNIQUE, report_id TEXT REFERENCES reports(id), text TEXT,
    start INTEGER, end INTEGER, line INTEGER, source TEXT, how TEXT, via TEXT, key TEXT,
    quoted INTEGER, body_start INTEGER, body_end INTEGER);
CREATE INDEX IF NOT EXISTS claims_report ON claims(report_id);
"""


def check_unit(vectors: np.ndarray, what: str) -> None:
    """Refuse vectors that are not finite unit rows (a broken embedder or a corrupt file).

    Raises:
        IndexStoreError: naming ``what`` and the first bad row.
    """
    if not len(vectors):
        return
    norms = np.linalg.norm(vectors, axis=1)
    bad = ~np.isfinite(vectors).all(axis=1) | (np.abs(norms - 1) > UNIT_TOLERANCE)
    if bad.any():
        row = int(np.argmax(bad))
        raise IndexStoreError(f"{what}: row {row} is not a finite unit vector (norm {norms[row]:.4g})")


def stage(path: Path, base: tuple[Path, dict] | None, model_id: str, documents: list[Document],
          claims: list[Claim], vectors: np.ndarray, *, index_type: str, building: str | None) -> dict:
    """Write the next generation into ``path/.staging``: ``base``'s rows, then the new reports'; returns its manifest.

    ``base`` is ``(folder, manifest)`` of the generation to extend (the live one, or the staged one of
    a build in progress), None to start empty. Reports ``base`` holds are skipped with their claims.
    """
    staging = path / STAGING
    staging.mkdir(exist_ok=True)
    old_staged = read_manifest(staging)
    _purge(staging, named_files(old_staged) | {MANIFEST})  # leftovers of a killed commit: all of .staging is ours
    base_folder, base_manifest = base if base else (None, None)
    if base_manifest is not None and base_manifest.get("model") != model_id:
        raise IndexStoreError(f"{path} was built with model {base_manifest.get('model')!r}, not {model_id!r}")
    known = set(base_manifest["reports"]) if base_manifest else set()
    new_docs = [d for d in documents if d.id not in known]
    new_ids = {d.id for d in new_docs}
    keep = [i for i, c in enumerate(claims) if c.report_id in new_ids]
    live = read_manifest(path)
    generation = next_generation(live, old_staged, base_manifest, taken=lambda g: any(
        (folder / name).exists() for folder in (path, staging) for name in file_names(g)))
    vec_name, meta_name = file_names(generation)
    dimension = int(vectors.shape[1]) if vectors.ndim == 2 and vectors.shape[1] else \
        (base_manifest["dimension"] if base_manifest else 0)
    new_vectors = (vectors if len(keep) == len(vectors) else vectors[keep]) if keep else \
        np.zeros((0, dimension), np.float32)
    check_unit(new_vectors, "the embedder's vectors")
    base_rows = base_manifest["claims"] if base_manifest else 0  # equal to the FAISS rows: Index.open checked
    base_vectors = base_folder / base_manifest["files"]["vectors"] if base_manifest else None
    base_params = ann.SearchParams.from_json(base_manifest.get("search")) if base_manifest else ann.SearchParams()

    tmp_vec = staging / (vec_name + ".tmp")
    params = _write_vectors(base_vectors, base_params, base_rows, new_vectors, index_type, dimension, tmp_vec)
    tmp_vec.rename(staging / vec_name)
    fault("vectors-written")
    tmp_meta = staging / (meta_name + ".tmp")
    base_meta = base_folder / base_manifest["files"]["meta"] if base_manifest else None
    _write_meta(tmp_meta, base_meta, new_docs, [claims[i] for i in keep], base_rows)
    tmp_meta.rename(staging / meta_name)
    fsync_dir(staging)
    fault("meta-written")

    manifest = {
        "schema": SCHEMA_VERSION, "model": model_id, "dimension": dimension, "normalized": True,
        "index_type": params.faiss_type, "search": params.to_json(), "generation": generation,
        "files": {"vectors": vec_name, "meta": meta_name},
        "checksums": {vec_name: stamp(staging / vec_name), meta_name: stamp(staging / meta_name)},
        **({"building": building} if building else {}),
        "claims": base_rows + len(keep), "reports": sorted(known | new_ids),
        "updated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    write_atomic(staging / MANIFEST, json.dumps(manifest, indent=1).encode())
    fault("staged")
    remove(staging, named_files(old_staged) - named_files(manifest))
    return manifest


def publish(path: Path, building: str | None) -> None:
    """Make the staged generation the live one: link its files into ``path``, then replace ``manifest.json``.

    The live manifest then names the previous generation too (``previous``), so a reader that read the
    old manifest can still open its files; the generation before that is deleted, by the names its
    manifest gave. ``building`` marks the published index as an unfinished build (None: complete).
    """
    staging = path / STAGING
    staged = read_manifest(staging)
    if staged is None:
        raise IndexStoreError(f"{staging}: nothing staged to publish")
    live = read_manifest(path)
    for name in named_files({"files": staged["files"]}):
        _link(staging / name, path / name)
    fsync_dir(path)
    fault("linked")
    manifest = {k: v for k, v in staged.items() if k != "building"}
    manifest["previous"] = sorted(set((live or {}).get("files", {}).values()) - set(staged["files"].values()))
    if building:
        manifest["building"] = building
    write_atomic(path / MANIFEST, json.dumps(manifest, indent=1).encode())
    fault("published")
    remove(path, named_files(live) - named_files(manifest))
    clear_staging(path)


def clear_staging(path: Path) -> None:
    """Discard ``.staging`` (an abandoned build) and its files linked into ``path`` but never published."""
    staging = path / STAGING
    if not staging.is_dir():
        return
    live = named_files(read_manifest(path))
    for name in named_files(read_manifest(staging)) - live:
        target = path / name
        if target.exists() and (staging / name).exists() and os.path.samefile(target, staging / name):
            target.unlink()
    shutil.rmtree(staging, ignore_errors=True)


def _link(source: Path, target: Path) -> None:
    """Give ``target`` the staged file ``source``; a file of that name that is not ours is refused."""
    if target.exists():
        if os.path.samefile(source, target):  # linked by a publish that was killed before its manifest
            return
        raise IndexStoreError(f"{target}: a file of this name is in the index folder and checker did not write it; "
                              "move it elsewhere and run the command again")
    try:
        os.link(source, target)
    except OSError:  # a file system without hard links: copy (the staged file stays for a resumed publish)
        shutil.copy2(source, target)


def _purge(folder: Path, keep: set[str]) -> None:
    for leftover in folder.iterdir():
        if leftover.name not in keep:
            shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()


def _write_meta(target: Path, base: Path | None, documents: list[Document], claims: list[Claim], base_rows: int
                ) -> None:
    """The next generation's SQLite file: a page copy of ``base`` plus the new reports and claims."""
    target.unlink(missing_ok=True)
    open(target, "wb").close()  # created by open(), with the umask: SQLite would create it 0644 whatever the umask
    with sqlite3.connect(target) as db:
        if base is not None:
            with sqlite3.connect(f"file:{base}?mode=ro", uri=True) as source:
                source.backup(db)
            source.close()
        db.executescript(_TABLES)
        db.executemany("INSERT INTO reports VALUES (?,?,?,?,?,?,?)",
                       [(d.id, d.path, d.title, d.source, d.date, d.url, d.text) for d in documents])
        db.executemany("INSERT INTO claims VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", [
            (base_rows + n, c.id, c.report_id, c.text, c.span[0], c.span[1], c.line, c.attribution.source,
             c.attribution.how, c.attribution.via, c.attribution.key, int(c.attribution.quoted),
             c.body[0], c.body[1]) for n, c in enumerate(claims)])
    db.close()
    with open(target, "rb") as handle:
        os.fsync(handle.fileno())


def _write_vectors(base: Path | None, base_params: ann.SearchParams, base_rows: int, new: np.ndarray,
                   index_type: str, dimension: int, target: Path) -> ann.SearchParams:
    """Write the next generation's FAISS file: the base rows and ``new`` after them; returns its search parameters.

    Written on disk by :func:`ann.extend_file`, so memory holds ``new``, not what is stored; a file
    it cannot stream (a layout from another FAISS version, or IVF turned flat) is loaded whole and
    extended by :func:`ann.extend`.
    """
    params = ann.extend_file(base, base_params, base_rows, new, index_type, dimension, target)
    if params is not None:
        return params
    stored = ann.read(base, base_params, mmap=False) if base else None
    faiss_index, params = ann.extend(stored, base_params, new, index_type, dimension)
    ann.write(faiss_index, target)
    return params
