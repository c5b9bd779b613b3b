"""The feed of team mode: the providers' `Snapshot`s read back from Redis, so whatever consumes
snapshots (the board, `list`, `watch`) takes them from the hub or from local pollers alike.

It loads each provider's whole state once, then follows the providers' change streams with one
blocking read for all of them. An entry is applied when it is the next of the epoch it holds;
anything else (a gap, a trimmed stream, a new epoch, a value that is not what the hub writes) makes
it load that provider's whole state again. When Redis is out of reach it keeps the last snapshots,
says so (`hub unreachable, data 40 s old`), reconnects with backoff and loads everything again.

Like `PollerGroup`: `start()`, `poll_now()`, `stop()`, the latest `snapshots`, and `on_snapshot`
called with each new one. `source()` says where a provider's data comes from and how old it is.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, cast

from sessionboard.hub.connection import REDIS_ERRORS, Backoff, connect, describe
from sessionboard.hub.pollnow import COOLDOWN, PollNow, who_am_i
from sessionboard.hub.state import START, load_state
from sessionboard.hub.wire import STREAM_MAXLEN, BadData, Entries, Keys, Meta, StreamsRead, decode_change
from sessionboard.model import Session
from sessionboard.poller.snapshot import Snapshot

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from sessionboard.config.models import HubSettings

OnSnapshot = Callable[[Snapshot], Awaitable[None] | None]
OnStatus = Callable[[str | None], Awaitable[None] | None]
BLOCK = 5.0
"""Seconds one blocking read of the change streams waits before it is sent again."""


class HubUnavailable(Exception):
    """Redis cannot be reached (or refuses us): one line, without the URL."""


def age_text(seconds: float) -> str:
    seconds = max(0.0, seconds)
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.0f} h"


@dataclass
class _View:
    """What this reader holds of one provider."""

    name: str
    kind: str
    keys: Keys
    sessions: dict[str, Session] = field(default_factory=dict)
    meta: Meta | None = None
    cursor: bytes = START
    problem: str | None = None
    """The provider's data in Redis is not what the hub writes: this line says what."""

    def snapshot(self, changed: frozenset[str] = frozenset()) -> Snapshot:
        sessions = tuple(self.sessions.values())
        if self.meta is None:
            snap = Snapshot(provider=self.name, kind=self.kind, sessions=sessions, changed=changed)
        else:
            snap = self.meta.snapshot(sessions, changed)
        if self.problem is not None:
            snap = replace(snap, error=f"hub: {self.problem}", stale=bool(sessions), failures=snap.failures + 1)
        return snap


