"""The example notebook runs from top to bottom without an error (with the real model)."""

import sys

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.model


def test_walkthrough_notebook_executes():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(ROOT / "examples" / "walkthrough.ipynb", as_version=4)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), \
        "commit the notebook with outputs stripped"
    # the kernel is this interpreter (jupyter_client runs a "python" kernel spec with sys.executable)
    client = nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(ROOT)}})
    client.execute()  # raises CellExecutionError naming the failing cell
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    html = [o for o in outputs if "text/html" in o.get("data", {})]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert any("<mark>" in o["data"]["text/html"] for o in html), "the report renders as HTML"
    assert len(images) >= 2, f"both plots draw ({sys.executable})"
