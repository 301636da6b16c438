import matplotlib
import numpy as np

from checker.report.plot import display_label, source_matrix

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


def test_display_label_joins_and_reorders_arabic():
    label = display_label("صحيفة التايمز")
    assert label != "صحيفة التايمز" and "ﺻ" in label  # presentation forms, in visual (reversed) order
    assert display_label("x" * 50, 10) == "x" * 9 + "…"
