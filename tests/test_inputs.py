"""What ``checker.check`` accepts (checker/read/inputs.py): paths, texts, Documents, DataFrames, and the mixes it
refuses."""

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from checker.errors import InputError, NoReportsError
from checker.read.documents import Document
from checker.read.inputs import read_inputs, sentence_pairs

from .conftest import SAMPLE

FERRY = "The ferry sank off Suakin on Friday, the port authority said."
FERRY_FR = "Le ferry a coulé au large de Suakin jeudi, selon l'autorité portuaire."


@pytest.mark.parametrize("given", [str(SAMPLE), SAMPLE, [str(SAMPLE)], [SAMPLE], (SAMPLE,)])
def test_a_path_or_a_list_of_paths_reads_the_folder(given):
    corpus = read_inputs(given)
    assert [Path(d.path).name for d in corpus.documents] == sorted(p.name for p in SAMPLE.iterdir())


def test_a_list_of_texts_reads_each_as_a_report_named_by_its_position():
    corpus = read_inputs([FERRY, "   ", FERRY_FR])
    assert [d.path for d in corpus.documents] == ["text:0", "text:2"]
    assert [s.path for s in corpus.skipped] == ["text:1"]


def test_documents_are_read_as_given_with_a_repeated_id_renamed():
    docs = [Document("a", "mine/a", "A", FERRY), Document("a", "mine/b", "B", FERRY_FR),
            Document("c", "mine/c", "C", "  ")]
    corpus = read_inputs(docs)
    assert [d.id for d in corpus.documents] == ["a", "a#2"] and corpus.notices
    assert [s.path for s in corpus.skipped] == ["mine/c"]
    assert read_inputs(docs[0]).documents == [docs[0]]


def test_a_frame_gives_text_source_and_dates_as_iso():
    frame = pd.DataFrame({"text": [FERRY, FERRY_FR, None], "source": ["Reuters", "AFP", "x"],
                          "date": pd.to_datetime(["2024-12-01", "2024-12-02T10:30", None], format="ISO8601")})
    corpus = read_inputs(frame)
    assert [(d.source, d.date) for d in corpus.documents] == [("Reuters", "2024-12-01"),
                                                              ("AFP", "2024-12-02T10:30:00")]
    assert [s.path for s in corpus.skipped] == ["text:2"]
    aware = pd.DataFrame({"text": [FERRY], "date": [datetime(2024, 12, 1, 8, tzinfo=UTC)]})
    assert read_inputs(aware).documents[0].date == "2024-12-01T08:00:00+00:00"


def test_a_list_mixing_an_existing_path_and_a_text_is_refused_naming_both():
    with pytest.raises(InputError, match=r"item 0 .* is a path but item 1 .*Le ferry.* is a text.*item 1 names no "
                                         r"existing file"):
        read_inputs([str(SAMPLE), FERRY_FR])
    with pytest.raises(InputError, match="is a Document but item 1 .* is a path"):
        read_inputs([Document("a", "mine/a", "A", FERRY), SAMPLE])


@pytest.mark.parametrize("missing", ["reprots", "examples/reprots/", "my reports/a.txt"])
def test_a_string_that_reads_as_a_path_but_names_nothing_is_a_missing_path(missing):
    with pytest.raises(NoReportsError, match="no such file or folder"):
        read_inputs([missing, FERRY])


def test_one_string_is_a_path_and_one_that_reads_like_a_text_says_how_to_pass_texts():
    with pytest.raises(NoReportsError, match=r"no such file or folder.*check\(\[text\]\)"):
        read_inputs(FERRY)
    with pytest.raises(NoReportsError, match="no such file or folder"):
        read_inputs("reprots")


@pytest.mark.parametrize("given, error, message", [
    ([], NoReportsError, "empty"), ([FERRY, 3], InputError, "item 1 is a int"), (b"bytes", InputError, "bytes"),
    (["  ", None], NoReportsError, "no report has any text"),
    (pd.DataFrame({"body": [FERRY]}), InputError, "no 'text' column"),
])
def test_what_cannot_be_read_says_why(given, error, message):
    with pytest.raises(error, match=message):
        read_inputs(given)


def test_sentence_pairs_from_a_list_or_a_frame():
    assert sentence_pairs([("a b", "c d")]) == (None, [("a b", "c d")])
    frame = pd.DataFrame({"s1": ["a"], "s2": ["b"], "label": ["agree"]})
    assert sentence_pairs(frame)[1] == [("a", "b")]
    with pytest.raises(InputError, match="row 0 .* not two sentences"):
        sentence_pairs([("only one",)])
    with pytest.raises(InputError, match="no 'a' and 'b'"):
        sentence_pairs(pd.DataFrame({"x": ["a"]}))
