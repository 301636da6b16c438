import matplotlib
import numpy as np

from checker.report.plot import display_label, source_matrix
from checker.text import display, rtl
from checker.text.display import AS_WRITTEN, LAID_OUT, matplotlib_shapes, visual

matplotlib.use("Agg")


def test_source_matrix_counts_both_directions(report):
    names, contradict, agree = source_matrix(report)
    i, j = names.index("صحيفة التايمز"), names.index("مسؤولين (via تقرير)")
    assert contradict[i, j] == contradict[j, i] == 1 and agree[i, j] == 0
    assert agree.sum() == 2 and np.array_equal(contradict, contradict.T)


def test_plots_draw_on_the_given_axes(report):
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2)
    assert report.plot_sources(ax=left) is left
    assert len(left.get_yticklabels()) == 4 and left.images
    assert report.plot_timeline(ax=right) is right
    assert len(right.collections) == 4  # one marker per (story, report)
    assert right.get_xlabel() == "publication date"
    plt.close(fig)


def test_timeline_falls_back_to_reading_order_without_dates(report):
    import matplotlib.pyplot as plt

    report.documents = [d.__class__(**{**d.__dict__, "date": None}) for d in report.documents]
    ax = report.plot_timeline()
    assert "reading order" in ax.get_xlabel()
    plt.close(ax.figure)


def test_display_label_lays_arabic_out_only_for_a_matplotlib_that_does_not():
    assert display_label("صحيفة التايمز", display=LAID_OUT) == "ﺰﻤﻳﺎﺘﻟﺍ ﺔﻔﻴﺤﺻ"  # joined, in display order
    assert display_label("صحيفة التايمز", display=AS_WRITTEN) == "صحيفة التايمز"
    assert display_label("x" * 50, 10) == "x" * 9 + "…"


def _pixels(text: str) -> np.ndarray:
    """``text`` drawn by Agg on a small figure of its own."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(3, 0.4), dpi=60)
    canvas = FigureCanvasAgg(figure)
    figure.text(0.02, 0.2, text, fontsize=11)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


def _labels(report) -> tuple[list[str], list[str]]:
    """Sources as stored and the y tick labels the heatmap drew for them."""
    import matplotlib.pyplot as plt

    names = source_matrix(report)[0]
    ax = report.plot_sources()
    shown = [tick.get_text() for tick in ax.get_yticklabels()]
    plt.close(ax.figure)
    return names, shown


def test_plot_labels_draw_as_the_stored_text_reads(report):
    """Where matplotlib lays Arabic out (libraqm), a label is drawn exactly as the raw string is; where it does
    not, the label is the joined display form (and the raw string, drawn as is, would read wrong)."""
    names, shown = _labels(report)
    assert any(rtl._RTL.search(n) for n in names)
    for name, label in zip(names, shown):
        if matplotlib_shapes():
            assert label == name and np.array_equal(_pixels(label), _pixels(name))
            if rtl._RTL.search(name):  # laying it out again, as before, draws it reversed and unjoined
                assert not np.array_equal(_pixels(visual(name)), _pixels(name))
        else:
            assert label == visual(name)
            assert np.array_equal(_pixels(label), _pixels(visual(name)))
    import matplotlib.pyplot as plt

    ax = report.plot_timeline()
    stories = [f"{s.id}. {s.label}" for s in report.stories]
    stories = [s if len(s) <= 45 else s[:44] + "…" for s in stories]
    expected = [s if matplotlib_shapes() else visual(s) for s in stories]
    assert [tick.get_text() for tick in ax.get_yticklabels()] == expected
    plt.close(ax.figure)


def test_plot_labels_for_a_matplotlib_that_does_not_shape(report, monkeypatch):
    monkeypatch.setattr(display, "matplotlib_shapes", lambda: False)
    names, shown = _labels(report)
    assert shown == [visual(n) for n in names] and any(0xFE70 <= ord(ch) <= 0xFEFF for ch in "".join(shown))


def test_the_shaping_probe_sees_libraqm():
    """matplotlib_shapes() finds by drawing what a matplotlib built with libraqm (3.11 on) does."""
    from matplotlib import ft2font

    if getattr(ft2font, "__libraqm_version__", None):
        assert matplotlib_shapes()
        # and what it draws for the raw word is the joined form in display order
        assert np.array_equal(_pixels("صحيفة التايمز"), _pixels("\u202d" + visual("صحيفة التايمز") + "\u202c"))
    else:
        assert not matplotlib_shapes()
