"""Rows 1 and 9: attaching a terminal runs nothing a provider chose and hands the SSH helper no
secret. A `machine.host` that is a ProxyCommand injection (with a bastion line in the SSH config
that expands `%h`) is refused in the tab with one line naming provider and session, and no
marker file appears; the relay helper of a real attach holds none of the API keys or the tasknet
environment secret in its environment."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

import pytest

from sessionboard.model import Capability
from sessionboard.sim.hostile import Options, proxycommand_hosts
from sessionboard.sim.ssh_server import LocalSshServer
from sessionboard.ui.widgets.terminal import TerminalPane
from tests.hostile.helpers import NAME, hostile_console, server_for, until

BASTION = "ssh -W %h:%p jumphost"
"""A common `ProxyCommand` line for reaching hosts behind a bastion: it expands the host name."""
HELPER = b"sessionboard.terminal.relay_helper"
ALLOWED = {"HOME", "SSH_AUTH_SOCK", "LANG", "LANGUAGE", "PATH", "TMPDIR", "TZ", "TERM", "USER", "LOGNAME",
           "SHELL", "SYSTEMROOT"}
"""What a minimal environment for asyncssh may hold (with LC_* and PYTHON*)."""


def bastion_config(directory: Path) -> Path:
    path = directory / "ssh_config"
    path.write_text(f"Host *\n    ProxyCommand {BASTION}\n    BatchMode yes\n", encoding="utf-8")
    return path


def test_control_the_bastion_line_runs_the_hosts_command(tmp_path: Path) -> None:
    """Not a test of sessionboard: the payload works. `%h` expanded and split as an SSH client
    does, the first host makes the real `ssh` run `touch MARKER` as its own proxy."""
    marker = tmp_path / "pwned"
    host = proxycommand_hosts(str(marker))[0]
    command = shlex.split(BASTION.replace("%h", host).replace("%p", "22"))
    subprocess.run([*command[:1], "-F", "/dev/null", "-o", "BatchMode=yes", *command[1:]],
                   stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
    assert marker.exists()


async def test_a_proxycommand_host_is_refused_in_its_tab_and_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    server = server_for("proxycommand-host", kinds=("vsay",), options=Options(marker=str(marker)))
    async with hostile_console(server) as board:
        screen, pilot = board.screen, board.pilot
        board.app.attach_options = {"ssh_config": (str(bastion_config(tmp_path)),), "use_agent": False}
        hostile = [key for key in screen.table.keys() if key[1].startswith("host-")]
        assert len(hostile) == len(proxycommand_hosts(str(marker)))
        for key in hostile:
            assert screen.table.select_key(key)
            await pilot.press("t")
            await until(pilot, lambda: screen.terminals is not None and screen.terminals.pane_for(key) is not None,
                        "the tab")
            pane = screen.terminals.pane_for(key)  # type: ignore[union-attr]
            assert isinstance(pane, TerminalPane)
            await until(pilot, lambda: pane.ended is not None, "the tab to end")
            reason = pane.ended or ""
            assert "ssh" in reason and key[1] in reason, reason  # names the provider and the session
            assert "\n" not in reason and str(marker) not in reason
            await pilot.press("ctrl+right_square_bracket")
            await pilot.pause()
        await pilot.pause(1.0)  # a proxy command would have had its time
    assert not marker.exists()


@pytest.fixture
async def sshd(tmp_path: Path):
    server = LocalSshServer(workdir=tmp_path / "sshd")
    key = server.generate_client_key()
    await server.start()
    known = server.write_known_hosts(tmp_path / "known_hosts")
    try:
        yield server, key, known
    finally:
        await server.stop()


def helpers_of(pid: int) -> list[int]:
    """The relay helpers this process started (found in /proc, however they were started)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == pid and HELPER in cmdline:
            found.append(int(entry))
    return found


async def test_the_ssh_helper_gets_no_secret_in_its_environment(
    sshd, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    server_ssh, client_key, known_hosts = sshd
    server = server_for("clean", ssh_port=server_ssh.port)
    secrets = {kind: server.api_key(kind) for kind in server.apis}
    overrides: dict[str, dict[str, object]] = {}
    for kind in server.apis:
        monkeypatch.setenv(f"SB_HOSTILE_KEY_{kind.upper()}", secrets[kind])
        overrides[kind] = {"api_key": f"env:SB_HOSTILE_KEY_{kind.upper()}"}
    monkeypatch.setenv("SB_HOSTILE_ENV_SECRET", "tasknet-environment-secret-value")
    monkeypatch.setenv("SB_HOSTILE_UNRELATED", "an operator's own variable")
    overrides["tasknet"]["environment_secret"] = "env:SB_HOSTILE_ENV_SECRET"
    overrides["vsay"]["ssh"] = {"port": server_ssh.port, "username": server_ssh.username,
                                "known_hosts": str(known_hosts), "client_keys": [str(client_key)]}
    async with hostile_console(server, providers=overrides) as board:
        screen, pilot = board.screen, board.pilot
        board.app.attach_options = {"ssh_config": (), "use_agent": False}
        key = next(k for k in screen.table.keys() if k[0] == NAME["vsay"])
        assert screen.providers[key[0]].can(Capability.ATTACH)
        assert screen.table.select_key(key)
        await pilot.press("t")
        await until(pilot, lambda: screen.terminals is not None and screen.terminals.pane_for(key) is not None,
                    "the tab")
        assert screen.terminals is not None
        pane = screen.terminals.pane_for(key)
        assert pane is not None
        shown = lambda: "".join(pane.view.emulator.render_line(y, cursor=False).text  # noqa: E731
                                for y in range(pane.view.emulator.rows))
        await until(pilot, lambda: "$" in shown() or "#" in shown() or pane.ended is not None, "the shell's prompt")
        assert pane.ended is None, pane.ended
        (helper,) = helpers_of(os.getpid())
        environ = Path(f"/proc/{helper}/environ").read_bytes()
    # Only names are compared and reported: the helper's environment is the machine's, and a
    # failing assertion must not print its values.
    names = {item.split(b"=", 1)[0].decode() for item in environ.split(b"\0") if item}
    values = [item.split(b"=", 1)[-1] for item in environ.split(b"\0") if item]
    leaked = [what for what, secret in [*secrets.items(), ("tasknet environment", "tasknet-environment-secret-value")]
              if any(secret.encode() in value for value in values)]
    assert leaked == [], f"secrets in the helper's environment: {leaked}"
    assert "SB_HOSTILE_UNRELATED" not in names
    extra = sorted(n for n in names if n not in ALLOWED and not n.startswith(("LC_", "PYTHON")))
    assert extra == [], f"not a minimal environment: {extra}"
