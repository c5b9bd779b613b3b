"""`RelayedSshBackend`: the SSH transport run in a helper process, the console handed plain bytes.

Why a process: on two cores, `cat` of 20 MB through a pane is bound by one core doing SSH packet
work (asyncssh, decryption) and the emulator in turn on the console's event loop; moved to a
helper, the transport runs beside the emulator instead of before it. The console also never
imports asyncssh (300 ms on the event loop at the first `t`).

Two socket pairs join the console and the helper (`relay_helper`):
- data: raw bytes, the remote output one way and the keystrokes the other. The helper writes
  only as fast as the console reads, so back-pressure still reaches the remote program (the
  helper stops reading its channel, which pauses it, and SSH flow control does the rest);
- control: one JSON object per line. Console to helper: `start` (the `SshBackend` arguments and
  the pty size), `resize`, `answer`, `close`. Helper to console: `ask` (a host key, password or
  keyboard-interactive question for the console's `SshPrompts`), `started`, `log`, and `ended`
  with the reason, sent after the last output byte and the data socket's end-of-file.

Answers to password questions cross the control socket, a private in-memory pair between the
two processes; they are never logged or printed. Nothing secret is on the helper's command line,
and nothing of the console's environment but what SSH needs is in the helper's
(`helper_environment`): the console may hold API keys in its environment (`env:` references), and
the helper, and any `ProxyCommand` it runs, must not see them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from sessionboard.model.address import BadAddress, check_address
from sessionboard.terminal.backend import TerminalClosed
from sessionboard.terminal.prompts import RejectAll, SshPrompts
from sessionboard.terminal.ssh_defaults import DEFAULT_KNOWN_HOSTS, DEFAULT_SSH_CONFIG

log = logging.getLogger("sessionboard.terminal.ssh")

HELPER_MODULE = "sessionboard.terminal.relay_helper"
READ_SIZE = 1024 * 1024
_BUFFER_LIMIT = 1024 * 1024  # the console's reader pauses the data socket past twice this
_STOP_TIMEOUT = 5.0


HELPER_VARIABLES = ("HOME", "USER", "LOGNAME", "PATH", "TMPDIR", "LANG")
"""What the helper keeps of the console's environment, besides `LC_*` and, with the agent,
`SSH_AUTH_SOCK`: HOME finds ~/.ssh, USER / LOGNAME name the local user (asyncssh's default login
name), PATH finds a `ProxyCommand`'s program, TMPDIR is where temporary files go, and the locale
keeps text as the user has it."""


def helper_environment(environ: Mapping[str, str], *, use_agent: bool) -> dict[str, str]:
    """The helper's whole environment, built from a list of what SSH needs (never from a list of
    what to remove: a secret has any name). `PYTHONPATH` is not inherited but made: the one
    directory this `sessionboard` was imported from, so the helper imports the same code."""
    env = {name: environ[name] for name in HELPER_VARIABLES if name in environ}
    env.update((name, value) for name, value in environ.items() if name.startswith("LC_"))
    if use_agent and "SSH_AUTH_SOCK" in environ:
        env["SSH_AUTH_SOCK"] = environ["SSH_AUTH_SOCK"]
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    return env


def encode(message: dict[str, Any]) -> bytes:
    return json.dumps(message, separators=(",", ":")).encode() + b"\n"


async def messages(reader: asyncio.StreamReader) -> AsyncIterator[dict[str, Any]]:
    """The control socket's messages until it closes; a line that is not a JSON object is skipped
    (both ends are ours, but neither may crash on the other's bug)."""
    while line := await reader.readline():
        try:
            message = json.loads(line)
        except ValueError:
            continue
        if isinstance(message, dict):
            yield message


class RelayedSshBackend:
    """A `TerminalBackend` whose SSH connection lives in a helper process.

    Takes `SshBackend`'s arguments; prompts are asked here, in the console, when the helper
    relays a question."""

    def __init__(
        self,
        host: str,
        port: int | None = None,
        username: str | None = None,
        known_hosts: str | os.PathLike[str] = DEFAULT_KNOWN_HOSTS,
        client_keys: Sequence[str | os.PathLike[str]] = (),
        prompts: SshPrompts | None = None,
        *,
        ssh_config: Sequence[str | os.PathLike[str]] = (DEFAULT_SSH_CONFIG,),
        use_agent: bool = True,
        connect_timeout: float = 15.0,
        login_timeout: float = 120.0,
        python: str = sys.executable,
    ) -> None:
        self.options: dict[str, Any] = {
            "host": host,
            "port": port,
            "username": username,
            "known_hosts": str(known_hosts),
            "client_keys": [str(key) for key in client_keys],
            "ssh_config": [str(path) for path in ssh_config],
            "use_agent": use_agent,
            "connect_timeout": connect_timeout,
            "login_timeout": login_timeout,
        }
        self.prompts: SshPrompts = prompts if prompts is not None else RejectAll()
        self.python = python
        self.proc: asyncio.subprocess.Process | None = None
        self._data_reader: asyncio.StreamReader | None = None
        self._data_writer: asyncio.StreamWriter | None = None
        self._ctl_writer: asyncio.StreamWriter | None = None
        self._ctl_task: asyncio.Task[None] | None = None
        self._started: asyncio.Future[None] | None = None
        self._ended: asyncio.Future[str] | None = None
        self._closed = False
        self._questions: set[asyncio.Task[None]] = set()  # open prompts, taken down on close
        self._stderr_task: asyncio.Task[None] | None = None
        self._last_words = ""  # the helper's last line on stderr (a crash's one-line summary)

    @property
    def label(self) -> str:
        host, port, user = self.options["host"], self.options["port"], self.options["username"]
        where = host if port in (None, 22) else f"{host}:{port}"
        return f"{user}@{where}" if user else where

    # -- TerminalBackend ------------------------------------------------------------------------

    async def start(self, cols: int, rows: int) -> None:
        try:  # the console checks a provider's host when it resolves it; this holds for any caller
            check_address(self.options["host"], self.options["port"])
        except BadAddress as exc:
            raise TerminalClosed(f"SSH refused: {exc.reason}") from None
        loop = asyncio.get_running_loop()
        self._started = loop.create_future()
        self._ended = loop.create_future()
        data_here, data_there = socket.socketpair()
        ctl_here, ctl_there = socket.socketpair()
        try:
            try:
                self.proc = await asyncio.create_subprocess_exec(
                    self.python,
                    "-m",
                    HELPER_MODULE,
                    str(data_there.fileno()),
                    str(ctl_there.fileno()),
                    pass_fds=(data_there.fileno(), ctl_there.fileno()),
                    env=helper_environment(os.environ, use_agent=bool(self.options["use_agent"])),
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    start_new_session=True,  # the terminal's signals are the console's
                )
            finally:
                data_there.close()
                ctl_there.close()
            self._data_reader, self._data_writer = await asyncio.open_connection(sock=data_here, limit=_BUFFER_LIMIT)
            ctl_reader, self._ctl_writer = await asyncio.open_connection(sock=ctl_here, limit=_BUFFER_LIMIT)
        except OSError as exc:
            data_here.close()
            ctl_here.close()
            raise TerminalClosed(f"{self.label}: cannot start the SSH helper: {exc.strerror or exc}") from None
        self._ctl_task = asyncio.create_task(self._control(ctl_reader))
        self._stderr_task = asyncio.create_task(self._drain_stderr())
        self._send({"op": "start", "cols": cols, "rows": rows, "ssh": self.options})
        try:
            await asyncio.wait({self._started, self._ended}, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            await self.close()  # the pane went away mid-connect: leave no helper behind
            raise
        if not self._started.done():
            reason = self._ended.result()
            await self.close()
            raise TerminalClosed(reason)

    async def read(self) -> bytes:
        reader, ended = self._data_reader, self._ended
        if reader is None or ended is None:
            raise TerminalClosed("not connected")
        data = await reader.read(READ_SIZE)
        if data:
            return data
        raise TerminalClosed(await ended)  # the helper sends the reason after the last byte

    async def write(self, data: bytes) -> None:
        writer = self._data_writer
        if writer is None or writer.is_closing() or (self._ended is not None and self._ended.done()):
            return  # a write racing the end is dropped: read() reports the end, once
        try:
            writer.write(data)
        except (OSError, RuntimeError):
            return

    async def resize(self, cols: int, rows: int) -> None:
        self._send({"op": "resize", "cols": cols, "rows": rows})

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for question in list(self._questions):
            question.cancel()  # a dialog still open for this connection goes with it
        self._send({"op": "close"})
        proc = self.proc
        if proc is not None and proc.returncode is None:
            try:
                await asyncio.wait_for(proc.wait(), _STOP_TIMEOUT)
            except asyncio.TimeoutError:
                proc.kill()
                await proc.wait()
        for writer in (self._data_writer, self._ctl_writer):
            if writer is not None:
                writer.close()
        for task in (self._ctl_task, self._stderr_task):
            if task is not None and not task.done():
                task.cancel()
        if self._ended is not None and not self._ended.done():
            self._ended.set_result("connection closed")

    # -- the control channel --------------------------------------------------------------------

    def _send(self, message: dict[str, Any]) -> None:
        writer = self._ctl_writer
        if writer is None or writer.is_closing():
            return
        try:
            writer.write(encode(message))
        except (OSError, RuntimeError):
            pass

    async def _control(self, reader: asyncio.StreamReader) -> None:
        """Handle the helper's messages until it closes the control socket."""
        try:
            async for message in messages(reader):
                op = message.get("op")
                if op == "ask":
                    question = asyncio.create_task(self._answer(message))
                    self._questions.add(question)
                    question.add_done_callback(self._questions.discard)
                elif op == "started" and self._started is not None and not self._started.done():
                    self._started.set_result(None)
                elif op == "ended":
                    self._finish(str(message.get("reason") or "terminal closed"))
                elif op == "log":
                    log.log(int(message.get("level", logging.WARNING)), "%s", message.get("message", ""))
        except (OSError, asyncio.IncompleteReadError, ValueError):
            pass
        self._finish(await self._helper_gone())

    def _finish(self, reason: str) -> None:
        if self._ended is not None and not self._ended.done():
            self._ended.set_result(reason)

    async def _helper_gone(self) -> str:
        """The reason when the helper went without saying why: its exit, and its last words."""
        proc = self.proc
        if proc is None:
            return "terminal closed"
        try:
            await asyncio.wait_for(proc.wait(), _STOP_TIMEOUT)
        except asyncio.TimeoutError:
            return "the SSH helper stopped answering"
        if self._stderr_task is not None:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._stderr_task, _STOP_TIMEOUT)
        detail = f": {self._last_words[:200]}" if self._last_words else ""
        return f"the SSH helper stopped (exit status {proc.returncode}){detail}"

    async def _drain_stderr(self) -> None:
        """Read the helper's stderr as it comes (a pipe left unread would block a chatty helper)
        and keep only its last line: logs travel on the control socket, so stderr holds nothing
        but a crash report or a warning."""
        stream = self.proc.stderr if self.proc is not None else None
        if stream is None:
            return
        with contextlib.suppress(OSError, ValueError):
            while line := await stream.readline():
                text = line.decode(errors="replace").strip()
                if text:
                    self._last_words = text

    async def _answer(self, message: dict[str, Any]) -> None:
        """Ask the console's prompts the helper's question; a failed prompt answers "no"."""
        kind, args = message.get("kind"), message.get("args") or {}
        value: Any = None
        try:
            if kind == "host_key":
                value = bool(
                    await self.prompts.confirm_host_key(
                        str(args["host"]), int(args["port"]), str(args["key_type"]), str(args["fingerprint"])
                    )
                )
            elif kind == "password":
                value = await self.prompts.ask_password(str(args["prompt"]))
            elif kind == "kbdint":
                questions = [(str(prompt), bool(echo)) for prompt, echo in args["prompts"]]
                value = await self.prompts.ask_kbdint(str(args["name"]), str(args["instructions"]), questions)
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - a broken prompt is a "no", never a crash
            log.exception("SSH prompt failed")
            value = None
        self._send({"op": "answer", "id": message.get("id"), "value": value})

