"""Reading a provider's whole published state in one transaction: its meta, its sessions and the
id of the last change, so a reader that loads it and then follows the stream from that id misses
nothing and sees nothing twice. The hub reads it too, as the base its next change is taken from."""

from __future__ import annotations

from dataclasses import dataclass, field

from redis.asyncio import Redis

from sessionboard.hub.wire import BadData, Keys, Meta, decode_meta, decode_sessions
from sessionboard.model import Session

START = b"0-0"
"""The stream position before any change."""


@dataclass(frozen=True, slots=True)
class State:
    meta: Meta | None
    """None: no hub has published this provider yet (or its data is gone)."""
    sessions: dict[str, Session] = field(default_factory=dict)
    cursor: bytes = START
    """The id of the last change entry: where a reader of this state follows the stream from."""


async def load_state(redis: Redis, keys: Keys, kind: str) -> State:
    """Raises `BadData` for anything the hub would not have written, a `REDIS_ERRORS` when Redis fails."""
    async with redis.pipeline(transaction=True) as pipe:
        pipe.get(keys.meta)
        pipe.hgetall(keys.sessions)
        pipe.xrevrange(keys.changes, count=1)
        raw_meta, fields, last = await pipe.execute()
    cursor = last[0][0] if last else START
    if raw_meta is None:
        return State(None, {}, cursor)
    meta = decode_meta(raw_meta, keys.provider)
    if meta.kind != kind:
        raise BadData(f"the hub publishes {keys.provider} as a {meta.kind} provider, the config says {kind}")
    return State(meta, decode_sessions(fields, keys.provider, kind), cursor)
