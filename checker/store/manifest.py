"""The manifest and the files it names: paths, checksums, atomic writes, the writers' lock, the staging area.

An index folder holds ``manifest.json`` (the live generation), the files it names, ``.lock`` and
``.staging/``, a folder that only checker writes: a build or add in progress stages its generations
there (a nested index folder with its own manifest) and publishes the last one into the live folder
with one atomic replacement of ``manifest.json``. Files are deleted only when a manifest names them
(the generation before the previous one) or when they lie in ``.staging/``: a user's file in the
folder is never touched, whatever its name.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import IndexStoreError

SCHEMA_VERSION = 1
MANIFEST = "manifest.json"
STAGING = ".staging"
LOCK = ".lock"
LOCK_WAIT = 600.0  #: seconds a writer waits for another writer's lock by default
FAULT_ENV = "CHECKER_FAULT"  #: test hook: ``STEP`` or ``STEP:N`` makes the N-th arrival at ``STEP`` os._exit(137)
_arrivals: dict[str, int] = {}


def fault(step: str) -> None:
    """Die at ``step`` as a SIGKILL would (no cleanup, no flush) when ``CHECKER_FAULT`` names it; for tests."""
    wanted = os.environ.get(FAULT_ENV)
    if not wanted or wanted.split(":")[0] != step:
        return
    _arrivals[step] = _arrivals.get(step, 0) + 1
    if _arrivals[step] >= int(wanted.partition(":")[2] or 1):
        os._exit(137)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step, flushed to disk, created with the process umask like ``open()``."""
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as handle:  # open(), not mkstemp: mkstemp creates 0600 files others cannot read
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    fault("manifest-written")
    os.replace(tmp, path)
    fsync_dir(path.parent)


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries (renames into it) to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def checksum(path: Path, block: int = 1 << 20) -> str:
    """BLAKE2b (32 bytes, hex) of a file, read in blocks."""
    digest = hashlib.blake2b(digest_size=32)
    with open(path, "rb") as handle:
        while chunk := handle.read(block):
            digest.update(chunk)
    return digest.hexdigest()


def stamp(path: Path) -> dict:
    """What the manifest records of a file: size, modification time and checksum."""
    stat = path.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "blake2b": checksum(path)}


def check_file(path: Path, recorded: dict | None, rebuild: str, *, full: bool = False) -> None:
    """Compare a file with its stamp: size and mtime first, the checksum when they differ (or ``full``).

    Raises:
        IndexStoreError: the file's bytes are not those the manifest recorded; the message names it and the fix.
    """
    if recorded is None:  # written before checksums were recorded
        return
    stat = path.stat()
    if not full and stat.st_size == recorded["size"] and stat.st_mtime_ns == recorded["mtime_ns"]:
        return
    if stat.st_size != recorded["size"] or checksum(path) != recorded["blake2b"]:
        raise IndexStoreError(f"{path}: index file is corrupt (its checksum differs from the one in "
                              f"{MANIFEST}); {rebuild}")


def inside(folder: Path, name: object, manifest_path: Path, rebuild: str) -> Path:
    """``folder / name`` for a name the manifest gives, refusing one that leaves the folder.

    Raises:
        IndexStoreError: ``name`` is not a string, is absolute, holds ``..`` or resolves outside ``folder``.
    """
    if not isinstance(name, str) or not name or Path(name).is_absolute() or ".." in Path(name).parts:
        raise IndexStoreError(f"{manifest_path}: file entry {name!r} is outside the index folder; {rebuild}")
    path = folder / name
    if not path.resolve().is_relative_to(folder.resolve()):
        raise IndexStoreError(f"{manifest_path}: file entry {name!r} leads outside the index folder; {rebuild}")
    return path


def read_manifest(folder: Path) -> dict | None:
    """The manifest in ``folder``, or None when there is none or it does not parse (callers that need it open it)."""
    try:
        manifest = json.loads((folder / MANIFEST).read_bytes())
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def named_files(manifest: dict | None) -> set[str]:
    """The plain file names a manifest owns: its generation's files and the previous generation's."""
    if not manifest:
        return set()
    names = list((manifest.get("files") or {}).values()) + list(manifest.get("previous") or [])
    return {n for n in names if isinstance(n, str) and n and "/" not in n and "\\" not in n and n != ".."}


def next_generation(*manifests: dict | None, taken: Callable[[int], bool]) -> int:
    """A generation number above every one these manifests hold, whose file names are free (``taken`` is False)."""
    generation = max([int(m.get("generation", 0)) for m in manifests if m] + [0]) + 1
    while taken(generation):
        generation += 1
    return generation


def file_names(generation: int) -> tuple[str, str]:
    """``(vectors, meta)`` file names of a generation."""
    return f"vectors-{generation:06d}.faiss", f"meta-{generation:06d}.sqlite"


def remove(folder: Path, names: set[str]) -> None:
    """Delete the named files of ``folder`` (names a manifest gave; missing ones are fine)."""
    for name in names:
        (folder / name).unlink(missing_ok=True)


@contextmanager
def writer_lock(folder: Path, wait: float = LOCK_WAIT, on_wait: Callable[[str], None] | None = None
                ) -> Iterator[None]:
    """Hold the folder's writer lock for a whole build or add; another writer waits up to ``wait`` seconds.

    The lock is an OS file lock (``flock``), released when its process ends, however it ends.

    Raises:
        IndexStoreError: the lock is still held after ``wait`` seconds (0: do not wait).
    """
    from filelock import FileLock, Timeout

    folder.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(folder / LOCK))
    held = f"{folder}: another checker process is writing this index"
    try:
        try:
            lock.acquire(timeout=0)
        except Timeout:
            if wait <= 0:
                raise
            if on_wait is not None:
                on_wait(f"{held}; waiting up to {wait:.0f} s for it to finish")
            lock.acquire(timeout=wait)
    except Timeout as exc:
        raise IndexStoreError(f"{held}; run this again when it has finished (its process holds {folder / LOCK}; "
                              "the lock ends with the process)") from exc
    try:
        yield
    finally:
        lock.release()

