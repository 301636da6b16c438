from checker.claims import find_attribution, split_claims, unify_sources
from checker.ingest import Document, content_id, read_paths


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
        assert sentence[found[3]:].strip(), sentence


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
