"""A real redis-server for the hub's tests: the one `.ci/run` started (`SESSIONBOARD_TEST_REDIS`),
else one started here for the session. Each test gets a prefix of its own on it, so tests share
the server and never each other's keys. Tests that stop and start Redis get a private server."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import pytest

from sessionboard.config.models import HubSettings
from sessionboard.hub.server import RedisServer

ENV = "SESSIONBOARD_TEST_REDIS"


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    url = os.environ.get(ENV)
    if url:
        yield url
        return
    with RedisServer() as server:
        yield server.url


@pytest.fixture
def prefix() -> str:
    return f"sbtest-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def settings(redis_url: str, prefix: str) -> HubSettings:
    return HubSettings(url=redis_url, prefix=prefix)


@pytest.fixture
def private_redis() -> Iterator[RedisServer]:
    """A redis-server of this test's own, which it may stop and start again."""
    with RedisServer() as server:
        yield server


async def eventually(check: Callable[[], bool | Awaitable[bool]], timeout: float = 20.0, what: str = "") -> None:
    """Wait for `check` to hold, polling; fail after `timeout` seconds (a deadline, not a measure)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:g} s: {what or check}")
        await asyncio.sleep(0.02)
