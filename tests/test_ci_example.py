"""The example GitHub Actions workflow (``examples/ci/checker.yml``) works: its shell steps after the install step run
with bash in a scratch repository, on a pull request that adds no report, one that adds a calm report, and one that
adds a report contradicting the corpus."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT

WORKFLOW = ROOT / "examples" / "ci" / "checker.yml"
BASE = {"reports/cairo.txt": "أ\nذكرت صحيفة الغد أن وزارة النقل نقلت الطائرة إلى مطار القاهرة الدولي أمس.",
        "reports/weather.txt": "ج\nذكر موقع الخبر أن الأمطار غزيرة في المدينة اليوم بشكل كبير."}
PULL_REQUESTS = {
    "no new report": {"reports/weather.txt": BASE["reports/weather.txt"] + "\nوقال السكان إن الشوارع غمرت بالمياه.",
                      "README.md": "notes\n"},
    "a calm report": {"reports/2024/harvest.txt": "د\nقال المزارعون إن محصول القمح وفير هذا العام في الشمال."},
    "a contradiction": {"reports/amman.txt":
                        "ب\nقالت وكالة الأنباء إن وزارة النقل نقلت الطائرة إلى مطار عمان الدولي أمس."},
}
#: The fake embedder behind a ``checker`` command on PATH (the real model is the model tier's).
SHIM = """#!{python}
import os, sys
sys.path.insert(0, {root!r})
from tests.conftest import FakeEmbedder
import checker.api, checker.embed
embedder = FakeEmbedder()
checker.embed.embedder_from_config = checker.api.embedder_from_config = lambda config, notify=None: embedder
with open(os.environ["CHECKER_CALLS"], "a", encoding="utf-8") as log:
    log.write(" ".join(sys.argv[1:]) + "\\n")
from checker.cli import main
main()
"""


def _steps() -> tuple[list[dict], list[str]]:
    """The workflow's steps, and the shell of each step after "Install checker" (GitHub expressions filled in)."""
    steps = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]["contradictions"]["steps"]
    install = next(n for n, step in enumerate(steps) if step.get("name") == "Install checker")
    scripts = [step["run"].replace("${{ github.base_ref }}", "main") for step in steps[install + 1:] if "run" in step]
    assert scripts and not any("${{" in script for script in scripts), "a GitHub expression the test does not fill"
    return steps, scripts


def test_the_workflow_installs_cpu_torch_then_this_distribution():
    steps, _ = _steps()
    install = next(step["run"] for step in steps if step.get("name") == "Install checker").splitlines()
    name = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["name"]
    assert name == "claim-consistency-checker"
    torch = next(n for n, line in enumerate(install) if "torch==" in line)
    assert "--index-url https://download.pytorch.org/whl/cpu" in install[torch]
    assert any(re.search(rf"pip install {name}\b", line) for line in install[torch + 1:])
    requirements = [token for line in install for token in shlex.split(line, comments=True)]
    assert not [r for r in requirements if re.match(r"checker\b(?!-)", r)]  # PyPI's "checker" is another tool


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def _write(repo: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text, encoding="utf-8")


def _repository(tmp_path: Path, env: dict[str, str], pull_request: dict[str, str]) -> Path:
    """A repository whose main holds reports and a baseline (``origin/main``), checked out on a pull request."""
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    _write(repo, BASE)
    subprocess.run(["checker", "baseline", "reports", "--output", "checker-baseline.json"], cwd=repo, env=env,
                   check=True, capture_output=True)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "corpus")
    _git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")  # what fetch-depth: 0 gives the workflow
    _git(repo, "checkout", "-q", "-b", "pull-request")
    _write(repo, pull_request)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "pull request")
    return repo


def _environment(tmp_path: Path, real_model: bool) -> dict[str, str]:
    env = {**os.environ, "CHECKER_CALLS": str(tmp_path / "calls.log"), "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    env.pop("CHECKER_DEBUG", None)  # as in CI: errors are messages and exit codes
    if real_model:
        bin_dir = Path(sys.executable).parent  # the environment's own checker command
        assert (bin_dir / "checker").is_file(), "install checker first (scripts/setup.sh)"
    else:
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir()
        (bin_dir / "checker").write_text(SHIM.format(python=sys.executable, root=str(ROOT)), encoding="utf-8")
        (bin_dir / "checker").chmod(0o755)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
    return env


def _run_workflow(tmp_path: Path, pull_request: dict[str, str], real_model: bool = False):
    env = _environment(tmp_path, real_model)
    repo = _repository(tmp_path, env, pull_request)
    (tmp_path / "calls.log").write_text("", encoding="utf-8")
    _, scripts = _steps()
    for script in scripts:  # GitHub runs each step as `bash -e {0}`; the first failing step ends the job
        result = subprocess.run(["bash", "-e", "-c", script], cwd=repo, env=env, capture_output=True, text=True)
        if result.returncode:
            break
    calls = (tmp_path / "calls.log").read_text(encoding="utf-8").splitlines()
    return result, calls


def test_a_pull_request_without_new_reports_passes_without_running_a_check(tmp_path):
    result, calls = _run_workflow(tmp_path, PULL_REQUESTS["no new report"])
    assert result.returncode == 0, result.stderr
    assert "No new reports to check." in result.stdout and calls == []


def test_a_new_calm_report_passes(tmp_path):
    result, calls = _run_workflow(tmp_path, PULL_REQUESTS["a calm report"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert [call.split()[:2] for call in calls] == [["index", "build"], ["check", "reports/2024/harvest.txt"]]
    assert "::error" not in result.stdout


def test_a_new_report_that_contradicts_the_corpus_fails_with_an_annotation(tmp_path):
    result, calls = _run_workflow(tmp_path, PULL_REQUESTS["a contradiction"])
    assert result.returncode == 1, result.stdout + result.stderr  # checker's own code, not xargs' 123
    assert re.search(r"^::error file=reports/amman\.txt,line=2,", result.stdout, re.M), result.stdout
    assert calls[-1].startswith("check reports/amman.txt --against indexes/corpus --baseline")


@pytest.mark.model
@pytest.mark.parametrize("case, code", [("no new report", 0), ("a contradiction", 1)])
def test_the_workflow_with_the_real_model(tmp_path, case, code):
    result, _ = _run_workflow(tmp_path, PULL_REQUESTS[case], real_model=True)
    assert result.returncode == code, result.stdout + result.stderr
    if code:
        assert re.search(r"^::error file=reports/amman\.txt,line=2,", result.stdout, re.M), result.stdout
