"""The questions an SSH connection may need a person to answer: an unknown host key, a password,
a keyboard-interactive challenge. The transport never answers them itself; the console shows each
one as a dialog, tests pass a scripted answerer. Keeping them behind one Protocol is what lets the
same `SshBackend` run under Textual, in the CLI and in pytest."""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class SshPrompts(Protocol):
    async def confirm_host_key(self, host: str, port: int, key_type: str, fingerprint: str) -> bool:
        """Trust a host key seen for the first time? `fingerprint` is "SHA256:...". True appends
        it to the configured known_hosts file; False refuses the connection."""

    async def ask_password(self, prompt: str) -> str | None:
        """A password (or a key passphrase); None gives up on this method."""

    async def ask_kbdint(
        self, name: str, instructions: str, prompts: list[tuple[str, bool]]
    ) -> list[str] | None:
        """Answers to a keyboard-interactive challenge, one per (prompt, echo) pair; None gives up."""


class RejectAll:
    """Answers every question with "no": no unknown host is trusted, no password is typed. The
    safe default wherever nobody is there to ask (tests, scripts)."""

    async def confirm_host_key(self, host: str, port: int, key_type: str, fingerprint: str) -> bool:
        return False

    async def ask_password(self, prompt: str) -> str | None:
        return None

    async def ask_kbdint(
        self, name: str, instructions: str, prompts: list[tuple[str, bool]]
    ) -> list[str] | None:
        return None
