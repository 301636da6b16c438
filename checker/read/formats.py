"""Bytes → text → documents, one file format at a time: plain text and Markdown, JSON, JSONL, HTML.

Text is decoded as UTF-8 (with or without BOM), UTF-16, or Windows-1256; binary files are refused with the
reason, and documents checker cannot read (PDF, images, office files, archives) are told by their first bytes,
whatever their name, and refused naming the tool that turns them into text. JSONL streams line by line when its
bytes can be split at newlines.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError
from .documents import Document, Skipped, _document

MAX_BYTES = 200 * 1024 * 1024  #: per file read whole; JSONL in UTF-8 or Windows-1256 streams with no limit


_HEAD = 64 * 1024  #: bytes sniffed to tell whether a JSONL file can be split at newline bytes


#: suffixes of documents that are not text: a folder walk lists them (to refuse them by name) rather than
#: passing over them as it does other files (images and scripts beside saved web pages)
DOCUMENT_SUFFIXES = {".pdf", ".doc", ".docx", ".odt", ".rtf", ".epub", ".ppt", ".pptx", ".odp", ".xls", ".xlsx",
                     ".ods", ".pages"}

_PDF_FIX = "extract its text first (e.g. `pdftotext FILE`, or OCR a scan) and check the .txt"
_OFFICE_FIX = "save it as text or HTML first (e.g. `libreoffice --headless --convert-to txt FILE`)"
_IMAGE_FIX = "checker reads text, not images; OCR it first (e.g. `tesseract FILE out`)"
_ZIPPED = {".docx": "a Word document", ".xlsx": "an Excel workbook", ".pptx": "a PowerPoint file",
           ".odt": "an OpenDocument text", ".ods": "an OpenDocument spreadsheet", ".odp": "an OpenDocument slide show",
           ".epub": "an EPUB book", ".pages": "a Pages document"}
#: (leading bytes, what the file is, the fix), tried in order
_MAGIC: list[tuple[bytes, str, str]] = [
    (b"%PDF-", "a PDF file", _PDF_FIX),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office file (.doc, .xls or .ppt)", _OFFICE_FIX),
    (b"{\\rtf", "an RTF document", _OFFICE_FIX),
    (b"\x89PNG\r\n\x1a\n", "a PNG image", _IMAGE_FIX),
    (b"\xff\xd8\xff", "a JPEG image", _IMAGE_FIX),
    (b"GIF87a", "a GIF image", _IMAGE_FIX),
    (b"GIF89a", "a GIF image", _IMAGE_FIX),
    (b"II*\x00", "a TIFF image", _IMAGE_FIX),
    (b"MM\x00*", "a TIFF image", _IMAGE_FIX),
    (b"\x1f\x8b", "a gzip archive", "unpack it first (gunzip FILE)"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", "unpack it first"),
]


def refuse_unsupported(head: bytes, path: Path | str) -> None:
    """Refuse a file whose first bytes say it is a document checker cannot read, whatever its name.

    Args:
        head: the file's first bytes (16 are enough).
        path: the file, named in the message.

    Raises:
        InputError: naming the file, what it is, and how to make a report of it.
    """
    path = Path(path)
    what, fix = None, ""
    if head.startswith(b"PK\x03\x04"):
        what = _ZIPPED.get(path.suffix.lower(), "a ZIP archive (an Office or OpenDocument file?)")
        fix = _OFFICE_FIX if path.suffix.lower() in _ZIPPED else "unpack it, or save the document as text or HTML"
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        what, fix = "a WebP image", _IMAGE_FIX
    else:
        what, fix = next(((w, f) for magic, w, f in _MAGIC if head.startswith(magic)), (None, ""))
    if what is not None:
        raise InputError(f"{path}: {what}, which checker cannot read; {fix.replace('FILE', str(path))}, or remove "
                         "it from the inputs (checker reads .txt .md .json .jsonl .html)")


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
        with open(path, "rb") as handle:
            head = handle.read(_HEAD)
        refuse_unsupported(head, path)
        if suffix == ".jsonl" and _line_safe(head):
            with open(path, "rb") as handle:
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
