"""A real shell in a real pty, driven from asyncio: what both simulated terminal servers (the local
SSH server and the vsay WebSocket terminal) put behind their channel.

A real `/bin/bash` rather than a scripted echo, so `tput`, `less`, `vim`, ctrl-c and window-size
changes behave exactly as on a machine someone would attach to."""

from __future__ import annotations

import asyncio
import errno
import fcntl
import os
import signal
import struct
import termios
from collections.abc import Mapping, Sequence

DEFAULT_ARGV: tuple[str, ...] = ("/bin/bash", "--noprofile", "--norc", "-i")
PROMPT = r"\u@sessionboard:\w\$ "
_READ_SIZE = 65536


def _take_controlling_tty() -> None:  # pragma: no cover - runs in the child between fork and exec
    # The child is already a session leader (start_new_session); make the pty (its stdin) the
    # controlling terminal so job control, ctrl-c and SIGWINCH reach the foreground job.
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def _set_winsize(fd: int, cols: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", max(rows, 1), max(cols, 1), 0, 0))


def shell_environment(term: str = "xterm-256color", extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """A small, predictable environment: no user rc files, a plain prompt, UTF-8, no history."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/"),
        "USER": os.environ.get("USER", "user"),
        "LOGNAME": os.environ.get("LOGNAME", os.environ.get("USER", "user")),
        "SHELL": "/bin/bash",
        "TERM": term,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PS1": PROMPT,
        "HISTFILE": "/dev/null",
        "LESS": "",  # no -X/-F from the caller: less must enter the alternate screen
    }
    if extra:
        env.update(extra)
    return env


class PtyShell:
    """One process on the slave side of a pty; this side holds the master.

    `read()` returns output as it comes and `b""` once the shell has exited and its output is
    drained; `exit_code` is then its exit status (negative: killed by that signal number)."""

    def __init__(self, master_fd: int, process: asyncio.subprocess.Process) -> None:
        self._fd = master_fd
        self._process = process
        self._loop = asyncio.get_running_loop()
        self._readable = asyncio.Event()
        self._pending_out = bytearray()
        self._eof = False
        self._closed = False
        self._closing: asyncio.Future[None] | None = None
        self._exited = asyncio.Event()
        self._loop.add_reader(self._fd, self._readable.set)
        self._waiter = asyncio.ensure_future(self._wait_exit())

    @classmethod
    async def spawn(
        cls,
        cols: int = 80,
        rows: int = 24,
        *,
        argv: Sequence[str] = DEFAULT_ARGV,
        term: str = "xterm-256color",
        env: Mapping[str, str] | None = None,
        cwd: str | None = None,
    ) -> PtyShell:
        master, slave = os.openpty()
        try:
            _set_winsize(master, cols, rows)
            os.set_blocking(master, False)
            process = await asyncio.create_subprocess_exec(
                *argv,
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=shell_environment(term, env),
                cwd=cwd or os.environ.get("HOME", "/"),
                start_new_session=True,
                preexec_fn=_take_controlling_tty,
            )
        except BaseException:
            os.close(master)
            raise
        finally:
            # Only the child keeps the slave open, so its exit shows up here as EIO/EOF.
            os.close(slave)
        return cls(master, process)

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def exit_code(self) -> int | None:
        return self._process.returncode

    async def _wait_exit(self) -> None:
        await self._process.wait()
        self._exited.set()
        self._readable.set()

    async def read(self) -> bytes:
        """The next output chunk, or b"" at the end."""
        while True:
            if self._eof or self._closed:
                return b""
            data = self._read_now()
            if data:
                return data
            if self._eof:
                return b""
            if self._exited.is_set():
                # The shell is gone and nothing is buffered; a background job that kept the
                # slave open must not keep the session alive.
                self._eof = True
                return b""
            self._readable.clear()
            await self._readable.wait()

    def _read_now(self) -> bytes:
        try:
            return os.read(self._fd, _READ_SIZE) or self._mark_eof()
        except BlockingIOError:
            return b""
        except OSError as exc:
            if exc.errno in (errno.EIO, errno.EBADF):
                return self._mark_eof()
            raise

    def _mark_eof(self) -> bytes:
        self._eof = True
        return b""

    def write(self, data: bytes) -> None:
        """Queue input; what the pty cannot take now is written when it can (large pastes)."""
        if self._closed or not data:
            return
        if self._pending_out:
            self._pending_out.extend(data)
            return
        sent = self._write_now(data)
        if sent < len(data):
            self._pending_out.extend(data[sent:])
            self._loop.add_writer(self._fd, self._flush)

    def _write_now(self, data: bytes | bytearray) -> int:
        try:
            return os.write(self._fd, data)
        except BlockingIOError:
            return 0
        except OSError:
            self._pending_out.clear()
            return len(data)  # the shell is gone: drop the input

    def _flush(self) -> None:
        sent = self._write_now(self._pending_out)
        del self._pending_out[:sent]
        if not self._pending_out:
            self._loop.remove_writer(self._fd)

    def resize(self, cols: int, rows: int) -> None:
        """Set the window size; the kernel sends SIGWINCH to the foreground job."""
        if not self._closed:
            _set_winsize(self._fd, cols, rows)

    async def wait(self) -> int:
        """The exit status once the shell has ended."""
        return await self._process.wait()

    async def close(self, grace: float = 2.0) -> None:
        """Hang up (SIGHUP, as a closed terminal would), then kill if it lingers; idempotent and
        safe to call from several tasks at once (the fd is closed exactly once)."""
        if self._closing is None:
            self._closing = asyncio.ensure_future(self._close(grace))
        await asyncio.shield(self._closing)

    async def _close(self, grace: float) -> None:
        if self._process.returncode is None:
            self._signal_group(signal.SIGHUP)
            try:
                await asyncio.wait_for(self._process.wait(), timeout=grace)
            except asyncio.TimeoutError:
                self._signal_group(signal.SIGKILL)
                await self._process.wait()
        self._closed = True
        self._loop.remove_reader(self._fd)
        if self._pending_out:
            self._loop.remove_writer(self._fd)
            self._pending_out.clear()
        self._readable.set()
        os.close(self._fd)
        await self._waiter

    def _signal_group(self, sig: signal.Signals) -> None:
        try:
            os.killpg(self._process.pid, sig)
        except ProcessLookupError:
            pass


def exit_reason(code: int | None) -> str:
    """How a session's end is told to the client: "exit status N" or "killed by signal NAME"."""
    if code is None:
        return "connection closed"
    if code < 0:
        try:
            return f"killed by signal {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"
