"""No secret reaches the screen; the demo's simulators start in a child process and are reachable."""

from __future__ import annotations

import asyncio

from sessionboard.providers import make_providers
from sessionboard.ui.demo import DemoSimulators
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


def test_the_demo_simulators_start_in_a_child_and_answer() -> None:
    sims = DemoSimulators(seed=3)
    sims.start()
    try:
        config = sims.config()
        assert [p.kind for p in config.providers] == ["rufus", "devices", "vsay", "agents", "tasknet"]

        async def poll_all() -> list[int]:
            providers = make_providers(config)
            try:
                return [len(await p.poll()) for p in providers]
            finally:
                await asyncio.gather(*(p.aclose() for p in providers))

        counts = asyncio.run(poll_all())
        assert all(count > 0 for count in counts)
    finally:
        sims.stop()
    assert sims.proc is not None and sims.proc.poll() is not None


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
