"""`sessionboard demo`'s SSH side: the server it starts in a child process, and the settings it
gives the vsay provider before that child has started, reach a real shell with the host key
checked and nothing asked, even when the attach comes before the server is up."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from sessionboard.config import SshSettings, parse_config
from sessionboard.providers.vsay import SshTarget
from sessionboard.sim.layout import provider_table
from sessionboard.terminal.backend import TerminalClosed
from sessionboard.terminal.prompts import RejectAll
from sessionboard.terminal.ssh import SshBackend
from sessionboard.ui.app import SessionboardApp
from sessionboard.sim.cluster import SimCluster
from sessionboard.ui.demo import DemoSsh, _demo_app
from sessionboard.ui.screens.main import MainScreen
from sessionboard.ui.screens.prompts import HostKeyScreen
from tests.ui.helpers import board
from tests.ui.test_attach import attached, echo_42, select_vsay, wait_for


async def _shell_answers(settings: SshSettings) -> None:
    backend = SshBackend(
        "127.0.0.1", settings.port, settings.username, settings.known_hosts, settings.client_keys,
        RejectAll(),  # an unknown host key would be refused: it must already be known
        ssh_config=(), use_agent=False,
    )
    await backend.start(80, 24)
    try:
        await backend.write(b"echo demo-$((6*7))\r")
        seen = b""
        loop = asyncio.get_running_loop()
        end = loop.time() + 20
        while b"demo-42" not in seen and loop.time() < end:
            seen += await asyncio.wait_for(backend.read(), 20)
        assert b"demo-42" in seen
    finally:
        await backend.close()


async def test_an_attach_before_the_server_started_waits_for_it_and_asks_nothing(tmp_path: Path) -> None:
    ssh = DemoSsh(tmp_path)
    ssh.bind()
    try:
        config = parse_config({"providers": [provider_table("vsay", 1, "key", 3, ssh=ssh.settings())]})
        vsay = config.providers[0]
        settings = vsay.ssh  # type: ignore[attr-defined]
        assert settings.port == ssh.port and settings.client_keys == [str(ssh.client_key)]
        assert not Path(settings.known_hosts).exists()  # nothing to read yet: an attach must wait
        app = _demo_app(None, ssh)(config)
        await app.attach_ready(SshTarget("127.0.0.1", settings))  # starts the server and waits for it
        assert Path(settings.known_hosts).exists() and Path(settings.client_keys[0]).exists()
        await _shell_answers(settings)
    finally:
        await asyncio.to_thread(ssh.stop)
    assert ssh.proc is None


async def test_an_ssh_server_that_cannot_start_ends_the_attach_with_its_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ssh = DemoSsh(tmp_path)
    ssh.bind()
    monkeypatch.setattr("sys.executable", str(tmp_path / "no-python-here"))
    try:
        app = _demo_app(None, ssh)(None)
        target = SshTarget("127.0.0.1", SshSettings(**ssh.settings()))
        with pytest.raises(TerminalClosed, match="the SSH server did not start"):
            await app.attach_ready(target)
    finally:
        ssh.stop()


async def test_the_demo_console_starts_its_ssh_server_after_the_first_frame_and_t_reaches_it(tmp_path: Path) -> None:
    """The console as `sessionboard demo` runs it (adapters made after the first frame, no
    providers handed in), over real sockets: `t` as soon as a vsay row is there connects to the
    server started after the board was painted, with the host key checked and nothing asked."""
    cluster = SimCluster(seed=5, sessions_per_provider=3)
    await cluster.start()
    ssh = DemoSsh(tmp_path)
    ssh.bind()
    try:
        tables = cluster.provider_dicts()
        for table in tables:
            if table["kind"] == "vsay":
                table["ssh"] = ssh.settings()
        config = parse_config({"app": {"poll_interval": 30.0}, "providers": tables})
        app = _demo_app(None, ssh)(config)
        async with app.run_test(size=(120, 36)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), "the board")
            screen = board(app)
            await wait_for(pilot, lambda: ssh.proc is not None, "the SSH server started once the board was painted")
            session = await select_vsay(pilot, screen)
            view = await attached(pilot, screen, session)  # fails on a host-key dialog
            assert not isinstance(app.screen, HostKeyScreen)
            await echo_42(pilot, view)
    finally:
        await asyncio.to_thread(ssh.stop)
        await cluster.stop()


def test_the_demo_app_keeps_the_users_ssh_config_and_agent_out() -> None:
    cls = _demo_app(None, None)
    assert issubclass(cls, SessionboardApp)
    assert cls.attach_options == {"ssh_config": (), "use_agent": False}
    assert SessionboardApp.attach_options == {}
