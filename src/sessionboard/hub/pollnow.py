"""Asking the hub to poll a provider now (`r` in a console): at most once per provider per
`cooldown` seconds, whoever asks, and the hub records who asked.

One Lua script sets the provider's cooldown key (who asked, with a TTL) only when it is not set,
and only then adds the request to the requests stream that every hub reads; a request within the
cooldown is refused with the seconds left, so twenty operators pressing `r` together cost the
provider one poll.
"""

from __future__ import annotations

import getpass
import socket
from dataclasses import dataclass
from typing import Any, cast

from redis.asyncio import Redis

from sessionboard.hub.wire import Entries, Keys, StreamsRead, requests_key

COOLDOWN = 3.0
"""Seconds after a poll-now during which another, from anyone, is refused."""
REQUESTS_MAXLEN = 1000
WHO_LIMIT = 120

ASK = """
if redis.call('SET', KEYS[1], ARGV[2], 'NX', 'PX', ARGV[3]) then
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], '*', 'provider', ARGV[1], 'who', ARGV[2])
  return 0
end
return math.max(redis.call('PTTL', KEYS[1]), 1)
"""


def who_am_i() -> str:
    """`user@host`: how a request names the person who made it."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "someone"
    return f"{user}@{socket.gethostname()}"[:WHO_LIMIT]


@dataclass(frozen=True, slots=True)
class PollRequest:
    provider: str
    who: str


class PollNow:
    def __init__(self, redis: Redis, prefix: str, cooldown: float = COOLDOWN) -> None:
        self.redis = redis
        self.prefix = prefix
        self.cooldown = cooldown
        self._ask = redis.register_script(ASK)

    @property
    def stream(self) -> str:
        return requests_key(self.prefix)

    async def ask(self, provider: str, who: str) -> float:
        """0 when the request went to the hubs; else the seconds until one would be taken."""
        keys = [Keys(self.prefix, provider).pollnow, self.stream]
        args: list[str | int] = [provider, who[:WHO_LIMIT], max(1, round(self.cooldown * 1000)), REQUESTS_MAXLEN]
        left = int(await self._ask(keys=keys, args=args))
        return left / 1000.0

    async def latest_id(self) -> bytes:
        """Where a hub starts reading requests: after the last one already in the stream."""
        last = cast(Entries, await self.redis.xrevrange(self.stream, count=1))
        return last[0][0] if last else b"0-0"

    async def read(self, after: bytes, block: float) -> tuple[bytes, list[PollRequest]]:
        """The requests after `after` (waiting up to `block` seconds for one), and the new position.
        An entry that is not a request is skipped."""
        streams: dict[Any, Any] = {self.stream: after}
        answer = cast(StreamsRead, await self.redis.xread(streams, count=100, block=max(1, round(block * 1000))))
        found: list[PollRequest] = []
        position = after
        for _stream, entries in answer or []:
            for entry_id, fields in entries:
                position = entry_id
                provider, who = fields.get(b"provider"), fields.get(b"who")
                if isinstance(provider, bytes) and isinstance(who, bytes):
                    found.append(
                        PollRequest(provider.decode(errors="replace"), who.decode(errors="replace")[:WHO_LIMIT])
                    )
        return position, found
