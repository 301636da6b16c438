"""FAISS index files written on disk without loading what they store.

An index's next generation is its previous file plus a chunk of new rows. For
the two layouts checker writes, ``IndexFlatIP`` and ``IndexIVFFlat`` with an
array direct map, this module writes that file by copying byte ranges of the
old one and adding the chunk, so a commit holds the chunk, not the stored
vectors. An IVF index retrained on a grown corpus is written the same way, in
two passes over the rows read in blocks (:func:`write_ivf`).

The byte layouts are FAISS's own (``faiss/impl/index_write.cpp``). Every file
is parsed field by field before it is relied on, and a layout that does not
parse as expected returns None, so callers fall back to loading the index with
FAISS. Tests check that each writer's output is byte-identical to
``faiss.write_index`` of the same index.
"""

from __future__ import annotations

import os
import shutil
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# an IndexFlatIP: fourcc, dimension, rows, two unused fields, is_trained, metric (0 is inner product),
# float count; then rows × dimension float32
_FLAT_HEADER = struct.Struct("<4siqqq?iQ")
_FLAT_FIXED = (b"IxFI", 1 << 20, 1 << 20, True, 0)
# an IndexIVFFlat: fourcc, dimension, rows, two unused fields, is_trained, metric; then nlist and nprobe,
# the quantizer (an IndexFlatIP of the centroids), the direct map (type 1: one int64 per row, the row's
# list << 32 | offset) and the inverted lists ("ilar": nlist, code size, "full" or "sprs" list sizes, then
# each non-empty list's codes followed by its int64 ids)
_IVF_HEADER = struct.Struct("<4siqqq?iQQ")
_IVF_FIXED = (b"IwFl", 1 << 20, 1 << 20, True, 0)
_DMAP_HEADER = struct.Struct("<bQ")
_LISTS_HEADER = struct.Struct("<4sQQ4sQ")
_ARRAY_MAP = 1
COPY_BLOCK = 1 << 24  #: bytes copied per read when a region is copied between files

RowBlocks = Callable[[int, int], np.ndarray]  #: ``rows(start, stop)`` -> float32 rows of that range


@dataclass(frozen=True)
class IvfLayout:
    """Where the parts of an ``IndexIVFFlat`` file lie (byte offsets) and its list sizes."""

    dimension: int
    rows: int
    nlist: int
    nprobe: int
    quantizer: int  #: offset of the centroids (nlist × dimension float32)
    direct_map: int  #: offset of the direct map's int64 array (rows entries)
    sizes: np.ndarray  #: rows in each list
    data: int  #: offset of the first non-empty list's codes

    @property
    def code_size(self) -> int:
        return 4 * self.dimension

    def list_offsets(self) -> np.ndarray:
        """Offset of each list's codes (its ids follow them); empty lists take no space."""
        spans = self.sizes * (self.code_size + 8)
        return self.data + np.concatenate([[0], np.cumsum(spans)[:-1]]).astype(np.int64)

    def centroids(self, file: Path) -> np.ndarray:
        return np.fromfile(file, "<f4", self.nlist * self.dimension, offset=self.quantizer).reshape(self.nlist, -1)


def flat_rows(file: Path, dimension: int) -> int | None:
    """Rows of a FAISS ``IndexFlatIP`` file of ``dimension``, from its header; None if not laid out as expected."""
    try:
        with open(file, "rb") as handle:
            head = handle.read(_FLAT_HEADER.size)
            size = os.fstat(handle.fileno()).st_size
    except OSError:
        return None
    if len(head) != _FLAT_HEADER.size:
        return None
    fourcc, d, rows, unused_a, unused_b, trained, metric, floats = _FLAT_HEADER.unpack(head)
    if (fourcc, unused_a, unused_b, trained, metric) != _FLAT_FIXED or d != dimension or floats != rows * d \
            or size != _FLAT_HEADER.size + 4 * floats:
        return None
    return rows


