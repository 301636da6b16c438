import numpy as np

from checker import build_index, check
from checker.progress import embed_with_progress


def test_embedding_in_chunks_reports_progress_and_keeps_rows(fake_embedder):
    texts = [f"نقلت البطارية {i}" for i in range(300)]
    seen = []
    vectors = embed_with_progress(fake_embedder.embed, texts, lambda *a: seen.append(a), chunk=128)
    assert seen == [("embedding claims", 128, 300), ("embedding claims", 256, 300), ("embedding claims", 300, 300)]
    assert np.allclose(vectors, fake_embedder.embed(texts))
    fake_embedder.calls.clear()
    embed_with_progress(fake_embedder.embed, texts, None)
    assert len(fake_embedder.calls) == 1  # no progress: one call, as before


def test_check_and_build_index_report_progress(fake_embedder, sample_dir, tmp_path):
    seen = []
    report = check([sample_dir], embedder=fake_embedder, progress=lambda *a: seen.append(a))
    assert seen[-1] == ("embedding claims", len(report.claims), len(report.claims))
    seen.clear()
    index = build_index([sample_dir], tmp_path / "ix", embedder=fake_embedder, progress=lambda *a: seen.append(a))
    assert seen[-1] == ("indexing reports", index.info().reports, index.info().reports)
    assert len(index.to_pandas()) == index.info().claims and "<table>" in index._repr_html_()
    assert index.check(embedder=fake_embedder).to_pandas().shape[0] == len(report.findings)


def test_progress_true_draws_tqdm_bars(fake_embedder, sample_dir, capsys):
    check([sample_dir], embedder=fake_embedder, progress=True)
    assert "embedding claims" in capsys.readouterr().err
