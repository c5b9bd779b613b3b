"""Simulator tests go through `httpx.ASGITransport` in-process (fast, the full ASGI stack: routing,
middleware, faults, auth) and, for the cluster, through real loopback sockets."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest

from sessionboard.sim.base import SimBase
from sessionboard.sim.clock import FixedClock

T0 = datetime(2026, 1, 15, 12, 0, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


def auth_headers(sim: SimBase, key: str | None = None) -> dict[str, str]:
    """The header each API reference names, carrying `key` (default: the simulator's own)."""
    key = sim.api_key if key is None else key
    if sim.kind == "rufus":
        return {"x-api-key": key}
    if sim.kind == "tasknet":
        return {"X-Api-Key": key}
    return {"Authorization": f"Bearer {key}"}


def client_for(sim: SimBase, key: str | None = None) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sim.app), base_url="http://sim.test", headers=auth_headers(sim, key)
    )


@pytest.fixture
async def make_client() -> AsyncIterator:
    clients: list[httpx.AsyncClient] = []

    def make(sim: SimBase, key: str | None = None) -> httpx.AsyncClient:
        client = client_for(sim, key)
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()
