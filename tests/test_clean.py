from checker.read.clean import article_spans, metadata
from checker.read.ingest import read_paths

LEFTOVERS = ["اترك رد", "لن يتم نشر عنوان بريدك", "اقرأ أيضًا", "إقرأ أيضاً", "مقالات مشابهة", "كلمات دلالية",
             "Total 0 Shares", "Tweet 0", "Written by", "من مواليد عام 1984", "دقائق القراءة", "https://t.co",
             "(@straits_times)", "إقرأ المزيد", "بوليفيا تعلن عن إمكانية شراء طائرات مسيرة إيرانية",
             "اترك تعليقاً"]


def _kept(doc):
    return [doc.text[s:e] for s, e in article_spans(doc.text)]


def test_no_web_leftover_survives_cleaning(sample_dir):
    for doc in read_paths([sample_dir]).documents:
        kept = "\n".join(_kept(doc))
        for junk in LEFTOVERS:
            assert junk not in kept, (doc.path, junk)


def test_article_sentences_are_kept(sample_dir):
    docs = {d.path.rsplit("/", 1)[-1][:3]: d for d in read_paths([sample_dir]).documents}
    assert any("رامشتاين" in line for line in _kept(docs["000"]))
    assert any("ومع ذلك ، لا توجد مؤشرات" in line for line in _kept(docs["000"]))  # last article line
    assert any("بلومبرغ" in line for line in _kept(docs["004"]))
    assert any("يتردد في السماح بإنشاء قاعدة" in line for line in _kept(docs["003"]))


def test_spans_point_into_the_original_text():
    text = "عنوان الخبر هنا\n\nجملة أولى من المقال تقول شيئا مهما.\nكلمات دلالية: أ ب\nاترك رد\nتعليق"
    spans = article_spans(text)
    assert [text[s:e] for s, e in spans] == ["عنوان الخبر هنا", "جملة أولى من المقال تقول شيئا مهما."]


def test_metadata_reads_outlet_and_date_lines():
    text = "عنوان\nتاريخ النشر: 28th, December 2024 GMT\nنص المقال هنا طويل بما يكفي.\nالمصدر: تركيا الآن\n"
    assert metadata(text) == {"date": "28th, December 2024 GMT", "source": "تركيا الآن"}
    spanish = "Titular\nEl barco llegó al puerto de Valencia el lunes por la mañana.\nFuente: El País\n"
    assert metadata(spanish)["source"] == "El País"
    assert all("Fuente" not in spanish[s:e] for s, e in article_spans(spanish))


def test_related_list_items_after_heading_are_dropped_but_text_before_kept():
    text = ("خبر عن الطقس\nارتفعت درجات الحرارة في المدينة اليوم إلى مستويات قياسية غير مسبوقة منذ سنوات طويلة.\n"
            "مقالات مشابهة\n  • عنوان أول\n  • عنوان ثان\n")
    kept = [text[s:e] for s, e in article_spans(text)]
    assert kept[-1].startswith("ارتفعت") and not any("عنوان" in k for k in kept[1:])
