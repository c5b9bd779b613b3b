"""The Redis connection of team mode: built from `[hub]`, its failures as one line that never holds
the URL or the password, and the backoff between two attempts to reach it.

redis-py's own retries are off (`Retry(NoBackoff(), 0)`): a hub or a reader that cannot reach
Redis says so at once and retries on its own schedule, with jitter, instead of stalling inside a
command. Every error line is built here from the exception's type and a few known phrases, never
from its text: redis-py's messages name the host and port, and a URL is a secret reference.
"""

from __future__ import annotations

import errno
import random
import socket
import ssl
from typing import TYPE_CHECKING, Any

from redis import exceptions as rex
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from sessionboard.poller.loop import backoff_delay

if TYPE_CHECKING:
    from sessionboard.config.models import HubSettings

TIMEOUT = 5.0
"""Seconds for one Redis command (and to connect)."""
REDIS_ERRORS: tuple[type[BaseException], ...] = (rex.RedisError, OSError)
"""What a Redis call can raise when Redis is down, restarting, refusing or not Redis at all."""


def connect(settings: HubSettings, *, timeout: float = TIMEOUT, block: float = 0.0) -> Redis:
    """A client for `[hub]` (no connection is made until the first command). `block` is the longest
    blocking read (XREAD BLOCK) the client will send, added to its read timeout."""
    kwargs: dict[str, Any] = {
        "socket_timeout": timeout + block,
        "socket_connect_timeout": timeout,
        "retry": Retry(NoBackoff(), 0),
        "retry_on_error": [],
        "decode_responses": False,
        "client_name": "sessionboard",
    }
    if settings.password is not None:
        kwargs["password"] = settings.password.get_secret_value()
    return Redis.from_url(settings.url.get_secret_value(), **kwargs)


def _causes(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain and len(chain) < 10:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _os_reason(exc: BaseException) -> str | None:
    """What the socket said, read from the OS error under redis-py's (its errno, its type)."""
    for cause in _causes(exc):
        if isinstance(cause, ssl.SSLError):
            return "TLS failure" + (": certificate verify failed" if isinstance(cause, ssl.SSLCertVerificationError) else "")
        if isinstance(cause, socket.gaierror):
            return "host not found"
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, OSError) and cause.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH):
            return "host unreachable"
        if isinstance(cause, (ConnectionResetError, BrokenPipeError)):
            return "connection lost"
    return None


def describe(exc: BaseException) -> str:
    """One line for a person, from the exception's type (and known phrases), without its text."""
    text = str(exc).lower()
    if isinstance(exc, rex.AuthenticationError) or "noauth" in text or "wrongpass" in text:
        return "authentication failed; check the [hub] password (or the URL's)"
    if isinstance(exc, rex.BusyLoadingError):
        return "Redis is loading its data"
    if isinstance(exc, (rex.TimeoutError, TimeoutError)):
        return "timed out"
    if isinstance(exc, rex.NoPermissionError):
        return "permission denied (a Redis ACL refuses a command the hub needs)"
    if isinstance(exc, rex.ReadOnlyError):
        return "Redis is a read-only replica; point url at the primary"
    if isinstance(exc, rex.ResponseError):
        if "wrongtype" in text:
            return "a key under the [hub] prefix holds something the hub did not write"
        return "Redis refused a command"
    reason = _os_reason(exc)
    if reason is not None:
        return reason
    if "refused" in text:
        return "connection refused"
    if "name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text:
        return "host not found"
    if "ssl" in text or "certificate" in text or "tls" in text:
        return "TLS failure"
    if isinstance(exc, (rex.ConnectionError, OSError)):
        return "connection lost" if "closed" in text or "reset" in text else "cannot connect"
    return f"unexpected answer ({type(exc).__name__})"


class Backoff:
    """Delays between attempts to reach Redis: `base` after the first failure, doubling to
    `ceiling`, with jitter, so a restarted Redis is not met by every console at the same instant."""

    def __init__(self, base: float = 0.5, ceiling: float = 15.0, rng: random.Random | None = None) -> None:
        self.base = base
        self.ceiling = ceiling
        self.failures = 0
        self._rng = rng or random.Random()

    def next(self) -> float:
        self.failures += 1
        return backoff_delay(self.base, self.failures - 1, self._rng, self.ceiling)

    def reset(self) -> None:
        self.failures = 0
