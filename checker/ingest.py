"""Read report files and folders into :class:`Document` records.

Formats: ``.txt``/``.md`` (first non-empty line is the title), ``.jsonl``/``.json``
(records with ``text`` and optional ``id``, ``title``, ``source``, ``date``,
``url``), ``.html``/``.htm`` (main text extracted with trafilatura). Encodings
UTF-8 (with or without BOM), UTF-16 (with or without BOM) and Windows-1256 are
detected. A file that cannot be read is reported as :class:`Skipped` with the
reason and the fix; the rest of the batch still runs.

:func:`read_paths` returns lists; :func:`iter_reports` streams the same items,
one file at a time and JSONL line by line, so a corpus larger than memory can
be indexed (:func:`scan` sizes and fingerprints the inputs without reading them).
"""

from __future__ import annotations

import hashlib
import json
import os
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from .clean import metadata
from .errors import InputError, NoReportsError

SUFFIXES = {".txt", ".md", ".jsonl", ".json", ".html", ".htm"}
MAX_BYTES = 200 * 1024 * 1024  #: per file read whole; JSONL in UTF-8 or Windows-1256 streams with no limit
_HEAD = 64 * 1024  #: bytes sniffed to tell whether a JSONL file can be split at newline bytes


@dataclass(frozen=True)
class Document:
    """One report: its text exactly as decoded, and what is known about it.

    Attributes:
        id: stable content hash of the text (16 hex digits).
        path: the file it came from (``file.jsonl:LINE`` for JSONL records).
        title: headline (first non-empty line for plain text).
        text: the decoded text; every claim span points into it.
        source: the outlet, from the record or a line such as «المصدر: …».
        date: publication date as written, from the record or the text.
        url: the record's URL, if given.
    """

    id: str
    path: str
    title: str
    text: str
    source: str | None = None
    date: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Skipped:
    """An input that was not read, and why (the message names the fix)."""

    path: str
    reason: str


@dataclass
class Corpus:
    """What :func:`read_paths` found: readable documents and skipped inputs."""

    documents: list[Document] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def content_id(text: str) -> str:
    """Stable id of a text: the first 16 hex digits of SHA-256 over its NFC form, trimmed."""
    return hashlib.sha256(unicodedata.normalize("NFC", text.strip()).encode("utf-8")).hexdigest()[:16]


def _control_share(data: bytes) -> float:
    """Share of bytes that are control characters other than tab, newline and carriage return."""
    return sum(1 for b in data if b < 9 or 13 < b < 32) / max(1, len(data))


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM puts a high byte (NUL for Latin, 0x06 for Arabic) at every other position."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = _control_share(data[0::2]), _control_share(data[1::2])
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


def decode(data: bytes, path: str) -> str:
    """Decode report bytes, detecting UTF-8 (±BOM), UTF-16 (±BOM) and Windows-1256.

    Raises:
        InputError: for binary data or text in no supported encoding.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if encoding := _utf16_without_bom(data):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    if b"\x00" in data or _control_share(data) > 0.1:
        raise InputError(f"{path}: looks like a binary file, not text; remove it or convert it to UTF-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = data.decode("cp1256")
    except UnicodeDecodeError:
        text = ""
    if text and sum("\u0600" <= c <= "\u06ff" for c in text) >= 0.2 * sum(c.isalpha() for c in text):
        return text
    raise InputError(
        f"{path}: not valid UTF-8 ({utf8_error.reason} at byte {utf8_error.start}) and not "
        "Windows-1256 Arabic; re-save the file as UTF-8"
    )


def _document(text: str, path: str, *, title: str | None = None, source: str | None = None,
              date: str | None = None, url: str | None = None, id: str | None = None) -> Document:
    if not text.strip():
        raise InputError(f"{path}: no text; remove the file or add the report's text")
    if title is None:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        title = next((line for line in lines if len(line.split()) >= 3), lines[0])
    found = metadata(text)
    return Document(
        id=str(id) if id else content_id(text), path=path, title=title, text=text,
        source=source or found.get("source"), date=date or found.get("date"), url=url,
    )


def _record(item: object, where: str) -> Document | Skipped:
    """One JSON record as a document, or why it was skipped."""
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        return Skipped(where, "record has no 'text' string; add a \"text\" field")
    try:
        return _document(item["text"], where, title=item.get("title"), source=item.get("source"),
                         date=item.get("date"), url=item.get("url"), id=item.get("id"))
    except InputError as exc:
        return Skipped(where, str(exc))


def _jsonl_line(path: Path, number: int, line: str) -> Document | Skipped | None:
    """Line ``number`` of a JSONL file: a document, a skip naming the line, or None for a blank line."""
    if not line.strip():
        return None
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return Skipped(f"{path}:{number}", f"line {number} is not valid JSON ({exc.msg}); fix or delete that line")
    return _record(item, f"{path}:{number}")


def _json(path: Path, text: str) -> Iterator[Document | Skipped]:
    """The records of a whole ``.json`` file (a list, an object with ``reports``, or one record)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}); fix the file") from exc
    if isinstance(data, dict):
        data = data.get("reports", [data])
    if not isinstance(data, list):
        raise InputError(f"{path}: expected a list of records or an object with 'text'")
    for i, item in enumerate(data):
        yield _record(item, f"{path}#{i}")


