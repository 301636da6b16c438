"""Judgement in context: numbers, dates and states across Arabic, English and French; stories of reports;
claims aligned within a story; the benchmark scorer."""

import json

import numpy as np
import pytest

from checker.errors import InputError
from checker.judge.benchmark import KeyPair, StoryKey, read_key, score
from checker.judge.corpus import pair_input_from_text
from checker.judge.differences import find_differences
from checker.judge.findings import Finding
from checker.judge.grouping import group_reports
from checker.judge.pairs import story_pairs
from checker.judge.rules import RuleJudge
from checker.judge.verdict import Calibration, PairContext, Relation, Verdict
from checker.read.claims import split_claims
from checker.read.documents import Document
from checker.read.ingest import read_paths
from checker.text.numbers import dates_compatible
from checker.text.signals import read_signals

from .conftest import FakeEmbedder

JUDGE = RuleJudge(Calibration(0.86, 0.95, cross=(0.84, 0.92)))
ALIGNED = PairContext(story=0, rank=0, mutual=True, margin=0.08)


@pytest.mark.parametrize("text, value, approx", [
    ("vingt-neuf ouvriers ont été blessés", "29", ""),
    ("soixante-dix morts", "70", ""),
    ("quatre-vingt-quinze passagers", "95", ""),
    ("Trente-deux navires étaient bloqués", "32", ""),
    ("1 200 dockers ont cessé le travail", "1200", ""),
    ("une trentaine de navires attendent", "30", "about"),
    ("قُتل أحد عشر عاملا في الانفجار", "11", ""),
    ("about 180 passengers were on board", "180", "about"),
    ("at least 12 people died", "12", "min"),
])
def test_figures_in_three_languages(text, value, approx):
    figures = read_signals(text).numbers
    assert [(f.key, f.approx) for f in figures] == [(value, approx)]


def test_a_percentage_is_not_a_hundred_and_says_what_it_counts():
    assert [(f.key, f.counts) for f in read_signals("Unemployment fell to 5 per cent").numbers] == \
        [("5", "share")]
    assert [(f.key, f.counts) for f in read_signals("95 % des dockers suivent le mouvement").numbers] == \
        [("95", "share")]


@pytest.mark.parametrize("text, reference, key", [
    ("Le ferry a chaviré jeudi soir", "2026-03-15", "2026-03-12"),  # the Thursday before a Sunday report
    ("The vessel went down on Friday evening", "2026-03-14", "2026-03-13"),
    ("وقع الانفجار مساء أمس الأحد", "2026-03-16", "2026-03-15"),
    ("l'usine a brûlé hier", "2026-01-28", "2026-01-27"),
    ("signé le 14 mars", "2026-03-20", "2026-03-14"),
])
def test_weekdays_and_day_words_resolve_against_the_report_date(text, reference, key):
    assert key in [f.key for f in read_signals(text, reference=reference).dates]


def test_dates_compare_at_their_common_precision():
    assert dates_compatible("2026-03-13", "2026-03") and dates_compatible("?-03-13", "2026-03-13")
    assert dates_compatible("weekday-5", "2026-03-13")  # 13 March 2026 is a Friday
    assert not dates_compatible("2026-03-12", "2026-03-13") and not dates_compatible("weekday-4", "2026-03-13")


def _differences(a: str, b: str, aligned: bool = True):
    return find_differences(JUDGE.signals(pair_input_from_text(a)), JUDGE.signals(pair_input_from_text(b)), aligned)


def test_hedged_figures_are_not_contradictions_but_different_counts_are():
    assert _differences("About 300 people were evacuated", "296 people were evacuated") == []
    assert [d.kind for d in _differences("At least 12 people died", "At least 30 people died")] == ["number"]


@pytest.mark.parametrize("a, b, kind", [
    ("Constable Joseph Mwansa was killed in the second slide.", "الشرطي جوزيف موانسا على قيد الحياة في المستشفى.",
     "status"),
    ("Le chauffeur a lui aussi été relâché.", "The driver is still being held.", "status"),
    ("The government suspended all operations at the entire mine.", "Seule la fosse nord a été suspendue.",
     "extent"),
    ("Container volumes rose 4% in January.", "Le trafic de conteneurs a reculé de 4 % en janvier.", "antonym"),
])
def test_states_extents_and_poles_conflict_across_languages(a, b, kind):
    assert kind in [d.kind for d in _differences(a, b)]


