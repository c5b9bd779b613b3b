"""The emulator against tmux: recorded output of real programs (see streams/record.py) replayed
into both, screens compared row by row. tmux is the reference a user would trust."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from sessionboard.terminal.emulator import Emulator
from tests.terminal.streams.tmuxcap import TMUX, run_in_tmux

STREAMS = Path(__file__).parent / "streams"
FILES = sorted(STREAMS.glob("*.bin"))


def test_tmux_is_installed() -> None:
    assert Path(TMUX).exists(), "tmux is the reference for these tests; .ci/run installs it"


def _emulate(data: bytes, chunks: str) -> list[str]:
    emu = Emulator(80, 24)
    if chunks == "whole":
        emu.feed(data)
    elif chunks == "bytewise":
        for i in range(len(data)):
            emu.feed(data[i : i + 1])
    else:  # random cuts, anywhere: inside UTF-8 sequences and escape sequences alike
        rng = random.Random(len(data))
        i = 0
        while i < len(data):
            n = rng.randint(1, 17)
            emu.feed(data[i : i + n])
            i += n
    return emu.screen.display()


def test_streams_were_recorded() -> None:
    names = {f.stem for f in FILES}
    assert {"plain", "ls_color", "wide", "vim_screen", "vim", "less", "less_screen", "top_screen"} <= names


@pytest.fixture(scope="module")
def tmux_screens() -> dict[str, list[str]]:
    return {f.stem: run_in_tmux(f)[0] for f in FILES}


@pytest.mark.parametrize("chunks", ["whole", "random", "bytewise"])
@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_screen_matches_tmux(path: Path, chunks: str, tmux_screens: dict[str, list[str]]) -> None:
    expected = tmux_screens[path.stem]
    assert any(expected), "tmux showed an empty screen: the reference itself is broken"
    got = _emulate(path.read_bytes(), chunks)
    for y, (want, have) in enumerate(zip(expected, got)):
        assert have == want, f"row {y} differs"


def test_alternate_screen_restores_shell_screen(tmux_screens: dict[str, list[str]]) -> None:
    """less drew a full screen of the file; after q the shell lines are back, the file is gone."""
    during = tmux_screens["less_screen"]
    after = tmux_screens["less"]
    assert any("function_1(" in row for row in during)
    emu = Emulator(80, 24)
    emu.feed((STREAMS / "less.bin").read_bytes())
    rows = emu.screen.display()
    assert rows[0] == "shell-before" and rows[1] == "shell-after"
    assert not any("function_" in row for row in rows)
    assert rows == after
