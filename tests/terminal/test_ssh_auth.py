"""Authentication questions go through the prompts object, and no secret leaks into a reason or
a log line. Against the project's asyncssh server, which is the one configured with a password."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import asyncssh
import pytest

from sessionboard.sim.ssh_server import LocalSshServer
from sessionboard.terminal.backend import TerminalClosed
from sessionboard.terminal.prompts import RejectAll
from sessionboard.terminal.relay import RelayedSshBackend
from sessionboard.terminal.ssh import SshBackend
from tests.terminal.conftest import ready_shell

PASSWORD = "correct-horse-battery-staple"


@dataclass
class Typist(RejectAll):
    """A person at the keyboard who types `answer` to every password / kbdint question."""

    answer: str
    asked: list[str] = field(default_factory=list)

    async def ask_password(self, prompt: str) -> str | None:
        self.asked.append(f"password:{prompt}")
        return self.answer

    async def ask_kbdint(
        self, name: str, instructions: str, prompts: list[tuple[str, bool]]
    ) -> list[str] | None:
        self.asked.append(f"kbdint:{[p for p, _ in prompts]}:{[echo for _, echo in prompts]}")
        return [self.answer for _ in prompts]


@pytest.fixture
async def password_server() -> AsyncIterator[LocalSshServer]:
    async with LocalSshServer(password=PASSWORD) as server:
        yield server


@pytest.fixture(params=[SshBackend, RelayedSshBackend], ids=["in-process", "relayed"])
def transport(request: pytest.FixtureRequest) -> type:
    """Every question is asked the same way whether the transport runs here or in the
    console's helper process (where it crosses the control socket)."""
    return request.param  # type: ignore[no-any-return]


Backend = SshBackend | RelayedSshBackend


def _backend(server: LocalSshServer, prompts: object, transport: type, **kwargs: object) -> Backend:
    return transport(  # type: ignore[no-any-return]
        server.host, server.port, server.username, server.write_known_hosts(),
        prompts=prompts,  # type: ignore[arg-type]
        ssh_config=(), use_agent=False, **kwargs,  # type: ignore[arg-type]
    )


async def test_password_typed_into_the_prompt_logs_in(password_server: LocalSshServer, transport: type) -> None:
    typist = Typist(PASSWORD)
    backend = _backend(password_server, typist, transport)
    try:
        shell = await ready_shell(backend)
        await shell.run("echo WHO-$(id -un)", f"WHO-{password_server.username}".encode())
    finally:
        await backend.close()
    # asyncssh servers offer the password as a keyboard-interactive challenge first; it is
    # asked once, with echo off.
    assert typist.asked == ["kbdint:['Password:']:[False]"]


async def test_wrong_password_fails_without_leaking_it(
    password_server: LocalSshServer, caplog: pytest.LogCaptureFixture, transport: type
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "wrong-Secret-8c1f"
    typist = Typist(wrong)
    backend = _backend(password_server, typist, transport)
    with pytest.raises(TerminalClosed) as closed:
        await backend.start(80, 24)
    await backend.close()
    assert closed.value.reason == f"{password_server.username}@127.0.0.1:{password_server.port}: authentication failed"
    assert len(typist.asked) == 3  # three tries in all, whichever method asks, as with OpenSSH
    assert wrong not in caplog.text
    assert wrong not in str(closed.value)


async def test_nobody_to_ask_means_authentication_fails(password_server: LocalSshServer, transport: type) -> None:
    backend = _backend(password_server, RejectAll(), transport)
    with pytest.raises(TerminalClosed) as closed:
        await backend.start(80, 24)
    assert closed.value.reason.endswith("authentication failed")
    await backend.close()


async def test_unauthorized_key_is_refused(
    password_server: LocalSshServer, tmp_path: Path, transport: type
) -> None:
    stranger = asyncssh.generate_private_key("ssh-ed25519")
    stranger.write_private_key(tmp_path / "stranger")
    backend = _backend(password_server, RejectAll(), transport, client_keys=[tmp_path / "stranger"])
    with pytest.raises(TerminalClosed) as closed:
        await backend.start(80, 24)
    assert closed.value.reason.endswith("authentication failed")
    await backend.close()


async def test_encrypted_key_asks_for_its_passphrase(tmp_path: Path, transport: type) -> None:
    passphrase = "key-Passphrase-71d2"
    key = asyncssh.generate_private_key("ssh-ed25519")
    key_path = tmp_path / "id_ed25519"
    key.write_private_key(key_path, passphrase=passphrase)
    async with LocalSshServer(authorized_keys=[key]) as server:
        typist = Typist(passphrase)
        backend = _backend(server, typist, transport, client_keys=[key_path])
        try:
            await ready_shell(backend)
        finally:
            await backend.close()
    assert typist.asked == [f"password:Passphrase for key {key_path}: "]


@dataclass
class TwoFactorTypist(RejectAll):
    """Answers each keyboard-interactive prompt by what it asks, and remembers the challenges."""

    answers: dict[str, str]
    challenges: list[list[tuple[str, bool]]] = field(default_factory=list)

    async def ask_kbdint(
        self, name: str, instructions: str, prompts: list[tuple[str, bool]]
    ) -> list[str] | None:
        self.challenges.append(list(prompts))
        return [self.answers[prompt.strip()] for prompt, _ in prompts]


async def test_a_challenge_of_several_prompts_is_answered_prompt_by_prompt(transport: type) -> None:
    """Password and verification code in one round: both prompts reach the dialog with their
    echo flags, in order, and both answers go back in the same order."""
    async with LocalSshServer(password=PASSWORD, code="246810") as server:
        typist = TwoFactorTypist({"Password:": PASSWORD, "Verification code:": "246810"})
        backend = _backend(server, typist, transport)
        try:
            shell = await ready_shell(backend)
            await shell.run("echo IN-$((3*3))", b"IN-9")
        finally:
            await backend.close()
    assert typist.challenges == [[("Password:", False), ("Verification code:", True)]]


async def test_a_wrong_second_answer_fails(transport: type) -> None:
    async with LocalSshServer(password=PASSWORD, code="246810") as server:
        typist = TwoFactorTypist({"Password:": PASSWORD, "Verification code:": "000000"})
        backend = _backend(server, typist, transport)
        with pytest.raises(TerminalClosed) as closed:
            await backend.start(80, 24)
        await backend.close()
    assert closed.value.reason.endswith("authentication failed")
    assert "000000" not in closed.value.reason
