"""Publishing one provider's polls: the sessions hash, the meta and a change entry, written by one
Lua script that first checks the lease is still this hub's, so a poll whose lease was lost while
it ran is never published, and a reader never sees half a poll.

The change is taken against the state in Redis (the hub loads it as its base when it takes the
lease), not against what this hub saw last: a hub taking over from one that died publishes what
changed since the other's last poll. The script also checks the base is still the one in Redis
(the meta's `seq`): when it is not, nothing is written and the hub loads the base again.
"""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

from sessionboard.hub.state import load_state
from sessionboard.hub.wire import (
    STREAM_MAXLEN,
    BadData,
    Change,
    Keys,
    Meta,
    encode_meta,
    encode_session,
    new_epoch,
)
from sessionboard.poller.snapshot import Snapshot

PUBLISH = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
if ARGV[2] == 'reset' then
  redis.call('DEL', KEYS[2])
else
  local raw = redis.call('GET', KEYS[3])
  if not raw then
    return -1
  end
  local ok, meta = pcall(cjson.decode, raw)
  if not ok or type(meta) ~= 'table' or meta['seq'] ~= tonumber(ARGV[2]) then
    return -1
  end
end
local upserts = tonumber(ARGV[6])
local i = 7
for _ = 1, upserts do
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
  i = i + 2
end
while i <= #ARGV do
  redis.call('HDEL', KEYS[2], ARGV[i])
  i = i + 1
end
redis.call('SET', KEYS[3], ARGV[3])
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[5], '*', 'd', ARGV[4])
return 1
"""


class LeaseLost(Exception):
    """The lease is not this hub's any more: the poll in hand is dropped, unpublished."""


class BaseMoved(Exception):
    """The state in Redis is not the base this hub holds (someone else wrote it): load it again."""


@dataclass
class Base:
    """Where the provider's published state stands, as this hub knows it."""

    snapshot: Snapshot
    """What a poller starts from: the published sessions, counts and last error."""
    epoch: str
    seq: int
    reset: bool
    """No usable state in Redis: the next publish rewrites it whole, under a new epoch."""


class Publisher:
    def __init__(self, redis: Redis, prefix: str, hub_id: str, token: str, maxlen: int = STREAM_MAXLEN) -> None:
        self.redis = redis
        self.prefix = prefix
        self.hub_id = hub_id
        self.token = token
        self.maxlen = maxlen
        self._publish = redis.register_script(PUBLISH)

    def keys(self, provider: str) -> Keys:
        return Keys(self.prefix, provider)

    async def load_base(self, provider: str, kind: str) -> Base:
        """The base to publish the next poll against. Data that is not the hub's (or of another
        kind) is not an error here: the next publish replaces it."""
        empty = Snapshot(provider=provider, kind=kind)
        try:
            state = await load_state(self.redis, self.keys(provider), kind)
        except BadData:
            return Base(empty, new_epoch(), 0, reset=True)
        if state.meta is None:
            return Base(empty, new_epoch(), 0, reset=True)
        snapshot = state.meta.snapshot(tuple(state.sessions.values()))
        return Base(snapshot, state.meta.epoch, state.meta.seq, reset=False)

    async def publish(self, base: Base, snap: Snapshot, requested_by: str | None = None) -> Meta:
        """Write `snap` as the change from `base`; returns the meta written and moves `base` on.
        Raises `LeaseLost` or `BaseMoved` and writes nothing when the lease or the base is gone."""
        keys = self.keys(snap.provider)
        meta = Meta.of(snap, base.epoch, base.seq + 1, self.hub_id, requested_by)
        if base.reset:
            upsert = {s.id: encode_session(s) for s in snap.sessions}
            removed: tuple[str, ...] = ()
            change = Change(meta, reset=True)
        else:
            present = {s.id: s for s in snap.sessions if s.id in snap.changed}
            upsert = {sid: encode_session(session) for sid, session in present.items()}
            removed = tuple(sorted(snap.changed - present.keys()))
            change = Change(meta, upsert, removed)
        args: list[str | bytes | int] = [
            self.token,
            "reset" if base.reset else base.seq,
            encode_meta(meta),
            change.encode(),
            self.maxlen,
            len(upsert),
        ]
        for sid, record in upsert.items():
            args += [sid, record]
        args += list(removed)
        result = await self._publish(keys=[keys.lease, keys.sessions, keys.meta, keys.changes], args=args)
        if result == 0:
            raise LeaseLost(snap.provider)
        if result != 1:
            raise BaseMoved(snap.provider)
        base.seq, base.reset, base.snapshot = meta.seq, False, snap
        return meta
