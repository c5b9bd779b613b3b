"""Row 1 of issue 14: a vsay session's `machine.host` is provider data, never an SSH argument.

The attack is real on this machine: an ssh_config with the common bastion line
`ProxyCommand ssh -W %h:%p jumphost` turns a "host" with spaces into options of the inner `ssh`,
and `-oProxyCommand=touch MARKER` runs. The first test shows that (the SSH transport given such a
host runs the command), so the others, which attach the way the console does, are known to guard
against something that happens."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from sessionboard.config import parse_config
from sessionboard.model import Session
from sessionboard.model.address import BadAddress, check_address, host_problem
from sessionboard.providers import VsayProvider, make_provider
from sessionboard.sim.vsay import VsaySim
from sessionboard.terminal.backend import TerminalClosed
from sessionboard.terminal.prompts import RejectAll
from sessionboard.terminal.relay import RelayedSshBackend
from sessionboard.terminal.ssh import SshBackend
from sessionboard.ui.attach import attach_backend

READ_TIMEOUT = 20.0


def hostile_host(marker: Path) -> str:
    return f"a:1 -oProxyCommand=touch\\ {marker} b"


def bastion_config(tmp_path: Path) -> Path:
    config = tmp_path / "ssh_config"
    config.write_text("ProxyCommand ssh -W %h:%p jumphost\n", encoding="utf-8")
    return config


@pytest.fixture
async def vsay(tmp_path: Path) -> AsyncIterator[tuple[VsaySim, VsayProvider]]:
    sim = VsaySim(seed=3, sessions=4)
    config = parse_config(
        {
            "providers": [
                {
                    "name": "ssh-lab",
                    "kind": "vsay",
                    "base_url": "http://vsay.test",
                    "api_key": sim.api_key,
                    "ssh": {"known_hosts": str(tmp_path / "known_hosts"), "port": 22},
                }
            ]
        }
    )
    provider = make_provider(config.providers[0], transport=httpx.ASGITransport(app=sim.app))
    assert isinstance(provider, VsayProvider)
    yield sim, provider
    await provider.aclose()


async def listed_with_host(sim: VsaySim, provider: VsayProvider, host: str) -> Session:
    """An active session of the simulator whose machine now answers `host` (in "get")."""
    active = next(s for s in sim.sessions.values() if s.active)
    active.machine["host"] = host
    return next(s for s in await provider.list_sessions() if s.id == active.id)


@pytest.mark.skipif(shutil.which("ssh") is None, reason="needs OpenSSH's ssh for the ProxyCommand")
async def test_the_attack_is_real_for_an_unchecked_transport(tmp_path: Path) -> None:
    """The control: the SSH transport itself, given the host unchecked, runs the command."""
    marker = tmp_path / "pwned"
    backend = SshBackend(
        hostile_host(marker), 22, "nobody", tmp_path / "known_hosts", ssh_config=[bastion_config(tmp_path)],
        use_agent=False, connect_timeout=10,
    )
    with pytest.raises(TerminalClosed):
        await asyncio.wait_for(backend.start(80, 24), READ_TIMEOUT)
    await backend.close()
    assert marker.exists()


async def test_a_proxycommand_host_is_refused_before_any_ssh_config_is_read(
    vsay: tuple[VsaySim, VsayProvider], tmp_path: Path
) -> None:
    sim, provider = vsay
    marker = tmp_path / "pwned"
    session = await listed_with_host(sim, provider, hostile_host(marker))
    targets: list[Any] = []
    backend = attach_backend(
        provider, session, RejectAll(), on_target=targets.append, ssh_config=[bastion_config(tmp_path)], use_agent=False
    )
    with pytest.raises(TerminalClosed) as closed:
        await asyncio.wait_for(backend.start(80, 24), READ_TIMEOUT)
    await backend.close()
    assert not marker.exists()
    reason = closed.value.reason
    assert reason.startswith(f"ssh-lab: session {session.id} refused: ")
    assert "\n" not in reason and "ProxyCommand" not in reason
    assert targets == [] and backend.inner is None  # no transport, no helper was made


HOSTILE = {
    "option": "-oFoo",
    "option-with-value": "-oProxyCommand=id",
    "semicolon": "host;id",
    "substitution": "$(id)",
    "backticks": "`id`",
    "newline": "host\nProxyCommand id",
    "space": "two words",
    "percent token": "%h.example.com",
    "cyrillic lookalike": "ехаmple.com",
    "fullwidth lookalike": "ｅxample.com",
    "label too long": "a" * 64 + ".example.com",
    "name too long": ".".join(["a" * 63] * 4) + ".com",
    "underscore": "bad_host.example.com",
    "leading hyphen": "-host.example.com",
    "trailing hyphen": "host-.example.com",
    "empty label": "a..example.com",
    "bracketed ipv6": "[::1]",
    "ipv4 with port": "127.0.0.1:22",
    "not quite ipv4": "999.1.1.1",
    "short ipv4": "127.1",
    "zone with a command": "fe80::1%$(id)",
    "nul": "host\x00.example.com",
    "escape": "host\x1b]0;PWNED\x07",
}


@pytest.mark.parametrize("host", list(HOSTILE.values()), ids=list(HOSTILE))
async def test_every_host_that_is_not_a_name_or_an_ip_is_one_refusal_line(
    vsay: tuple[VsaySim, VsayProvider], tmp_path: Path, host: str
) -> None:
    sim, provider = vsay
    session = await listed_with_host(sim, provider, host)
    targets: list[Any] = []
    backend = attach_backend(provider, session, RejectAll(), on_target=targets.append, ssh_config=(), use_agent=False)
    with pytest.raises(TerminalClosed) as closed:
        await asyncio.wait_for(backend.start(80, 24), READ_TIMEOUT)
    await backend.close()
    reason = closed.value.reason
    assert reason.startswith(f"ssh-lab: session {session.id} refused: the ")
    assert "\n" not in reason and "\x1b" not in reason and host not in reason  # the value is never repeated
    assert targets == [] and backend.inner is None


async def test_an_empty_host_is_one_line_naming_the_session(vsay: tuple[VsaySim, VsayProvider]) -> None:
    sim, provider = vsay
    session = await listed_with_host(sim, provider, "")
    backend = attach_backend(provider, session, RejectAll(), ssh_config=(), use_agent=False)
    with pytest.raises(TerminalClosed) as closed:
        await asyncio.wait_for(backend.start(80, 24), READ_TIMEOUT)
    assert closed.value.reason == f"ssh-lab: session {session.id} has no host to connect to"


@pytest.mark.parametrize(
    "host",
    ["localhost", "db-1.lab.example.com", "example.com.", "a" * 63 + ".example", "127.0.0.1", "10.0.0.255",
     "::1", "2001:db8::17", "fe80::1%eth0", "xn--bcher-kva.example"],
)
def test_host_names_and_ip_literals_are_taken(host: str) -> None:
    assert host_problem(host) is None
    check_address(host, 22)


@pytest.mark.parametrize("port", [0, -1, 65536, 10**9, "22", 22.0, True, "22 -oFoo"])
def test_a_port_must_be_an_integer_1_to_65535(port: object) -> None:
    with pytest.raises(BadAddress) as refused:
        check_address("example.com", port)
    assert refused.value.reason.startswith("the port ")
    check_address("example.com", 65535)
    check_address("example.com", None)  # the operator's SSH config decides


@pytest.mark.parametrize("host,port", [("a b", 22), ("-oFoo", 22), ("example.com", 0), ("example.com", 70000)])
async def test_the_relayed_transport_refuses_before_it_starts_a_helper(tmp_path: Path, host: str, port: int) -> None:
    """Whoever builds a relayed transport, its helper (which reads the SSH config) never starts
    for a host or port that is not data: `python` here would leave a mark if it ran."""
    marker = tmp_path / "helper-ran"
    fake = tmp_path / "python"
    fake.write_text(f"#!/bin/sh\ntouch {marker}\n")
    fake.chmod(0o755)
    backend = RelayedSshBackend(host, port, "ops", tmp_path / "known_hosts", ssh_config=(), use_agent=False, python=str(fake))
    with pytest.raises(TerminalClosed) as closed:
        await backend.start(80, 24)
    await backend.close()
    assert backend.proc is None and not marker.exists()
    assert closed.value.reason.startswith("SSH refused: the ")


async def test_the_helper_checks_the_host_it_is_sent_before_it_reads_the_ssh_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last line: with the console side's check taken away, the helper, which is the process
    that reads the SSH config, refuses the host itself."""
    monkeypatch.setattr("sessionboard.terminal.relay.check_address", lambda host, port: None)
    marker = tmp_path / "pwned"
    backend = RelayedSshBackend(
        hostile_host(marker), 22, "ops", tmp_path / "known_hosts", ssh_config=[bastion_config(tmp_path)],
        use_agent=False, connect_timeout=10,
    )
    with pytest.raises(TerminalClosed) as closed:
        await asyncio.wait_for(backend.start(80, 24), READ_TIMEOUT)
    await backend.close()
    assert not marker.exists()
    assert closed.value.reason.startswith("SSH refused: the host ")
