"""Team mode's figures (issue 18), each printed beside its goal and an anchor measured in the same run:

| measure | goal | anchor |
|---|---|---|
| provider listings per interval, 50 subscribers, 5 providers x 2,000 sessions, 1 % churn per poll | 1 per provider | 50 consoles polling directly |
| a change in a provider -> seen by a subscriber, after the hub's poll ends | median < 200 ms | - |
| bytes a subscriber receives per poll at 1 % churn | <= 3x the JSON of the changed sessions | the whole snapshot's JSON |
| leader hub SIGKILLed -> the next poll by the other hub | <= lease TTL + one interval | - |
| rufus, 500 devices, one poll | <= 8 in flight; wall <= 1.5 x (500 / 8) x one request | an unbounded gather |

    python bench/bench_hub.py [--sessions 2000] [--subscribers 50] [--polls 4]

Everything runs on loopback: a redis-server started here, the simulators over real HTTP in this
process (a listing counts every request of one poll: rufus asks per device, devices per page).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import signal
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

import redis.asyncio as aioredis
import uvicorn

from sessionboard.config import Config, load_config, parse_config
from sessionboard.hub.feed import HubFeed
from sessionboard.hub.hub import Hub
from sessionboard.hub.server import RedisServer
from sessionboard.hub.wire import Keys, Meta, decode_change
from sessionboard.poller.snapshot import Snapshot
from sessionboard.providers import make_provider, make_providers
from sessionboard.sim.clock import FixedClock
from sessionboard.sim.cluster import SimCluster
from sessionboard.sim.faults import Fault
from sessionboard.sim.layout import listening_socket
from sessionboard.sim.rufus import RufusSim


def row(measure: str, goal: str, measured: str, anchor: str, met: bool | None) -> None:
    verdict = "-" if met is None else ("yes" if met else "NO")
    print(f"| {measure} | {goal} | {measured} | {anchor} | {verdict} |", flush=True)


def team_config(cluster: SimCluster, url: str, prefix: str, interval: float) -> Config:
    return parse_config({
        "app": {"poll_interval": interval, "timeout": 30},
        "providers": cluster.provider_dicts(),
        "hub": {"url": url, "prefix": prefix},
    })


async def per_listing(config: Config, cluster: SimCluster) -> dict[str, int]:
    """Requests one listing of each provider takes (one direct poll, counted)."""
    for sim in cluster.sims.values():
        sim.requests.clear()
    providers = make_providers(config)
    await asyncio.gather(*(p.poll() for p in providers))
    await asyncio.gather(*(p.aclose() for p in providers))
    return {p.name: len(cluster.sims[p.kind].requests) for p in config.providers}


async def fan_in(url: str, sessions: int, subscribers: int, polls: int, interval: float) -> None:
    # A fixed clock: the sessions change only by the churn below (on the wall clock, rufus's
    # passings and the like would change most active sessions at every poll, not 1 %).
    async with SimCluster(seed=3, sessions_per_provider=sessions, clock=FixedClock()) as cluster:
        config = team_config(cluster, url, f"bench-{os.getpid()}", interval)
        per = await per_listing(config, cluster)
        churn_per_poll = max(1, round(sessions * 0.01 / 2))  # a churn ends one session and starts one
        published: list[Meta] = []
        requests_at: dict[tuple[str, int], int] = {}
        kinds = {p.name: p.kind for p in config.providers}

        def on_published(meta: Meta) -> None:
            published.append(meta)  # and the provider's requests so far: a poll's are all in by now
            requests_at[(meta.provider, meta.polls)] = len(cluster.sims[kinds[meta.provider]].requests)

        hub = Hub.from_config(config, lease_ttl=10.0, on_published=on_published)
        latencies: list[float] = []
        feeds: list[HubFeed] = []

        def seen(feed_index: int):
            def on_snapshot(snap: Snapshot) -> None:
                meta = feeds[feed_index].info(snap.provider)
                if meta is not None and snap.changed and meta.polled_at is not None and measuring:
                    latencies.append(time.time() - meta.polled_at)
            return on_snapshot

        measuring = False
        feeds.extend(HubFeed(config.hub, [(p.name, p.kind) for p in config.providers], seen(i), block=5.0) for i in range(subscribers))  # type: ignore[arg-type]
        hub_task = asyncio.create_task(hub.run())
        while len({m.provider for m in published}) < 5:
            await asyncio.sleep(0.05)
        for feed in feeds:
            feed.start()
        while not all(f.connected for f in feeds):
            await asyncio.sleep(0.1)
        rng = random.Random(1)
        start_polls = {p.name: max(m.polls for m in published if m.provider == p.name) for p in config.providers}
        bytes_before = [f.bytes_received for f in feeds]
        changed_json = 0
        measuring = True
        started = time.monotonic()
        for _ in range(polls):
            for sim in cluster.sims.values():
                for _ in range(churn_per_poll):
                    sim.churn(rng)
            await asyncio.sleep(interval)
        measuring = False
        elapsed = time.monotonic() - started
        end_polls = {p.name: max(m.polls for m in published if m.provider == p.name) for p in config.providers}
        await asyncio.sleep(1.0)  # the readers finish reading the last changes
        received = statistics.mean(f.bytes_received - b for f, b in zip(feeds, bytes_before))
        snapshots = feeds[0].snapshots
        changed_ids = 0
        # The JSON of the changed sessions: what the hub published, decoded and re-encoded as list --json would.
        client = aioredis.from_url(url)
        polls_measured = 0
        for p in config.providers:
            entries = await client.xrange(Keys(config.hub.prefix, p.name).changes)  # type: ignore[union-attr]
            for _id, fields in entries:
                change = decode_change(fields[b"d"], p.name, p.kind)
                if start_polls[p.name] < change.meta.polls <= end_polls[p.name]:
                    polls_measured += 1
                    changed_ids += len(change.upsert) + len(change.remove)
                    changed_json += len(json.dumps([s.to_json() for s in change.upsert.values()]) + json.dumps(list(change.remove)))
        await client.aclose()
        whole = sum(len(json.dumps([s.to_json() for s in snap.sessions])) for snap in snapshots.values())
        for feed in feeds:
            await feed.stop()
        hub_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await hub_task

        hub_polls = {n: end_polls[n] - start_polls[n] for n in end_polls}
        cadence = {n: hub_polls[n] / (elapsed / interval) for n in hub_polls}
        after = await per_listing(config, cluster)
        # devices pages its list: churn adds sessions, so a listing's pages grow during the run.
        one = {n: (per[n] + after[n]) / 2 for n in per}
        counted = {n: requests_at[(n, end_polls[n])] - requests_at[(n, start_polls[n])] for n in end_polls}
        per_poll = {n: counted[n] / max(1, hub_polls[n]) / one[n] for n in counted}  # ~1.00: one listing a poll

        # The anchor: every subscriber polling the providers itself, once each.
        for sim in cluster.sims.values():
            sim.requests.clear()
        direct = [make_providers(config) for _ in range(subscribers)]
        await asyncio.gather(*(p.poll() for ps in direct for p in ps))
        await asyncio.gather(*(p.aclose() for ps in direct for p in ps))
        anchor = {p.name: len(cluster.sims[p.kind].requests) / after[p.name] for p in config.providers}

        row(f"provider listings per interval, {subscribers} subscribers, 5 x {sessions:,} sessions, 1 % churn",
            "1 per provider",
            "**" + ", ".join(f"{n} {v:.2f}" for n, v in per_poll.items()) + "** listings per hub poll; hub polls per "
            "interval " + ", ".join(f"{v:.2f}" for v in cadence.values()) + " (the next starts an interval after the last ends)",
            f"{subscribers} consoles polling directly: " + ", ".join(f"{n} {v:.0f}" for n, v in anchor.items()),
            all(0.9 <= v <= 1.1 for v in per_poll.values()) and all(v <= 1.0 + 1 / max(1, polls) for v in cadence.values()))
        if latencies:
            median = statistics.median(latencies)
            p95 = statistics.quantiles(latencies, n=20)[18] if len(latencies) >= 20 else max(latencies)
            row("a change -> seen by a subscriber, after the hub's poll ends", "median < 200 ms",
                f"median **{median * 1000:.0f} ms**, p95 {p95 * 1000:.0f} ms ({len(latencies)} deliveries)", "-",
                median < 0.2)
        per_poll_bytes = received / max(1, polls_measured)
        per_poll_changed = changed_json / max(1, polls_measured)
        row("bytes a subscriber receives per poll at 1 % churn", "<= 3x the JSON of the changed sessions",
            f"**{per_poll_bytes / 1024:.1f} KB = {per_poll_bytes / max(1, per_poll_changed):.2f}x** the changed sessions' "
            f"{per_poll_changed / 1024:.1f} KB ({changed_ids / max(1, polls_measured):.0f} changed per poll)",
            f"the whole snapshot's JSON: {whole / 5 / 1024:.0f} KB per provider",
            per_poll_bytes <= 3 * per_poll_changed)


async def takeover(url: str, ttl: float, interval: float) -> None:
    async with SimCluster(seed=4, sessions_per_provider=20) as cluster:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "team.toml"
            text = cluster.config_toml(Path(tmp) / "keys").replace("poll_interval = 2.0", f"poll_interval = {interval}")
            path.write_text(text + f'\n[hub]\nurl = "{url}"\nprefix = "bench-t-{os.getpid()}"\nlease_ttl = {ttl}\n')
            config = load_config(path)

            async def start(until: bytes) -> asyncio.subprocess.Process:
                proc = await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "sessionboard", "--config", str(path), "hub",
                    stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
                assert proc.stderr is not None
                said = 0
                while said < 5:
                    said += until in await proc.stderr.readline()
                return proc

            leader = await start(b"holds its lease")
            standby = await start(b"standing by")
            standby_id = f"{socket.gethostname()}:{standby.pid}"
            firsts: dict[str, float] = {}

            def on_snapshot(snap: Snapshot) -> None:
                meta = feed.info(snap.provider)
                if meta is not None and meta.hub == standby_id and snap.provider not in firsts and snap.polled_at:
                    firsts[snap.provider] = snap.polled_at

            feed = HubFeed(config.hub, [(p.name, p.kind) for p in config.providers], on_snapshot, block=0.5)  # type: ignore[arg-type]
            feed.start()
            await asyncio.sleep(interval * 2)
            leader.send_signal(signal.SIGKILL)
            killed = time.time()
            await leader.wait()
            deadline = time.monotonic() + ttl + interval + 30
            while len(firsts) < 5 and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            await feed.stop()
            standby.send_signal(signal.SIGTERM)
            await standby.wait()
            worst = max(firsts.values()) - killed if len(firsts) == 5 else math.inf
            best = min(firsts.values()) - killed if firsts else math.inf
            row(f"leader hub SIGKILLed -> the next poll by the other hub (TTL {ttl:g} s, interval {interval:g} s)",
                f"<= {ttl + interval:g} s", f"**{best:.2f}-{worst:.2f} s** (first to last of 5 providers, poll end)", "-",
                worst <= ttl + interval)


async def fan_out(devices: int, delay: float) -> None:
    sim = RufusSim(seed=2, sessions=devices, devices=devices)
    sock = listening_socket(0)
    server = uvicorn.Server(uvicorn.Config(sim.app, lifespan="off", log_level="warning", access_log=False))
    serve = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.01)
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    sim.fault = Fault("slow", delay=delay)

    def provider(devs: list[str], limit: int | None = None):
        spec = parse_config({"providers": [{"name": "timing", "kind": "rufus", "base_url": base,
                                            "api_key": sim.api_key, "devices": devs}]}).providers[0]
        p = make_provider(spec, timeout=60)
        if limit is not None:
            p.in_flight = asyncio.Semaphore(limit)  # the anchor: as unbounded as the gather before
        return p

    one = provider(sim.device_ids[:1])
    singles = []
    for _ in range(15):
        t = time.perf_counter()
        await one.poll()
        singles.append(time.perf_counter() - t)
    await one.aclose()
    latency = statistics.median(singles)

    results = {}
    for label, limit in (("bounded", None), ("unbounded", 10**6)):
        walls, peaks = [], []
        for _ in range(3):
            sim.peak_in_flight = 0
            p = provider(sim.device_ids, limit)
            t = time.perf_counter()
            listing = await p.poll()
            walls.append(time.perf_counter() - t)
            peaks.append(sim.peak_in_flight)
            await p.aclose()
            assert len(listing) == len(sim.sessions)
        results[label] = (min(walls), max(peaks))
    server.should_exit = True
    await serve
    sock.close()
    wall, peak = results["bounded"]
    bound = 1.5 * (devices / 8) * latency
    uwall, upeak = results["unbounded"]
    row(f"rufus, {devices} devices, one poll (each answer held {delay * 1000:.0f} ms)",
        f"<= 8 in flight; wall <= 1.5 x ({devices} / 8) x one request = {bound:.2f} s",
        f"**{peak} in flight, {wall:.2f} s** (one request {latency * 1000:.1f} ms)",
        f"unbounded gather: {upeak} in flight, {uwall:.2f} s", peak <= 8 and wall <= bound)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=2000)
    parser.add_argument("--subscribers", type=int, default=50)
    parser.add_argument("--polls", type=int, default=8)
    parser.add_argument("--interval", type=float, default=3.0)
    parser.add_argument("--ttl", type=float, default=10.0)
    args = parser.parse_args()
    print("| measure | goal | measured | anchor (same run) | met |\n|---|---|---|---|---|", flush=True)
    with RedisServer() as redis_server:
        await asyncio.wait_for(fan_in(redis_server.url, args.sessions, args.subscribers, args.polls, args.interval), 900)
        await asyncio.wait_for(takeover(redis_server.url, args.ttl, 2.0), 120)
    await asyncio.wait_for(fan_out(500, 0.02), 300)


if __name__ == "__main__":
    asyncio.run(main())
