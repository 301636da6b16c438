from checker.text.arabic import designations, normalize, root_key, skeleton, tokens


def test_normalize_folds_diacritics_tatweel_alef_yaa_and_digits():
    assert normalize("إِسْـتَقَالَة") == "استقاله"
    assert normalize("أحمد وإسماعيل وآمنة") == "احمد واسماعيل وامنه"
    assert normalize("مستشفى") == "مستشفي"
    assert normalize("٢٠٢٤ و۱۲") == "2024 و12"


def test_tokens_keep_offsets_into_the_displayed_text():
    text = "قال المسؤولُ، إن ٣ سفن غرقت."
    for tok in tokens(text):
        assert text[tok.start:tok.end] == tok.text
    assert [t.norm for t in tokens(text)][-3:] == ["3", "سفن", "غرقت"]


def test_designation_spellings_share_one_canonical_form():
    for text in ("إس-400", "إس 400", "S-400", "اس 400", "S400", "(إس 400)"):
        assert [d[0] for d in designations(text)] == ["S400"], text
    assert [d[0] for d in designations("إف-35 و S-300")] == ["F35", "S300"]


def test_transliteration_variants_share_a_skeleton():
    assert skeleton("ميكيف") == skeleton("ميخيف") == skeleton("مخييف")
    assert skeleton("ميخيف") != skeleton("بيليبسون")


def test_root_key_joins_broken_plural_and_singular():
    assert root_key(normalize("قواعد")) == root_key(normalize("القاعدة")) != ""
    assert root_key("في") == ""
