"""One precedence order for settings: flag > CHECKER_* environment > config file > default; the config file found
as ruff and pytest find theirs (checker.toml or pyproject.toml's [tool.checker], here or above)."""

from __future__ import annotations

import pytest

from checker.config import Config, find_config, load_config
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


def test_pyproject_tool_checker_is_read(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "news"\n\n[tool.checker]\nmin-score = 0.7\n')
    assert load_config(cwd=tmp_path, env={}).min_score == 0.7
    (tmp_path / "pyproject.toml").write_text('[tool.checker]\nneighbours = "many"\n')
    with pytest.raises(ConfigError, match=r"pyproject\.toml \[tool\.checker\]: neighbours has an invalid value"):
        load_config(cwd=tmp_path, env={})


def test_the_config_file_is_searched_upward_and_the_nearest_wins(tmp_path):
    deep = tmp_path / "repo" / "reports" / "2024"
    deep.mkdir(parents=True)
    (tmp_path / "repo" / "checker.toml").write_text("[checker]\nmin_score = 0.6\n")
    assert find_config(deep) == tmp_path / "repo" / "checker.toml"
    assert load_config(cwd=deep, env={}).min_score == 0.6
    (tmp_path / "repo" / "reports" / "pyproject.toml").write_text('[project]\nname = "x"\n')  # not checker's
    assert find_config(deep) == tmp_path / "repo" / "checker.toml"
    (tmp_path / "repo" / "reports" / "pyproject.toml").write_text("[tool.checker]\nmin_score = 0.8\n")
    assert load_config(cwd=deep, env={}).min_score == 0.8  # nearer
    (tmp_path / "repo" / "reports" / "checker.toml").write_text("min_score = 0.9\n")  # bare keys
    assert find_config(deep).name == "checker.toml"  # checker.toml first within one folder
    assert load_config(cwd=deep, env={}).min_score == 0.9


def test_the_search_stops_at_the_repository_root(tmp_path):
    (tmp_path / "checker.toml").write_text('[checker]\nfail_on = "none"\n')  # above the repository
    repo = tmp_path / "repo"
    (repo / "reports").mkdir(parents=True)
    assert find_config(repo / "reports") == tmp_path / "checker.toml"
    (repo / ".git").write_text("gitdir: /elsewhere\n")  # a worktree's .git is a file
    assert find_config(repo / "reports") is None
    assert load_config(cwd=repo / "reports", env={}).fail_on == "contradict"


def test_a_broken_pyproject_is_refused_only_when_it_holds_checker_settings(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text("[project\nname = 'someone else'\n")
    assert find_config(tmp_path) is None
    (tmp_path / "pyproject.toml").write_text("[tool.checker\nmin_score = 0.6\n")
    with pytest.raises(ConfigError, match=r"pyproject\.toml: not valid TOML .*fix or remove the file"):
        load_config(cwd=tmp_path, env={})
