"""The CLI in team mode, as real subprocesses: `list` read from the hub prints exactly what
`list --direct` prints for the same data; the `[hub]` URL and password are never printed; Redis
down, or no hub yet, is one line each and exit 1; `hub` without `[hub]` is a config error."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from sessionboard.config import load_config
from sessionboard.hub.hub import Hub
from sessionboard.hub.server import RedisServer, free_port
from sessionboard.sim.clock import FixedClock
from sessionboard.sim.cluster import SimCluster
from tests.hub.conftest import eventually
from tests.hub.helpers import running

PASSWORD = "pw-Secret-4711"


async def cli(*args: str, env: dict[str, str] | None = None) -> tuple[int, bytes, bytes]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "sessionboard", *args,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode is not None
    return proc.returncode, out, err


def write_config(path: Path, cluster: SimCluster, hub_table: str) -> Path:
    text = cluster.config_toml(path.parent / "keys") + "\n[hub]\n" + hub_table
    path.write_text(text)
    return path


async def test_list_from_the_hub_prints_what_list_direct_prints(tmp_path, redis_url, prefix):
    async with SimCluster(seed=11, sessions_per_provider=15, clock=FixedClock()) as cluster:
        path = write_config(tmp_path / "team.toml", cluster, f'url = "{redis_url}"\nprefix = "{prefix}"\n')
        config = load_config(path)
        published: set[str] = set()
        hub = Hub.from_config(config, lease_ttl=3.0, on_published=lambda meta: published.add(meta.provider))
        async with running(hub):
            await eventually(lambda: len(published) == len(config.providers), what="every provider published")
            for args in (["list", "--json", "--all"], ["list"], ["list", "--all", "--provider", "timing", "--provider", "ssh"]):
                hub_status, hub_out, hub_err = await cli("--config", str(path), *args)
                direct_status, direct_out, direct_err = await cli("--config", str(path), *args, "--direct")
                assert (hub_status, hub_err) == (direct_status, direct_err) == (0, b"")
                assert hub_out == direct_out and hub_out.count(b"\n") > 10, args


async def test_list_says_when_no_hub_has_published_or_redis_is_down(tmp_path, redis_url, prefix):
    async with SimCluster(seed=11, sessions_per_provider=3) as cluster:
        path = write_config(tmp_path / "team.toml", cluster, f'url = "{redis_url}"\nprefix = "{prefix}"\n')
        status, out, err = await cli("--config", str(path), "list")
        lines = err.decode().splitlines()
        assert status == 1 and out == b""
        assert len(lines) == 5 and all("no data from the hub yet" in line for line in lines), lines

        port = free_port()
        dead = write_config(tmp_path / "dead.toml", cluster, f'url = "redis://:{PASSWORD}@127.0.0.1:{port}/0"\n')
        status, out, err = await cli("--config", str(dead), "list", "--json")
        assert status == 1 and out == b""
        assert err.decode().splitlines() == [
            "sessionboard: hub unreachable: connection refused (--direct polls the providers instead)"
        ]
        status, out, _ = await cli("--config", str(dead), "list", "--json", "--direct")
        assert status == 0 and out.startswith(b"[")


async def test_the_url_and_password_are_never_printed(tmp_path):
    with RedisServer(password=PASSWORD) as server:
        async with SimCluster(seed=2, sessions_per_provider=2) as cluster:
            env = {"SB_TEST_REDIS_URL": f"redis://:wrong-{PASSWORD}@127.0.0.1:{server.port}/0"}
            path = write_config(tmp_path / "bad.toml", cluster, 'url = "env:SB_TEST_REDIS_URL"\n')
            status, out, err = await cli("--config", str(path), "list", env=env)
            assert status == 1 and out == b""
            assert b"authentication failed" in err and PASSWORD.encode() not in err and str(server.port).encode() not in err

            # The right password given apart from the URL: the hub runs, says what it does, and
            # neither it nor list ever prints the password, the URL or its port.
            (tmp_path / "pw").write_text(PASSWORD + "\n")
            good = write_config(
                tmp_path / "good.toml", cluster,
                f'url = "redis://127.0.0.1:{server.port}/0"\npassword = "file:{tmp_path / "pw"}"\n',
            )
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "sessionboard", "--config", str(good), "hub",
                stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            )
            assert proc.stderr is not None
            said = b""
            while said.count(b"holds its lease") < 5:
                said += await asyncio.wait_for(proc.stderr.readline(), 30)
            status, out, err = await cli("--config", str(good), "list", "--json")
            assert status == 0 and out.startswith(b"[")
            server.stop()  # Redis goes away under the running hub: it says so in one line
            while b"redis unreachable" not in said:
                said += await asyncio.wait_for(proc.stderr.readline(), 30)
            proc.send_signal(signal.SIGTERM)
            rest, _ = await asyncio.wait_for(proc.communicate(), 30)
            said += rest
            assert proc.returncode == 0
            for text in (said, err):
                assert PASSWORD.encode() not in text and str(server.port).encode() not in text, text
                assert b"redis://" not in text
            assert b"sessionboard: hub: redis unreachable: connection " in said


async def test_hub_without_a_hub_table_is_a_config_error(tmp_path):
    async with SimCluster(seed=2, sessions_per_provider=2) as cluster:
        path = tmp_path / "plain.toml"
        path.write_text(cluster.config_toml(tmp_path / "keys"))
        status, out, err = await cli("--config", str(path), "hub")
        assert status == 2 and out == b"" and b"no [hub] table" in err and err.count(b"\n") == 1