def flat_blocks(file: Path, dimension: int) -> RowBlocks:
    """Row blocks of a flat file (checked with :func:`flat_rows` first), read from disk as asked for."""
    def rows(start: int, stop: int) -> np.ndarray:
        offset = _FLAT_HEADER.size + 4 * dimension * start
        return np.fromfile(file, "<f4", (stop - start) * dimension, offset=offset).reshape(-1, dimension)
    return rows


def append_flat(source: Path, target: Path, new: np.ndarray, dimension: int) -> bool:
    """Write ``target`` as flat index ``source`` with ``new`` rows appended, without loading ``source``.

    Returns False, writing nothing, when ``source`` is not laid out as :func:`flat_rows` expects.
    """
    rows = flat_rows(source, dimension)
    if rows is None:
        return False
    shutil.copyfile(source, target)  # the kernel copies; the stored vectors never pass through memory here
    total = rows + len(new)
    with open(target, "r+b") as handle:
        handle.write(_FLAT_HEADER.pack(*_FLAT_FIXED[:1], dimension, total, *_FLAT_FIXED[1:], total * dimension))
        handle.seek(0, os.SEEK_END)
        handle.write(np.ascontiguousarray(new, dtype="<f4").data)  # the array's own buffer, not a bytes copy
        _sync(handle)
    return True


