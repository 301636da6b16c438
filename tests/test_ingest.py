import json
import os
import random
from pathlib import Path

import pytest

from checker.errors import InputError, NoReportsError
from checker.read import formats
from checker.read.ingest import Document, Skipped, content_id, decode, iter_reports, read_file, read_paths, scan

ARABIC = "ذكرت صحيفة محلية أن السفينة غرقت قرب الميناء صباح الاثنين.\nوقال مسؤول إن الطاقم نجا."


FRENCH = "Le ministère a déclaré mercredi que le navire avait coulé près du port, à l'aube.\nL'équipage est sauf."


@pytest.mark.parametrize("encoding,prefix", [
    ("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"),
    ("utf-16-le", b""), ("utf-16-be", b""), ("cp1256", b""), ("iso8859-6", b""), ("utf-32", b""),
])
def test_decode_detects_encodings(encoding, prefix):
    assert decode(prefix + ARABIC.encode(encoding), "x.txt") == ARABIC


@pytest.mark.parametrize("text", [FRENCH, "Très bien, merci.", "Le café"])
@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "utf-16"])
def test_decode_reads_french_in_latin_encodings_even_short(text, encoding):
    assert decode(text.encode(encoding), "fr.txt") == text  # short texts too (not read as Big5 or Cyrillic)


def test_decode_reads_short_windows_1256_arabic():
    assert decode("وقال مسؤول إن الطاقم نجا.".encode("cp1256"), "ar.txt") == "وقال مسؤول إن الطاقم نجا."


