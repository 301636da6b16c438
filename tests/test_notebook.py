"""The example notebook is committed with its outputs, and runs from top to bottom without an error (with the
real model)."""

import json
import sys

import pytest

from .conftest import ROOT

NOTEBOOK = ROOT / "examples" / "walkthrough.ipynb"


def _outputs(cells) -> list[dict]:
    return [o for cell in cells if cell["cell_type"] == "code" for o in cell["outputs"]]


def _shows_results(outputs: list[dict]) -> None:
    html = [o for o in outputs if "text/html" in o.get("data", {})]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert any("<mark>" in "".join(o["data"]["text/html"]) for o in html), "the report renders as HTML"
    assert len(images) >= 2, f"both plots draw ({sys.executable})"


def test_the_committed_notebook_holds_the_outputs_of_one_run():
    """GitHub shows what is saved: every code cell ran, in order, in one session, and none failed
    (re-run with ``python scripts/run_notebook.py`` after a change that alters what it shows)."""
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    code = [cell for cell in cells if cell["cell_type"] == "code"]
    assert [cell["execution_count"] for cell in code] == list(range(1, len(code) + 1)), \
        "run scripts/run_notebook.py and commit the notebook with its outputs"
    outputs = _outputs(cells)
    assert not [o for o in outputs if o["output_type"] == "error" or o.get("name") == "stderr"]
    _shows_results(outputs)
    shown = "".join("".join(o.get("data", {}).get("text/plain", "")) for o in outputs)
    assert "object at 0x" not in shown  # every object the notebook shows has a readable repr


@pytest.mark.model
def test_walkthrough_notebook_executes():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    # the kernel is this interpreter (jupyter_client runs a "python" kernel spec with sys.executable)
    client = nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(ROOT)}})
    client.execute()  # raises CellExecutionError naming the failing cell
    _shows_results(_outputs(notebook.cells))
