"""Team mode's audit stream: each line of the audit log, published to `{prefix}:audit` as well,
so a team sees every action taken from any console or script that shares the hub.

An `AuditLog` subscriber: called with each record as it is written, it queues the line and sends
it from a task of its own, so an action never waits on Redis. Redis out of reach costs a warning
(once per outage, without the URL) and the lines of that outage; the file still has them. The
stream is capped (`XADD MAXLEN ~`): it is a feed for the team, the file is the record.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sessionboard.hub.connection import REDIS_ERRORS, connect, describe
from sessionboard.hub.wire import audit_key
from sessionboard.model import safe_json

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from sessionboard.config.models import HubSettings

AUDIT_MAXLEN = 10_000
"""Entries the stream keeps (about: Redis trims whole nodes)."""
TIMEOUT = 2.0
"""Seconds for connecting and for one XADD: a CLI run waits at most about this at its end."""


class AuditPublisher:
    def __init__(
        self, settings: HubSettings, *, warn: Callable[[str], None] | None = None, timeout: float = TIMEOUT
    ) -> None:
        self.settings = settings
        self.key = audit_key(settings.prefix)
        self.timeout = timeout
        self._warn = warn
        self._warned = False
        self._pending: deque[bytes] = deque()
        self._task: asyncio.Task[None] | None = None
        self._redis: Redis | None = None
        self.published = 0
        self.dropped = 0

    def __call__(self, record: dict[str, Any]) -> None:
        """The subscriber: queue `record` and make sure a task is sending."""
        self._pending.append(safe_json(record).encode("utf-8", errors="replace"))
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # written outside a loop: nothing can send it
            self._drop("no event loop to publish from")
            return
        if self._task is None or self._task.done():
            self._task = loop.create_task(self._drain(), name="audit-publish")

    async def _drain(self) -> None:
        while self._pending:
            if self._redis is None:
                self._redis = connect(self.settings, timeout=self.timeout)
            try:
                await self._redis.xadd(self.key, {"d": self._pending[0]}, maxlen=AUDIT_MAXLEN, approximate=True)
            except REDIS_ERRORS as exc:
                await self._forget_connection()
                self._drop(describe(exc))
                return
            self._pending.popleft()
            self.published += 1
            self._warned = False

    def _drop(self, why: str) -> None:
        self.dropped += len(self._pending)
        self._pending.clear()
        if not self._warned and self._warn is not None:
            self._warned = True
            self._warn(f"audit lines not published to the hub ({why}); the audit file has them")

    async def _forget_connection(self) -> None:
        redis, self._redis = self._redis, None
        if redis is not None:
            with contextlib.suppress(*REDIS_ERRORS):
                await redis.aclose()

    async def aclose(self) -> None:
        """Send what is queued (bounded by the timeout), then close the connection."""
        task = self._task
        if task is not None and not task.done():
            try:
                await asyncio.wait_for(asyncio.shield(task), self.timeout * 2)
            except TimeoutError:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
                self._drop("timed out")
        await self._forget_connection()
