"""Notebook views (checker/judge/views.py and the reprs of Report and Index): a line of counts for repr, escaped
HTML with right-to-left cells, pandas datetimes."""

from dataclasses import replace

import pandas as pd
import pytest

from checker.api import Checker
from checker.judge.verdict import Difference, Relation, Verdict

from .conftest import SAMPLE, FakeEmbedder, make_report

HOSTILE = "<script>alert('x')</script> & «رامشتاين»"


def _hostile_report():
    """The hand-made report with markup in a claim, a source, a path and a reason."""
    report = make_report()
    f = report.findings[0]
    a = replace(f.a, text=f.a.text + HOSTILE, path="reports/<b>0</b>.txt",
                attribution=replace(f.a.attribution, source="<i>The Times</i>"))
    report.findings[0] = replace(f, a=a, reason=f.reason + HOSTILE)
    return report


def test_reprs_are_a_line_of_counts_not_the_texts(report):
    text = repr(report)
    assert text == "Report(3 reports, 4 claims, 1 contradiction, 1 agreement in 2 stories, model='fake')"
    story, finding = report.stories[0], report.findings[0]
    assert repr(story).startswith("Story(1, 'البطارية نقلت إلى قاعدة رامشتاين في ألمانيا.', 2 claims, 1 contradiction")
    assert repr(story).endswith("2024-12-01…2024-12-03)")
    assert repr(finding).startswith("Finding('f1', contradict location 0.73, A: صحيفة التايمز @ reports/0.txt:2")
    long = replace(finding, reason="location: " + "x" * 500)
    assert all(len(repr(x)) < 300 and "\n" not in repr(x) for x in (report, story, long, report.stories))


def test_the_sample_report_repr_is_short(fake_embedder):
    report = Checker(embedder=fake_embedder).check(SAMPLE)
    assert len(repr(report)) < 200 and repr(report).startswith("Report(5 reports, ")


def test_verdict_repr_and_html_show_the_differences():
    diff = Difference("location", "رامشتاين", "<معيتيقة>", (0, 8), (0, 9))
    verdict = Verdict(Relation.CONTRADICT, 0.72, "location", "location: «رامشتاين» vs «<معيتيقة>»", 0.59, 0.9191,
                      (diff,), None)
    assert repr(verdict) == ("Verdict(contradict, kind='location', score=0.72, gate=0.59, similarity=0.919, "
                             "pair_score=None, reason='location: «رامشتاين» vs «<معيتيقة>»')")
    page = verdict._repr_html_()
    assert "&lt;معيتيقة&gt;" in page and "<معيتيقة>" not in page and "difference: location" in page
    assert "<span dir='auto'>" in page


@pytest.mark.parametrize("view", ["report", "story", "finding"])
def test_html_escapes_report_text_and_reads_arabic_right_to_left(view):
    report = _hostile_report()
    page = {"report": report, "story": report.stories[0], "finding": report.findings[0]}[view]._repr_html_()
    assert "<script>" not in page and "<i>" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; «رامشتاين»" in page
    assert "&lt;i&gt;The Times&lt;/i&gt;" in page and "reports/&lt;b&gt;0&lt;/b&gt;.txt:2" in page
    assert "<td dir='auto'>" in page and "<mark>قاعدة رامشتاين</mark>" in page


def test_story_html_draws_the_stance_matrix_and_the_claims(report):
    page = report.stories[1]._repr_html_()
    assert "<th>c1</th><th>c2</th>" in page and "<td dir='auto'>الوزير</td><td>A</td><td>✓</td>" in page
    assert "A asserts" in page and "reports/2.txt:2" in page


def test_report_html_lists_skipped_inputs(report):
    from checker.read.ingest import Skipped

    report.skipped = [Skipped("bad<1>.pdf", "a PDF; extract its text first")]
    assert "skipped bad&lt;1&gt;.pdf: a PDF; extract its text first" in report._repr_html_()


def test_report_dates_are_pandas_datetimes_in_utc_when_the_data_has_zones(report):
    dates = report.to_pandas("reports")["date"]
    assert str(dates.dtype) == "datetime64[ns]" and list(dates) == [pd.Timestamp(2024, 12, d) for d in (1, 3, 5)]
    report.documents = [replace(d, date=day) for d, day in
                        zip(report.documents, ["2024-12-01T10:00:00+02:00", "28th, December 2024 GMT", None])]
    dates = report.to_pandas("reports")["date"]
    assert str(dates.dt.tz) == "UTC" and dates[0] == pd.Timestamp("2024-12-01T08:00Z")
    assert dates[1] == pd.Timestamp("2024-12-28T00:00Z") and pd.isna(dates[2])


def test_index_prints_its_counts_and_draws_a_summary(tmp_path):
    index = Checker(embedder=FakeEmbedder()).build_index([SAMPLE], tmp_path / "idx")
    text = repr(index)
    assert text.startswith(f"Index('{tmp_path / 'idx'}', 5 reports, ") and "model='fake/bag-of-words-64'" in text
    assert "flat (exact)" in text and "object at 0x" not in text
    page = index._repr_html_()
    assert "<th>claims</th>" in page and "flat (exact)" in page and "{" not in page


def test_an_ivf_index_and_one_whose_files_went_say_so(tmp_path):
    from checker.store.records import IndexInfo, _search

    info = IndexInfo("i", "m", 8, 1, 1, 1, 1, "IndexIVFFlat", {"kind": "ivf", "nlist": 64, "nprobe": 6,
                                                               "recall_at_10": 0.97}, 1, 1, 1, True, "")
    assert _search(info) == "IVF, 64 cells, nprobe 6, recall@10 0.97"
    index = Checker(embedder=FakeEmbedder()).build_index([SAMPLE], tmp_path / "idx")
    for file in (tmp_path / "idx").iterdir():
        if file.is_file():
            file.unlink()
    assert repr(index).startswith(f"Index('{tmp_path / 'idx'}', unreadable: ")
