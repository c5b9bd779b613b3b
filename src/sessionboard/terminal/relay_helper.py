"""The helper process behind `RelayedSshBackend` (see `relay` for why and for the protocol):
`python -m sessionboard.terminal.relay_helper DATA_FD CONTROL_FD`.

It runs one `SshBackend`, exactly as the console would in-process, with prompts that ask the
console over the control socket, and pumps bytes between the channel and the data socket. It
lives as long as the console wants it: the console's `close` or the control socket's end (the
console is gone) closes the connection and ends the process."""

from __future__ import annotations

import asyncio
import logging
import socket
import sys
from collections.abc import Callable
from typing import Any

from sessionboard.model.address import BadAddress, check_address
from sessionboard.terminal.backend import TerminalClosed
from sessionboard.terminal.relay import encode, messages
from sessionboard.terminal.ssh import SshBackend

_CHUNK = 256 * 1024
Send = Callable[[dict[str, Any]], None]
SSH_OPTIONS = frozenset(
    {"host", "port", "username", "known_hosts", "client_keys", "ssh_config", "use_agent", "connect_timeout",
     "login_timeout"}
)
"""The `start` message's `ssh` keys the helper hands to `SshBackend`; no other reaches it."""


def ssh_options(message: dict[str, Any]) -> dict[str, Any]:
    """The `SshBackend` arguments of a `start` message, the host and port checked once more here,
    in the process that reads the SSH config (raises `BadAddress`, or ValueError for a bad shape)."""
    options = message.get("ssh")
    if not isinstance(options, dict) or not set(options) <= SSH_OPTIONS:
        raise ValueError("the start message's ssh options are not the expected ones")
    check_address(options.get("host"), options.get("port"))
    return options


class RemotePrompts:
    """`SshPrompts` answered by the console: each question is sent, its answer awaited."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._next = 0

    async def _ask(self, kind: str, **args: Any) -> Any:
        ident, self._next = self._next, self._next + 1
        answer: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[ident] = answer
        self._send({"op": "ask", "id": ident, "kind": kind, "args": args})
        try:
            return await answer
        finally:
            self._pending.pop(ident, None)

    def answered(self, ident: Any, value: Any) -> None:
        answer = self._pending.get(ident) if isinstance(ident, int) else None
        if answer is not None and not answer.done():
            answer.set_result(value)

    def give_up(self) -> None:
        """The console is gone: every open question is a "no"."""
        for answer in self._pending.values():
            if not answer.done():
                answer.set_result(None)

    async def confirm_host_key(self, host: str, port: int, key_type: str, fingerprint: str) -> bool:
        answer = await self._ask("host_key", host=host, port=port, key_type=key_type, fingerprint=fingerprint)
        return answer is True

    async def ask_password(self, prompt: str) -> str | None:
        answer = await self._ask("password", prompt=prompt)
        return answer if isinstance(answer, str) else None

    async def ask_kbdint(self, name: str, instructions: str, prompts: list[tuple[str, bool]]) -> list[str] | None:
        answer = await self._ask("kbdint", name=name, instructions=instructions, prompts=[list(p) for p in prompts])
        if isinstance(answer, list) and all(isinstance(item, str) for item in answer):
            return answer
        return None


class _ForwardLogs(logging.Handler):
    """Log records go to the console's log (message text only), never to a stream: the helper's
    stderr is a pipe only read after it ends."""

    def __init__(self, send: Send) -> None:
        super().__init__(logging.WARNING)
        self._send = send

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._send({"op": "log", "level": record.levelno, "message": record.getMessage()})
        except Exception:  # noqa: BLE001 - logging must never break the relay
            pass


class Relay:
    def __init__(self, data: socket.socket, control: socket.socket) -> None:
        self._data_sock = data
        self._ctl_sock = control
        self._ctl_writer: asyncio.StreamWriter | None = None
        self.closing = asyncio.Event()
        self.prompts = RemotePrompts(self.send)
        self.backend: SshBackend | None = None

    def send(self, message: dict[str, Any]) -> None:
        writer = self._ctl_writer
        if writer is not None and not writer.is_closing():
            writer.write(encode(message))

    async def run(self) -> None:
        data_reader, data_writer = await asyncio.open_connection(sock=self._data_sock, limit=_CHUNK)
        ctl_reader, self._ctl_writer = await asyncio.open_connection(sock=self._ctl_sock)
        logging.getLogger().addHandler(_ForwardLogs(self.send))
        first = await anext(messages(ctl_reader), {})
        if first.get("op") != "start":
            return
        try:
            options = ssh_options(first)
        except BadAddress as exc:
            self.send({"op": "ended", "reason": f"SSH refused: {exc.reason}"})
            await self._ctl_writer.drain()
            return
        self.backend = backend = SshBackend(**options, prompts=self.prompts)
        control = asyncio.create_task(self._control(ctl_reader))
        reason = await self._session(backend, int(first["cols"]), int(first["rows"]), data_reader, data_writer)
        try:
            if data_writer.can_write_eof():
                data_writer.write_eof()  # the last byte before the reason
            await data_writer.drain()
        except (OSError, RuntimeError):
            pass
        self.send({"op": "ended", "reason": reason})
        try:
            await self._ctl_writer.drain()
        except OSError:
            pass
        control.cancel()
        await backend.close()

    async def _session(
        self, backend: SshBackend, cols: int, rows: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> str:
        """Connect, then pump both ways; the reason the session ended."""
        closing = asyncio.create_task(self.closing.wait())
        starting = asyncio.create_task(backend.start(cols, rows))
        await asyncio.wait({starting, closing}, return_when=asyncio.FIRST_COMPLETED)
        if not starting.done():
            starting.cancel()
            return "connection closed"
        try:
            starting.result()
        except TerminalClosed as exc:
            closing.cancel()
            return exc.reason
        self.send({"op": "started"})
        out = asyncio.create_task(self._pump_out(backend, writer))
        keys = asyncio.create_task(self._pump_in(backend, reader))
        await asyncio.wait({out, closing}, return_when=asyncio.FIRST_COMPLETED)
        keys.cancel()
        closing.cancel()
        if out.done():
            return out.result()
        out.cancel()
        return "connection closed"

    async def _pump_out(self, backend: SshBackend, writer: asyncio.StreamWriter) -> str:
        try:
            while True:
                writer.write(await backend.read())
                await writer.drain()  # the console's pace is the channel's pace
        except TerminalClosed as exc:
            return exc.reason
        except (OSError, RuntimeError):
            return "terminal closed"

    async def _pump_in(self, backend: SshBackend, reader: asyncio.StreamReader) -> None:
        while data := await reader.read(_CHUNK):
            await backend.write(data)

    async def _control(self, reader: asyncio.StreamReader) -> None:
        try:
            async for message in messages(reader):
                op = message.get("op")
                if op == "resize" and self.backend is not None:
                    await self.backend.resize(int(message["cols"]), int(message["rows"]))
                elif op == "answer":
                    self.prompts.answered(message.get("id"), message.get("value"))
                elif op == "close":
                    break
        except (OSError, ValueError, KeyError):
            pass
        self.prompts.give_up()
        self.closing.set()


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m sessionboard.terminal.relay_helper DATA_FD CONTROL_FD", file=sys.stderr)
        return 2
    data = socket.socket(fileno=int(argv[0]))
    control = socket.socket(fileno=int(argv[1]))
    logging.getLogger().setLevel(logging.WARNING)
    asyncio.run(Relay(data, control).run())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
