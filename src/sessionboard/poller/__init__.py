"""One asyncio loop per provider: interval, backoff with jitter, poll-now, the latest snapshot."""