def _html(raw: str, path: str) -> Document:
    import trafilatura

    extracted = trafilatura.bare_extraction(raw, include_comments=False, include_tables=False,
                                            with_metadata=True)
    if extracted is None or not (extracted.text or "").strip():
        raise InputError(f"{path}: no article text found in the HTML; check the page is a full article")
    return _document(extracted.text, path, title=extracted.title or None,
                     source=extracted.sitename or None, date=extracted.date or None,
                     url=extracted.url or None)


def read_file(path: Path) -> tuple[list[Document], list[Skipped]]:
    """Read one report file into lists (:class:`ReportStream` yields the same items one at a time).

    Raises:
        InputError: the whole file is unreadable (message names the file and the fix).
    """
    docs, skipped = [], []
    for item, _ in _read(path):
        (docs if isinstance(item, Document) else skipped).append(item)
    return docs, skipped


def _read(path: Path) -> Iterator[tuple[Document | Skipped, int]]:
    """The items of one file, each with how many of the file's bytes had been read when it was found.

    Raises:
        InputError: the file (or, after some items, the rest of it) cannot be read.
    """
    suffix = path.suffix.lower()
    try:
        size = path.stat().st_size
        if suffix == ".jsonl":
            with open(path, "rb") as handle:
                if _line_safe(handle.read(_HEAD)):
                    handle.seek(0)
                    yield from _jsonl_lines(path, handle)
                    return
        if size > MAX_BYTES:
            raise InputError(f"{path}: {size // 2**20} MB is larger than the {MAX_BYTES // 2**20} MB limit for "
                             "one file; split it into one file per report (or, for records, UTF-8 JSONL)")
        data = path.read_bytes()
    except PermissionError as exc:
        raise InputError(f"{path}: permission denied; make the file readable (chmod +r)") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    text = decode(data, str(path)).replace("\r\n", "\n").replace("\r", "\n")
    if suffix == ".jsonl":  # UTF-16: a newline byte may be half of a character, so the file was decoded whole
        items: Iterable[Document | Skipped | None] = (
            _jsonl_line(path, number, line) for number, line in enumerate(text.split("\n"), 1))
    elif suffix == ".json":
        items = _json(path, text)
    elif suffix in (".html", ".htm"):
        items = [_html(text, str(path))]
    else:
        items = [_document(text, str(path))]
    yield from ((item, len(data)) for item in items if item is not None)


