"""One hub polls each provider at a time: a lease in Redis, a key holding the holder's token with a
time-to-live that the holder renews.

Taken with `SET key token NX PX ttl` (only when nobody holds it); renewed and given back by Lua
scripts that act only while the key still holds this hub's token, so a hub that was paused past
its TTL and lost the lease to another can neither extend nor delete the other's. A hub that finds
its own token still there (Redis was out of reach for a moment, but not for a whole TTL) keeps it.
"""

from __future__ import annotations

import secrets

from redis.asyncio import Redis

RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


def new_token(hub_id: str) -> str:
    """The hub's id (for people reading Redis) and a random part (so no two hubs share one)."""
    return f"{hub_id}/{secrets.token_hex(8)}"


class Lease:
    """The leases of one hub: one token, any number of keys."""

    def __init__(self, redis: Redis, token: str, ttl: float) -> None:
        if ttl <= 0:
            raise ValueError("the lease TTL must be positive")
        self.redis = redis
        self.token = token
        self.ttl = ttl
        self._renew = redis.register_script(RENEW)
        self._release = redis.register_script(RELEASE)

    @property
    def ttl_ms(self) -> int:
        return max(1, round(self.ttl * 1000))

    async def acquire(self, key: str) -> bool:
        """True when this hub holds the lease now: taken while free, or still its own."""
        if await self.redis.set(key, self.token, nx=True, px=self.ttl_ms):
            return True
        return await self.renew(key)

    async def renew(self, key: str) -> bool:
        """Extend the lease by a TTL from now; False when it is no longer this hub's."""
        return bool(await self._renew(keys=[key], args=[self.token, self.ttl_ms]))

    async def release(self, key: str) -> bool:
        """Give the lease back (another hub takes it at its next try); False when it was not ours."""
        return bool(await self._release(keys=[key], args=[self.token]))

    async def holder(self, key: str) -> str | None:
        value = await self.redis.get(key)
        return value.decode(errors="replace") if isinstance(value, bytes) else value
