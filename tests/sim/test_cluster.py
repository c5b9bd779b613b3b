"""The cluster over real loopback sockets: one uvicorn server, five mounts, the vsay WebSocket."""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import socket
import stat
import subprocess
import sys
import tomllib

import httpx
import pytest
import websockets

from sessionboard.config import parse_config
from sessionboard.sim.cluster import MOUNTS, SimCluster
from sessionboard.sim.faults import Fault
from sessionboard.sim.layout import listening_socket, provider_tables, session_counts
from sessionboard.sim.vsay import VsaySim

from tests.sim.conftest import auth_headers

LIST_PATHS = {
    "rufus": "/sessions/device/RUF-001",
    "devices": "/api/v1/sessions",
    "vsay": "/sessions",
    "agents": "/api/active-sessions",
    "tasknet": "/live/v1/sessions",
}


async def test_each_base_url_answers_over_real_sockets_then_stops(clock):
    cluster = SimCluster(seed=2, sessions_per_provider=6, clock=clock)
    await cluster.start()
    port = cluster.port
    try:
        assert port > 0
        async with httpx.AsyncClient(timeout=5) as client:
            for kind, sim in cluster.sims.items():
                url = cluster.base_url(kind)
                assert url == f"http://127.0.0.1:{port}{MOUNTS[kind]}"
                response = await client.get(url + LIST_PATHS[kind], headers=auth_headers(sim))
                assert response.status_code == 200, kind
                assert sim.requests[-1] == ("GET", LIST_PATHS[kind]), "logged without the mount prefix"
            cluster.sims["agents"].fault = Fault("500")
            assert (await client.get(cluster.base_url("agents") + LIST_PATHS["agents"])).status_code == 500
            set_over_http = await client.post(cluster.base_url("vsay") + "/__sim__/fault", json={"mode": "html"})
            assert set_over_http.status_code == 200 and cluster.sims["vsay"].fault.mode == "html"
            index = (await client.get(f"http://127.0.0.1:{port}/")).json()
            assert index == {kind: cluster.base_url(kind) for kind in MOUNTS}
    finally:
        await cluster.stop()
    with pytest.raises(httpx.ConnectError):
        async with httpx.AsyncClient(timeout=2) as client:
            await client.get(f"http://127.0.0.1:{port}/")
    with socket.socket() as again:  # the port is free again
        again.bind(("127.0.0.1", port))


def test_default_sizes_are_believable_and_seeded(clock):
    def sizes(cluster: SimCluster) -> dict[str, int]:
        sims = cluster.sims
        return {
            "rufus": len(sims["rufus"].sessions),  # type: ignore[attr-defined]
            "devices": len(sims["devices"].orgs["org-alpha"].sessions),  # type: ignore[attr-defined]
            "vsay": len(sims["vsay"].sessions),  # type: ignore[attr-defined]
            "agents": len(sims["agents"].sessions),  # type: ignore[attr-defined]
            "tasknet": len(sims["tasknet"].modes["live"]),  # type: ignore[attr-defined]
        }

    one, two = SimCluster(seed=4, clock=clock), SimCluster(seed=4, clock=clock)
    assert all(10 <= count <= 25 for count in sizes(one).values())
    assert list(one.sims["vsay"].sessions) == list(two.sims["vsay"].sessions)  # type: ignore[attr-defined]
    assert sizes(SimCluster(seed=1, sessions_per_provider=7, clock=clock)) == dict.fromkeys(MOUNTS, 7)


