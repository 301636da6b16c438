import pytest

from checker.judge.corpus import pair_input_from_text
from checker.read.attribution import find_attribution
from checker.read.claims import split_claims, unify_sources
from checker.read.ingest import Document, content_id, read_paths


def _doc(text, source="الموقع"):
    return Document(content_id(text), "t.txt", "t", text, source)


def test_claim_spans_index_back_into_the_report(sample_dir):
    for doc in read_paths([sample_dir]).documents:
        for claim in split_claims(doc):
            assert doc.text[claim.span[0]:claim.span[1]] == claim.text
            assert claim.proposition.strip()


def test_attribution_patterns():
    cases = {
        "ذكرت صحيفة التايمز البريطانية أن البطارية نقلت إلى ألمانيا.": ("صحيفة التايمز البريطانية", "reported", None),
        "نفت وزارة الدفاع أن تكون الطائرة قد سقطت في البحر.": ("وزارة الدفاع", "denied", None),
        "وأكد الوزير أن المحادثات ستستمر حتى نهاية الشهر.": ("الوزير", "confirmed", None),
        "وقال مصدر عسكري لـ\"الشرق الأوسط\" إن الجيش لا يحتاج قواعد.": ("مصدر عسكري", "said", "الشرق الأوسط"),
        "ونقلت الوكالة عن مسؤولين قولهم إن السفينة غرقت.": ("مسؤولين", "reported", "الوكالة"),
        "وبحسب وكالة رويترز، ارتفعت الأسعار ثلاثة بالمئة.": ("وكالة رويترز", "reported", None),
        "The Times reported that the battery was flown to Germany.": ("The Times", "reported", None),
        "According to local officials, the ship sank on Monday.": ("local officials", "reported", None),
    }
    for sentence, (source, how, via) in cases.items():
        found = find_attribution(sentence)
        assert found is not None, sentence
        assert found[:3] == (source, how, via), sentence
        assert sentence[found[3]:found[4]].strip(), sentence


def test_pronoun_subject_continues_the_previous_speaker_and_generic_nouns_resolve():
    text = ("ذكرت صحيفة الغد أن الحكومة ستخفض الضرائب العام المقبل.\n"
            "وأضافت: \"القرار نهائي ولن يتغير أبدا\".\n"
            "وأوضحت الصحيفة أن الوزير سيعلن التفاصيل غدا في مؤتمر.\n"
            "وانخفضت الأسعار في الأسواق بشكل ملحوظ هذا الأسبوع.")
    claims = split_claims(_doc(text))
    assert [c.attribution.source for c in claims] == ["صحيفة الغد"] * 3 + ["الموقع"]
    assert claims[-1].attribution.quoted is False


def test_clauses_split_on_reported_that_and_keep_the_source():
    text = "وأوضحت الصحيفة أن الجيش انسحب من المدينة بالكامل، لافتة إلى أن السكان عادوا إلى منازلهم أمس."
    claims = split_claims(_doc(text))
    assert len(claims) == 2 and all(c.attribution.source == "الصحيفة" for c in claims)


def test_three_spellings_of_one_person_become_one_source(sample_dir):
    docs = read_paths([sample_dir]).documents
    claims = unify_sources([c for d in docs for c in split_claims(d)])
    mikheev = {c.attribution.key for c in claims if any(n in c.text for n in ("ميكيف", "ميخيف", "مخييف"))
               and c.attribution.quoted}
    assert len(mikheev) == 1
    names = {c.attribution.source for c in claims if c.attribution.key in mikheev}
    assert names == {"ألكسندر ميخيف"}
    reports = {c.report_id for c in claims if c.attribution.key in mikheev}
    assert len(reports) == 2  # 001 and 002


def _read(sentence):
    found = find_attribution(sentence)
    return found and (*found[:3], sentence[found[3]:found[4]])


@pytest.mark.parametrize("sentence,expected", [
    # "X told Y that …": Y relays the claim, like «قال مصدر لوكالة رويترز إن …»
    ("Egyptian officials told Reuters that 26 people were killed.",
     ("Egyptian officials", "said", "Reuters", "26 people were killed.")),
    ("Twenty-six people were killed in Cairo on Saturday, Egyptian officials told Reuters.",
     ("Egyptian officials", "said", "Reuters", "Twenty-six people were killed in Cairo on Saturday")),
    ("A police official told the BBC on Monday that the ship sank.",
     ("A police official", "said", "the BBC", "the ship sank.")),
    ("The ministry said in a statement that 40 people died.", ("The ministry", "said", None, "40 people died.")),
    ("He told reporters that the ship sank.", ("He", "said", None, "the ship sank.")),  # an audience relays nothing
    ("A source close to the talks said that the deal was near.",  # "to" inside a source is no recipient
     ("A source close to the talks", "said", None, "the deal was near.")),
    # no «that»: a source-like subject, then a clause
    ("Witnesses said the vessel was overloaded.", ("Witnesses", "said", None, "the vessel was overloaded.")),
    ("Reuters reported the minister visited Baghdad.", ("Reuters", "reported", None, "the minister visited Baghdad.")),
    ("The provincial disaster authority said 25,000 people were displaced.",
     ("The provincial disaster authority", "said", None, "25,000 people were displaced.")),
    ("Police told reporters the driver fled.", ("Police", "said", None, "the driver fled.")),
    ("Rescuers said Monday the toll had risen to 30.", ("Rescuers", "said", None, "the toll had risen to 30.")),
])
def test_english_subject_first_cues(sentence, expected):
    assert _read(sentence) == expected


