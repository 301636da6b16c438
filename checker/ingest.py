"""Read report files and folders into :class:`Document` records.

Formats: ``.txt``/``.md`` (first non-empty line is the title), ``.jsonl``/``.json``
(records with ``text`` and optional ``id``, ``title``, ``source``, ``date``,
``url``), ``.html``/``.htm`` (main text extracted with trafilatura). Encodings
UTF-8 (with or without BOM), UTF-16 (with or without BOM) and Windows-1256 are
detected. A file that cannot be read is reported as :class:`Skipped` with the
reason and the fix; the rest of the batch still runs.
"""

from __future__ import annotations

import hashlib
import json
import os
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .clean import metadata
from .errors import InputError, NoReportsError

SUFFIXES = {".txt", ".md", ".jsonl", ".json", ".html", ".htm"}
MAX_BYTES = 200 * 1024 * 1024


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


def _records(path: Path, text: str) -> tuple[list[Document], list[Skipped]]:
    docs, skipped = [], []
    if path.suffix == ".jsonl":
        items = []
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                items.append((f"{path}:{number}", json.loads(line)))
            except json.JSONDecodeError as exc:
                skipped.append(Skipped(f"{path}:{number}", f"line {number} is not valid JSON "
                                       f"({exc.msg}); fix or delete that line"))
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}); fix the file") from exc
        if isinstance(data, dict):
            data = data.get("reports", [data])
        if not isinstance(data, list):
            raise InputError(f"{path}: expected a list of records or an object with 'text'")
        items = [(f"{path}#{i}", item) for i, item in enumerate(data)]
    for where, item in items:
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            skipped.append(Skipped(where, "record has no 'text' string; add a \"text\" field"))
            continue
        try:
            docs.append(_document(item["text"], where, title=item.get("title"),
                                  source=item.get("source"), date=item.get("date"),
                                  url=item.get("url"), id=item.get("id")))
        except InputError as exc:
            skipped.append(Skipped(where, str(exc)))
    return docs, skipped


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
    """Read one report file.

    Raises:
        InputError: the whole file is unreadable (message names the file and the fix).
    """
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(f"{path}: {size // 2**20} MB is larger than the {MAX_BYTES // 2**20} MB "
                             "limit for one file; split it into one file per report")
        data = path.read_bytes()
    except PermissionError as exc:
        raise InputError(f"{path}: permission denied; make the file readable (chmod +r)") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    text = decode(data, str(path)).replace("\r\n", "\n").replace("\r", "\n")
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json"):
        return _records(path, text)
    if suffix in (".html", ".htm"):
        return [_html(text, str(path))], []
    return [_document(text, str(path))], []


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    found = []
    for root, dirs, names in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [Path(root) / n for n in sorted(names)
                  if Path(n).suffix.lower() in SUFFIXES and not n.startswith(".")]
    return found


def read_paths(paths: list[str | Path]) -> Corpus:
    """Read every report under ``paths`` (files or folders, walked recursively, sorted).

    Unreadable files and records are collected in ``Corpus.skipped``; the
    rest are read. Documents with identical text are kept once.

    Raises:
        NoReportsError: a path does not exist, or nothing readable was found at all.
    """
    corpus, seen = Corpus(), set()
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise NoReportsError(f"{path}: no such file or folder; check the path")
        files = _files(path)
        if path.is_dir() and not files:
            corpus.skipped.append(Skipped(str(path), "folder holds no .txt, .md, .json, .jsonl "
                                          "or .html reports"))
        for file in files:
            try:
                docs, skipped = read_file(file)
            except InputError as exc:
                corpus.skipped.append(Skipped(str(file), str(exc).removeprefix(f"{file}: ")))
                continue
            corpus.skipped += skipped
            for doc in docs:
                if doc.id not in seen:
                    seen.add(doc.id)
                    corpus.documents.append(doc)
    if not corpus.documents:
        reasons = "; ".join(f"{s.path}: {s.reason}" for s in corpus.skipped[:5])
        raise NoReportsError(f"no readable reports in {', '.join(map(str, paths))}"
                             + (f" ({reasons})" if reasons else ""))
    return corpus
