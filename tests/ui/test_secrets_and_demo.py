"""No secret reaches the screen; the demo's simulators start in a child process and are reachable."""

from __future__ import annotations

import asyncio
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest

from sessionboard.providers import ProviderError, make_providers
from sessionboard.ui.app import SessionboardApp
from sessionboard.ui.demo import DemoSimulators, demo_config, run_demo
from tests.ui.helpers import all_polled, make_app, make_cluster, wait_for


def _screen_text(app) -> str:  # type: ignore[no-untyped-def]
    import html
    import re

    svg = app.export_screenshot()
    return html.unescape("".join(re.findall(r">([^<>]*)</text>", svg))).replace("\xa0", " ")


async def test_no_api_key_vnc_password_or_terminal_token_on_screen(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("sessionboard.ui.screens.main.MainScreen.DETAIL_DELAY", 0.0)
    cluster = make_cluster()
    tasknet = cluster.sims["tasknet"]
    passwords = [s.vnc_password for mode in tasknet.modes.values() for s in mode.values() if s.vnc_password]
    tokens = [cluster.sims["vsay"].token_for(i) for i in cluster.sims["vsay"].sessions]
    keys = [sim.api_key for sim in cluster.sims.values()]
    assert passwords and tokens
    app = make_app(cluster)
    async with app.run_test(size=(220, 120)) as pilot:
        screen = await all_polled(pilot, app)
        await pilot.press("a")
        shown = []
        for key in screen.table.keys():
            if key[0] not in ("browsers", "ssh"):
                continue
            screen.table.select_key(key)
            await wait_for(pilot, lambda k=key: screen.detail.session is not None and screen.detail.session.key == k, "detail")
            await app.workers.wait_for_complete()
            await pilot.pause()
            shown.append(_screen_text(app))
        text = "\n".join(shown)
        assert "***" in text  # the masked values are there, as masks
        for secret in [*passwords, *tokens, *keys]:
            assert secret not in text


def test_the_demo_simulators_answer_first_polls_sent_before_the_child_serves(tmp_path: Path) -> None:
    sims = DemoSimulators(tmp_path, seed=3)
    sims.start()  # returns at once: the child is still importing when the polls go out
    try:
        config = demo_config(sims, None).validate()
        assert [p.kind for p in config.providers] == ["rufus", "devices", "vsay", "agents", "tasknet"]
        assert all(stat.S_IMODE(path.stat().st_mode) == 0o600 for path in sims.key_files.values())
        assert not any(path.read_text().strip() in sims.proc.args[-1] for path in sims.key_files.values())  # type: ignore[union-attr]

        async def poll_all() -> list[int]:
            providers = make_providers(config)
            try:
                return [len(await p.poll()) for p in providers]
            finally:
                await asyncio.gather(*(p.aclose() for p in providers))

        counts = asyncio.run(poll_all())
        assert all(count > 0 for count in counts)
        assert sims.failure() is None
    finally:
        sims.stop()
    assert sims.proc is not None and sims.proc.poll() is not None
    assert sims.failure() is None  # stopped by us, not failed


DYING = "import sys; sys.exit('boom: the simulators broke')  # {fd} {key_files} {sessions} {seed}"
"""A simulator child that dies at start with one line on stderr."""


def test_a_simulator_child_that_dies_at_start_shows_as_provider_errors_and_its_last_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sessionboard.ui.demo.PROGRAM", DYING)
    sims = DemoSimulators(tmp_path)
    sims.start()
    try:
        config = demo_config(sims, None).validate()
        assert sims.proc is not None
        sims.proc.wait(30)

        async def poll_all() -> list[str]:
            providers = make_providers(config)
            errors = []
            try:
                for provider in providers:
                    try:
                        await provider.poll()
                    except ProviderError as exc:
                        errors.append(exc.message)
                return errors
            finally:
                await asyncio.gather(*(p.aclose() for p in providers))

        errors = asyncio.run(poll_all())
        assert len(errors) == 5  # the socket died with the child: refused, not hanging in the backlog
        assert sims.failure() == "boom: the simulators broke"
    finally:
        sims.stop()


def test_run_demo_reports_a_dead_simulator_child_and_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sessionboard.ui.demo.PROGRAM", DYING)
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    seen: list[Any] = []
    children: list[subprocess.Popen[bytes]] = []
    real_popen = subprocess.Popen

    def popen(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        children.append(real_popen(*args, **kwargs))
        return children[-1]

    class Quits(SessionboardApp):
        def run(self, **kwargs: Any) -> int:  # type: ignore[override]
            seen.append(self.config)
            children[0].wait(30)  # the simulators' child, dead at start
            return 0

    monkeypatch.setattr("subprocess.Popen", popen)
    assert run_demo(app_class=Quits) == 1
    assert seen and seen[0].providers
    assert "sessionboard demo: the simulators stopped: boom: the simulators broke" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []  # keys and logs removed
    assert all(proc.poll() is not None for proc in children)  # the SSH server never started or was stopped


async def test_a_bug_ends_the_console_with_one_line_not_a_traceback(capsys) -> None:  # type: ignore[no-untyped-def]
    cluster = make_cluster()
    app = make_app(cluster)

    def broken() -> None:
        secret = cluster.sims["tasknet"].api_key  # a local a traceback with locals would print
        raise RuntimeError(f"boom {len(secret)}")

    try:
        async with app.run_test(size=(120, 30)) as pilot:
            await all_polled(pilot, app)
            app.screen.action_sort = broken  # type: ignore[method-assign]
            await pilot.press("s")
            await pilot.pause()
    except RuntimeError:
        pass  # the test harness re-raises what the app caught; a user sees only the line below
    err = " ".join(capsys.readouterr().err.split())
    assert "sessionboard: the console stopped on an internal error (RuntimeError); please report it" in err
    assert "Traceback" not in err and "boom" not in err
    assert cluster.sims["tasknet"].api_key not in err
