"""Rows 11, 12 and 15: the network as operators have it. A SOCKS proxy is used, not an
ImportError; a 429 or 503 with Retry-After holds that provider's next request until then (capped
at ten minutes) and says so; a self-signed certificate is reported as a certificate failure, and
`ca_bundle` (or SSL_CERT_FILE) makes it trusted."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sessionboard.sim.hostile import KINDS, HostileServer, Options
from tests.hostile.helpers import NAME, hostile_console, run_cli, server_for, until, write_config
from tests.hostile.socks import Socks5Proxy
from tests.ui.helpers import screen_text

CERTIFICATE = re.compile(r"certificate", re.IGNORECASE)
NEXT_POLL = re.compile(r"next poll in (\d+)\s*(s|sec|seconds?|m|min|minutes?)\b")


def panel_words(text: str) -> str:
    """The screen's text with borders and line breaks gone, so a panel line wrapped in two reads
    as one (the rows right of the panel are empty: the one provider is rate limited)."""
    return re.sub(r"[\s│╭╮╰╯─]+", " ", text)


# ---- row 11: SOCKS ---------------------------------------------------------------------------------------
def test_cli_lists_through_a_socks_proxy(tmp_path: Path) -> None:
    with HostileServer("clean") as server, Socks5Proxy() as proxy:
        config = write_config(server, tmp_path)
        ran = run_cli("list", "--json", "--config", str(config), env={"ALL_PROXY": proxy.url})
        target = ("127.0.0.1", server.port)
    assert ran.returncode == 0 and ran.err == "", ran
    assert len(json.loads(ran.stdout)) == 4 * len(KINDS)
    assert target in proxy.targets


def test_cli_says_in_one_line_per_provider_that_the_proxy_is_unreachable(tmp_path: Path) -> None:
    with HostileServer("clean") as server:
        config = write_config(server, tmp_path)
        ran = run_cli("list", "--config", str(config), env={"ALL_PROXY": "socks5://127.0.0.1:9"})
    assert ran.returncode == 1, ran
    assert sorted(line.split(":", 1)[0] for line in ran.err_lines()) == sorted(NAME.values())
    assert "ImportError" not in ran.err and "internal error" not in ran.err


async def test_console_polls_through_a_socks_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    with HostileServer("clean") as server, Socks5Proxy() as proxy:
        monkeypatch.setenv("ALL_PROXY", proxy.url)
        async with hostile_console(server, network=True) as board:
            for status in board.screen.statuses.values():
                assert status.error is None and status.count == 4, status
        assert ("127.0.0.1", server.port) in proxy.targets  # still serving: the port is known


# ---- row 12: Retry-After ------------------------------------------------------------------------------
@pytest.mark.parametrize(("scenario", "retry_after"), [("retry-after", "120"), ("unavailable", "date")])
def test_check_says_a_provider_is_rate_limited_and_for_how_long(tmp_path: Path, scenario: str,
                                                                retry_after: str) -> None:
    with HostileServer(scenario, options=Options(retry_after=retry_after)) as server:
        config = write_config(server, tmp_path)
        ran = run_cli("check", "--config", str(config))
    assert ran.returncode == 1, ran
    lines = ran.out.splitlines()
    assert len(lines) == len(KINDS)
    for line in lines:
        assert line.startswith("FAIL ") and ("rate limited" in line or scenario == "unavailable"), line
        assert re.search(r"\b1[01]\d\b|\b120\b|\b2\s*min", line), line  # ~120 s, however it is said


@pytest.mark.parametrize(("scenario", "retry_after"), [("retry-after", "120"), ("unavailable", "date")])
async def test_console_holds_a_rate_limited_providers_polls(scenario: str, retry_after: str) -> None:
    server = server_for(scenario, kinds=("vsay",), options=Options(retry_after=retry_after))
    async with hostile_console(server, poll_interval=0.5) as board:
        lists = lambda: len(server.requests("vsay", "GET"))  # noqa: E731
        assert lists() == 1
        await board.pilot.pause(3.0)  # six poll intervals: the provider asked for 120 s
        assert lists() == 1, [s.line for s in server.seen]
        text = panel_words(screen_text(board.app))
        assert "rate limited" in text or scenario == "unavailable"
        match = NEXT_POLL.search(text)
        assert match is not None, text
        seconds = int(match.group(1)) * (60 if match.group(2).startswith("m") else 1)
        assert 100 <= seconds <= 120


async def test_console_caps_a_retry_after_at_ten_minutes() -> None:
    server = server_for("retry-after", kinds=("vsay",), options=Options(retry_after="86400"))
    async with hostile_console(server, poll_interval=0.5) as board:
        await board.pilot.pause(1.0)
        assert len(server.requests("vsay", "GET")) == 1
        match = NEXT_POLL.search(panel_words(screen_text(board.app)))
        assert match is not None
        seconds = int(match.group(1)) * (60 if match.group(2).startswith("m") else 1)
        assert 540 <= seconds <= 600


# ---- row 15: TLS ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tls_server():
    with HostileServer("self-signed") as server:
        yield server


def test_cli_reports_a_self_signed_certificate_as_such(tls_server: HostileServer, tmp_path: Path) -> None:
    config = write_config(tls_server, tmp_path)
    ran = run_cli("check", "--config", str(config))
    assert ran.returncode == 1
    for line in ran.out.splitlines():
        assert line.startswith("FAIL ") and CERTIFICATE.search(line), line
        assert "connection refused" not in line


def test_cli_trusts_a_ca_bundle_given_per_provider(tls_server: HostileServer, tmp_path: Path) -> None:
    bundle = {"ca_bundle": str(tls_server.cert_file)}
    config = write_config(tls_server, tmp_path, providers={kind: bundle for kind in KINDS})
    ran = run_cli("list", "--json", "--config", str(config))
    assert ran.returncode == 0 and len(json.loads(ran.stdout)) == 4 * len(KINDS), ran


def test_cli_trusts_ssl_cert_file(tls_server: HostileServer, tmp_path: Path) -> None:
    config = write_config(tls_server, tmp_path)
    ran = run_cli("list", "--json", "--config", str(config), env={"SSL_CERT_FILE": str(tls_server.cert_file)})
    assert ran.returncode == 0 and len(json.loads(ran.stdout)) == 4 * len(KINDS), ran


async def test_console_reports_a_self_signed_certificate_as_such(tls_server: HostileServer) -> None:
    async with hostile_console(tls_server, network=True) as board:
        for status in board.screen.statuses.values():
            assert status.error is not None and CERTIFICATE.search(status.error), status
