"""Adapters over `httpx.MockTransport`: the wire bytes are the seeds' own examples, and each
handler records what it was asked so tests assert on the request too."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from sessionboard.config import parse_config
from sessionboard.providers import Provider, make_provider

KEY = "k-SECRET-123"


def provider_config(kind: str, **extra: Any) -> dict[str, Any]:
    base = {"name": f"my{kind}", "kind": kind, "base_url": f"http://{kind}.test/base", "api_key": KEY}
    defaults = {"rufus": {"devices": ["RUF-001"]}, "tasknet": {"mode": "live"}}
    return {**base, **defaults.get(kind, {}), **extra}


class Recorder:
    def __init__(self, handler: Callable[[httpx.Request], httpx.Response]) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)


def json_response(status: int, body: Any) -> httpx.Response:
    return httpx.Response(status, content=json.dumps(body).encode(), headers={"content-type": "application/json"})


@pytest.fixture
def make() -> Callable[..., tuple[Provider, Recorder]]:
    made: list[Provider] = []

    def factory(kind: str, handler: Callable[[httpx.Request], httpx.Response], timeout: float = 2.0, **extra: Any):
        config = parse_config({"providers": [provider_config(kind, **extra)]})
        recorder = Recorder(handler)
        provider = make_provider(config.providers[0], timeout=timeout, transport=httpx.MockTransport(recorder))
        made.append(provider)
        return provider, recorder

    return factory
