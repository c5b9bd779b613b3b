"""Host key checking: known keys connect silently, unknown keys are asked about by fingerprint,
changed keys are refused without a question. Against both real servers."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import asyncssh
import pytest

from sessionboard.sim.ssh_server import LocalSshServer
from sessionboard.terminal.backend import TerminalClosed
from sessionboard.terminal.hostkeys import known_hosts_line
from sessionboard.terminal.prompts import RejectAll, SshPrompts
from sessionboard.terminal.ssh import SshBackend
from tests.terminal.conftest import SshTarget, ready_shell


@dataclass
class ScriptedPrompts:
    """Answers host key questions with `trust`, and remembers every question asked."""

    trust: bool
    host_key_questions: list[tuple[str, int, str, str]] = field(default_factory=list)
    passwords_asked: list[str] = field(default_factory=list)

    async def confirm_host_key(self, host: str, port: int, key_type: str, fingerprint: str) -> bool:
        self.host_key_questions.append((host, port, key_type, fingerprint))
        return self.trust

    async def ask_password(self, prompt: str) -> str | None:
        self.passwords_asked.append(prompt)
        return None

    async def ask_kbdint(
        self, name: str, instructions: str, prompts: list[tuple[str, bool]]
    ) -> list[str] | None:
        return None


class MustNotAsk(RejectAll):
    async def confirm_host_key(self, host: str, port: int, key_type: str, fingerprint: str) -> bool:
        pytest.fail(f"asked about a host key ({fingerprint}) that must be decided without asking")


def test_prompt_implementations_satisfy_the_protocol() -> None:
    assert isinstance(RejectAll(), SshPrompts)
    assert isinstance(ScriptedPrompts(trust=True), SshPrompts)


async def test_unknown_key_refused_refuses_the_connection(ssh_target: SshTarget, tmp_path: Path) -> None:
    known_hosts = tmp_path / "ssh" / "known_hosts"  # neither the file nor its directory exist yet
    prompts = ScriptedPrompts(trust=False)
    backend = ssh_target.backend(known_hosts, prompts=prompts)
    with pytest.raises(TerminalClosed) as closed:
        await backend.start(80, 24)
    assert prompts.host_key_questions == [("127.0.0.1", ssh_target.port, "ssh-ed25519", ssh_target.fingerprint)]
    assert "not accepted" in closed.value.reason
    assert ssh_target.fingerprint in closed.value.reason
    assert not known_hosts.exists()
    await backend.close()


async def test_unknown_key_accepted_connects_and_is_remembered(ssh_target: SshTarget, tmp_path: Path) -> None:
    known_hosts = tmp_path / "ssh" / "known_hosts"
    prompts = ScriptedPrompts(trust=True)
    backend = ssh_target.backend(known_hosts, prompts=prompts)
    try:
        shell = await ready_shell(backend)
        await shell.run("echo IN$((1+1))", b"IN2")
    finally:
        await backend.close()
    assert [q[3] for q in prompts.host_key_questions] == [ssh_target.fingerprint]
    assert known_hosts.read_text().splitlines() == [ssh_target.known_hosts_line]
    assert known_hosts.stat().st_mode & 0o777 == 0o600

    # Next time the key is known: no question, straight in.
    again = ssh_target.backend(known_hosts, prompts=MustNotAsk())
    try:
        await ready_shell(again)
    finally:
        await again.close()


async def test_changed_key_is_refused_without_asking(ssh_target: SshTarget, tmp_path: Path) -> None:
    impostor = asyncssh.generate_private_key("ssh-ed25519")
    known_hosts = tmp_path / "known_hosts"
    known_hosts.write_text(known_hosts_line("127.0.0.1", ssh_target.port, impostor) + "\n")
    before = known_hosts.read_text()
    backend = ssh_target.backend(known_hosts, prompts=MustNotAsk())
    with pytest.raises(TerminalClosed) as closed:
        await backend.start(80, 24)
    reason = closed.value.reason
    assert reason.startswith("host key for 127.0.0.1 has CHANGED")
    assert ssh_target.fingerprint in reason
    assert "man-in-the-middle" in reason
    assert str(known_hosts) in reason
    assert known_hosts.read_text() == before
    await backend.close()


async def test_key_of_another_type_for_a_known_host_is_a_change(tmp_path: Path) -> None:
    """The file knows an ed25519 key; the server now has only ECDSA. asyncssh then fails the key
    exchange (it offers known hosts only their known key types); that must still read as a
    changed key, with the new key's fingerprint, and never as a question."""
    async with LocalSshServer(host_key_type="ecdsa-sha2-nistp256") as server:
        client_key = server.generate_client_key()
        old = asyncssh.generate_private_key("ssh-ed25519")
        known_hosts = tmp_path / "known_hosts"
        known_hosts.write_text(known_hosts_line(server.host, server.port, old) + "\n")
        backend = SshBackend(
            server.host, server.port, server.username, known_hosts, [client_key], MustNotAsk(),
            ssh_config=(), use_agent=False,
        )
        with pytest.raises(TerminalClosed) as closed:
            await backend.start(80, 24)
        assert "has CHANGED" in closed.value.reason
        assert server.host_key_fingerprint in closed.value.reason
        await backend.close()


async def test_hashed_known_hosts_entries_are_honoured(ssh_target: SshTarget, tmp_path: Path) -> None:
    """Many people run with HashKnownHosts: an entry hashed by `ssh-keygen -H` must match."""
    known_hosts = ssh_target.write_known_hosts(tmp_path / "known_hosts")
    subprocess.run(["ssh-keygen", "-H", "-f", str(known_hosts)], check=True, capture_output=True)
    assert "127.0.0.1" not in known_hosts.read_text()
    backend = ssh_target.backend(known_hosts, prompts=MustNotAsk())
    try:
        await ready_shell(backend)
    finally:
        await backend.close()


async def test_accepted_key_is_written_hashed_when_the_config_says_so(ssh_target: SshTarget, tmp_path: Path) -> None:
    """With `HashKnownHosts yes` the accepted key is stored as `ssh` would store it: no host name in
    the file, and OpenSSH's own `ssh-keygen -F` finds it under `[127.0.0.1]:port`."""
    config = tmp_path / "ssh_config"
    config.write_text("Host *\n    HashKnownHosts yes\n")
    known_hosts = tmp_path / "known_hosts"
    backend = ssh_target.backend(known_hosts, prompts=ScriptedPrompts(trust=True), ssh_config=(config,))
    try:
        await ready_shell(backend)
    finally:
        await backend.close()
    text = known_hosts.read_text()
    assert text.startswith("|1|") and "127.0.0.1" not in text
    found = subprocess.run(
        ["ssh-keygen", "-F", f"[127.0.0.1]:{ssh_target.port}", "-f", str(known_hosts)],
        capture_output=True,
        text=True,
    )
    assert found.returncode == 0, found.stderr
    assert ssh_target.known_hosts_line.split(" ", 1)[1] in found.stdout  # the same key type and blob

    again = ssh_target.backend(known_hosts, prompts=MustNotAsk(), ssh_config=(config,))
    try:
        await ready_shell(again)
    finally:
        await again.close()
