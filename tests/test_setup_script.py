"""scripts/setup.sh is quiet when it works and loud when it fails: pip's output goes to a log, a failing step prints
its name and the log's end and stops the script with pip's exit code. Run on a copy of the script, with a stand-in
``python3`` whose venv holds a scripted pip (the real set-up is what CI runs first)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import ROOT

PIP = """#!/usr/bin/env bash
echo "Looking in indexes: https://pypi.org/simple"
echo "WARNING: Location 'file:///opt/pypi/simple/$2/' is ignored: it is neither a file nor a directory." >&2
if [ -n "${FAIL_ON:-}" ] && [[ "$*" == *"$FAIL_ON"* ]]; then
  echo "ERROR: Could not find a version that satisfies the requirement $FAIL_ON" >&2
  exit 7
fi
if [ "$1" = show ]; then exit 1; fi
"""
VENV_PYTHON = """#!/usr/bin/env bash
echo "model ready: /cache/checker/models/e5-int8"
"""
PYTHON3 = """#!/usr/bin/env bash
# stand-in for `python3 -m venv .venv`
mkdir -p .venv/bin
cp "{fake}/pip" .venv/bin/pip
cp "{fake}/venv-python" .venv/bin/python
printf '#!/usr/bin/env bash\\necho "checker 0.1.0"\\n' > .venv/bin/checker
chmod +x .venv/bin/*
"""


def _tool(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    path.chmod(0o755)


@pytest.fixture
def setup_copy(tmp_path) -> tuple[Path, dict[str, str]]:
    (tmp_path / "repo" / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "setup.sh", tmp_path / "repo" / "scripts" / "setup.sh")
    fake = tmp_path / "fake"
    fake.mkdir()
    _tool(fake / "pip", PIP)
    _tool(fake / "venv-python", VENV_PYTHON)
    (fake / "bin").mkdir()
    _tool(fake / "bin" / "python3", PYTHON3.format(fake=fake))
    env = {**os.environ, "PATH": f"{fake / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    return tmp_path / "repo", env


def test_setup_prints_a_summary_not_pips_warnings(setup_copy):
    repo, env = setup_copy
    result = subprocess.run(["bash", "scripts/setup.sh"], cwd=repo, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.splitlines() == ["installed checker 0.1.0 in .venv (pip's output: .venv/setup.log)",
                                          "model ready: /cache/checker/models/e5-int8"]
    log = (repo / ".venv" / "setup.log").read_text(encoding="utf-8")
    assert "== install torch (CPU build): .venv/bin/pip install torch==2.13.0" in log
    assert log.count("is ignored: it is neither a file nor a directory") == 4  # pip ran four times, into the log


def test_a_failing_step_names_itself_shows_the_log_and_stops(setup_copy):
    repo, env = setup_copy
    result = subprocess.run(["bash", "scripts/setup.sh"], cwd=repo, env={**env, "FAIL_ON": "-e .[dev,onnx,fast]"},
                            capture_output=True, text=True)
    assert result.returncode == 7  # pip's own exit code
    assert result.stderr.startswith("setup failed while it tried to install checker and its test tools (exit code 7)")
    assert "ERROR: Could not find a version that satisfies the requirement" in result.stderr
    assert "installed checker" not in result.stdout and "model ready" not in result.stdout  # nothing ran after it
