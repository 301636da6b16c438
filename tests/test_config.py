"""One precedence order for settings: flag > CHECKER_* environment > checker.toml > default."""

from __future__ import annotations

import pytest

from checker.config import Config, load_config
from checker.errors import ConfigError


@pytest.fixture
def toml(tmp_path):
    (tmp_path / "checker.toml").write_text('[checker]\nmin_score = 0.6\nneighbours = 10\nindex_type = "flat"\n')
    return tmp_path


@pytest.mark.parametrize("setting, file_value, env_value, flag_value", [
    ("min_score", 0.6, "0.7", 0.8),
    ("neighbours", 10, "12", 14),
    ("index_type", "flat", "ivf", "auto"),
])
def test_flag_beats_env_beats_file_beats_default(toml, setting, file_value, env_value, flag_value):
    env = {f"CHECKER_{setting.upper()}": env_value}
    default = getattr(Config(), setting)
    assert getattr(load_config(cwd=toml.parent / "elsewhere", env={}), setting) == default
    assert getattr(load_config(cwd=toml, env={}), setting) == file_value
    assert str(getattr(load_config(cwd=toml, env=env), setting)) == env_value
    assert getattr(load_config({setting: flag_value}, cwd=toml, env=env), setting) == flag_value
    assert getattr(load_config({setting: None}, cwd=toml, env=env), setting) != flag_value  # unset flag


@pytest.mark.parametrize("line, message", [
    ('neighbours = "many"', "neighbours has an invalid value 'many'"),
    ('index_type = "hnsw"', "index_type must be one of auto, flat, ivf"),
    ("min_score = 3", "min_score must be between 0 and 1"),
])
def test_invalid_value_in_the_file_names_file_and_key(tmp_path, line, message):
    (tmp_path / "checker.toml").write_text(f"[checker]\n{line}\n")
    with pytest.raises(ConfigError, match=message) as caught:
        load_config(cwd=tmp_path, env={})
    assert str(tmp_path / "checker.toml") in str(caught.value)


def test_invalid_environment_value_names_the_variable(tmp_path):
    with pytest.raises(ConfigError, match="CHECKER_BATCH_SIZE"):
        load_config(cwd=tmp_path, env={"CHECKER_BATCH_SIZE": "lots"})
