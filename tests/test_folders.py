"""Writes go to the user's folders, never into the installed package; readers look there first, then in the package."""

import csv
import hashlib
import json
import sys

import pytest
from typer.testing import CliRunner

from checker.cli import app
from checker.config import Config, load_config
from checker.embed.base import DEFAULT_MODEL_ID, INT8_MODEL_ID
from checker.errors import ModelError
from checker.folders import PACKAGED, user_cache_dir, user_data_dir
from checker.judge.calibrate import calibration_file, store
from checker.judge.scorer import SCORER_ROOT, PairScorer, scorer_folder
from checker.judge.verdict import Calibration

from .test_scorer import write_sentence_scorer

runner = CliRunner()


def _package_digest() -> str:
    """One hash over every file shipped in ``checker/data`` (names and bytes)."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGED.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(PACKAGED)).encode() + path.read_bytes())
    return digest.hexdigest()


@pytest.mark.skipif(sys.platform != "linux", reason="the XDG layout is Linux's")
def test_folders_follow_the_platform_and_the_overrides(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for var in ("XDG_CACHE_HOME", "XDG_DATA_HOME", "CHECKER_DATA_DIR", "CHECKER_CACHE_DIR"):
        monkeypatch.delenv(var, raising=False)
    assert user_cache_dir() == tmp_path / "home" / ".cache" / "checker"  # as before platformdirs
    assert Config().cache_dir == tmp_path / "home" / ".cache" / "checker"
    assert user_data_dir() == tmp_path / "home" / ".local" / "share" / "checker"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    assert Config().cache_dir == tmp_path / "xdg-cache" / "checker"
    assert user_data_dir() == tmp_path / "xdg-data" / "checker"
    monkeypatch.setenv("CHECKER_DATA_DIR", str(tmp_path / "mine"))
    assert user_data_dir() == tmp_path / "mine"
    assert load_config(env={"CHECKER_CACHE_DIR": str(tmp_path / "c")}, cwd=tmp_path).cache_dir == tmp_path / "c"


def test_a_stored_calibration_goes_to_the_user_folder_and_is_read_first(user_data):
    before = _package_digest()
    shipped = Calibration.for_model(INT8_MODEL_ID)
    assert shipped is not None and shipped.cross is not None
    path = store(INT8_MODEL_ID, {"unrelated": 0.7, "related": 0.9, "pairs": 10})
    assert path == calibration_file() == user_data / "calibration.json"
    mine = Calibration.for_model(INT8_MODEL_ID)
    assert (mine.unrelated, mine.related) == (0.7, 0.9)
    assert mine.cross == shipped.cross  # the shipped cross-script landmarks are kept
    assert Calibration.for_model(DEFAULT_MODEL_ID) is not None  # other models still read the shipped file
    assert _package_digest() == before


def test_cross_landmarks_alone_keep_the_shipped_same_script_ones(user_data):
    shipped = Calibration.for_model(DEFAULT_MODEL_ID)
    store(DEFAULT_MODEL_ID, {"unrelated": 0.5, "related": 0.6, "pairs": 30}, key="cross")
    mine = Calibration.for_model(DEFAULT_MODEL_ID)
    assert (mine.unrelated, mine.related, mine.cross) == (shipped.unrelated, shipped.related, (0.5, 0.6))


def test_the_user_folder_is_created_and_a_broken_file_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("CHECKER_DATA_DIR", str(tmp_path / "not" / "yet"))
    assert store("m", {"unrelated": 0.1, "related": 0.2}).is_file()
    calibration_file().write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError, match=r"calibration\.json: not valid JSON .*run `checker calibrate` again"):
        Calibration.for_model("m")


def test_a_user_scorer_takes_the_place_of_the_shipped_one(user_data):
    shipped = PairScorer.for_model(DEFAULT_MODEL_ID)
    assert shipped is not None
    folder = scorer_folder(DEFAULT_MODEL_ID)
    assert folder == user_data / "scorer" / "multilingual-e5-small"
    write_sentence_scorer(folder, DEFAULT_MODEL_ID)
    mine = PairScorer.for_model(DEFAULT_MODEL_ID)
    assert mine.kind == "sentence" and shipped.kind == "tokens"
    assert PairScorer.for_model(DEFAULT_MODEL_ID, SCORER_ROOT).kind == "tokens"  # an explicit folder is the only one


def _pairs_csv(path):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["s1", "s2", "stance"])
        for n in range(12):
            writer.writerow([f"prices rose {n} percent in port {n}", f"prices fell {n} percent in port {n}",
                             "disagree" if n % 3 else "agree"])
            writer.writerow([f"the team {n} won the cup", f"rain fell on city {n}", "other"])


def test_calibrate_writes_to_the_user_folder_or_to_output(fake, tmp_path, user_data):
    before = _package_digest()
    pairs = tmp_path / "pairs.csv"
    _pairs_csv(pairs)
    result = runner.invoke(app, ["calibrate", str(pairs)])
    assert result.exit_code == 0, result.output
    assert f"stored in {user_data / 'calibration.json'}" in result.stderr
    assert fake.model_id in json.loads((user_data / "calibration.json").read_text(encoding="utf-8"))
    result = runner.invoke(app, ["calibrate", str(pairs), "--output", str(tmp_path / "cal.json")])
    assert result.exit_code == 0 and fake.model_id in json.loads((tmp_path / "cal.json").read_text(encoding="utf-8"))
    result = runner.invoke(app, ["calibrate", str(pairs), "--output", str(tmp_path / "missing" / "cal.json")])
    assert result.exit_code == 3 and "mkdir -p" in result.stderr
    assert len(fake.calls) == 4  # two runs of two embeddings each: the third stopped before the model ran
    assert _package_digest() == before


def test_train_writes_to_the_user_folder_or_to_output(fake, tmp_path, user_data):
    before = _package_digest()
    pairs = tmp_path / "pairs.csv"
    _pairs_csv(pairs)
    result = runner.invoke(app, ["train", "--train", str(pairs), "--dev", str(pairs)])
    assert result.exit_code == 0, result.output
    folder = scorer_folder(fake.model_id)
    assert folder.parent == user_data / "scorer" and (folder / "card.json").is_file()
    assert f"in {folder} (" in result.stdout
    result = runner.invoke(app, ["train", "--train", str(pairs), "--dev", str(pairs), "--output", str(tmp_path / "s")])
    assert result.exit_code == 0 and (tmp_path / "s" / "heads.npz").is_file()
    assert PairScorer.for_model(fake.model_id, tmp_path / "s").card["model"] == fake.model_id
    assert _package_digest() == before
