"""Rows 10 and 20: the operator's config file. A choice made in the console (a theme) goes to a
0600 state file and leaves the config as it was: its bytes, its mode, its symlink, its comments.
Config values no deployment means (infinite timeouts, a key bound twice under two spellings, a key
name that names no key, TOML nested 100,000 deep, a file of 32 MB) are refused with one line and
exit 2, by the CLI and by the console's own entry point."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from sessionboard.config import load_config
from sessionboard.sim.hostile import HostileServer
from tests.hostile.helpers import hostile_console, run_cli, server_for, until

THEME = "textual-light"
PROVIDER = '\n[[providers]]\nname = "lab"\nkind = "devices"\nbase_url = "http://127.0.0.1:9/devices"\n'


def user_config(server: HostileServer, directory: Path) -> tuple[Path, Path, bytes]:
    """A hand-written 0600 config with comments and literal keys, and a symlink to it (the way
    dotfile managers install one): (link, file, its bytes)."""
    lines = ["# my sessionboard config: hand-written, keep my comments", "[app]",
             "poll_interval = 600.0  # slow on purpose", ""]
    for entry in server.provider_dicts():
        lines.append("[[providers]]  # " + entry["kind"])
        for key, value in entry.items():
            if isinstance(value, str):
                lines.append(f'{key} = "{value}"')
            elif isinstance(value, list):
                lines.append(f"{key} = [{', '.join(repr(v).replace(chr(39), chr(34)) for v in value)}]")
            elif isinstance(value, (int, float)):
                lines.append(f"{key} = {value}")
        lines.append("")
    real = directory / "dotfiles" / "sessionboard.toml"
    real.parent.mkdir()
    real.write_text("\n".join(lines), encoding="utf-8")
    real.chmod(0o600)
    link = directory / "config.toml"
    link.symlink_to(real)
    return link, real, real.read_bytes()


async def test_a_theme_picked_in_the_console_leaves_the_config_file_alone(tmp_path: Path) -> None:
    server = server_for("clean", kinds=("devices", "tasknet"))
    link, real, before = user_config(server, tmp_path)
    config = load_config(link)
    state_root = Path(os.environ["XDG_STATE_HOME"])

    def kept() -> list[Path]:
        return [p for p in state_root.rglob("*") if p.is_file() and THEME.encode() in p.read_bytes()]

    async with hostile_console(server, config=config) as board:
        assert board.app.theme != THEME
        board.app.theme = THEME  # what the palette's theme picker does
        await until(board.pilot, lambda: bool(kept()) or real.read_bytes() != before or not link.is_symlink(),
                    "the theme to be kept somewhere")
        await board.pilot.pause()
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert real.read_bytes() == before  # comments, key and all
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    assert len(kept()) == 1, sorted(state_root.rglob("*"))
    assert stat.S_IMODE(kept()[0].stat().st_mode) == 0o600


def deep(levels: int) -> str:
    return "x = " + "[" * levels + "]" * levels + "\n" + PROVIDER


REFUSED = {
    "timeout-inf": ("[app]\ntimeout = inf\n" + PROVIDER, "timeout"),
    "poll-interval-inf": ("[app]\npoll_interval = inf\n" + PROVIDER, "poll_interval"),
    "provider-poll-inf": (PROVIDER + "poll_interval = inf\n", "poll_interval"),
    "key-bound-twice": ('[keys]\nclose = "/"\n' + PROVIDER, "close"),
    "not-a-key": ('[keys]\nclose = "blorp"\n' + PROVIDER, "blorp"),
    "nested-100000": (deep(100_000), ""),
}


CASES = [(["check"], case) for case in sorted(REFUSED)] + [([], "nested-100000"), ([], "timeout-inf")]
"""Every case through `check`; the console's entry point reads the file the same way (`_load`), so
two cases there (one the parser refuses, one the models do) show that path too."""


@pytest.mark.parametrize(("verb", "case"), CASES, ids=[f"{'check' if v else 'console'}-{c}" for v, c in CASES])
def test_a_config_no_deployment_means_is_one_line_and_exit_2(tmp_path: Path, case: str, verb: list[str]) -> None:
    text, named = REFUSED[case]
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    ran = run_cli(*verb, "--config", str(path), timeout=15)  # an accepted config starts a console
    assert ran.returncode == 2, ran
    lines = ran.err_lines()
    assert len(lines) == 1 and named in lines[0], lines
    assert "internal error" not in ran.err and "Error:" not in ran.err


@pytest.mark.parametrize("verb", [["check"], []], ids=["check", "console"])
def test_a_32_mb_config_is_one_line_and_exit_2(tmp_path: Path, verb: list[str]) -> None:
    path = tmp_path / "config.toml"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(PROVIDER)
        comment = "# " + "x" * 1022 + "\n"
        for _ in range(32 * 1024):
            handle.write(comment)
    ran = run_cli(*verb, "--config", str(path), timeout=15)  # an accepted config starts a console
    assert ran.returncode == 2, ran
    assert len(ran.err_lines()) == 1 and "internal error" not in ran.err, ran