def test_provider_dicts_parse_and_config_toml_holds_no_secret(tmp_path, clock):
    cluster = SimCluster(seed=1, sessions_per_provider=5, clock=clock, ssh_port=2222)
    config = parse_config({"providers": cluster.provider_dicts()})
    assert [p.name for p in config.providers] == ["timing", "lab", "ssh", "agents", "browsers"]
    assert config.provider("ssh").ssh.port == 2222
    assert config.provider("ssh").status == "all"
    assert config.provider("lab").organizations == ["org-alpha", "org-beta"]
    assert config.provider("browsers").mode == "live"
    assert config.provider("timing").devices == cluster.sims["rufus"].device_ids  # type: ignore[attr-defined]

    text = cluster.config_toml(tmp_path / "keys")
    for sim in cluster.sims.values():
        assert sim.api_key not in text
    parsed = parse_config(tomllib.loads(text))
    for provider in parsed.providers:
        kind = provider.kind
        assert provider.api_key.get_secret_value() == cluster.sims[kind].api_key
    for key_file in (tmp_path / "keys").iterdir():
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_thread_mode_serves_and_stops(clock):
    cluster = SimCluster(seed=1, sessions_per_provider=4, clock=clock)
    cluster.start_in_thread()
    try:
        sim = cluster.sims["tasknet"]
        response = httpx.get(cluster.base_url("tasknet") + "/live/v1/sessions", headers=auth_headers(sim), timeout=5)
        assert response.status_code == 200 and len(response.json()["sessions"]) == 4
    finally:
        cluster.stop_thread()
    with pytest.raises(httpx.ConnectError):
        httpx.get(cluster.base_url("tasknet") + "/live/v1/sessions", timeout=2)


def test_thread_mode_reports_a_busy_port(clock):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        cluster = SimCluster(seed=1, sessions_per_provider=2, clock=clock, port=taken.getsockname()[1])
        with pytest.raises(OSError):
            cluster.start_in_thread()


async def test_live_cluster_changes_on_its_own(clock):
    cluster = SimCluster(seed=1, sessions_per_provider=6, clock=clock, live=True, churn_every=(0.01, 0.02))
    rufus = cluster.sims["rufus"]
    before = {k: s.active for k, s in rufus.sessions.items()}  # type: ignore[attr-defined]
    async with cluster:
        for _ in range(200):
            await asyncio.sleep(0.02)
            if {k: s.active for k, s in rufus.sessions.items()} != before:  # type: ignore[attr-defined]
                break
    assert {k: s.active for k, s in rufus.sessions.items()} != before  # type: ignore[attr-defined]


def test_the_demo_churn_ends_ssh_sessions_far_less_often_than_unpaced(clock):
    """A shell opened with `t` in the demo must outlive a few minutes of work in it."""
    paced = SimCluster(seed=1, clock=clock, live=True).sims["vsay"]
    unpaced = VsaySim(seed=1, sessions=len(paced.sessions), clock=clock)  # type: ignore[attr-defined]
    ended = []
    for sim in (paced, unpaced):
        rng = random.Random(3)
        before = {k for k, s in sim.sessions.items() if s.active}  # type: ignore[attr-defined]
        for _ in range(90):  # three minutes of ticks every 2 s
            sim.churn(rng)
        ended.append(sum(1 for k, s in sim.sessions.items() if k in before and not s.active))  # type: ignore[attr-defined]
    assert ended[1] >= 5  # unpaced, most of the seeded sessions are gone in three minutes
    assert ended[0] <= 2


async def test_vsay_websocket_reaches_a_real_terminal(clock):
    async with SimCluster(seed=1, sessions_per_provider=3, clock=clock) as cluster:
        vsay = cluster.sims["vsay"]
        async with httpx.AsyncClient(base_url=cluster.base_url("vsay"), headers=auth_headers(vsay), timeout=5) as client:
            machine = next(iter(vsay.machines))  # type: ignore[attr-defined]
            created = (await client.post("/sessions", json={"machine_id": machine})).json()["data"]
        url = created["websocket_url"]
        assert url.startswith(f"ws://127.0.0.1:{cluster.port}/vsay/v1/sessions/")

        async with websockets.connect(url) as ws:
            await ws.send(json.dumps({"type": "auth", "token": "wrong"}))
            refused = json.loads(await asyncio.wait_for(ws.recv(), 10))
            assert refused["type"] == "error"

        async with websockets.connect(url) as ws:
            await ws.send(json.dumps({"type": "auth", "token": created["token"]}))
            await ws.send(json.dumps({"type": "input", "data": "echo sim-$((40+2))-ok\n"}))
            seen = ""
            while "sim-42-ok" not in seen:
                message = json.loads(await asyncio.wait_for(ws.recv(), 10))
                if message["type"] == "output":
                    seen += message["data"]
        assert ("WEBSOCKET", f"/sessions/{created['session_id']}/ws") in vsay.requests


