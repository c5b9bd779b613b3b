"""Issue 17 in team mode: `watch` reads the hub's feed (the same events as a direct watch), and
every audit line is published to `{prefix}:audit` as well as written to the file."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from redis.asyncio import Redis

from sessionboard.actions import ActionResult, AuditLog
from sessionboard.config import load_config
from sessionboard.hub.audit import AuditPublisher
from sessionboard.hub.hub import Hub
from sessionboard.hub.server import free_port
from sessionboard.config.models import HubSettings
from sessionboard.sim.cluster import SimCluster
from tests.hub.conftest import eventually
from tests.hub.helpers import running
from tests.hub.test_cli_team import cli, write_config


async def next_event(stream: asyncio.StreamReader, what: str) -> dict:
    while True:
        line = await asyncio.wait_for(stream.readline(), 60)
        assert line, f"watch ended before {what}"
        event = json.loads(line)
        if what in (event["event"], (event["session"] or {}).get("id")):
            return event


async def test_watch_reads_the_hub_and_says_what_appears_there(tmp_path, redis_url, prefix):
    async with SimCluster(seed=5, sessions_per_provider=4) as cluster:
        path = write_config(tmp_path / "team.toml", cluster, f'url = "{redis_url}"\nprefix = "{prefix}"\n')
        config = load_config(path)
        published: set[str] = set()
        hub = Hub.from_config(config, lease_ttl=3.0, on_published=lambda meta: published.add(meta.provider))
        async with running(hub):
            await eventually(lambda: "browsers" in published, what="browsers published")
            watch = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "sessionboard", "--config", str(path), "watch", "--json", "--initial",
                "--provider", "browsers", stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE, env=dict(os.environ),
            )
            try:
                assert watch.stdout is not None
                existing = await next_event(watch.stdout, "existing")
                assert existing["provider"] == "browsers"
                new = cluster.sims["tasknet"].create("live", 30, driver="api")  # type: ignore[attr-defined]
                appeared = await next_event(watch.stdout, new.session_uuid)
                assert appeared["event"] == "appeared" and appeared["session"]["status"] == "active"
                status, out, _ = await cli("--config", str(path), "--direct", "list", "--json", "--provider", "browsers")
                assert status == 0 and any(s["id"] == new.session_uuid for s in json.loads(out))
            finally:
                watch.terminate()
                assert await asyncio.wait_for(watch.wait(), 30) == 0


async def read_audit_stream(settings: HubSettings) -> list[dict]:
    redis = Redis.from_url(settings.url.get_secret_value())
    try:
        entries = await redis.xrange(f"{settings.prefix}:audit")
    finally:
        await redis.aclose()
    return [json.loads(fields[b"d"]) for _, fields in entries]


async def test_every_audit_line_is_published_to_the_audit_stream(tmp_path, settings):
    publisher = AuditPublisher(settings)
    log = AuditLog(tmp_path / "audit.jsonl", via="console")
    log.subscribe(publisher)
    for n in range(3):
        log.write(ActionResult("close", "browsers", "tasknet", f"s{n}", True, f"session s{n} terminated", at=1e9 + n))
    await publisher.aclose()
    log.close()
    in_file = [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text().splitlines()]
    assert await read_audit_stream(settings) == in_file and len(in_file) == 3
    assert publisher.published == 3 and publisher.dropped == 0


async def test_the_cli_publishes_its_audit_lines_and_an_unreachable_hub_costs_one_warning(tmp_path, redis_url, prefix):
    async with SimCluster(seed=6, sessions_per_provider=3) as cluster:
        sim = cluster.sims["tasknet"]
        ids = [sim.create("live", 30, driver="api").session_uuid for _ in range(2)]  # type: ignore[attr-defined]
        path = write_config(tmp_path / "team.toml", cluster, f'url = "{redis_url}"\nprefix = "{prefix}"\n')
        env = {"XDG_STATE_HOME": str(tmp_path / "state")}
        status, out, err = await cli("--config", str(path), "close", "browsers", *ids, env=env)
        assert (status, err) == (0, b"sessionboard: browsers: closed 2 of 2\n")
        stream = await read_audit_stream(HubSettings(url=redis_url, prefix=prefix))
        in_file = [json.loads(line) for line in (tmp_path / "state" / "sessionboard" / "audit.jsonl").read_text().splitlines()]
        assert stream == in_file and sorted(r["session"] for r in stream) == sorted(ids)

        dead = write_config(tmp_path / "dead.toml", cluster, f'url = "redis://127.0.0.1:{free_port()}/0"\n')
        other = sim.create("live", 30, driver="api").session_uuid  # type: ignore[attr-defined]
        status, out, err = await cli("--config", str(dead), "close", "browsers", other, env=env)
        assert status == 0 and out.decode() == f"session {other} terminated\n"
        assert err.decode().splitlines() == [
            "sessionboard: audit lines not published to the hub (connection refused); the audit file has them"
        ]
        assert Path(tmp_path / "state" / "sessionboard" / "audit.jsonl").read_text().count("\n") == 3