def _line_safe(head: bytes) -> bool:
    """Whether a file starting with ``head`` splits into lines at newline bytes: not UTF-16, not binary, and
    not ending its lines with a bare carriage return (old Mac style; read whole, where CR becomes a newline)."""
    if b"\r" in head and b"\n" not in head:
        return False
    if head.startswith(b"\xef\xbb\xbf"):
        return True
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_without_bom(head[:len(head) // 2 * 2]):
        return False
    return b"\x00" not in head and _control_share(head) <= 0.1


def _jsonl_lines(path: Path, handle: BinaryIO) -> Iterator[tuple[Document | Skipped, int]]:
    """The records of a JSONL file read line by line, each line decoded on its own (UTF-8, else Windows-1256)."""
    offset = 0
    for number, raw in enumerate(handle, 1):
        offset += len(raw)
        raw = raw.removeprefix(b"\xef\xbb\xbf") if number == 1 else raw
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            if _corrupt_utf8(raw):  # Windows-1256 would "read" it, as gibberish (UTF-8 lead bytes are ط/ظ there)
                yield Skipped(f"{path}:{number}", f"line {number}: UTF-8 with a corrupt byte ({exc.reason} at byte "
                              f"{exc.start}); fix that line or re-save the file as UTF-8"), offset
                continue
            try:
                line = decode(raw.rstrip(b"\r\n"), f"{path}:{number}")
            except InputError as exc:
                where = f"{path}:{number}"
                yield Skipped(where, f"line {number}: {str(exc).removeprefix(where + ': ')}"), offset
                continue
        if (item := _jsonl_line(path, number, line)) is not None:
            yield item, offset


def _corrupt_utf8(raw: bytes) -> bool:
    """Whether undecodable bytes are a few slips in UTF-8 text (many well-formed non-ASCII characters around them)
    rather than another encoding, where well-formed UTF-8 sequences are rare."""
    text = raw.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    return sum(1 for c in text if c > "\x7f" and c != "\ufffd") >= 4 * bad


def _walk(path: Path) -> Iterator[Path]:
    """Report files under ``path`` in sorted order, found as the walk reaches each folder (a file is itself)."""
    if path.is_file():
        yield path
        return
    for root, dirs, names in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        yield from (Path(root) / n for n in sorted(names)
                    if Path(n).suffix.lower() in SUFFIXES and not n.startswith("."))


def _require(path: Path) -> None:
    if not path.exists():
        raise NoReportsError(f"{path}: no such file or folder; check the path")


@dataclass(frozen=True)
class Inputs:
    """What some input paths hold, found by walking and ``stat`` alone (no file is opened).

    Attributes:
        files: report files found.
        total_bytes: their total size, which :attr:`ReportStream.bytes_read` counts up to.
        fingerprint: 16 hex digits naming the inputs: each file's resolved path, size and modification
            time, in walk order. Any change to a file, or a file added or removed, changes it.
    """

    files: int
    total_bytes: int
    fingerprint: str


def scan(paths: Iterable[str | Path]) -> Inputs:
    """Find the report files under ``paths`` without reading them: how many, their size, a fingerprint.

    Memory is one folder's listing at a time, however many files there are.

    Raises:
        NoReportsError: a path does not exist.
    """
    digest, files, total = hashlib.sha256(), 0, 0
    for raw in paths:
        _require(Path(raw))
        for file in _walk(Path(raw).resolve()):
            try:
                stat = file.stat()
            except OSError:  # reported when the file is read
                continue
            digest.update(f"{file}\t{stat.st_size}\t{stat.st_mtime_ns}\n".encode())
            files, total = files + 1, total + stat.st_size
    return Inputs(files, total, digest.hexdigest()[:16])


class ReportStream:
    """The reports under some paths, read lazily: one file at a time, JSONL files line by line.

    Iterating yields :class:`Document` and :class:`Skipped` items in the order :func:`read_paths`
    lists them. A file is opened only when the iteration reaches it, so memory holds one file (one
    line of a streamed JSONL file) rather than the corpus. Use :func:`iter_reports` to make one.

    Attributes:
        bytes_read: input consumed so far: the size of each finished file (as ``stat`` gave it) plus the
            bytes read of the current one. It ends at :attr:`Inputs.total_bytes` when no file changed meanwhile.
    """

    def __init__(self, paths: Iterable[str | Path], *, unique: bool = True) -> None:
        self.paths = [Path(p) for p in paths]
        self.unique = unique
        self.bytes_read = 0
        self._items = self._generate()

    def __iter__(self) -> Iterator[Document | Skipped]:
        return self

    def __next__(self) -> Document | Skipped:
        return next(self._items)

    def documents(self) -> Iterator[Document]:
        """The documents alone, skipped inputs passed over.

        Raises:
            NoReportsError: the inputs held no readable report (raised when the stream ends, naming the
                first skipped inputs).
        """
        found, skipped = False, []
        for item in self:
            if isinstance(item, Document):
                found = True
                yield item
            elif len(skipped) < 5:
                skipped.append(item)
        if not found:
            raise _nothing_readable(self.paths, skipped)

    def _generate(self) -> Iterator[Document | Skipped]:
        seen: set[str] = set()  # 16-hex ids, ~100 bytes a report: the one thing that grows with the corpus
        for path in self.paths:
            _require(path)
            found = False
            for file in _walk(path):
                found, before, size = True, self.bytes_read, 0
                try:
                    size = file.stat().st_size
                    for item, offset in _read(file):
                        self.bytes_read = before + min(offset, size)
                        if isinstance(item, Document) and self.unique:
                            if item.id in seen:
                                continue
                            seen.add(item.id)
                        yield item
                except (InputError, OSError) as exc:
                    reason = str(exc) if isinstance(exc, InputError) else f"cannot read ({exc.strerror})"
                    yield Skipped(str(file), reason.removeprefix(f"{file}: "))
                self.bytes_read = before + size
            if path.is_dir() and not found:
                yield Skipped(str(path), "folder holds no .txt, .md, .json, .jsonl or .html reports")


def iter_reports(paths: Iterable[str | Path], *, unique: bool = True) -> ReportStream:
    """Read the reports under ``paths`` lazily: yields :class:`Document` and :class:`Skipped` items.

    The streaming form of :func:`read_paths`: files are opened one at a time as the iteration
    reaches them, and JSONL files are read line by line, each line decoded on its own (UTF-8, or
    Windows-1256 where a line is not UTF-8), with no size limit. A UTF-16 JSONL file is decoded
    whole (a newline byte can be half of a UTF-16 character), as are the single-report formats and
    ``.json`` lists, up to 200 MB a file.

    Args:
        paths: report files or folders (walked recursively, sorted).
        unique: drop documents whose text (content hash) was already yielded. The ids seen are kept
            in a set, about 100 bytes a report: the one part that grows with the corpus. Defaults to True.

    Returns:
        A :class:`ReportStream`; its ``bytes_read`` says how far it got (see :func:`scan` for the total).

    Raises:
        NoReportsError: a path does not exist (raised when the iteration reaches it).

    Example:
        >>> stream = iter_reports(["examples/reports"])          # doctest: +SKIP
        >>> [d.title for d in stream.documents()][:1]            # doctest: +SKIP
    """
    return ReportStream(paths, unique=unique)


def read_paths(paths: list[str | Path]) -> Corpus:
    """Read every report under ``paths`` (files or folders, walked recursively, sorted) into lists.

    Unreadable files and records are collected in ``Corpus.skipped``; the
    rest are read. Documents with identical text are kept once. For corpora
    that should not be held in memory, iterate :func:`iter_reports` instead.

    Raises:
        NoReportsError: a path does not exist, or nothing readable was found at all.
    """
    corpus = Corpus()
    for item in iter_reports(paths):
        (corpus.documents if isinstance(item, Document) else corpus.skipped).append(item)
    if not corpus.documents:
        raise _nothing_readable(paths, corpus.skipped)
    return corpus


def _nothing_readable(paths: Iterable[str | Path], skipped: list[Skipped]) -> NoReportsError:
    reasons = "; ".join(f"{s.path}: {s.reason}" for s in skipped[:5])
    return NoReportsError(f"no readable reports in {', '.join(map(str, paths))}" + (f" ({reasons})" if reasons else ""))