async def test_vsay_websocket_closes_1011_without_the_terminal_module(clock, monkeypatch):
    monkeypatch.setitem(sys.modules, "sessionboard.sim.vsay_terminal", None)
    async with SimCluster(seed=1, sessions_per_provider=5, clock=clock) as cluster:
        vsay = cluster.sims["vsay"]
        active = next(s for s in vsay.sessions.values() if s.active)  # type: ignore[attr-defined]
        async with websockets.connect(f"ws://127.0.0.1:{cluster.port}/vsay/v1/sessions/{active.id}/ws") as ws:
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), 10)
        assert closed.value.rcvd.code == 1011

        async with websockets.connect(f"ws://127.0.0.1:{cluster.port}/vsay/v1/sessions/sess_0/ws") as ws:
            assert json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] == "error"
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), 10)
        assert closed.value.rcvd.code == 4404


def test_run_simulate_prints_a_config_and_stops_cleanly_on_sigint():
    code = "import sys; from sessionboard.sim.cluster import run_simulate; sys.exit(run_simulate(None, 3))"
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, text=True)
    try:
        assert proc.stderr is not None and proc.stdout is not None
        banner = proc.stderr.readline()
        assert banner.startswith("# serving on http://127.0.0.1:") and "Ctrl+C" in banner
        port = int(banner.split("127.0.0.1:")[1].split()[0])
        os.set_blocking(proc.stdout.fileno(), False)
        text = proc.stdout.read()
        config = parse_config(tomllib.loads(text))
        timing = config.provider("timing")
        response = httpx.get(f"{timing.base_url}/sessions/device/RUF-001", headers=timing.auth_headers(), timeout=5)
        assert response.status_code == 200 and str(port) in timing.base_url
        for provider in config.providers:
            assert provider.api_key.get_secret_value() not in text
        proc.send_signal(signal.SIGINT)
        assert proc.wait(15) == 0
        assert "Traceback" not in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_run_simulate_on_a_busy_port_says_so_in_one_line():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = f"import sys; from sessionboard.sim.cluster import run_simulate; sys.exit(run_simulate({port}, 2))"
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30,
                                stdin=subprocess.DEVNULL)
    assert result.returncode == 1
    assert result.stderr.strip() == f"sessionboard: simulate: cannot listen on 127.0.0.1:{port}: Address already in use"
    assert result.stdout == ""


@pytest.mark.parametrize(("seed", "sessions"), [(1, None), (4, None), (7, 2), (2, 40)])
def test_the_layout_gives_the_config_of_a_cluster_without_building_one(clock, seed, sessions):
    """`sessionboard demo` builds its config from `sim.layout` before its simulator child starts:
    it must be the config of the cluster that child builds (devices, organizations, mode...)."""
    keys = {kind: f"key-{kind}" for kind in MOUNTS}
    with listening_socket() as sock:
        cluster = SimCluster(seed=seed, sessions_per_provider=sessions, clock=clock, sock=sock, api_keys=keys)
        tables = provider_tables(cluster.port, keys, session_counts(seed, sessions))
        assert tables == cluster.provider_dicts()
    assert [sim.api_key for sim in cluster.sims.values()] == list(keys.values())


async def test_a_cluster_serves_on_a_socket_bound_before_it_existed(clock):
    """A client may connect while nobody serves: the backlog holds it until the cluster starts."""
    sock = listening_socket()
    port = sock.getsockname()[1]
    async with httpx.AsyncClient(timeout=10) as client:
        early = asyncio.ensure_future(client.get(f"http://127.0.0.1:{port}/"))
        await asyncio.sleep(0.2)
        assert not early.done()
        cluster = SimCluster(seed=1, sessions_per_provider=2, clock=clock, sock=sock)
        await cluster.start()
        try:
            response = await early
            assert response.status_code == 200 and response.json()["rufus"] == cluster.base_url("rufus")
        finally:
            await cluster.stop()
