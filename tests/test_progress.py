import numpy as np

from checker import build_index, check, check_index
from checker.cli.app import amount_column
from checker.progress import INDEXING, embed_with_progress, tqdm_progress
from checker.read.ingest import scan


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
    embedding = [s for s in seen if s[0] == "embedding claims"]
    assert embedding[-1] == ("embedding claims", len(report.claims), len(report.claims))
    seen.clear()
    index = build_index([sample_dir], tmp_path / "ix", embedder=fake_embedder, progress=lambda *a: seen.append(a))
    total = sum(f.stat().st_size for f in sample_dir.iterdir() if f.suffix in (".txt", ".jsonl", ".html"))
    assert scan([sample_dir]).total_bytes == total  # progress counts bytes of input, sized before reading
    assert {stage for stage, _, _ in seen} == {INDEXING} and {t for _, _, t in seen} == {total}
    done = [d for _, d, _ in seen]
    assert done == sorted(done) and done[0] > 0 and done[-1] == total
    assert len(index.to_pandas()) == index.info().claims and "<table>" in index._repr_html_()
    assert check_index(index, embedder=fake_embedder).to_pandas().shape[0] == len(report.findings)


def test_progress_true_draws_tqdm_bars(fake_embedder, sample_dir, capsys):
    check([sample_dir], embedder=fake_embedder, progress=True)
    assert "embedding claims" in capsys.readouterr().err


def test_byte_stages_show_sizes_in_both_front_ends(capsys):
    report = tqdm_progress()
    report(INDEXING, 3 * 2**20, 8 * 2**20)
    report(INDEXING, 8 * 2**20, 8 * 2**20)
    drawn = capsys.readouterr().err
    assert "8.00M/8.00M" in drawn and "B/s]" in drawn and "00:00<00:00" in drawn  # size, rate, elapsed<remaining

    class Task:
        description, completed, total = INDEXING, 12_300_000, 40_000_000

    assert amount_column().render(Task()).plain == "12.3 MB/40.0 MB"
    Task.description, Task.total = "embedding claims", None
    assert amount_column().render(Task()).plain == "12300000/?"


def test_check_reports_progress_while_splitting_embedding_and_judging(fake_embedder, sample_dir):
    """A very large report spends minutes splitting and judging: each stage shows progress, not only embedding."""
    from checker import check

    seen: dict[str, list[tuple[int, int]]] = {}
    check([sample_dir], embedder=fake_embedder, progress=lambda stage, done, total: seen.setdefault(stage, []).append(
        (done, total)))
    assert {"splitting reports", "embedding claims", "judging pairs"} <= seen.keys()
    assert seen["splitting reports"][-1] == (5, 5) and seen["judging pairs"][-1][0] == seen["judging pairs"][-1][1]
