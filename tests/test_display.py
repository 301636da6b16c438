"""The Arabic display policy: which renderer is given what."""

import pytest

from checker.errors import ConfigError
from checker.text.display import AS_WRITTEN, LAID_OUT, bidi_mode, terminal_display


def test_modes_and_terminals():
    assert bidi_mode(env={}) == "auto" and bidi_mode(env={"CHECKER_BIDI": "0"}) == "off"
    assert bidi_mode("on", env={"CHECKER_BIDI": "off"}) == "on"  # a flag wins over the variable
    with pytest.raises(ConfigError, match="CHECKER_BIDI='sideways'"):
        bidi_mode(env={"CHECKER_BIDI": "sideways"})
    assert terminal_display(True, env={}) == LAID_OUT
    assert terminal_display(False, env={}) == AS_WRITTEN  # a file or a pipe gets the text as stored
    for name in ("VTE_VERSION", "KONSOLE_VERSION", "MLTERM"):  # terminals that join and reorder themselves
        assert terminal_display(True, env={name: "7600"}) == AS_WRITTEN
        assert terminal_display(True, env={name: "7600", "CHECKER_BIDI": "on"}) == LAID_OUT
    assert terminal_display(True, "off", env={}) == AS_WRITTEN
    assert terminal_display(False, "on", env={}) == LAID_OUT
