"""Row 9 of issue 14: the SSH helper of an attached terminal gets a minimal environment.

The console reads its keys from its environment (`env:` references); the helper process, and
whatever a `ProxyCommand` runs from it, must see none of them, nor any other variable that SSH
does not need. Read from the running helper's `/proc/<pid>/environ`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from sessionboard.config import parse_config
from sessionboard.providers import make_provider
from sessionboard.sim.cluster import SimCluster
from sessionboard.sim.ssh_server import LocalSshServer
from sessionboard.terminal.relay import HELPER_VARIABLES, RelayedSshBackend, helper_environment
from sessionboard.ui.app import SessionboardApp
from sessionboard.ui.attach import AttachBackend
from tests.ui.helpers import console, select, wait_for

SECRETS = {
    "SB_TEST_TASKNET_ENV_SECRET": "tasknet-environment-secret-5f1c9e",
    "SB_TEST_TASKNET_ENV_ID": "tasknet-environment-id-77aa01",
    "SB_TEST_UNRELATED": "an-unrelated-variable-3e9d",
    "AWS_SECRET_ACCESS_KEY": "aws-secret-2c7b44",
}
ALLOWED = set(HELPER_VARIABLES) | {"SSH_AUTH_SOCK", "PYTHONPATH"}


def environ_of(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    return dict(item.split("=", 1) for item in raw.decode().split("\0") if "=" in item)


@pytest.fixture
async def servers(tmp_path: Path) -> AsyncIterator[tuple[LocalSshServer, SimCluster, Path, Path]]:
    server = LocalSshServer(workdir=tmp_path / "sshd")
    client_key = server.generate_client_key()
    await server.start()
    known_hosts = server.write_known_hosts(tmp_path / "known_hosts")
    cluster = SimCluster(seed=5, sessions_per_provider=3, ssh_port=server.port)
    try:
        yield server, cluster, client_key, known_hosts
    finally:
        await server.stop()


async def test_the_helper_sees_no_key_and_no_other_variable(
    servers: tuple[LocalSshServer, SimCluster, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    server, cluster, client_key, known_hosts = servers
    keys = {kind: f"SB_TEST_{kind.upper()}_KEY" for kind in cluster.sims}
    for kind, sim in cluster.sims.items():
        monkeypatch.setenv(keys[kind], sim.api_key)
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("LC_TIME", "C.UTF-8")
    providers = cluster.provider_dicts()
    for entry in providers:
        entry["api_key"] = f"env:{keys[entry['kind']]}"
        if entry["kind"] == "vsay":
            entry["ssh"] = {
                "port": server.port, "username": server.username,
                "known_hosts": str(known_hosts), "client_keys": [str(client_key)],
            }
        if entry["kind"] == "tasknet":
            entry["environment_id"] = "env:SB_TEST_TASKNET_ENV_ID"
            entry["environment_secret"] = "env:SB_TEST_TASKNET_ENV_SECRET"
    config = parse_config({"app": {"poll_interval": 600}, "providers": providers})
    made = [make_provider(p, transport=httpx.ASGITransport(app=cluster.app)) for p in config.providers]
    app = SessionboardApp(config, providers=made)
    app.attach_options = {"ssh_config": (), "use_agent": True}  # the agent's socket is the one kept
    monkeypatch.setenv("SSH_AUTH_SOCK", "/nonexistent/agent.sock")
    async with console(cluster, app=app, size=(120, 36), limit=20) as (_, app, pilot, screen):
        session = select(screen, "ssh")
        await pilot.press("t")
        await wait_for(pilot, lambda: screen.terminals is not None, "a terminal tab")
        assert screen.terminals is not None
        pane = screen.terminals.pane_for(session.key)
        assert pane is not None
        backend = pane.view.backend
        assert isinstance(backend, AttachBackend)
        await wait_for(
            pilot, lambda: isinstance(backend.inner, RelayedSshBackend) and backend.inner.proc is not None, "the helper",
            limit=20,
        )
        assert isinstance(backend.inner, RelayedSshBackend) and backend.inner.proc is not None
        env = environ_of(backend.inner.proc.pid)
        emulator = pane.view.emulator
        await wait_for(
            pilot, lambda: any(c in emulator.render_line(y).text for y in range(emulator.rows) for c in "$#"),
            "the shell prompt", limit=20,
        )  # connected: the helper read its settings and the agent's socket from what it was given
    values = set(env.values())
    for secret in [*SECRETS.values(), *(sim.api_key for sim in cluster.sims.values())]:
        assert secret not in values and not any(secret in value for value in values)
    assert {name for name in env if not name.startswith("LC_")} - ALLOWED == set()
    assert env["LC_TIME"] == "C.UTF-8" and env["SSH_AUTH_SOCK"] == "/nonexistent/agent.sock"


def test_the_environment_is_built_from_what_ssh_needs() -> None:
    console_env = {
        "HOME": "/home/ops", "USER": "ops", "LOGNAME": "ops", "PATH": "/usr/bin:/bin", "TMPDIR": "/tmp/ops",
        "LANG": "en_GB.UTF-8", "LC_ALL": "en_GB.UTF-8", "SSH_AUTH_SOCK": "/run/agent", "PYTHONPATH": "/elsewhere",
        "RUFUS_API_KEY": "k", "TASKNET_ENV_SECRET": "s", "LD_PRELOAD": "/tmp/evil.so", "PYTHONSTARTUP": "/tmp/x.py",
    }
    env = helper_environment(console_env, use_agent=True)
    assert set(env) == {"HOME", "USER", "LOGNAME", "PATH", "TMPDIR", "LANG", "LC_ALL", "SSH_AUTH_SOCK", "PYTHONPATH"}
    assert env["PYTHONPATH"] != "/elsewhere" and Path(env["PYTHONPATH"], "sessionboard").is_dir()
    assert "SSH_AUTH_SOCK" not in helper_environment(console_env, use_agent=False)


async def test_a_relayed_helper_starts_with_only_that_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Without the console: whoever starts a relayed transport, its helper gets the list."""
    monkeypatch.setenv("SB_TEST_SECRET", "do-not-pass-9c1d")
    backend = RelayedSshBackend("127.0.0.1", 9, "ops", tmp_path / "known_hosts", ssh_config=(), use_agent=False,
                                connect_timeout=0.5)
    start = asyncio.create_task(backend.start(80, 24))
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 20
        while backend.proc is None and loop.time() < deadline:
            await asyncio.sleep(0.01)
        assert backend.proc is not None
        env = environ_of(backend.proc.pid)
    finally:
        start.cancel()
        await asyncio.gather(start, return_exceptions=True)
        await backend.close()
    assert "SB_TEST_SECRET" not in env
    assert {name for name in env if not name.startswith("LC_")} - ALLOWED == set()
