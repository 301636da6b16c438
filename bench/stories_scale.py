"""How many pairs the judge sees as a corpus grows, with story pairing and with nearest neighbours alone.

Usage: .venv/bin/python bench/stories_scale.py [--reports 1000] [--stories 50] [--model fake|default]

Writes a synthetic corpus of ``--reports`` English, French and Arabic reports telling ``--stories`` invented
events (each story has its own names, place, day and figures; each report tells it in 6–10 sentences from a
template bank, with some figures changed), then checks it with ``pairing = "story"`` and ``pairing = "nearest"``
and prints, for each: reports, claims, stories formed, pairs judged (and per claim), seconds for grouping and
for the whole check. ``--model fake`` (default) uses hashed vectors so the figures are the judge's and the
grouping's, not the encoder's; ``--model default`` runs the real encoder. Nothing here is asserted.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

_EN = ["{ship} capsized off {place} on {day} with {n} passengers on board, officials said.",
       "At least {dead} people were killed when the {ship} went down near {place}.",
       "Rescuers pulled {alive} survivors from the water near {place}, the coast guard said.",
       "The captain of the {ship} was arrested after reaching the shore.",
       "Relatives gathered outside the hospital in {place} on {day}.",
       "The {ship} had left the port of {origin} a few hours earlier."]
_FR = ["Le {ship} a chaviré au large de {place} {day_fr} avec {n} passagers à bord.",
       "Au moins {dead} personnes ont été tuées dans le naufrage du {ship}, selon les autorités.",
       "Les secours ont retrouvé {alive} survivants près de {place}.",
       "Le capitaine du {ship} est porté disparu, selon une source portuaire.",
       "Le navire avait quitté le port de {origin} quelques heures plus tôt."]
_AR = ["غرقت العبارة {ship_ar} قبالة {place_ar} يوم {day_ar} وعلى متنها {n} راكبا.",
       "قتل {dead} شخصا على الأقل في غرق العبارة {ship_ar} بحسب السلطات.",
       "انتشلت فرق الإنقاذ {alive} ناجيا من المياه قرب {place_ar}.",
       "أوقفت السلطات ربان العبارة فور وصوله إلى الشاطئ."]
_DAYS = [("Monday", "lundi", "الاثنين"), ("Tuesday", "mardi", "الثلاثاء"), ("Friday", "vendredi", "الجمعة")]
_NAMES = [("Al-Nawras", "النورس"), ("Al-Rayyan", "الريان"), ("Al-Salam", "السلام"), ("Al-Amal", "الأمل"),
          ("Al-Fajr", "الفجر"), ("Al-Najma", "النجمة"), ("Al-Bahr", "البحر"), ("Al-Qamar", "القمر")]
_PLACES = [("Suakin", "سواكن"), ("Tartus", "طرطوس"), ("Latakia", "اللاذقية"), ("Benghazi", "بنغازي"),
           ("Misrata", "مصراتة"), ("Aden", "عدن"), ("Hodeidah", "الحديدة"), ("Jeddah", "جدة")]


def write_corpus(folder: Path, reports: int, stories: int, seed: int = 0) -> None:
    """``reports`` report files telling ``stories`` events, in three languages."""
    rng = random.Random(seed)
    for s in range(stories):
        name, name_ar = _NAMES[s % len(_NAMES)]
        ship, ship_ar = f"{name}-{s}", f"{name_ar} {s}"
        (place, place_ar), (origin, _) = rng.sample(_PLACES, 2)
        day, day_fr, day_ar = rng.choice(_DAYS)
        facts = {"n": rng.randint(80, 400), "dead": rng.randint(5, 60), "alive": rng.randint(10, 90)}
        for r in range(reports // stories):
            told = {k: (v if rng.random() > 0.2 else v + rng.randint(1, 9)) for k, v in facts.items()}
            bank = [_EN, _FR, _AR][r % 3]
            lines = rng.sample(bank, min(len(bank), rng.randint(4, 6)))
            text = "\n\n".join(line.format(ship=ship, ship_ar=ship_ar, place=place, place_ar=place_ar, origin=origin,
                                           day=day, day_fr=day_fr, day_ar=day_ar, **told) for line in lines)
            (folder / f"s{s:03d}_r{r:02d}.txt").write_text(f"Report {s}-{r}\n\n{text}\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--stories", type=int, default=50)
    parser.add_argument("--model", choices=("fake", "default"), default="fake")
    args = parser.parse_args()

    import checker
    from checker.config import Config
    from checker.judge import corpus
    from checker.judge.grouping import group_reports
    from checker.read.ingest import read_paths

    embedder = None
    if args.model == "fake":
        from tests.conftest import FakeSentenceEmbedder

        embedder = FakeSentenceEmbedder()
    judged: list[int] = []
    original = corpus.RuleJudge.judge

    def counting(self, pairs):
        judged.append(len(pairs))
        return original(self, pairs)

    corpus.RuleJudge.judge = counting
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_corpus(folder, args.reports, args.stories)
        documents = read_paths([folder]).documents
        started = time.perf_counter()
        stories = len(set(group_reports(documents).values()))
        grouping = time.perf_counter() - started
        for pairing in ("story", "nearest"):
            judged.clear()
            started = time.perf_counter()
            report = checker.check([folder], config=Config(pairing=pairing), embedder=embedder)
            seconds = time.perf_counter() - started
            pairs = sum(judged)
            print(f"{pairing:8s} reports {len(report.documents)}  claims {len(report.claims)}  "
                  f"stories {stories if pairing == 'story' else '-'}  pairs judged {pairs} "
                  f"({pairs / max(1, len(report.claims)):.1f} per claim)  grouping {grouping:.1f} s  "
                  f"check {seconds:.1f} s  contradictions {len(report.contradictions)}")


if __name__ == "__main__":
    main()
