"""One asyncio loop per provider: interval, backoff with jitter, poll-now, the latest snapshot."""

from sessionboard.poller.loop import PollerGroup, ProviderPoller, backoff_delay
from sessionboard.poller.retention import EndedRetention, KeepEnded
from sessionboard.poller.snapshot import Snapshot

__all__ = ["EndedRetention", "KeepEnded", "PollerGroup", "ProviderPoller", "Snapshot", "backoff_delay"]
