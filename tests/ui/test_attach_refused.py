"""`t` on a session whose host is not a host name: refused in its tab with one line, nothing run.

The console runs with an ssh_config holding the bastion line `ProxyCommand ssh -W %h:%p jumphost`
(tests/terminal/test_attach_hosts.py shows that line turns such a host into a command)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sessionboard.ui.screens.main import MainScreen
from tests.ui.helpers import console, make_app, make_cluster, select, wait_for


@pytest.mark.parametrize("shape", ["proxycommand", "newline", "lookalike"])
async def test_a_hostile_host_is_one_refusal_line_in_the_tab(tmp_path: Path, shape: str) -> None:
    marker = tmp_path / "pwned"
    host = {
        "proxycommand": f"a:1 -oProxyCommand=touch\\ {marker} b",
        "newline": f"a\nProxyCommand touch {marker}",
        "lookalike": "ехаmple.com",
    }[shape]
    ssh_config = tmp_path / "ssh_config"
    ssh_config.write_text("ProxyCommand ssh -W %h:%p jumphost\n", encoding="utf-8")
    cluster = make_cluster(seed=4, sessions=4)
    vsay = cluster.sims["vsay"]
    for session in vsay.sessions.values():  # type: ignore[attr-defined]
        session.machine["host"] = host
    app = make_app(cluster, poll_interval=600)
    app.attach_options = {"ssh_config": (str(ssh_config),), "use_agent": False}
    async with console(cluster, app=app, size=(120, 36)) as (_, app, pilot, screen):
        session = select(screen, "ssh")
        await pilot.press("t")
        await wait_for(pilot, lambda: screen.terminals is not None, "a terminal tab")
        assert screen.terminals is not None
        pane = screen.terminals.pane_for(session.key)
        assert pane is not None
        await wait_for(pilot, lambda: pane.ended is not None, "the refusal", limit=20)
        assert not marker.exists()
        reason = pane.ended or ""
        assert reason.startswith(f"ssh: session {session.id} refused: the host ")
        assert "\n" not in reason and host not in reason
        assert reason in str(pane.status.render())
        assert isinstance(app.screen, MainScreen) and screen.table.row_count > 0  # the board goes on
