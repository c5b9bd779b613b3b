"""One adapter per API kind on a shared base. A new kind is one module here and one in `sim/`."""

from __future__ import annotations

from typing import Any

from sessionboard.config.models import Config, ProviderBase
from sessionboard.model import Capability
from sessionboard.providers._httpx import httpx
from sessionboard.providers.agents import AgentsProvider
from sessionboard.providers.base import DEFAULT_MAX_RESPONSE_MB, Provider
from sessionboard.providers.devices import DevicesProvider
from sessionboard.providers.errors import ProviderError, Unsupported
from sessionboard.providers.rufus import RufusProvider
from sessionboard.providers.tasknet import TasknetProvider
from sessionboard.providers.vsay import VsayProvider

PROVIDER_TYPES: dict[str, type[Provider]] = {
    cls.kind: cls for cls in (RufusProvider, DevicesProvider, VsayProvider, AgentsProvider, TasknetProvider)
}


def make_provider(
    config: ProviderBase,
    *,
    timeout: float = 10.0,
    transport: httpx.AsyncBaseTransport | None = None,
    max_response_mb: float = DEFAULT_MAX_RESPONSE_MB,
) -> Provider:
    return PROVIDER_TYPES[config.kind](  # type: ignore[arg-type]
        config, timeout=timeout, transport=transport, max_response_mb=max_response_mb
    )


def make_providers(config: Config, **kwargs: Any) -> list[Provider]:
    return [
        make_provider(p, timeout=config.app.timeout, max_response_mb=config.app.max_response_mb, **kwargs)
        for p in config.providers
    ]


def can_extend(provider: Provider) -> bool:
    return provider.can(Capability.EXTEND) or provider.can(Capability.HEARTBEAT)


__all__ = [
    "PROVIDER_TYPES",
    "AgentsProvider",
    "DevicesProvider",
    "Provider",
    "ProviderError",
    "RufusProvider",
    "TasknetProvider",
    "Unsupported",
    "VsayProvider",
    "can_extend",
    "make_provider",
    "make_providers",
]
