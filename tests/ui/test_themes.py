"""Themes: the project's two are shipped inside the package (a byte-for-byte copy kept in sync),
registered at start with the user's own, chosen from the config. A choice made in the app is kept
in the state file, never in the config (tests/ui/test_state_file.py)."""

from __future__ import annotations

from pathlib import Path

from sessionboard.ui.app import SessionboardApp
from sessionboard.ui.theming import load_themes, packaged_theme_texts
from tests.ui.helpers import all_polled, make_app, make_cluster, make_config

ROOT = Path(__file__).resolve().parents[2]


def test_the_packaged_themes_are_the_repos_themes_byte_for_byte() -> None:
    repo = {p.name: p.read_bytes() for p in (ROOT / "themes").glob("*.toml")}
    package = {p.name: p.read_bytes() for p in (ROOT / "src/sessionboard/ui/themes").glob("*.toml")}
    assert {"sessionboard-dark.toml", "sessionboard-light.toml"} <= set(repo)
    assert repo == package, "copy themes/*.toml to src/sessionboard/ui/themes/"
    assert set(packaged_theme_texts()) == set(repo)


def test_both_themes_load_and_a_bad_user_theme_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "mine.toml").write_text('name = "mine"\nprimary = "#112233"\ndark = false\n')
    (tmp_path / "broken.toml").write_text('name = "broken"\nprimry = "#112233"\n')
    (tmp_path / "notoml.toml").write_text("name = = 1\n")
    loaded = load_themes(tmp_path)
    names = {t.name for t in loaded.themes}
    assert {"sessionboard-dark", "sessionboard-light", "mine"} <= names
    assert "broken" not in names
    assert len(loaded.problems) == 2
    assert all("\n" not in p for p in loaded.problems)
    assert any("broken.toml" in p and "primry" in p for p in loaded.problems)


async def test_the_configured_theme_is_applied(tmp_path: Path) -> None:
    cluster = make_cluster()
    app = make_app(cluster, theme="sessionboard-light")
    async with app.run_test(size=(120, 30)) as pilot:
        await all_polled(pilot, app)
        assert app.theme == "sessionboard-light"
        assert not app.current_theme.dark


async def test_an_unknown_theme_falls_back_and_says_so() -> None:
    cluster = make_cluster()
    app = make_app(cluster, theme="no-such-theme")
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert app.theme == "sessionboard-dark"
        assert any("no-such-theme" in n.message for n in app._notifications)


async def test_without_a_config_path_nothing_is_written(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    cluster = make_cluster()
    app = make_app(cluster)
    async with app.run_test(size=(120, 30)) as pilot:
        await all_polled(pilot, app)
        app.theme = "sessionboard-light"
        await pilot.pause()
    assert list(tmp_path.iterdir()) == []


async def test_no_config_shows_how_to_begin() -> None:
    app = SessionboardApp(None)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        text = str(app.screen.query_one("#welcome").render())
        assert "sessionboard demo" in text
        assert "sessionboard init" in text
        await pilot.press("q")
    assert app.return_code == 0