class HubFeed:
    def __init__(
        self,
        settings: HubSettings,
        providers: Sequence[tuple[str, str]],
        on_snapshot: OnSnapshot | None = None,
        *,
        on_status: OnStatus | None = None,
        block: float = BLOCK,
        who: str | None = None,
        cooldown: float = COOLDOWN,
        backoff: Callable[[], Backoff] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """`providers`: (name, kind) of each provider to read, as the config names them."""
        self.settings = settings
        self.views = {name: _View(name, kind, Keys(settings.prefix, name)) for name, kind in providers}
        self.snapshots: dict[str, Snapshot] = {name: view.snapshot() for name, view in self.views.items()}
        self._on_snapshot = on_snapshot
        self._on_status = on_status
        self.block = block
        self.who = who or who_am_i()
        self.cooldown = cooldown
        self._backoff = backoff or Backoff
        self._clock = clock
        self.connected = False
        self.problem: str | None = None
        """Why Redis is out of reach, when it is."""
        self.bytes_received = 0
        """Bytes of change entries read so far (what following the hub costs a reader)."""
        self.reloads = 0
        """Whole-state loads so far (the first, then one per gap, reset or reconnection)."""
        self._redis: Redis | None = None
        self._task: asyncio.Task[None] | None = None

    # ---- what a view shows -------------------------------------------------------------------------
    def info(self, name: str) -> Meta | None:
        """The provider's last published poll: which hub, who asked it, epoch and seq."""
        return self.views[name].meta

    def source(self, name: str, now: float | None = None) -> str:
        """`via hub, 2 s old`; `hub unreachable, data 40 s old` while Redis is out of reach."""
        now = self._clock() if now is None else now
        polled_at = self.snapshots[name].polled_at
        if not self.connected:
            return "hub unreachable" + (f", data {age_text(now - polled_at)} old" if polled_at else ", no data yet")
        if polled_at is None:
            return "via hub, waiting for a hub to poll it"
        return f"via hub, {age_text(now - polled_at)} old"

    def status_line(self, now: float | None = None) -> str | None:
        """One line while Redis is out of reach (None while it is not): how old the newest data is."""
        if self.connected:
            return None
        now = self._clock() if now is None else now
        times = [s.polled_at for s in self.snapshots.values() if s.polled_at is not None]
        data = f", data {age_text(now - max(times))} old" if times else ", no data yet"
        reason = f" ({self.problem})" if self.problem else ""
        return f"hub unreachable{data}{reason}"

    # ---- one load: `list` ------------------------------------------------------------------------------
    async def load(self) -> dict[str, Snapshot]:
        """Every provider's whole state, read once (no following). Raises `HubUnavailable`."""
        redis = connect(self.settings)
        try:
            await self._load_all(redis)
        except REDIS_ERRORS as exc:
            raise HubUnavailable(f"hub unreachable: {describe(exc)}") from None
        finally:
            await redis.aclose()
        return dict(self.snapshots)

    # ---- following ---------------------------------------------------------------------------------
    def start(self) -> asyncio.Task[None]:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self.run(), name="hub-feed")
        return self._task

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None

    async def run(self) -> None:
        backoff = self._backoff()
        while True:
            redis = self._redis = connect(self.settings, block=self.block)
            try:
                await self._load_all(redis)
                backoff.reset()
                await self._set_connected(True, None)
                await self._follow(redis)
            except REDIS_ERRORS as exc:
                await self._set_connected(False, describe(exc))
                await asyncio.sleep(backoff.next())
            finally:
                self._redis = None
                with contextlib.suppress(*REDIS_ERRORS):
                    await redis.aclose()

    async def _follow(self, redis: Redis) -> None:
        by_stream = {view.keys.changes.encode(): view for view in self.views.values()}
        block_ms = max(1, round(self.block * 1000))
        while True:
            streams: dict[Any, Any] = {view.keys.changes: view.cursor for view in self.views.values()}
            answer = cast(StreamsRead, await redis.xread(streams, count=STREAM_MAXLEN, block=block_ms))
            for stream, entries in answer or []:
                view = by_stream.get(stream if isinstance(stream, bytes) else str(stream).encode())
                if view is not None and entries:
                    await self._apply(redis, view, entries)

    async def _apply(self, redis: Redis, view: _View, entries: Entries) -> None:
        changed: set[str] = set()
        reload = False
        for entry_id, fields in entries:
            view.cursor = entry_id
            data = fields.get(b"d")
            self.bytes_received += len(data or b"")
            if reload:
                continue
            try:
                if data is None:
                    raise BadData(f"change of {view.name}: no data")
                change = decode_change(data, view.name, view.kind)
            except BadData:
                reload = True
                continue
            meta = change.meta
            if change.reset or view.meta is None or meta.epoch != view.meta.epoch or meta.seq != view.meta.seq + 1:
                reload = True
                continue
            for sid in change.remove:
                view.sessions.pop(sid, None)
            view.sessions.update(change.upsert)
            changed.update(change.remove)
            changed.update(change.upsert)
            view.meta = meta
        if reload:
            await self._reload(redis, view)
        else:
            view.problem = None
            await self._emit(view, frozenset(changed))

    async def _load_all(self, redis: Redis) -> None:
        for view in self.views.values():
            await self._reload(redis, view)

    async def _reload(self, redis: Redis, view: _View) -> None:
        old = view.sessions
        self.reloads += 1
        try:
            state = await load_state(redis, view.keys, view.kind)
        except BadData as exc:
            view.problem = str(exc)
            await self._emit(view, frozenset())
            return
        view.problem = None
        if state.meta is None and view.meta is not None:
            # Redis lost its data (a restart without persistence): what this reader had is kept,
            # ageing, until a hub publishes the provider again (a new epoch, which reloads).
            view.cursor = state.cursor
            return
        view.meta, view.sessions, view.cursor = state.meta, state.sessions, state.cursor
        new = state.sessions
        changed = {sid for sid, s in new.items() if old.get(sid) != s} | (old.keys() - new.keys())
        await self._emit(view, frozenset(changed))

    async def _emit(self, view: _View, changed: frozenset[str]) -> None:
        snap = view.snapshot(changed)
        self.snapshots[view.name] = snap
        if self._on_snapshot is not None:
            result = self._on_snapshot(snap)
            if asyncio.iscoroutine(result):
                await result

    async def _set_connected(self, connected: bool, problem: str | None) -> None:
        was = (self.connected, self.problem)
        self.connected, self.problem = connected, problem
        if was != (connected, problem) and self._on_status is not None:
            result = self._on_status(self.status_line())
            if asyncio.iscoroutine(result):
                await result

    # ---- poll now ----------------------------------------------------------------------------------
    async def poll_now(self, name: str | None = None) -> dict[str, float]:
        """Ask the hub to poll every (or the named) provider now; returns those refused because
        someone asked within the cooldown, with the seconds left. Raises `HubUnavailable`."""
        targets = [name] if name else list(self.views)
        redis = self._redis
        own = redis is None
        if redis is None:
            redis = connect(self.settings)
        asker = PollNow(redis, self.settings.prefix, self.cooldown)
        try:
            left = {target: await asker.ask(target, self.who) for target in targets}
        except REDIS_ERRORS as exc:
            raise HubUnavailable(f"hub unreachable: {describe(exc)}") from None
        finally:
            if own:
                await redis.aclose()
        return {target: seconds for target, seconds in left.items() if seconds > 0}
