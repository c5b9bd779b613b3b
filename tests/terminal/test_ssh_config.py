"""What `ssh host` users rely on: `~/.ssh/config` host aliases and the SSH agent, used by the
transport without any sessionboard-specific setting."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sessionboard.terminal.backend import TerminalClosed
from sessionboard.terminal.ssh import SshBackend
from tests.terminal.conftest import READ_TIMEOUT, SshTarget, ready_shell


async def test_host_alias_from_ssh_config(ssh_target: SshTarget, known_hosts: Path, tmp_path: Path) -> None:
    config = tmp_path / "ssh_config"
    config.write_text(
        "Host lab-box\n"
        "    HostName 127.0.0.1\n"
        f"    Port {ssh_target.port}\n"
        f"    User {ssh_target.username}\n"
        f"    IdentityFile {ssh_target.client_key}\n"
    )
    # No port, user or key given: all three come from the config.
    backend = SshBackend("lab-box", known_hosts=known_hosts, ssh_config=[config], use_agent=False)
    try:
        shell = await ready_shell(backend)
        await shell.run("echo VIA-$((40+1))", b"VIA-41")
    finally:
        await backend.close()


@pytest.fixture
def agent_socket(tmp_path: Path, ssh_target: SshTarget) -> Iterator[Path]:
    """A real `ssh-agent` holding the target's client key (and nothing on disk is passed)."""
    sock = tmp_path / "agent.sock"
    agent = subprocess.Popen(["ssh-agent", "-D", "-a", str(sock)], stdout=subprocess.DEVNULL)
    try:
        for _ in range(int(READ_TIMEOUT / 0.05)):
            if sock.exists():
                break
            time.sleep(0.05)
        subprocess.run(
            ["ssh-add", str(ssh_target.client_key)],
            env={"SSH_AUTH_SOCK": str(sock)},
            check=True,
            capture_output=True,
        )
        yield sock
    finally:
        agent.terminate()
        agent.wait(10)


async def test_ssh_agent_from_the_environment(
    ssh_target: SshTarget, known_hosts: Path, agent_socket: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSH_AUTH_SOCK", str(agent_socket))
    monkeypatch.setenv("HOME", str(agent_socket.parent))  # no default ~/.ssh/id_* keys to fall back on
    backend = SshBackend("127.0.0.1", ssh_target.port, ssh_target.username, known_hosts, ssh_config=())
    try:
        await ready_shell(backend)
    finally:
        await backend.close()


async def test_without_agent_or_key_authentication_fails(
    ssh_target: SshTarget, known_hosts: Path, agent_socket: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The counterpart of the agent test: the same connection with the agent turned off fails,
    so the agent test really proves the agent was used."""
    monkeypatch.setenv("SSH_AUTH_SOCK", str(agent_socket))
    monkeypatch.setenv("HOME", str(agent_socket.parent))
    backend = SshBackend(
        "127.0.0.1", ssh_target.port, ssh_target.username, known_hosts, ssh_config=(), use_agent=False
    )
    with pytest.raises(TerminalClosed) as closed:
        await backend.start(80, 24)
    assert closed.value.reason.endswith("authentication failed")
    await backend.close()
