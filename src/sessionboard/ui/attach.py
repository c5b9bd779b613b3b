"""From a session to the byte transport behind its terminal pane.

The provider says where a session can be reached (`resolve_attach`: the vsay WebSocket of a
session created here, or SSH to its machine); this module turns that into a `TerminalBackend`.

The pane must appear at once, while finding the target may need a request ("get" when the listed
session lacks a host) and connecting may need a person (a host key, a password). So the pane gets
an `AttachBackend` straight away: it resolves and connects inside `start()`, which the terminal
widget runs in its own task, and any failure on the way becomes the pane's end reason. It can
also be ended from outside with a reason of the console's choosing (`end("session closed")`),
even mid-connect or while a dialog waits for an answer.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from sessionboard.model import Session, safe_text
from sessionboard.model.address import BadAddress, check_address
from sessionboard.providers import Provider, ProviderError
from sessionboard.providers.vsay import SshTarget, WebSocketTarget
from sessionboard.terminal.backend import TerminalBackend, TerminalClosed
from sessionboard.terminal.prompts import SshPrompts
from sessionboard.terminal.relay import RelayedSshBackend
from sessionboard.terminal.ssh_defaults import DEFAULT_SSH_CONFIG
from sessionboard.terminal.vsay_ws import VsayWebSocketBackend

T = TypeVar("T")
Target = WebSocketTarget | SshTarget


def backend_for(
    target: Target,
    prompts: SshPrompts,
    *,
    ssh_config: Sequence[str | os.PathLike[str]] = (DEFAULT_SSH_CONFIG,),
    use_agent: bool = True,
) -> TerminalBackend:
    """The transport for a resolved target. The WebSocket token leaves its `SecretStr` only here,
    straight into the backend that puts it in the auth frame. SSH runs in a helper process
    (`RelayedSshBackend`): its packet work then uses the other core, not the console's loop."""
    if isinstance(target, WebSocketTarget):
        return VsayWebSocketBackend(target.url, target.token.get_secret_value())
    settings = target.settings
    return RelayedSshBackend(
        target.host,
        settings.port,
        settings.username,
        settings.known_hosts,
        settings.client_keys,
        prompts,
        ssh_config=ssh_config,
        use_agent=use_agent,
    )


def describe_target(target: Target) -> str:
    """Where a pane is connected, for its title line: never the token, never a query string."""
    if isinstance(target, WebSocketTarget):
        return "vsay websocket"
    settings = target.settings
    user = f"{settings.username}@" if settings.username else ""
    port = "" if settings.port == 22 else f":{settings.port}"
    return f"ssh {user}{target.host}{port}"


async def resolve_target(provider: Provider, session: Session) -> Target:
    """Ask the provider where the session can be reached; every failure is one line. An SSH
    target's host and port are provider data: checked here (`check_address`), before anything
    reads an SSH config or starts the helper, and refused with a line naming provider and session."""
    resolve = getattr(provider, "resolve_attach", None)
    if resolve is None:
        raise TerminalClosed(f"a {provider.kind} session cannot attach a terminal")
    try:
        target = await resolve(session)
    except ProviderError as exc:
        raise TerminalClosed(f"{provider.name}: {exc.message}") from None
    except Exception as exc:  # noqa: BLE001 - nothing a provider sends may crash the console
        raise TerminalClosed(provider.redact(f"{provider.name}: internal error ({type(exc).__name__})")) from None
    if target is None:
        raise TerminalClosed(f"{provider.name}: session {safe_text(session.id, limit=80)} has no host to connect to")
    if isinstance(target, SshTarget):
        try:
            check_address(target.host, target.settings.port)
        except BadAddress as exc:
            raise TerminalClosed(
                f"{provider.name}: session {safe_text(session.id, limit=80)} refused: {exc.reason}"
            ) from None
    return target


class AttachBackend:
    """A `TerminalBackend` that finds its transport when started, and can be ended from outside.

    `connect` returns the real backend (resolution included); it runs inside `start()`. `end()`
    makes a pending or later `start`/`read` raise `TerminalClosed(reason)` and closes the real
    backend, so the widget shows that reason and nothing else."""

    def __init__(self, connect: Callable[[], Awaitable[TerminalBackend]]) -> None:
        self._connect = connect
        self.inner: TerminalBackend | None = None
        self.end_reason: str | None = None
        self._ended = asyncio.Event()
        self._ended_waiter: asyncio.Future[bool] | None = None  # one for every read, not one each
        self.on_connected: Callable[[TerminalBackend], None] | None = None

    async def _race(self, work: Awaitable[T]) -> T:
        """Run `work` unless `end()` comes first; then it is cancelled and the end is raised."""
        if self.end_reason is not None:
            if asyncio.iscoroutine(work):
                work.close()
            raise TerminalClosed(self.end_reason)
        task: asyncio.Future[T] = asyncio.ensure_future(work)
        if self._ended_waiter is None:
            self._ended_waiter = asyncio.ensure_future(self._ended.wait())
        try:
            await asyncio.wait({task, self._ended_waiter}, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            task.cancel()
            raise
        if task.done() and not task.cancelled():
            if self.end_reason is not None and task.exception() is not None:
                raise TerminalClosed(self.end_reason)
            return task.result()
        task.cancel()
        try:
            await task
        except (asyncio.CancelledError, Exception):  # noqa: BLE001 - the end reason wins
            pass
        await self.close()
        raise TerminalClosed(self.end_reason or "terminal closed")

    async def start(self, cols: int, rows: int) -> None:
        async def connect_and_start() -> None:
            inner = await self._connect()
            self.inner = inner
            await inner.start(cols, rows)

        await self._race(connect_and_start())
        if self.on_connected is not None and self.inner is not None:
            self.on_connected(self.inner)

    async def read(self) -> bytes:
        if self.inner is None:
            raise TerminalClosed(self.end_reason or "not connected")
        return await self._race(self.inner.read())

    async def write(self, data: bytes) -> None:
        if self.inner is not None and self.end_reason is None:
            await self.inner.write(data)

    async def resize(self, cols: int, rows: int) -> None:
        if self.inner is not None and self.end_reason is None:
            await self.inner.resize(cols, rows)

    async def close(self) -> None:
        if self._ended_waiter is not None and not self._ended_waiter.done():
            self._ended_waiter.cancel()
        inner = self.inner
        if inner is not None:
            await inner.close()

    def end(self, reason: str) -> None:
        """End the pane with `reason` (the first reason wins); the transport is closed by the
        widget when its reader stops, or by `close()`."""
        if self.end_reason is None:
            self.end_reason = reason
            self._ended.set()


def attach_backend(
    provider: Provider,
    session: Session,
    prompts: SshPrompts,
    *,
    on_target: Callable[[Target], None] | None = None,
    ready: Callable[[Target], Awaitable[None]] | None = None,
    **options: Any,
) -> AttachBackend:
    """The pane's backend for `session`: resolve, build the transport, connect, all in `start()`.
    `ready(target)` is awaited between resolving and connecting (the demo waits there for its SSH
    server); a `TerminalClosed` it raises ends the pane with its reason."""

    async def connect() -> TerminalBackend:
        target = await resolve_target(provider, session)
        if on_target is not None:
            on_target(target)
        if ready is not None:
            await ready(target)
        return backend_for(target, prompts, **options)

    return AttachBackend(connect)
