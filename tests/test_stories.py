from datetime import date

import pandas as pd
import pytest

from checker.judge.stories import Stance, parse_date, short_label, stance_of

from .conftest import make_report


def test_stories_group_connected_claims_with_dates_and_counts(report):
    first, second = report.stories
    assert (first.contradictions, first.agreements) == (1, 0)
    assert (second.contradictions, second.agreements) == (0, 1)
    assert first.reports == ("d0", "d1") and first.first_date == date(2024, 12, 1)
    assert first.last_date == date(2024, 12, 3)  # an Arabic month name
    assert second.dates == (date(2024, 12, 1), date(2024, 12, 5))
    assert report.stories is report.stories  # computed once
    report.findings = report.findings[1:]
    assert len(report.stories) == 1  # and again when the findings change


def test_stances_say_who_asserts_reports_denies_and_contradicts(report):
    story = report.stories[0]
    a, b = story.claims
    stances = story.stances()
    assert stances["صحيفة التايمز"] == {a.id: Stance.REPORTS, b.id: Stance.CONTRADICTS}
    assert stances["مسؤولين (via تقرير)"] == {b.id: Stance.REPORTS, a.id: Stance.CONTRADICTS}
    c, d = report.stories[1].claims
    assert report.stories[1].stances()["الوزير"] == {c.id: Stance.ASSERTS, d.id: Stance.AGREES}


def test_matrix_is_a_frame_of_sources_by_claims(report):
    story = report.stories[1]
    c, d = story.claims
    matrix = story.matrix()
    assert (matrix.index.name, matrix.columns.name, list(matrix.columns)) == ("source", "claim_id", [c.id, d.id])
    assert matrix.loc["الوزير"].tolist() == ["asserts", "agrees"]
    assert matrix.loc["the minister"].tolist() == ["agrees", "asserts"]
    assert matrix.to_dict("index") == {s: {k: v.value for k, v in row.items()} for s, row in story.stances().items()}


def test_stance_of_a_denial_or_negation():
    report = make_report()
    claim = report.claims[0]
    denied = claim.__class__(**{**claim.__dict__, "attribution": claim.attribution.__class__("مصدر", "denied")})
    assert stance_of(denied) is Stance.DENIES
    text = "قال المصدر إن البطارية لم تنقل إلى ألمانيا"
    negated = claim.__class__(**{**claim.__dict__, "text": text, "body": (text.index("البطارية"), len(text)),
                                 "attribution": claim.attribution.__class__("المصدر", "said")})
    assert stance_of(negated) is Stance.DENIES


@pytest.mark.parametrize("query, expected", [
    ({}, [1, 2]), ({"relation": "contradict"}, [1]), ({"kind": "location"}, [1]),
    ({"source": "minister"}, [2]), ({"report": "reports/2"}, [2]), ({"text": "رامشتاين"}, [1]),
    ({"text": "رامشتاين", "relation": "agree"}, []), ({"text": "مطار معيتيقه"}, [1]),  # spelling-insensitive
])
def test_story_filters(report, query, expected):
    assert [s.id for s in report.stories if s.matches(**query)] == expected


def test_parse_date_and_labels(report):
    assert parse_date("28th, December 2024 GMT") == date(2024, 12, 28)
    assert parse_date("١٢ يناير ٢٠٢٣") == date(2023, 1, 12)
    assert parse_date(None) is None and parse_date("غير معروف") is None
    assert short_label(report.claims[0], 3) == "البطارية نقلت إلى…"


def test_pandas_views_share_the_stories(report):
    findings, claims, stories = (report.to_pandas(w) for w in ("findings", "claims", "stories"))
    assert list(findings["story"]) == [1, 2] and list(findings["a_line"]) == [2, 3]
    assert claims.set_index("claim_id")["story"].to_dict() == {c.id: s.id for s in report.stories for c in s.claims}
    assert list(stories["contradictions"]) == [1, 0] and stories["first_date"][0] == pd.Timestamp(2024, 12, 1)
    assert str(stories["last_date"].dtype) == "datetime64[ns]"
    with pytest.raises(ValueError, match="findings, claims, stories or reports"):
        report.to_pandas("nope")


def test_html_marks_differing_spans_and_groups_by_story(report):
    page = report._repr_html_()
    assert page.count("<h4") == 2 and "<mark>قاعدة رامشتاين</mark>" in page and "<mark>مطار معيتيقة</mark>" in page
    assert "reports/0.txt:2" in page


def test_a_story_of_reports_is_named_by_its_main_reports_title():
    from checker.judge.stories import group_stories

    from .conftest import make_report

    report = make_report()
    stories = group_stories(report.findings, report.documents, {"d0": 0, "d1": 0, "d2": 0})
    assert [s.label for s in stories] == ["عنوان أول"]  # d0 holds two of the story's four claims
    clusters = group_stories(report.findings, report.documents)  # no report stories: the central claim names it
    assert all(s.label not in {"عنوان أول", "عنوان ثان", "Second title"} for s in clusters)