def test_binary_and_invalid_files_name_the_file_and_fix():
    with pytest.raises(InputError, match=r"blob\.txt: looks like a binary file"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01", "blob.txt")
    noise = bytes(b | 0x80 for b in random.Random(0).randbytes(200))  # no encoding reads it as text
    with pytest.raises(InputError, match=r"noise\.txt: not valid UTF-8 .* no other encoding .*re-save the file as "
                                         r"UTF-8"):
        decode(noise, "noise.txt")
    utf8 = ARABIC.encode()
    slip = utf8[:20] + b"\xff" + utf8[21:]  # UTF-8 with one bad byte is not read as Windows-1252 gibberish
    with pytest.raises(InputError, match=r"slip\.txt: not valid UTF-8 \(invalid start byte at byte 20\): UTF-8 text "
                                         r"with a corrupt byte; fix that byte or re-save the file as UTF-8"):
        decode(slip, "slip.txt")


def test_cp1256_arabic_and_latin1_french_files_are_read(tmp_path):
    (tmp_path / "ar.txt").write_bytes(("عنوان\n" + ARABIC).encode("cp1256"))
    (tmp_path / "fr.txt").write_bytes(("Le navire\n" + FRENCH).encode("latin-1"))
    (tmp_path / "fr.jsonl").write_bytes(json.dumps({"text": FRENCH}, ensure_ascii=False).encode("latin-1") + b"\n")
    corpus = read_paths([tmp_path])
    assert not corpus.skipped
    assert {Path(d.path).name: d.text for d in corpus.documents} == {
        "ar.txt": "عنوان\n" + ARABIC, "fr.txt": "Le navire\n" + FRENCH, "fr.jsonl:1": FRENCH}


def test_txt_title_metadata_and_stable_id(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text("in\nعنوان الخبر الرئيسي هنا\n\n" + ARABIC + "\nالمصدر: وكالة الأنباء\n", encoding="utf-8")
    [doc], skipped = read_file(path)
    assert doc.title == "عنوان الخبر الرئيسي هنا" and doc.source == "وكالة الأنباء" and not skipped
    assert doc.id == content_id(doc.text) and len(doc.id) == 16
    [again], _ = read_file(path)
    assert again.id == doc.id


def test_jsonl_bad_line_and_missing_text_are_skipped_with_line_numbers(tmp_path):
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join([
        json.dumps({"id": "a", "text": ARABIC, "source": "وكالة", "date": "2024-01-02"}, ensure_ascii=False),
        "{not json",
        json.dumps({"title": "no text"}),
        json.dumps({"text": "Second report: the ship sank near the port on Monday."}),
    ]), encoding="utf-8")
    corpus = read_paths([path])
    assert [d.id for d in corpus.documents][0] == "a" and len(corpus.documents) == 2
    assert corpus.documents[0].path == f"{path}:1"
    reasons = {s.path: s.reason for s in corpus.skipped}
    assert "line 2 is not valid JSON" in reasons[f"{path}:2"]
    assert "no 'text'" in reasons[f"{path}:3"]


def test_json_list_and_html(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps([{"text": ARABIC, "title": "t"}], ensure_ascii=False), "utf-8")
    body = "<p>" + "The port authority said the ship sank near the harbour on Monday morning. " * 3 + "</p>"
    (tmp_path / "b.html").write_text(f"<html><head><title>Ship sinks</title></head><body><article><h1>Ship sinks"
                                     f"</h1>{body}{body}</article></body></html>", "utf-8")
    docs = read_paths([tmp_path]).documents
    assert len(docs) == 2
    html_doc = next(d for d in docs if d.path.endswith(".html"))
    assert "ship sank" in html_doc.text


def test_batch_continues_past_bad_files(tmp_path):
    (tmp_path / "good.txt").write_text("عنوان\n" + ARABIC, "utf-8")
    (tmp_path / "empty.txt").write_text("", "utf-8")
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02\x03" * 10 + b"\xff")
    corpus = read_paths([tmp_path])
    assert len(corpus.documents) == 1
    assert {s.path.rsplit("/", 1)[-1] for s in corpus.skipped} == {"empty.txt", "bin.txt"}


def test_missing_path_and_empty_folder_raise(tmp_path):
    with pytest.raises(NoReportsError, match="no such file or folder"):
        read_paths([tmp_path / "nope"])
    with pytest.raises(NoReportsError, match="folder holds no"):
        read_paths([tmp_path])


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_permission_denied_is_reported(tmp_path):
    path = tmp_path / "locked.txt"
    path.write_text(ARABIC, "utf-8")
    path.chmod(0)
    with pytest.raises(NoReportsError, match="permission denied"):
        read_paths([path])


def test_the_stream_reads_a_file_only_when_it_reaches_it(tmp_path):
    (tmp_path / "a.txt").write_text("عنوان أول\n" + ARABIC, "utf-8")
    (tmp_path / "b.txt").write_text("عنوان ثان\nنص قديم لن يقرأ أبدا لأن الملف سيتغير.", "utf-8")
    (tmp_path / "sub").mkdir()
    stream = iter_reports([tmp_path])
    first = next(stream)
    assert first.path.endswith("a.txt") and stream.bytes_read == (tmp_path / "a.txt").stat().st_size
    # after the first report: b.txt changes and a file appears in a folder not walked yet; both are read as they are now
    (tmp_path / "b.txt").write_text("عنوان ثان\nنص جديد كتب بعد أن بدأت القراءة.", "utf-8")
    (tmp_path / "sub" / "c.txt").write_bytes(b"\x00\x01\x02\x03" * 10)
    rest = list(stream)
    assert "نص جديد" in rest[0].text
    assert isinstance(rest[1], Skipped) and rest[1].path.endswith("c.txt") and "binary" in rest[1].reason
    assert stream.bytes_read == sum(f.stat().st_size for f in tmp_path.rglob("*.txt"))


def test_jsonl_is_streamed_line_by_line_without_a_size_limit(tmp_path, monkeypatch):
    lines = [json.dumps({"text": f"{ARABIC} رقم {n}"}, ensure_ascii=False) for n in range(50)]
    lines[3] = "{not json"
    path = tmp_path / "big.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(formats, "MAX_BYTES", 100)  # the limit is for files read whole
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"{self} was read whole"))
    stream = iter_reports([path])
    first = next(stream)
    assert first.path == f"{path}:1" and stream.bytes_read == len(lines[0].encode()) + 1
    items = [first, *stream]
    assert len([i for i in items if isinstance(i, Document)]) == 49
    [bad] = [i for i in items if isinstance(i, Skipped)]
    assert bad.path == f"{path}:4" and "line 4 is not valid JSON" in bad.reason
    assert stream.bytes_read == path.stat().st_size


def test_a_utf8_jsonl_line_with_a_corrupt_byte_is_skipped_not_read_as_windows_1256(tmp_path):
    path = tmp_path / "slip.jsonl"
    good = json.dumps({"text": ARABIC}, ensure_ascii=False).encode()
    at = good.index(ARABIC.split()[1].encode())
    path.write_bytes(good + b"\n" + good[:at] + b"\xff" + good[at + 1:] + b"\n"
                     + json.dumps({"text": ARABIC + " ب"}, ensure_ascii=False).encode("cp1256") + b"\n")
    items = list(iter_reports([path]))
    assert items[0].text == ARABIC and items[2].text == ARABIC + " ب"  # real Windows-1256 still decodes
    assert items[1].path == f"{path}:2" and "corrupt byte" in items[1].reason