def test_states_are_read_only_for_aligned_claims_and_a_shared_state_does_not_conflict():
    assert _differences("The driver was released.", "The driver is still held.", aligned=False) == []
    kinds = [d.kind for d in _differences("11 workers were killed and 14 injured.", "29 workers were injured.")]
    assert "status" not in kinds


def test_a_figure_across_languages_contradicts_only_within_a_story():
    a, b = pair_input_from_text("قتل 11 عاملا في انفجار خط الأنابيب"), pair_input_from_text(
        "Thirteen workers were killed in the pipeline blast")
    assert JUDGE.judge_one(a, b, 0.86).relation is not Relation.CONTRADICT  # alone: the event is not known
    verdict = JUDGE.judge_one(a, b, 0.86, ALIGNED)
    assert verdict.relation is Relation.CONTRADICT and verdict.kind == "number"


def test_figures_that_count_different_things_do_not_compare():
    a = pair_input_from_text("Rescuers pulled 112 survivors from the water")
    b = pair_input_from_text("The passenger list held 178 passengers")
    assert JUDGE.judge_one(a, b, 0.9, ALIGNED).relation is not Relation.CONTRADICT


def test_a_figure_that_says_it_revises_another_is_an_update():
    a = pair_input_from_text("Twenty-six people were killed when the ferry capsized")
    b = pair_input_from_text("The death toll from the ferry capsizing rose to 31")
    verdict = JUDGE.judge_one(a, b, 0.9, ALIGNED)
    assert verdict.relation is Relation.UPDATE and "revises" in verdict.reason


def _doc(i: int, text: str) -> Document:
    return Document(id=f"r{i}", path=f"r{i}.txt", title=text.split("\n")[0], text=text)


FERRY_EN = ("Ferry Al-Nawras capsizes off Suakin\nThe ferry Al-Nawras capsized off Suakin on Friday with 180 "
            "passengers. Captain Osman Taha was arrested. Rescuers from Port Sudan searched the Red Sea.")
FERRY_FR = ("Naufrage de l'An-Nawras\nLe ferry An-Nawras a chaviré au large de Suakin avec 180 passagers. Le "
            "capitaine Osman Taha est porté disparu. Les secours de Port-Soudan fouillent la mer Rouge.")
FIRE = ("Fire at a textile factory in Tangier\nFourteen workers died in a fire at the Bertex textile factory "
        "in Tangier. The owner of Bertex was detained by police in Tangier on Tuesday.")


def test_reports_are_grouped_by_the_names_and_figures_they_share_across_languages():
    stories = group_reports([_doc(0, FERRY_EN), _doc(1, FERRY_FR), _doc(2, FIRE)])
    assert stories["r0"] == stories["r1"] != stories["r2"]


