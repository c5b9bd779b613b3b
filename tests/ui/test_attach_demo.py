"""`sessionboard demo`'s SSH side: the server it starts in a child process, and the settings it
gives the vsay provider, reach a real shell with the host key checked and nothing asked."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sessionboard.config import parse_config
from sessionboard.sim.cluster import SimCluster
from sessionboard.terminal.prompts import RejectAll
from sessionboard.terminal.ssh import SshBackend
from sessionboard.ui.app import SessionboardApp
from sessionboard.ui.demo import DemoSsh, _with_demo_ssh


async def test_demo_ssh_settings_reach_a_shell_without_a_question_and_are_removed_at_exit() -> None:
    ssh = DemoSsh()
    ssh.start()
    try:
        await asyncio.to_thread(ssh.ready)
        config = ssh.apply(parse_config({"providers": SimCluster(seed=2, sessions_per_provider=1).provider_dicts()}))
        vsay = next(p for p in config.providers if p.kind == "vsay")
        settings = vsay.ssh  # type: ignore[attr-defined]
        assert settings.port == ssh.settings["port"] and settings.client_keys  # type: ignore[index]
        backend = SshBackend(
            "127.0.0.1", settings.port, settings.username, settings.known_hosts, settings.client_keys,
            RejectAll(),  # an unknown host key would be refused: it must already be known
            ssh_config=(), use_agent=False,
        )
        await backend.start(80, 24)
        await backend.write(b"echo demo-$((6*7))\r")
        seen = b""
        loop = asyncio.get_running_loop()
        end = loop.time() + 20
        while b"demo-42" not in seen and loop.time() < end:
            seen += await asyncio.wait_for(backend.read(), 20)
        assert b"demo-42" in seen
        await backend.close()
        files = [Path(settings.known_hosts), Path(settings.client_keys[0])]
        assert all(f.exists() for f in files)
    finally:
        await asyncio.to_thread(ssh.stop)
    assert not any(f.exists() for f in files)


def test_the_demo_app_keeps_the_users_ssh_config_and_agent_out() -> None:
    cls = _with_demo_ssh(None)
    assert issubclass(cls, SessionboardApp)
    assert cls.attach_options == {"ssh_config": (), "use_agent": False}
    assert SessionboardApp.attach_options == {}
