"""What setting a lease would do, worked out before anything is sent.

A lease API that takes "N minutes from now" (tasknet's `newLeaseTime`) shortens a lease whenever
N is below the time left: 30 on a lease with 45 minutes left ends it 15 minutes sooner. The
adapter that knows the API's rule builds a `LeaseChange` (`Provider.lease_change`); the console's
extend dialog shows it as the operator types and the CLI checks it, so both refuse the same
shortening the same way, and `extend_session` itself refuses it unless told otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sessionboard.errors import ProviderError
from sessionboard.model import safe_text


def clock_time(moment: float) -> str:
    """`17:38:12` in local time: a lease is at most an hour, so the day goes without saying."""
    return datetime.fromtimestamp(moment).astimezone().strftime("%H:%M:%S")


def span(seconds: float) -> str:
    """`15 min`, `14 min 30 s`, `40 s`: a length of time as a person says it."""
    whole = max(0, round(seconds))
    minutes, rest = divmod(whole, 60)
    if not minutes:
        return f"{rest} s"
    return f"{minutes} min" + (f" {rest} s" if rest else "")


@dataclass(frozen=True, slots=True)
class LeaseChange:
    """Setting the lease of `session_id` to `minutes` from `now` (epoch seconds throughout)."""

    session_id: str
    minutes: int
    now: float
    current_end: float | None
    """When the lease ends as it stands; None when the provider does not say."""
    new_end: float
    shortens: bool
    """The new end is before the current one: refused unless the operator confirms it."""
    minimum: int
    maximum: int
    """The lengths the API allows, in minutes; the longest is the default."""

    @property
    def change(self) -> float | None:
        """Seconds the end moves (negative: sooner); None when the current end is not known."""
        return None if self.current_end is None else self.new_end - self.current_end

    def describe(self) -> str:
        """Where the end goes and by how much: `17:08:00 instead of 17:38:00 (30 min sooner)`."""
        new = clock_time(self.new_end)
        if self.current_end is None:
            return f"{new} (when it ends now is not known)"
        moved = self.new_end - self.current_end
        if self.shortens:
            return f"{new} instead of {clock_time(self.current_end)} ({span(-moved)} sooner)"
        if moved < 1:  # the longest lease, a few seconds short by clocks apart, is not a shortening
            return f"{new}, as now"
        return f"{new} instead of {clock_time(self.current_end)} ({span(moved)} later)"


class LeaseWouldShorten(ProviderError):
    """`extend_session` refused to end a lease sooner than it ends now; nothing was sent."""

    def __init__(self, provider: str, change: LeaseChange) -> None:
        self.change = change
        super().__init__(
            provider,
            f"{change.minutes} min would shorten the lease of {safe_text(change.session_id)}: "
            f"new end {change.describe()}; nothing was sent",
        )
