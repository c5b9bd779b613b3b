"""What an action comes back with, and why one was not tried: the two types every caller of the
actions core (the CLI now, the console later) reads, kept apart from the code that makes them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sessionboard.errors import ProviderError


class Refused(Exception):
    """An action that was not tried, and nothing was sent: the provider is read-only, the kind
    cannot do it, or the audit log is required and cannot be written. `line` is the one line a
    person reads (`timing is read-only (--readonly)`)."""

    def __init__(self, provider: str, line: str) -> None:
        self.provider = provider
        self.line = line
        super().__init__(line)


@dataclass(frozen=True, slots=True)
class ActionResult:
    """One action on one session (or on a provider, for cleanup): what was asked, how it went."""

    action: str
    provider: str
    kind: str
    session: str | None
    """The session's id; for close by task and link, the task; None for cleanup and a failed create."""
    ok: bool
    message: str
    """The provider's own words on success; the failure's one line (without the provider's name)."""
    duration_ms: int = 0
    at: float = 0.0
    """Wall-clock time (time.time()) the action began: the audit line's `time`."""
    params: dict[str, Any] = field(default_factory=dict)
    """What the action was given, secrets masked: what the audit line records."""
    error: ProviderError | Refused | None = None
    """The failure itself, for a caller that words some failures its own way (a lease that
    would be shortened); None on success."""
    created: Any = None
    """A create's new `Session`."""

    def line(self) -> str:
        """`NAME: message`, as the CLI's error lines and the console's notices say it."""
        return f"{self.provider}: {self.message}"
