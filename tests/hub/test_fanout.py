"""Polling that scales: a provider bounds its requests in flight (`max_concurrency`), rufus's
per-device fan-out included, and one device that fails is one warning while the others are listed."""

from __future__ import annotations

import httpx
import pytest

from sessionboard.config import parse_config
from sessionboard.errors import ProviderError
from sessionboard.providers import make_provider
from sessionboard.sim.faults import Fault
from sessionboard.sim.rufus import RufusSim


def rufus(sim: RufusSim, devices: list[str], **extra: object):
    config = parse_config({"providers": [{
        "name": "timing", "kind": "rufus", "base_url": "http://rufus.test", "api_key": sim.api_key,
        "devices": devices, **extra,
    }]})
    return make_provider(config.providers[0], timeout=5, transport=httpx.ASGITransport(app=sim.app))


@pytest.mark.parametrize("limit", [8, 3])
async def test_500_devices_never_more_than_max_concurrency_in_flight_and_a_404_device_is_one_line(limit):
    sim = RufusSim(seed=4, sessions=600, devices=500)
    sim.fault = Fault("slow", delay=0.005)  # every answer takes a moment, so requests overlap
    extra = {} if limit == 8 else {"max_concurrency": limit}  # 8 is the default
    provider = rufus(sim, [*sim.device_ids[:250], "RUF-GONE", *sim.device_ids[250:]], **extra)
    try:
        listing = await provider.poll()
    finally:
        await provider.aclose()
    assert sim.peak_in_flight == limit
    assert len(sim.requests) == 501
    assert {s.id for s in listing} == set(sim.sessions)
    assert listing.warnings == ("device RUF-GONE: GET /sessions/device/RUF-GONE: not found (HTTP 404): Device RUF-GONE not found",)
    assert listing.summary == "1 device not listed"


async def test_every_device_failing_fails_the_provider_and_a_refused_key_is_not_a_device_problem():
    sim = RufusSim(seed=4, sessions=10, devices=3)
    provider = rufus(sim, ["RUF-X", "RUF-Y"])
    with pytest.raises(ProviderError, match="HTTP 404"):
        await provider.poll()
    await provider.aclose()
    sim.fault = Fault("refuse_auth")
    provider = rufus(sim, sim.device_ids)
    with pytest.raises(ProviderError, match="HTTP 403"):
        await provider.poll()
    await provider.aclose()
