"""Execute examples/walkthrough.ipynb with the real default model and save it with its outputs.

Usage: .venv/bin/python scripts/run_notebook.py [NOTEBOOK]

Run after a change that alters what the notebook shows (findings, views, plots), and commit the result:
GitHub shows the saved outputs. CI executes the notebook again (tests/test_notebook.py) without saving it.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(path: Path) -> None:
    """Execute ``path`` from the repository root and write it back with outputs (no timing metadata)."""
    import nbclient
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3", record_timing=False,
                                     resources={"metadata": {"path": str(ROOT)}})
    client.execute()
    nbformat.write(notebook, path)


if __name__ == "__main__":
    run(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "examples" / "walkthrough.ipynb")
