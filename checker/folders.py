"""Where checker keeps files outside the repository: the user's data and cache folders (platformdirs).

What checker writes on its own (``checker calibrate``'s landmarks, ``checker train``'s scorers) goes to the user
data folder, never into the installed package, which may be read-only and is replaced on upgrade. Readers look in
the user data folder first, then in the data shipped with the package, so a user's calibration or scorer for a
model takes the place of the shipped one.
"""

from __future__ import annotations

import os
from pathlib import Path

APP = "checker"
PACKAGED = Path(__file__).parent / "data"  #: data shipped inside the package (read only)


def user_data_dir() -> Path:
    """``$CHECKER_DATA_DIR`` if set, else the platform's user data folder for checker
    (``$XDG_DATA_HOME/checker`` or ``~/.local/share/checker`` on Linux, ``~/Library/Application Support/checker``
    on macOS, ``%LOCALAPPDATA%\\checker`` on Windows). Not created here; writers create it."""
    if override := os.environ.get("CHECKER_DATA_DIR"):
        return Path(override).expanduser()
    from platformdirs import user_data_dir as platform_data_dir

    return Path(platform_data_dir(APP, appauthor=False))


def user_cache_dir() -> Path:
    """The platform's user cache folder for checker: ``$XDG_CACHE_HOME/checker`` or ``~/.cache/checker`` on Linux,
    ``~/Library/Caches/checker`` on macOS, ``%LOCALAPPDATA%\\checker\\Cache`` on Windows. ``Config.cache_dir``
    (``cache_dir`` in the config file, ``CHECKER_CACHE_DIR``) overrides it."""
    from platformdirs import user_cache_dir as platform_cache_dir

    return Path(platform_cache_dir(APP, appauthor=False))


def data_roots() -> tuple[Path, Path]:
    """The folders readers search, in order: the user data folder, then the packaged data."""
    return user_data_dir(), PACKAGED
