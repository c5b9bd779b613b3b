"""OpenSSH's `sshd` on loopback, for the tests and the benchmarks: the real server a user's
hosts run, next to the project's own asyncssh `LocalSshServer`.

Keys are made with `ssh-keygen` and the host key's fingerprint read back with `ssh-keygen -l`, so
what the SSH backend reports is checked against OpenSSH's own reading, not against itself.
It needs root (sshd changes user for the session) and Debian's `openssh-server`; `.ci/run`
installs it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

SSHD = "/usr/sbin/sshd"


class OpenSshError(Exception):
    """sshd could not be started; the message says why in one line (with sshd's own log)."""


@dataclass
class OpenSshServer:
    """A running `sshd -D -e -f CONFIG` on 127.0.0.1, root login by a generated key only."""

    workdir: Path
    port: int
    client_key: Path
    known_hosts_line: str
    fingerprint: str  # "SHA256:..." of the host key
    pidfile: Path  # the listener's pid, once it runs
    process: subprocess.Popen[bytes]
    host: str = "127.0.0.1"
    username: str = "root"

    @classmethod
    def start(cls, workdir: Path, timeout: float = 20.0) -> OpenSshServer:
        if not os.access(SSHD, os.X_OK):
            raise OpenSshError(f"{SSHD} is missing: install openssh-server")
        workdir.mkdir(parents=True, exist_ok=True)
        workdir.chmod(0o700)
        host_key = workdir / "ssh_host_ed25519_key"
        client_key = workdir / "client_key"
        _keygen(host_key)
        _keygen(client_key)
        authorized = workdir / "authorized_keys"
        shutil.copy(f"{client_key}.pub", authorized)
        authorized.chmod(0o600)
        port = _free_port()
        config = workdir / "sshd_config"
        config.write_text(_config(port, host_key, workdir / "sshd.pid", authorized), encoding="utf-8")
        Path("/run/sshd").mkdir(parents=True, exist_ok=True)
        log_path = workdir / "sshd.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise OpenSshError(f"sshd exited with {process.returncode}: {log_path.read_text(errors='replace')}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    process.kill()
                    process.wait()
                    raise OpenSshError(f"sshd did not listen on {port}: {log_path.read_text(errors='replace')}") from None
                time.sleep(0.05)
        key_type, blob = Path(f"{host_key}.pub").read_text().split()[:2]
        return cls(
            workdir=workdir,
            port=port,
            client_key=client_key,
            known_hosts_line=f"[127.0.0.1]:{port} {key_type} {blob}",
            fingerprint=_sha256_fingerprint(Path(f"{host_key}.pub")),
            pidfile=workdir / "sshd.pid",
            process=process,
        )

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _config(port: int, host_key: Path, pidfile: Path, authorized: Path) -> str:
    return "\n".join(
        [
            f"Port {port}",
            "ListenAddress 127.0.0.1",
            f"HostKey {host_key}",
            f"PidFile {pidfile}",
            f"AuthorizedKeysFile {authorized}",
            "UsePAM no",
            "PermitRootLogin yes",
            "PubkeyAuthentication yes",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "StrictModes no",
            "PrintMotd no",
            "PrintLastLog no",
            "X11Forwarding no",
            "LogLevel ERROR",
            "",
        ]
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _keygen(path: Path) -> None:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", str(path)],
        check=True,
        capture_output=True,
    )


def _sha256_fingerprint(pub: Path) -> str:
    out = subprocess.run(
        ["ssh-keygen", "-l", "-E", "sha256", "-f", str(pub)], check=True, capture_output=True, text=True
    ).stdout
    return next(word for word in out.split() if word.startswith("SHA256:"))
