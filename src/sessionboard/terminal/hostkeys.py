"""Host key checking against one known_hosts file, the OpenSSH way: a known matching key connects,
an unknown key is shown by fingerprint and asked about, a changed key is refused outright.

asyncssh's `validate_host_public_key` hook is synchronous, so a person cannot be asked from inside
it. `SshBackend` therefore connects with the file's keys as the only trusted ones, lets the
handshake fail on an untrusted key while recording the key offered (`OfferedHostKey`), and decides
here what that failure means: "changed" (the host already has other keys in the file) or
"unknown" (it has none). Only an unknown key is ever put to the user; an accepted key is appended
to the file and the connection is made again, now trusted by the file itself."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from pathlib import Path

import asyncssh

DEFAULT_SSH_PORT = 22


@dataclass(frozen=True)
class OfferedHostKey:
    """The host key a server presented, with the names asyncssh matched it under."""

    host: str
    addr: str
    port: int
    key: asyncssh.SSHKey

    @property
    def key_type(self) -> str:
        return self.key.get_algorithm()

    @property
    def fingerprint(self) -> str:
        return self.key.get_fingerprint("sha256")


def load_known_hosts(path: Path) -> asyncssh.SSHKnownHosts:
    """The file's entries; a missing file is an empty list (first use), not an error."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        text = ""
    return asyncssh.import_known_hosts(text)


def known_keys_for(path: Path, host: str, addr: str, port: int) -> list[asyncssh.SSHKey]:
    """The plain host keys the file holds for this host, matched as asyncssh matches them when
    connecting (so "changed" here means exactly "would not be trusted there")."""
    match_port = None if port == DEFAULT_SSH_PORT else port
    host_keys, *_ = load_known_hosts(path).match(host, addr, match_port)
    return list(host_keys)


def host_pattern(host: str, port: int) -> str:
    """How OpenSSH writes a host in known_hosts: bare on port 22, `[host]:port` elsewhere."""
    return host if port == DEFAULT_SSH_PORT else f"[{host}]:{port}"


def known_hosts_line(host: str, port: int, key: asyncssh.SSHKey, *, hashed: bool = False) -> str:
    """One known_hosts line for this key, without the key's comment (it may name a person);
    `hashed` writes the host as `hashed_host_pattern` does."""
    blob = base64.b64encode(key.public_data).decode("ascii")
    pattern = host_pattern(host, port)
    if hashed:
        pattern = hashed_host_pattern(pattern)
    return f"{pattern} {key.get_algorithm()} {blob}"


def hashed_host_pattern(pattern: str, salt: bytes | None = None) -> str:
    """OpenSSH's hashed form of a known_hosts host (`HashKnownHosts yes`): `|1|salt|HMAC-SHA1`,
    so the file does not list where its owner connects to."""
    salt = os.urandom(20) if salt is None else salt
    digest = hmac.new(salt, pattern.encode(), hashlib.sha1).digest()
    return f"|1|{base64.b64encode(salt).decode()}|{base64.b64encode(digest).decode()}"


def append_known_host(path: Path, host: str, port: int, key: asyncssh.SSHKey, *, hashed: bool = False) -> None:
    """Append an accepted key (see `known_hosts_line`), creating the file (0600) and its
    directory (0700) on first use."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    needs_newline = path.exists() and path.stat().st_size > 0 and not path.read_bytes().endswith(b"\n")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as stream:
        if needs_newline:
            stream.write("\n")
        stream.write(known_hosts_line(host, port, key, hashed=hashed) + "\n")


def changed_key_reason(host: str, fingerprint: str, known_hosts: Path) -> str:
    """The refusal shown when a known host presents another key. Never a question: accepting a
    changed key is exactly what a man-in-the-middle needs."""
    return (
        f"host key for {host} has CHANGED (fingerprint {fingerprint}): possible "
        f"man-in-the-middle; connection refused. Remove the old key from {known_hosts} "
        "if the change is expected"
    )


def declined_key_reason(host: str, fingerprint: str) -> str:
    return f"host key for {host} ({fingerprint}) was not accepted; connection refused"
