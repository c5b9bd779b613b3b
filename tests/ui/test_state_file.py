"""Row 10 of issue 14: the user's config is never rewritten. A theme picked in the console, the sort
(column and order) and the optional columns go to the state file; the config keeps its bytes, its comments, its mode and its
symlink; the next start reads the choices back; a broken state file is one warning."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import tomli_w

from sessionboard.config import load_config
from tests.ui.helpers import console, make_app, make_cluster, messages, wait_for

HEAD = "# my sessionboard config: keep this comment\n# the keys are literal; this file is 0600\n"


@pytest.fixture
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "state-home" / "sessionboard"
    monkeypatch.setattr("sessionboard.config.paths.user_state_dir", lambda: where)
    return where


def write_config(tmp_path: Path, cluster: object, theme: str = "sessionboard-dark") -> tuple[Path, Path]:
    """A real file (0600, comments, literal keys) and a symlink to it, the path the console is given."""
    real = tmp_path / "dotfiles" / "sessionboard.toml"
    real.parent.mkdir()
    body = tomli_w.dumps({"app": {"theme": theme, "poll_interval": 600.0}, "providers": cluster.provider_dicts()})  # type: ignore[attr-defined]
    fd = os.open(real, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(HEAD + body + "# trailing comment\n")
    link = tmp_path / "config.toml"
    link.symlink_to(real)
    return real, link


async def test_choices_go_to_the_state_file_and_the_config_is_untouched(tmp_path: Path, state_dir: Path) -> None:
    cluster = make_cluster()
    real, link = write_config(tmp_path, cluster)
    before = real.read_bytes()
    assert b"api_key" in before  # a literal key, as the user wrote it
    app = make_app(cluster, load_config(link))
    async with console(cluster, app=app, size=(140, 40)) as (_, app, pilot, screen):
        app.theme = "sessionboard-light"  # as the palette's theme picker does
        await pilot.pause()
        await pilot.press("s")
        await wait_for(pilot, lambda: screen.table.sort_key != "provider", "the table sorted")
        sort = screen.table.sort_key
        await pilot.press("I")
        await wait_for(pilot, lambda: screen.table.sort_reverse, "the order turned round")
        screen.action_toggle_column("id")  # as the palette's "Column: id" does
        await pilot.pause()
    assert real.read_bytes() == before  # every byte, every comment
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    assert link.is_symlink() and link.resolve() == real.resolve()
    state_file = state_dir / "state.toml"
    assert stat.S_IMODE(state_file.stat().st_mode) == 0o600
    saved = tomllib.loads(state_file.read_text())
    assert saved == {
        "theme": "sessionboard-light", "theme_over": "sessionboard-dark", "sort": sort, "sort_reverse": True,
        "columns": ["id"],
    }
    assert sorted(p.name for p in state_dir.iterdir()) == ["state.toml"]

    again = make_app(cluster, load_config(link))  # the next start
    async with console(cluster, app=again, size=(140, 40)) as (_, again, pilot, screen):
        assert again.theme == "sessionboard-light"
        assert screen.table.sort_key == sort and screen.table.sort_reverse
        assert screen.table.chosen_columns == {"id"}


async def test_a_theme_edited_in_the_config_since_wins_over_the_old_pick(tmp_path: Path, state_dir: Path) -> None:
    state_dir.mkdir(parents=True)
    (state_dir / "state.toml").write_text('theme = "sessionboard-light"\ntheme_over = "textual-dark"\n')
    cluster = make_cluster()
    _, link = write_config(tmp_path, cluster, theme="sessionboard-dark")
    async with console(cluster, app=make_app(cluster, load_config(link))) as (_, app, pilot, screen):
        assert app.theme == "sessionboard-dark"


async def test_a_broken_state_file_is_one_warning_and_the_console_goes_on(tmp_path: Path, state_dir: Path) -> None:
    state_dir.mkdir(parents=True)
    (state_dir / "state.toml").write_bytes(b"theme = [[[ \xff")
    cluster = make_cluster()
    _, link = write_config(tmp_path, cluster, theme="sessionboard-light")
    async with console(cluster, app=make_app(cluster, load_config(link))) as (_, app, pilot, screen):
        assert app.theme == "sessionboard-light"
        warnings = [m for m in messages(app) if "state file" in m]
        assert len(warnings) == 1 and "using defaults" in warnings[0]
        assert screen.table.row_count > 0


async def test_without_a_config_file_no_state_is_written(tmp_path: Path, state_dir: Path) -> None:
    """The demo and a config made in memory keep no state: the user's state is their console's."""
    cluster = make_cluster()
    async with console(cluster) as (_, app, pilot, screen):
        app.theme = "sessionboard-light"
        await pilot.press("s")
        await pilot.pause()
    assert not state_dir.exists()


def test_locate_prints_the_state_file(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "xdg-state"), "XDG_CONFIG_HOME": str(tmp_path / "xdg-config")}
    env.pop("SESSIONBOARD_CONFIG", None)
    done = subprocess.run([sys.executable, "-m", "sessionboard", "locate"], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0
    assert f"state file: {tmp_path / 'xdg-state' / 'sessionboard' / 'state.toml'}" in done.stdout.splitlines()


async def test_columns_chosen_in_the_dialog_are_kept(tmp_path: Path, state_dir: Path) -> None:
    cluster = make_cluster()
    _, link = write_config(tmp_path, cluster)
    async with console(cluster, app=make_app(cluster, load_config(link)), size=(160, 40)) as (_, app, pilot, screen):
        await pilot.press("C")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ColumnsScreen", "the columns dialog")
        await pilot.press("space")
        await wait_for(pilot, lambda: bool(screen.table.chosen_columns), "a column chosen")
        chosen = sorted(screen.table.chosen_columns)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen, "the dialog closed")
    assert tomllib.loads((state_dir / "state.toml").read_text())["columns"] == chosen
