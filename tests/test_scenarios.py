"""The sample-corpus scenarios, with the real default model (marked ``model``; CI runs them)."""

from __future__ import annotations

from pathlib import Path

import pytest

import checker
from checker.judge.rules import SAME_EVENT_GATE, STANCE_GATE, Relation

pytestmark = pytest.mark.model
EVENTS = Path(__file__).parent / "data" / "events"


@pytest.fixture(scope="module")
def sample_report():
    return checker.check([Path(__file__).resolve().parents[1] / "examples" / "reports"])


def _find(report, relation, a_words, b_words):
    for f in report.findings:
        if f.relation is not relation:
            continue
        for x, y in ((f.a, f.b), (f.b, f.a)):
            if all(w in x.text for w in a_words) and all(w in y.text for w in b_words):
                return f, x, y
    return None


def test_ramstein_and_mitiga_contradict_on_location_with_both_sources(sample_report):
    found = _find(sample_report, Relation.CONTRADICT, ["رامشتاين"], ["معيتيقة"])
    assert found, "Ramstein/Mitiga contradiction not found"
    finding, ramstein, mitiga = found
    assert finding.kind == "location"
    assert "التايمز" in ramstein.attributed_to
    assert "أفريكا ريبورت" in mitiga.attributed_to and "ليبي" in mitiga.attributed_to
    assert "رامشتاين" in finding.reason and "معيتيقة" in finding.reason


def test_bloomberg_report_and_army_denial_contradict_by_negation(sample_report):
    found = _find(sample_report, Relation.CONTRADICT, ["بلومبرغ"], ["نفى"])
    assert found, "Bloomberg/denial contradiction not found"
    finding, bloomberg, denial = found
    assert finding.kind == "negation"
    assert "بلومبرغ" in bloomberg.attributed_to
    assert "مصدر" in denial.attributed_to and denial.attribution.how == "denied"


def test_haftar_reluctance_agrees_with_the_denial_of_a_base(sample_report):
    found = _find(sample_report, Relation.AGREE, ["حفتر نفسه يتردد"], ["قواعد"])
    found = found or _find(sample_report, Relation.AGREE, ["حفتر نفسه يتردد"], ["نفى"])
    assert found, "003 reluctance / 004 denial agreement not found"
    _, haftar, denial = found
    assert "003_" in haftar.path and "004_" in denial.path


def test_no_claim_comes_from_web_leftovers(sample_report):
    junk = ["اترك رد", "لن يتم نشر", "اقرأ أيضًا", "إقرأ أيضاً", "مقالات مشابهة", "كلمات دلالية", "Shares",
            "Written by", "من مواليد", "دقائق القراءة", "t.co", "روسيا تطلق صاروخاً يحمل مركبة"]
    for claim in sample_report.claims:
        assert not any(j in claim.text for j in junk), claim.text


def test_rosoboronexport_head_is_one_source_across_reports(sample_report):
    keys = {c.attribution.key for c in sample_report.claims if c.attribution.source == "ألكسندر ميخيف"}
    reports = {c.report_id for c in sample_report.claims if c.attribution.key in keys}
    assert len(keys) == 1 and len(reports) == 2


def test_two_different_events_sharing_words_do_not_contradict():
    report = checker.check([EVENTS])
    for f in report.contradictions:
        paths = {Path(f.a.path).name, Path(f.b.path).name}
        assert "boat_latakia.txt" not in paths, f.reason
    found = _find(report, Relation.CONTRADICT, ["14"], ["12"])
    assert found and found[0].kind == "number", [f.reason for f in report.findings]


def test_compare_with_the_real_model():
    verdict = checker.compare("نقلت طائرة أمريكية البطارية إلى قاعدة رامشتاين",
                              "نقلت البطارية إلى مطار معيتيقة")
    assert verdict.relation is Relation.CONTRADICT and verdict.kind == "location"
    unrelated = checker.compare("ارتفعت أسعار الذهب في البورصة اليوم", "فاز الفريق بالمباراة النهائية للبطولة")
    assert unrelated.relation is Relation.UNRELATED


def test_every_sample_contradiction_is_between_claims_about_one_event(sample_report):
    # read by a person (see the closing note); here: every contradiction shares an anchor and passes the gate
    # (a denial of a phrase the other claim asserts passes a lower bar, as a shared stance does)
    for f in sample_report.contradictions:
        assert f.gate >= (STANCE_GATE if f.kind == "negation" else SAME_EVENT_GATE) and f.differences