def test_jsonl_with_bare_carriage_returns_keeps_every_record(tmp_path):
    path = tmp_path / "mac.jsonl"
    path.write_bytes(b"\r".join(json.dumps({"text": ARABIC + f" {n}"}, ensure_ascii=False).encode() for n in range(3)))
    assert [d.path for d in read_paths([path]).documents] == [f"{path}:{n}" for n in (1, 2, 3)]


def test_jsonl_lines_are_decoded_one_by_one_and_utf16_is_read_whole(tmp_path, monkeypatch):
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_bytes(json.dumps({"text": ARABIC + " أ"}, ensure_ascii=False).encode() + b"\r\n"
                      + json.dumps({"text": ARABIC + " ب"}, ensure_ascii=False).encode("cp1256") + b"\n"
                      + b'{"text": "' + bytes(b | 0x80 for b in random.Random(0).randbytes(120)) + b'"}\n')
    items = list(iter_reports([mixed]))
    assert [i.text[-1] for i in items[:2]] == ["أ", "ب"]
    assert items[2].path == f"{mixed}:3" and items[2].reason.startswith("line 3: not valid UTF-8")
    wide = tmp_path / "wide.jsonl"
    wide.write_bytes(("\n".join(json.dumps({"text": ARABIC + f" {n}"}, ensure_ascii=False) for n in range(3)))
                     .encode("utf-16"))
    assert [d.path for d in read_paths([wide]).documents] == [f"{wide}:{n}" for n in (1, 2, 3)]
    monkeypatch.setattr(formats, "MAX_BYTES", 100)
    [skipped] = list(iter_reports([wide]))
    assert "larger than the 0 MB limit" in skipped.reason and "UTF-8 JSONL" in skipped.reason


def test_scan_sizes_and_fingerprints_inputs_without_reading_them(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text("عنوان\n" + ARABIC, "utf-8")
    (tmp_path / "b.jsonl").write_text(json.dumps({"text": ARABIC}, ensure_ascii=False), "utf-8")
    (tmp_path / "notes.csv").write_text("ignored", "utf-8")
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("scan read a file"))
    found = scan([tmp_path])
    assert found.files == 2
    assert found.total_bytes == (tmp_path / "a.txt").stat().st_size + (tmp_path / "b.jsonl").stat().st_size
    assert scan([tmp_path]).fingerprint == found.fingerprint
    os.utime(tmp_path / "a.txt", ns=(1, 1))
    assert scan([tmp_path]).fingerprint != found.fingerprint
    with pytest.raises(NoReportsError, match="no such file or folder"):
        scan([tmp_path / "nope"])


def test_stream_documents_dedupes_and_raises_when_nothing_is_readable(tmp_path):
    (tmp_path / "a.txt").write_text("عنوان\n" + ARABIC, "utf-8")
    (tmp_path / "copy.txt").write_text("عنوان\n" + ARABIC, "utf-8")
    assert len(list(iter_reports([tmp_path]).documents())) == 1
    assert len(list(iter_reports([tmp_path], unique=False).documents())) == 2
    (tmp_path / "a.txt").write_text("", "utf-8")
    (tmp_path / "copy.txt").write_text("", "utf-8")
    with pytest.raises(NoReportsError, match="a.txt: no text"):
        list(iter_reports([tmp_path]).documents())


@pytest.mark.slow
def test_a_50_mb_report_is_read_and_split(tmp_path):
    """One 50 MB file (a dump pasted as one report): read, cleaned and split, spans and lines intact."""
    from checker.read.claims import split_claims

    line = "ذكرت وكالة الأنباء أن {n} شاحنة وصلت إلى ميناء طرطوس صباح الاثنين. وقال مسؤول إن الشحنة {n} طبية."
    lines = ["تقرير كبير"] + [line.format(n=n) for n in range(300_000)]
    path = tmp_path / "big.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert path.stat().st_size > 50_000_000
    [doc] = read_paths([path]).documents
    claims = split_claims(doc)
    assert len(claims) >= 2 * 290_000
    last = claims[-1]
    assert doc.text[last.span[0]:last.span[1]] == last.text and "299999" in last.text
    assert last.line == len(lines)
