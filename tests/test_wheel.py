"""A built wheel installs and runs: ``pip install`` of the wheel into a fresh virtual environment gives the ``checker``
command, which finds its packaged data (calibration, scorer cards) and writes nothing into the installed package.

The fresh environment sees this environment's dependencies through a ``.pth`` file naming its site-packages (a
venv's ``--system-site-packages`` would see the base interpreter's packages, not this venv's), so nothing is
downloaded; the wheel itself is installed with ``--no-deps``. Only the .pth lines are added to ``sys.path``: the
.pth files inside this site-packages (an editable install of the source tree) are not run, so ``checker`` can only
come from the wheel.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest

from .conftest import ROOT, SAMPLE

pytestmark = pytest.mark.slow  # a wheel build and a venv: ~20 s


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, **kwargs)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict:
    """The wheel built from a copy of the source tree, installed into a fresh venv: its paths and environment."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "src"
    shutil.copytree(ROOT / "checker", source / "checker", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    built = _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
                  "--wheel-dir", str(root / "dist"), str(source)])
    assert built.returncode == 0, built.stderr
    [wheel] = (root / "dist").glob("*.whl")

    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                     check=True).stdout.strip())
    ours = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (site / "_checker_test_dependencies.pth").write_text("\n".join(ours) + "\n", encoding="utf-8")
    install = _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                    "--no-index", str(wheel)])
    assert install.returncode == 0, install.stderr
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CHECKER_DEBUG")}  # not the source tree
    return {"wheel": wheel, "python": python, "checker": python.with_name("checker"), "site": site, "env": env,
            "cwd": root}


def _digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return digest.hexdigest()


def test_the_wheel_is_this_distribution_and_ships_its_data(installed):
    name = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["name"]
    assert installed["wheel"].name.startswith(name.replace("-", "_") + "-")
    from zipfile import ZipFile

    files = set(ZipFile(installed["wheel"]).namelist())
    assert {"checker/py.typed", "checker/data/calibration.json", "checker/data/e5_reference.json",
            "checker/data/scorer/e5-small-int8/card.json",
            "checker/data/scorer/use-multilingual-int8/heads.npz"} <= files


def test_the_installed_command_runs_and_finds_its_packaged_data(installed):
    import checker

    result = _run([str(installed["checker"]), "--version"], env=installed["env"], cwd=installed["cwd"])
    assert result.returncode == 0 and result.stdout.strip() == f"checker {checker.__version__}", result.stderr
    probe = """
import json, importlib.metadata
import checker
from checker.embed.base import INT8_MODEL_ID
from checker.judge.scorer import PairScorer
from checker.judge.verdict import Calibration
scorer = PairScorer.for_model(INT8_MODEL_ID)
print(json.dumps({"module": checker.__file__, "version": importlib.metadata.version("claim-consistency-checker"),
                  "calibration": Calibration.for_model(INT8_MODEL_ID) is not None, "scorer": scorer.card["model"]}))
"""
    result = _run([str(installed["python"]), "-c", probe], env=installed["env"], cwd=installed["cwd"])
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert Path(found["module"]).is_relative_to(installed["site"])  # the wheel's checker, not the source tree
    assert found["version"] == checker.__version__ and found["calibration"]
    assert found["scorer"].startswith("checker/multilingual-e5-small")


@pytest.mark.model
def test_the_installed_command_checks_the_sample_corpus_as_the_source_tree_does(installed, tmp_path):
    package = installed["site"] / "checker"
    before = _digest(package)
    env = {**installed["env"], "CHECKER_DATA_DIR": str(tmp_path / "user-data")}  # no user calibration or scorer
    wheel = _run([str(installed["checker"]), "check", str(SAMPLE), "--format", "json"], env=env, cwd=installed["cwd"])
    assert wheel.returncode in (0, 1), wheel.stderr
    source = _run([sys.executable, "-c", "from checker.cli import main; main()", "check", str(SAMPLE), "--format",
                   "json"], env={**env, "PYTHONPATH": str(ROOT)}, cwd=installed["cwd"])
    assert source.returncode == wheel.returncode, source.stderr

    def findings(stdout: str) -> list[tuple]:
        data = json.loads(stdout)
        assert len(data["reports"]) == 5
        return [(f["id"], f["relation"], f["score"], f["pair_score"]) for f in data["findings"]]

    assert findings(wheel.stdout) == findings(source.stdout) and findings(wheel.stdout)
    assert any(pair_score is not None for *_, pair_score in findings(wheel.stdout))  # the packaged scorer ran
    assert _digest(package) == before  # nothing written into the installed package