@pytest.mark.parametrize("sentence,expected", [
    ("At least 12 people were killed, police said.", ("police", "said", None, "At least 12 people were killed")),
    ("At least 12 people were killed, police say.", ("police", "said", None, "At least 12 people were killed")),
    ("The ship sank, the ministry said in a statement.", ("the ministry", "said", None, "The ship sank")),
    ('"The ship sank," he told AFP on Monday.', ("he", "said", "AFP", "The ship sank")),
    ("We were told the ship had left, his brother said.",
     ("his brother", "said", None, "We were told the ship had left")),
    ("The ship sank on Monday, according to local officials.",
     ("local officials", "reported", None, "The ship sank on Monday")),
    ("Officials said the ship sank, according to the newspaper.",
     ("Officials", "said", "the newspaper", "the ship sank")),
    # "according to" in mid-sentence: the body stays whole
    ("The ship sank on Monday, according to the coast guard, and 12 died.",
     ("the coast guard", "reported", None,
      "The ship sank on Monday, according to the coast guard, and 12 died.")),
])
def test_closing_cues_end_the_body(sentence, expected):
    assert _read(sentence) == expected


@pytest.mark.parametrize("sentence", [
    "He told the story of the ship.",  # "told" with no recipient reports nothing
    # The army asserts nothing here: the sentence is the outlet's own statement about the army.
    "The army said nothing about casualties.",
    "She said goodbye to her family.",
    "The company reported record profits this year.",  # no source-like subject, no clause
    "Siemens reported an unexpected loss of $3m.",  # "-ed" after an article is an adjective
    "The ship sank, and nobody said.",
    "The ship sank, the story he told.",
])
def test_english_near_misses_quote_nobody(sentence):
    assert find_attribution(sentence) is None


@pytest.mark.parametrize("sentence,expected", [
    ("Le navire a coulé lundi, selon l'AFP.", ("AFP", "reported", None, "Le navire a coulé lundi")),
    ("Selon l'AFP, le navire a coulé lundi.", ("AFP", "reported", None, "le navire a coulé lundi.")),
    ("Le porte-parole a déclaré que le navire était surchargé.",
     ("Le porte-parole", "said", None, "le navire était surchargé.")),
    ("Le ministère a indiqué que 26 personnes sont mortes.",
     ("Le ministère", "said", None, "26 personnes sont mortes.")),
    ("El barco se hundió el lunes, según la agencia EFE.",
     ("la agencia EFE", "reported", None, "El barco se hundió el lunes")),
    ("El ministerio ha dicho que murieron 26 personas.", ("El ministerio", "said", None, "murieron 26 personas.")),
    ("La policía informó que murieron 26 personas.", ("La policía", "reported", None, "murieron 26 personas.")),
])
def test_french_and_spanish_cues(sentence, expected):
    assert _read(sentence) == expected


@pytest.mark.parametrize("sentence,expected", [
    ("وفق ما أعلنت هيئة الموانئ المصرية، غرقت السفينة قرب الميناء.",
     ("هيئة الموانئ المصرية", "said", None, "غرقت السفينة قرب الميناء.")),
    ("حسبما أعلنت هيئة الموانئ المصرية، غرقت السفينة قرب الميناء.",
     ("هيئة الموانئ المصرية", "said", None, "غرقت السفينة قرب الميناء.")),
    ("غرقت السفينة قرب الميناء، وفق ما أعلنت هيئة الموانئ المصرية.",
     ("هيئة الموانئ المصرية", "said", None, "غرقت السفينة قرب الميناء")),
    ("وفقا لما ذكرته وكالة الأنباء الرسمية، غرقت السفينة.",
     ("وكالة الأنباء الرسمية", "reported", None, "غرقت السفينة.")),
    ("وقال مصدر لوكالة رويترز إن السفينة غرقت.", ("مصدر", "said", "وكالة رويترز", "السفينة غرقت.")),
])
def test_arabic_according_cues_name_the_source_without_its_verb(sentence, expected):
    assert _read(sentence) == expected


def test_a_closing_cue_is_left_out_of_the_claims_proposition_and_the_judges_body():
    claims = split_claims(_doc("At least 12 people were killed in the fire, police said.", source="outlet"))
    assert [(c.attribution.source, c.proposition) for c in claims] == [
        ("police", "At least 12 people were killed in the fire")]
    side = pair_input_from_text("At least 12 people were killed, police said.")
    assert side.text[side.body[0]:side.body[1]] == "At least 12 people were killed"
