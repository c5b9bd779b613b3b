"""The hostile simulator itself: real envelopes and auth for each kind, every scenario served,
requests recorded as they arrived, and the by-hand entry point."""

from __future__ import annotations

import gzip
import os
import select
import signal
import subprocess
import sys
import time
import zlib

import httpx
import pytest

from sessionboard.config import parse_config
from sessionboard.errors import ProviderError
from sessionboard.providers import make_provider
from sessionboard.sim.hostile import CONTROL_TEXT, KINDS, SCENARIOS, HostileServer
from sessionboard.sim.hostile.bodies import gzip_bomb
from sessionboard.sim.layout import MOUNTS
from tests.hostile.helpers import run_cli, small

LIST_PATHS = {
    "rufus": "/sessions/device/RUF-001",
    "devices": "/api/v1/sessions",
    "vsay": "/sessions",
    "agents": "/api/active-sessions",
    "tasknet": "/live/v1/sessions",
}
FAILING = {"osc-in-error": 500, "error-echo": 500, "retry-after": 429, "unavailable": 503}


def providers_of(server: HostileServer, keys: dict[str, str] | None = None) -> dict[str, object]:
    entries = server.provider_dicts()
    for entry in entries:
        if keys and entry["kind"] in keys:
            entry["api_key"] = keys[entry["kind"]]
    config = parse_config({"providers": entries})
    transport = httpx.ASGITransport(app=server.app)
    return {p.kind: make_provider(p, transport=transport) for p in config.providers}


@pytest.mark.parametrize("kind", KINDS)
async def test_clean_lists_four_good_sessions_through_the_real_adapter(kind: str) -> None:
    server = HostileServer("clean", kinds=(kind,))
    provider = providers_of(server)[kind]
    sessions = await provider.poll()  # type: ignore[attr-defined]
    assert len(sessions) == 4
    assert all(s.kind == kind and s.active and s.started_at for s in sessions)
    assert len({s.id for s in sessions}) == 4
    await provider.aclose()  # type: ignore[attr-defined]


@pytest.mark.parametrize("kind", KINDS)
async def test_a_wrong_key_is_refused_in_the_kinds_own_way(kind: str) -> None:
    server = HostileServer("clean", kinds=(kind,))
    provider = providers_of(server, {kind: "not-the-key"})[kind]
    with pytest.raises(ProviderError) as failure:
        await provider.poll()  # type: ignore[attr-defined]
    assert failure.value.status == (403 if kind == "rufus" else 401)
    await provider.aclose()  # type: ignore[attr-defined]


@pytest.mark.parametrize("kind", KINDS)
async def test_hostile_fields_reach_the_normalized_session(kind: str) -> None:
    server = HostileServer("osc-in-name", kinds=(kind,))
    provider = providers_of(server)[kind]
    sessions = await provider.poll()  # type: ignore[attr-defined]
    hostile = next(s for s in sessions if s.id.startswith("osc-"))
    assert hostile.name == CONTROL_TEXT
    if kind in ("devices", "vsay"):
        assert hostile.user == CONTROL_TEXT
    if kind != "rufus":
        assert hostile.target == CONTROL_TEXT
    await provider.aclose()  # type: ignore[attr-defined]


@pytest.mark.parametrize("scenario", sorted(set(SCENARIOS) - {"self-signed"}))
async def test_every_scenario_is_served_by_every_kind(scenario: str) -> None:
    server = HostileServer(scenario, options=small())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=server.app), base_url="http://sim") as client:
        for kind in KINDS:
            key = server.api_key(kind)
            headers = {"x-api-key": key, "api_key": key, "authorization": f"Bearer {key}"}
            response = await client.get(MOUNTS[kind] + LIST_PATHS[kind], headers=headers)
            hostile_here = kind in SCENARIOS[scenario].kinds
            expected = FAILING.get(scenario, 200) if hostile_here else 200
            assert response.status_code == expected, (kind, response.text[:300])
            if scenario in ("retry-after", "unavailable") and hostile_here:
                assert response.headers["retry-after"] == "120"
            if scenario == "gzip-bomb" and hostile_here:
                assert response.headers["content-encoding"] == "gzip"


async def test_requests_are_recorded_with_the_path_as_sent() -> None:
    server = HostileServer("path-ids", kinds=("vsay",))
    key = server.api_key("vsay")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=server.app), base_url="http://sim") as client:
        found = await client.get("/vsay/v1/sessions/a%23frag", headers={"authorization": f"Bearer {key}"})
        outside = await client.delete("/admin/x?force=true")
    assert found.status_code == 200 and found.json()["data"]["id"] == "a#frag"
    assert outside.status_code == 404
    first, second = server.seen
    assert (first.method, first.path, first.headers["authorization"]) == ("GET", "/vsay/v1/sessions/a%23frag", f"Bearer {key}")
    assert (second.method, second.path, second.query) == ("DELETE", "/admin/x", "force=true")


def test_the_gzip_bomb_is_valid_gzip_of_the_size_asked() -> None:
    body = gzip_bomb(16)
    assert len(body) < 16 * 1024 * 1024 // 500
    assert gzip.decompress(body) == b" " * (16 * 1024 * 1024)
    assert zlib.crc32(b" " * (16 << 20)) == int.from_bytes(body[-8:-4], "little")


def test_by_hand_it_prints_a_config_the_cli_can_use(tmp_path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "sessionboard.sim.hostile", "--scenario", "duplicate-ids", "--kind", "agents"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
    )
    assert proc.stdout is not None and proc.stderr is not None
    out, err = proc.stdout.fileno(), proc.stderr.fileno()
    try:
        banner = b""
        deadline = time.monotonic() + 30
        while b"Ctrl+C" not in banner:
            assert time.monotonic() < deadline and proc.poll() is None, banner
            if select.select([err], [], [], 0.2)[0]:
                banner += os.read(err, 4096)
        config = b""
        while select.select([out], [], [], 0.5)[0]:
            chunk = os.read(out, 65536)
            if not chunk:
                break
            config += chunk
        path = tmp_path / "hostile.toml"
        path.write_bytes(config)
        assert b"agents=duplicate-ids" in config and b"api_key" in config and b"file:" in config
        listed = run_cli("list", "--json", "--config", str(path))
        assert '"dup-1"' in listed.out, listed
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(15) == 0

