"""One exception for everything a provider can do wrong, carrying one line fit for a person.

Defined in `sessionboard.errors` (so the poller and the board can catch it without importing
httpx); the adapters raise it from here."""

from __future__ import annotations

from sessionboard.errors import ProviderError, Unsupported

__all__ = ["ProviderError", "Unsupported"]
