"""`[hub]` in the config (secret references, refusals that never echo the URL) and the lease on a
real redis-server (taken by one, renewed and given back only by its holder, free after its TTL)."""

from __future__ import annotations

import asyncio

import pytest
import redis.asyncio as aioredis

from sessionboard.config import ConfigError, parse_config
from sessionboard.hub.lease import Lease

SECRET = "hunter2-XYZ"


def problems(hub: dict) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_config({"hub": hub})
    return info.value.problems


def test_no_hub_table_changes_nothing_and_a_hub_table_reads_secret_references(monkeypatch, tmp_path):
    assert parse_config({}).hub is None
    monkeypatch.setenv("SB_URL", f"rediss://:{SECRET}@redis.example:6380/2")
    (tmp_path / "pw").write_text(SECRET + "\n")
    hub = parse_config({"hub": {"url": "env:SB_URL"}}).hub
    assert hub is not None and hub.url.get_secret_value().startswith("rediss://") and hub.prefix == "sessionboard"
    assert SECRET not in repr(hub) and SECRET not in str(hub)
    hub = parse_config({"hub": {"url": "redis://h:6379", "password": f"file:{tmp_path / 'pw'}", "prefix": "ops"}}).hub
    assert hub is not None and hub.password is not None and hub.password.get_secret_value() == SECRET


@pytest.mark.parametrize(
    ("hub", "expected"),
    [
        ({"url": f"http://:{SECRET}@h"}, "hub.url: must be a redis:// or rediss:// URL"),
        ({"url": f"redis://:{SECRET}@h:99999"}, "hub.url: is not a valid URL"),
        ({"url": f"redis://:{SECRET}@h", "password": "x"}, "hub.password: the url carries a password already"),
        ({"url": "redis://h", "prefix": "two words"}, "hub.prefix: 1-64 letters"),
        ({"url": "env:SB_NOT_SET_ANYWHERE"}, "hub.url: environment variable SB_NOT_SET_ANYWHERE is not set"),
        ({"url": "redis://h", "lease_ttl": 0.1}, "hub.lease_ttl: "),
        ({}, "hub.url: required"),
    ],
)
def test_bad_hub_tables_are_refused_without_echoing_the_url(hub, expected):
    found = problems(hub)
    assert len(found) == 1 and found[0].startswith(expected), found
    assert SECRET not in found[0]


async def test_the_lease_is_one_holders_until_it_expires_or_is_given_back(redis_url, prefix):
    client = aioredis.from_url(redis_url)
    key = f"{prefix}:lease:x"
    a, b = Lease(client, "hub-a/1", ttl=0.3), Lease(client, "hub-b/2", ttl=0.3)
    assert await a.acquire(key) and not await b.acquire(key)
    assert await a.acquire(key), "a hub finds its own token and keeps the lease"
    assert not await b.renew(key) and not await b.release(key)
    assert await a.renew(key) and await a.holder(key) == "hub-a/1"
    await asyncio.sleep(0.45)  # not renewed: the lease expires in Redis
    assert await b.acquire(key) and not await a.renew(key) and not await a.release(key)
    assert await b.release(key) and await a.acquire(key)
    await client.aclose()
