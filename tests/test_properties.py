"""Property tests: ingest, cleaning and claim splitting never crash, spans index back, output is deterministic."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.read.claims import split_claims
from checker.read.clean import article_spans
from checker.read.ingest import Document, content_id, decode
from checker.text.signals import read_signals

ARABIC_WORDS = ["قال", "إن", "ذكرت", "صحيفة", "أن", "نفى", "إلى", "قاعدة", "مطار", "في", "لم", "٢٠١٩", "مليار",
                "يوليو", "S-400", "إس-400", "،", ".", "؟", "\n", "«", "»", "اقرأ أيضا", "كلمات دلالية:", "المصدر:"]
texts = st.one_of(
    st.text(max_size=400),
    st.lists(st.sampled_from(ARABIC_WORDS) | st.text(min_size=1, max_size=8), max_size=80).map(" ".join),
)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(texts)
def test_claim_spans_always_index_back_and_are_deterministic(text):
    if not text.strip():
        return
    doc = Document(content_id(text), "x.txt", "t", text)
    first = split_claims(doc)
    for claim in first:
        assert text[claim.span[0]:claim.span[1]] == claim.text
        assert 0 <= claim.body[0] <= claim.body[1] == len(claim.text)
    assert split_claims(doc) == first


@SETTINGS
@given(texts)
def test_article_spans_are_ordered_and_inside_the_text(text):
    spans = article_spans(text)
    assert all(0 <= s < e <= len(text) for s, e in spans)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))


@SETTINGS
@given(st.binary(max_size=300))
def test_decode_either_returns_text_or_raises_input_error(data):
    from checker.errors import InputError

    try:
        assert isinstance(decode(data, "x.bin"), str)
    except InputError as exc:
        assert "x.bin" in str(exc)


@SETTINGS
@given(texts)
def test_signals_spans_point_at_their_text(text):
    sig = read_signals(text)
    for fact in sig.places + sig.numbers + sig.dates:
        assert 0 <= fact.span[0] < fact.span[1] <= len(text)