def ivf_layout(file: Path, dimension: int) -> IvfLayout | None:
    """The layout of an ``IndexIVFFlat`` file of ``dimension``; None if it is not laid out as expected."""
    try:
        with open(file, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            head = handle.read(_IVF_HEADER.size)
            if len(head) != _IVF_HEADER.size:
                return None
            fourcc, d, rows, unused_a, unused_b, trained, metric, nlist, nprobe = _IVF_HEADER.unpack(head)
            if (fourcc, unused_a, unused_b, trained, metric) != _IVF_FIXED or d != dimension or not nlist:
                return None
            quantizer = _FLAT_HEADER.unpack(handle.read(_FLAT_HEADER.size))
            if quantizer != (b"IxFI", d, nlist, *_FLAT_FIXED[1:], nlist * d):
                return None
            centroids = handle.tell()
            handle.seek(4 * nlist * d, os.SEEK_CUR)
            kind, entries = _DMAP_HEADER.unpack(handle.read(_DMAP_HEADER.size))
            if kind != _ARRAY_MAP or entries != rows:
                return None
            direct_map = handle.tell()
            handle.seek(8 * rows, os.SEEK_CUR)
            lists, n, code_size, list_type, count = _LISTS_HEADER.unpack(handle.read(_LISTS_HEADER.size))
            if lists != b"ilar" or n != nlist or code_size != 4 * d:
                return None
            if 8 * count > size - handle.tell():  # a damaged count: never allocate what the file cannot hold
                return None
            packed = np.frombuffer(handle.read(8 * count), "<u8").astype(np.int64)
            data = handle.tell()
    except (OSError, struct.error, ValueError):
        return None
    sizes = _unpack_sizes(list_type, packed, nlist)
    if sizes is None or int(sizes.sum()) != rows or size != data + rows * (code_size + 8):
        return None
    return IvfLayout(d, rows, nlist, nprobe, centroids, direct_map, sizes, data)


def append_ivf(source: Path, target: Path, new: np.ndarray, cells: np.ndarray) -> IvfLayout | None:
    """Write ``target`` as IVF file ``source`` with ``new`` rows (in lists ``cells``) appended to its lists.

    Each list's stored codes and ids are copied from ``source`` list by list, so memory holds
    ``new`` and one list. Returns the new layout, or None, writing nothing, when ``source`` is not
    laid out as :func:`ivf_layout` expects.
    """
    new = np.ascontiguousarray(new, dtype="<f4")
    old = ivf_layout(source, new.shape[1])
    if old is None:
        return None
    order = np.argsort(cells, kind="stable")
    added = np.bincount(cells, minlength=old.nlist)
    starts = np.concatenate([[0], np.cumsum(added)])
    rank = np.empty(len(new), np.int64)
    rank[order] = np.arange(len(new)) - starts[cells[order]]
    sizes = old.sizes + added
    layout = _layout(old.dimension, old.rows + len(new), old.nlist, old.nprobe, sizes)
    old_at = old.list_offsets()
    with open(source, "rb") as src, open(target, "wb") as out:
        _write_head(out, layout, old.centroids(source))
        _copy(src, out, old.direct_map, 8 * old.rows)
        out.write(((cells.astype(np.int64) << 32) | (old.sizes[cells] + rank)).astype("<i8").data)
        _write_list_head(out, layout)
        for c in np.flatnonzero(sizes):
            mine = order[starts[c]:starts[c + 1]]
            codes = old.sizes[c] * old.code_size
            _copy(src, out, int(old_at[c]), codes)
            out.write(new[mine].data)
            _copy(src, out, int(old_at[c]) + codes, 8 * int(old.sizes[c]))
            out.write((old.rows + mine).astype("<i8").data)
        _sync(out)
    return layout


def write_ivf(target: Path, rows: RowBlocks, n: int, centroids: np.ndarray, cells: np.ndarray, nprobe: int,
              block: int = 16384) -> IvfLayout:
    """Write an ``IndexIVFFlat`` file of ``n`` rows, row ``i`` in list ``cells[i]``, reading rows in blocks.

    Rows are placed in their lists in row order (what ``index.add`` of all rows in one call gives).
    Memory holds one block of rows and ``cells``.

    Args:
        target: the file to write.
        rows: reads rows ``[start, stop)``.
        n: rows in all.
        centroids: ``(nlist, d)`` list centroids.
        cells: ``(n,)`` list of each row.
        nprobe: stored in the header (searching sets its own).
        block: rows read at a time. Defaults to 16384 (24 MB at 384 dimensions).
    """
    nlist, d = centroids.shape
    sizes = np.bincount(cells, minlength=nlist).astype(np.int64)
    layout = _layout(d, n, nlist, nprobe, sizes)
    at = layout.list_offsets()
    filled = np.zeros(nlist, np.int64)
    with open(target, "wb") as out:
        _write_head(out, layout, centroids)
        out.seek(layout.direct_map + 8 * n)  # the direct map's entries are written with the rows below
        _write_list_head(out, layout)
        out.flush()
        out.truncate(layout.data + n * (layout.code_size + 8))  # sparse until filled; every byte is written below
        fd = out.fileno()
        for start in range(0, n, block):
            vectors = np.ascontiguousarray(rows(start, min(n, start + block)), dtype="<f4")
            mine = cells[start:start + len(vectors)].astype(np.int64)
            order = np.argsort(mine, kind="stable")
            present, first, counts = np.unique(mine[order], return_index=True, return_counts=True)
            places = np.empty(len(vectors), np.int64)
            for c, a, m in zip(present, first, counts):
                members, pos = order[a:a + m], filled[c]
                os.pwrite(fd, vectors[members].data, int(at[c] + pos * layout.code_size))
                os.pwrite(fd, (start + members).astype("<i8").data,
                          int(at[c] + sizes[c] * layout.code_size + pos * 8))
                places[members] = pos + np.arange(m)
                filled[c] += m
            os.pwrite(fd, ((mine << 32) | places).astype("<i8").data, layout.direct_map + 8 * start)
        _sync(out)
    return layout


def set_nprobe(file: Path, nprobe: int) -> None:
    """Rewrite the ``nprobe`` an IVF file's header stores."""
    with open(file, "r+b") as handle:
        handle.seek(_IVF_HEADER.size - 8)
        handle.write(struct.pack("<Q", nprobe))
        _sync(handle)


def iter_lists(file: Path, layout: IvfLayout, block: int = 8192) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """``(vectors, row ids)`` of an IVF file's lists in file order, at most ``block`` rows at a time.

    Small lists are read together and a list longer than ``block`` in pieces, so memory stays one block.
    """
    at, pending, held = layout.list_offsets(), [], 0
    for cell in np.flatnonzero(layout.sizes):
        m = int(layout.sizes[cell])
        for first in range(0, m, block):
            count = min(block, m - first)
            if held + count > block and pending:
                yield _read_spans(file, layout, pending)
                pending, held = [], 0
            pending.append((int(at[cell]), m, first, count))
            held += count
    if pending:
        yield _read_spans(file, layout, pending)


def _read_spans(file: Path, layout: IvfLayout, spans: list[tuple[int, int, int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """Vectors and ids of ``(list offset, list size, first row, rows)`` spans of an IVF file's lists."""
    d, vectors, ids = layout.dimension, [], []
    with open(file, "rb") as handle:
        for offset, size, first, count in spans:
            handle.seek(offset + first * layout.code_size)
            vectors.append(np.fromfile(handle, "<f4", count * d))
            handle.seek(offset + size * layout.code_size + 8 * first)
            ids.append(np.fromfile(handle, "<i8", count))
    return np.concatenate(vectors).reshape(-1, d), np.concatenate(ids)


def _unpack_sizes(list_type: bytes, packed: np.ndarray, nlist: int) -> np.ndarray | None:
    if list_type == b"full" and len(packed) == nlist:
        return packed
    if list_type == b"sprs" and len(packed) % 2 == 0:
        sizes = np.zeros(nlist, np.int64)
        cells, counts = packed[0::2], packed[1::2]
        if len(cells) and (cells.max() >= nlist or cells.min() < 0):
            return None
        sizes[cells] = counts
        return sizes
    return None


def _layout(d: int, rows: int, nlist: int, nprobe: int, sizes: np.ndarray) -> IvfLayout:
    """Offsets of a file about to be written (the list sizes take ``_packed_sizes`` bytes)."""
    quantizer = _IVF_HEADER.size + _FLAT_HEADER.size
    direct_map = quantizer + 4 * nlist * d + _DMAP_HEADER.size
    data = direct_map + 8 * rows + _LISTS_HEADER.size + 8 * len(_packed_sizes(sizes)[1])
    return IvfLayout(d, rows, nlist, nprobe, quantizer, direct_map, sizes.astype(np.int64), data)


def _packed_sizes(sizes: np.ndarray) -> tuple[bytes, np.ndarray]:
    """FAISS's choice: all sizes when over half the lists are non-empty, else (list, size) pairs."""
    nonempty = np.flatnonzero(sizes)
    if len(nonempty) > len(sizes) // 2:
        return b"full", sizes
    return b"sprs", np.column_stack([nonempty, sizes[nonempty]]).ravel()


def _write_head(out, layout: IvfLayout, centroids: np.ndarray) -> None:
    """Header, quantizer and the direct map's header (its entries come next)."""
    d, nlist = layout.dimension, layout.nlist
    out.write(_IVF_HEADER.pack(_IVF_FIXED[0], d, layout.rows, *_IVF_FIXED[1:], nlist, layout.nprobe))
    out.write(_FLAT_HEADER.pack(b"IxFI", d, nlist, *_FLAT_FIXED[1:], nlist * d))
    out.write(np.ascontiguousarray(centroids, dtype="<f4").data)
    out.write(_DMAP_HEADER.pack(_ARRAY_MAP, layout.rows))


def _write_list_head(out, layout: IvfLayout) -> None:
    list_type, packed = _packed_sizes(layout.sizes)
    out.write(_LISTS_HEADER.pack(b"ilar", layout.nlist, layout.code_size, list_type, len(packed)))
    out.write(np.asarray(packed, "<u8").data)


def _copy(src, out, offset: int, length: int) -> None:
    """Copy ``length`` bytes at ``offset`` of ``src`` to the end of what ``out`` has written."""
    src.seek(offset)
    while length > 0:
        part = src.read(min(length, COPY_BLOCK))
        if not part:
            raise OSError(f"{src.name}: ends before byte {offset + length}")
        out.write(part)
        length -= len(part)


def _sync(handle) -> None:
    handle.flush()
    os.fsync(handle.fileno())