def test_story_pairs_align_each_claim_with_its_closest_counterparts_in_the_other_report():
    vectors = np.array([[1, 0, 0], [0, 1, 0], [0.9, 0.1, 0], [0.1, 0.9, 0], [0, 0, 1]], dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    reports = ["a", "a", "b", "b", "c"]
    pairs = story_pairs(vectors, reports, {"a": 0, "b": 0, "c": 1}, top=1,
                        allowed=lambda i, j: reports[i] != reports[j])
    assert set(pairs) == {(0, 2), (1, 3)}  # counterparts across a and b; c is another story
    assert all(mutual for _, mutual, _ in pairs.values())


def _finding(a_path: str, a_text: str, b_path: str, b_text: str, relation: Relation) -> Finding:
    ca = split_claims(Document(id="x", path=a_path, title="", text=a_text))[0]
    cb = split_claims(Document(id="y", path=b_path, title="", text=b_text))[0]
    return Finding.from_verdict(ca, cb, Verdict(relation, 0.9, "number", "r", 0.9, 0.9))


def test_the_scorer_counts_recall_precision_traps_and_false_pairs_across_stories():
    key = StoryKey([KeyPair(("s1_a", "killed eleven workers"), ("s1_b", "killed thirteen workers"), "contradict"),
                    KeyPair(("s1_a", "on Sunday evening"), ("s1_b", "late on Sunday"), "not_contradict")],
                   {"s1_a": "s1", "s1_b": "s1", "s2_a": "s2"})
    found = [_finding("x/s1_a.txt", "The blast killed eleven workers at the pipeline.",
                      "x/s1_b.txt", "The blast killed thirteen workers at the pipeline.", Relation.CONTRADICT),
             _finding("x/s1_b.txt", "The blast killed thirteen workers at the pipeline.",
                      "x/s2_a.txt", "A fire killed four people in a factory.", Relation.CONTRADICT)]
    figures = score(found, key)
    assert figures["contradiction_recall"] == 1.0 and figures["traps_flagged"] == 0.0
    assert figures["cross_story_contradictions"] == 1 and figures["contradiction_precision"] == 0.5


def test_a_key_without_pairs_fields_is_refused_with_the_file_named(tmp_path):
    (tmp_path / "s1").mkdir()
    (tmp_path / "s1" / "key.json").write_text(json.dumps({"pairs": [{"a": ["x", "y"]}]}), encoding="utf-8")
    with pytest.raises(InputError, match="key.json: pair 1"):
        read_key(tmp_path)


@pytest.mark.model
def test_the_story_benchmark_dev_half_stays_above_its_floor():
    """Regression floor on the dev half (the test half is for measurement only, never in a test)."""
    from checker.api import evaluate_reports

    from .conftest import ROOT

    figures = evaluate_reports(ROOT / "bench" / "stories" / "dev")
    assert figures["contradiction_recall"] >= 0.18 and figures["contradiction_precision"] >= 0.40
    assert figures["traps_flagged"] <= 0.15


@pytest.mark.model
def test_story_pairing_finds_the_sample_contradiction_and_nearest_pairing_still_works():
    import checker
    from checker.config import Config

    from .conftest import SAMPLE

    for pairing in ("story", "nearest"):
        report = checker.check([SAMPLE], config=Config(pairing=pairing))
        assert any(f.kind == "location" and "رامشتاين" in f.reason for f in report.contradictions), pairing
    assert read_paths([SAMPLE]).documents


def test_a_report_meets_at_most_the_linked_reports_of_a_large_story():
    from checker.judge.grouping import story_links

    docs = [_doc(i, FERRY_EN.replace("180", str(180 + i))) for i in range(6)]
    links = story_links(docs, {d.id: 0 for d in docs}, limit=2)
    assert all(len(linked) == 2 for linked in links.values())  # its 2 most similar, not all five others
    small = story_links(docs[:3], {d.id: 0 for d in docs[:3]}, limit=2)
    assert small == {"r0": {"r1", "r2"}, "r1": {"r0", "r2"}, "r2": {"r0", "r1"}}


def test_story_pairs_skip_reports_that_are_not_linked():
    vectors = np.eye(3, dtype=np.float32)[[0, 1, 0, 1, 0, 1]]
    reports = ["a", "a", "b", "b", "c", "c"]
    pairs = story_pairs(vectors, reports, {"a": 0, "b": 0, "c": 0}, top=1,
                        allowed=lambda i, j: reports[i] != reports[j], links={"a": {"b"}, "b": {"a"}, "c": set()})
    assert {reports[i] + reports[j] for i, j in pairs} == {"ab"}


@pytest.mark.parametrize("text, key", [("Les corps ont été transportés à Tanger", "city:Tangier"),
                                       ("Trois otages ont été libérés au Maroc", "country:MA"),
                                       ("une réunion s'est tenue au Caire", "city:Cairo")])
def test_french_names_of_places_are_in_the_gazetteer(text, key):
    assert key in [p.key for p in read_signals(text).places]


@pytest.mark.model
@pytest.mark.parametrize("rendering, place", [("pantsir_en.txt", "Ramstein"), ("pantsir_fr.txt", "Mitiga")])
def test_the_sample_contradiction_is_found_across_languages(rendering, place):
    """An English (The Times: Ramstein) or French (Africa Report: Mitiga) rendering of the sample's Pantsir
    report, checked with the Arabic original, contradicts the other account across languages."""
    import checker

    from .conftest import ROOT, SAMPLE

    other = ROOT / "tests" / "data" / "renderings" / rendering
    report = checker.check([SAMPLE / "000_715df48419231d69.txt", other])
    across = [f for f in report.contradictions if f.kind == "location" and {f.a.path, f.b.path} != {f.a.path}
              and any(place in side.text for side in (f.a, f.b))]
    assert across, [f.reason for f in report.contradictions]


def test_check_takes_one_path_as_a_string_and_texts_as_a_list_or_a_frame(fake):
    import pandas as pd

    import checker

    from .conftest import SAMPLE

    assert len(checker.check(str(SAMPLE)).documents) == 5  # not five characters of a path
    report = checker.check_texts(["The ferry sank off Suakin on Friday.", "   ", "Le ferry a coulé vendredi."])
    assert [d.path for d in report.documents] == ["text:0", "text:2"] and report.skipped[0].path == "text:1"
    frame = pd.DataFrame({"text": ["The ferry sank on Friday.", "Le ferry a coulé jeudi."], "id": ["a", "b"]})
    assert [d.path for d in checker.check_texts(frame).documents] == ["text:a", "text:b"]
    with pytest.raises(InputError, match="single string"):
        checker.check_texts("The ferry sank.")


def test_a_second_check_in_one_process_reuses_the_loaded_model(monkeypatch):
    import checker.api as api

    made = []
    monkeypatch.setattr(api, "embedder_from_config", lambda config, notify=None: made.append(1) or FakeEmbedder())
    monkeypatch.setattr(api, "_EMBEDDERS", {})
    from .conftest import SAMPLE

    api.check([SAMPLE])
    api.check([SAMPLE])
    assert made == [1]


def test_hedges_read_in_their_direction_and_plural_amounts_hold_a_range():
    assert [f.approx for f in read_signals("Fewer than 20 people died").numbers] == ["max"]
    assert [f.approx for f in read_signals("moins de 20 morts").numbers] == ["max"]
    assert [f.approx for f in read_signals("au moins 20 morts").numbers] == ["min"]
    assert [d.kind for d in _differences("Fewer than 20 people died", "18 people died")] == []
    assert _differences("Hundreds of people were killed", "500 people were killed") == []
    assert _differences("مقتل عشرات الأشخاص", "مقتل 45 شخصا") == []


def test_a_lowercase_may_after_a_figure_is_a_modal_not_a_month():
    sig = read_signals("as many as 30 may have died", reference="2026-03-10")
    assert [f.key for f in sig.numbers] == ["30"] and sig.dates == []


def test_impossible_days_and_new_year_do_not_break_dates():
    late = read_signals("the ship sailed on 28 December", reference="2024-01-03")
    assert [f.key for f in late.dates] == ["2023-12-28"]
    odd = read_signals("signed on 30 February", reference="2026-03-10")
    assert [f.key for f in odd.dates] == ["2026-02"]
    assert dates_compatible("weekday-2", "2023-02-29")  # an impossible key never raises


def test_a_report_date_without_a_day_is_not_filled_from_today():
    from checker.read.dates import read_date, report_dates

    assert read_date("March 2026") == (read_date("2026-03-01")[0], "month")
    assert read_date("updated 3 hours ago") is None
    docs = [Document(id="m", path="m.txt", title="t", text="x", date="March 2026")]
    assert report_dates(docs) == {"m": "2026-03"}


def test_above_the_report_limit_no_stories_are_formed():
    docs = [_doc(0, FERRY_EN), _doc(1, FERRY_FR)]
    assert group_reports(docs, max_reports=1) == {}


def test_the_scorer_leaves_reports_it_cannot_place_unjudged():
    key = StoryKey([], {"s1_a": "s1"})
    found = [_finding("x/notes.json", "The blast killed eleven workers.", "x/notes.json",
                      "The blast killed thirteen workers.", Relation.CONTRADICT)]
    figures = score(found, key)
    assert figures["cross_story_contradictions"] == 0 and figures["unjudged_contradictions"] == 1


def test_a_key_that_is_not_an_object_is_refused(tmp_path):
    (tmp_path / "key.json").write_text("[]", encoding="utf-8")
    with pytest.raises(InputError, match="JSON object"):
        read_key(tmp_path)


def _naive_average_link(similarity: np.ndarray, threshold: float) -> list[list[int]]:
    """The textbook loop (the whole masked matrix searched at every merge): the oracle for average_link."""
    n = len(similarity)
    link = similarity.astype(np.float64).copy()
    np.fill_diagonal(link, -np.inf)
    size, alive, members = np.ones(n), np.ones(n, dtype=bool), {i: [i] for i in range(n)}
    while n > 1:
        masked = np.where(alive[:, None] & alive[None, :], link, -np.inf)
        x, y = divmod(int(np.argmax(masked)), n)
        if masked[x, y] < threshold:
            break
        link[x] = (size[x] * link[x] + size[y] * link[y]) / (size[x] + size[y])
        link[:, x] = link[x]
        link[x, x] = -np.inf
        size[x] += size[y]
        alive[y] = False
        members[x] += members.pop(y)
    return sorted(sorted(g) for g in members.values())


@pytest.mark.parametrize("seed", range(8))
def test_average_link_groups_as_the_textbook_loop_does(seed):
    from checker.judge.grouping import average_link

    rng = np.random.default_rng(seed)
    points = rng.normal(size=(40, 5)) + np.repeat(rng.normal(scale=3, size=(6, 5)), [7, 7, 7, 7, 6, 6], axis=0)
    points /= np.linalg.norm(points, axis=1, keepdims=True)
    similarity = points @ points.T
    for threshold in (0.1, 0.4, 0.7):
        assert sorted(sorted(g) for g in average_link(similarity, threshold)) == \
            _naive_average_link(similarity, threshold)


def _align_reference(vectors, left, right, top):
    """The alignment as one full matrix (what story_pairs did before it worked in blocks)."""
    sims = vectors[left] @ vectors[right].T
    same = left == right
    if same:
        np.fill_diagonal(sims, -2.0)
    best_l = np.argsort(-sims, axis=1, kind="stable")[:, :top]
    best_r = np.argsort(-sims, axis=0, kind="stable")[:top, :].T
    valid = sims > -1.5
    mean_l = np.where(valid, sims, 0).sum(axis=1) / np.maximum(1, valid.sum(axis=1))
    mean_r = np.where(valid, sims, 0).sum(axis=0) / np.maximum(1, valid.sum(axis=0))
    out = {}
    for a in range(len(left)):
        for b in range(len(right)):
            if left[a] == right[b] or not (b in best_l[a] or a in best_r[b]):
                continue
            rank_l = list(best_l[a]).index(b) if b in best_l[a] else 99
            rank_r = list(best_r[b]).index(a) if a in best_r[b] else 99
            value = (min(rank_l, rank_r), rank_l == 0 and rank_r == 0,
                     round(float(sims[a, b] - (mean_l[a] + mean_r[b]) / 2), 4))
            key = (min(left[a], right[b]), max(left[a], right[b]))
            out[key] = min(out.get(key, value), value)
    return out


@pytest.mark.parametrize("n,m,same", [(1500, 40, False), (1300, 1300, True), (7, 3, False), (1, 1, False)])
def test_blocked_alignment_equals_the_full_matrix(n, m, same):
    """The alignment works in blocks of left rows (a 4 MB report aligned with itself took 16 GB as one matrix);
    the pairs, ranks and margins are those of the whole matrix."""
    from checker.judge.pairs import ALIGN_BLOCK, _align

    assert n > ALIGN_BLOCK or n < 10
    rng = np.random.default_rng(n)
    vectors = rng.standard_normal((n + m, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    left = list(range(n))
    right = left if same else list(range(n, n + m))
    got: dict = {}
    _align(vectors, left, right, 2, None, got)
    want = _align_reference(vectors, left, right, 2)
    assert got.keys() == want.keys()
    assert all(got[k][:2] == want[k][:2] and abs(got[k][2] - want[k][2]) <= 2e-4 for k in want)


def test_a_report_longer_than_the_limit_is_not_aligned_with_itself(monkeypatch):
    from checker.judge import pairs

    monkeypatch.setattr(pairs, "SELF_ALIGN_LIMIT", 10)
    vectors = np.eye(12, dtype=np.float32)
    out = pairs.story_pairs(vectors, ["r"] * 12, {"r": 0})
    assert out == {}
    assert pairs.story_pairs(vectors[:10], ["r"] * 10, {"r": 0})
