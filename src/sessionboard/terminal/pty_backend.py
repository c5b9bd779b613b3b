"""A `TerminalBackend` over a local program in a pty: for the widget's tests, the demo, and the
benchmark. Reads are non-blocking on the event loop (`add_reader`), not in a thread."""

from __future__ import annotations

import asyncio
import fcntl
import os
import pty
import signal
import struct
import termios
from collections.abc import Mapping, Sequence

from .backend import TerminalClosed

_READ_SIZE = 65536
_MAX_QUEUED = 4  # chunks read ahead before reading pauses


class LocalPtyBackend:
    """Runs `argv` in a new pty of the size given to `start`."""

    def __init__(
        self,
        argv: Sequence[str],
        env: Mapping[str, str] | None = None,
        cwd: str | None = None,
    ) -> None:
        self.argv = list(argv)
        self.env = dict(os.environ if env is None else env)
        self.env.setdefault("TERM", "xterm-256color")
        self.cwd = cwd
        self.pid: int | None = None
        self._fd: int | None = None
        self._queue: asyncio.Queue[bytes | None] = asyncio.Queue()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._reading = False
        self._eof = False
        self._status: str | None = None

    async def start(self, cols: int, rows: int) -> None:
        self._loop = asyncio.get_running_loop()
        try:
            pid, fd = pty.fork()
        except OSError as exc:
            raise TerminalClosed(f"cannot open a pty: {exc.strerror}") from None
        if pid == 0:  # the child: become the program
            try:
                if self.cwd:
                    os.chdir(self.cwd)
                os.execvpe(self.argv[0], self.argv, self.env)
            except BaseException:
                os._exit(127)
        self.pid, self._fd = pid, fd
        os.set_blocking(fd, False)
        self._set_size(cols, rows)
        self._loop.add_reader(fd, self._on_readable)
        self._reading = True

    def _set_size(self, cols: int, rows: int) -> None:
        if self._fd is not None:
            fcntl.ioctl(self._fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def _on_readable(self) -> None:
        assert self._fd is not None
        # A pty hands out at most ~4 KB per read; gather what is already there into one chunk so
        # the consumer pays its per-chunk costs once per 64 KB, not once per 4 KB.
        chunks: list[bytes] = []
        size = 0
        eof = False
        while size < _READ_SIZE:
            try:
                part = os.read(self._fd, _READ_SIZE - size)
            except BlockingIOError:
                break
            except OSError:  # EIO: the child closed its side
                eof = True
                break
            if not part:
                eof = True
                break
            chunks.append(part)
            size += len(part)
        if chunks:
            self._queue.put_nowait(b"".join(chunks))
        if eof:
            self._stop_reading()
            self._eof = True
            self._queue.put_nowait(None)
        elif self._queue.qsize() >= _MAX_QUEUED:
            # Back-pressure: stop reading the pty until the consumer catches up; the program
            # then blocks in write() instead of us buffering without bound.
            self._stop_reading()

    def _stop_reading(self) -> None:
        if self._reading and self._fd is not None and self._loop is not None:
            self._loop.remove_reader(self._fd)
            self._reading = False

    async def read(self) -> bytes:
        if self._fd is None and self._queue.empty():
            raise TerminalClosed(self._status or "not started")
        data = await self._queue.get()
        if not self._reading and not self._eof and self._fd is not None and self._loop:
            self._loop.add_reader(self._fd, self._on_readable)
            self._reading = True
        if data is None:
            self._queue.put_nowait(None)  # every later read ends too
            raise TerminalClosed(await self._exit_status())
        return data

    async def _exit_status(self) -> str:
        if self._status is None:
            status = None
            if self.pid is not None:
                for _ in range(200):
                    pid, status = os.waitpid(self.pid, os.WNOHANG)
                    if pid:
                        break
                    await asyncio.sleep(0.01)
                else:
                    status = None
            if status is None:
                self._status = "terminal closed"
            elif os.WIFEXITED(status):
                self._status = f"exit status {os.WEXITSTATUS(status)}"
            elif os.WIFSIGNALED(status):
                self._status = f"killed by signal {os.WTERMSIG(status)}"
            else:
                self._status = "terminal closed"
            self._close_fd()
        return self._status

    async def write(self, data: bytes) -> None:
        if self._fd is None:
            raise TerminalClosed(self._status or "not started")
        view = memoryview(data)
        while view:
            try:
                n = os.write(self._fd, view)
                view = view[n:]
            except BlockingIOError:
                await asyncio.sleep(0.005)
            except OSError:
                raise TerminalClosed(self._status or "terminal closed") from None

    async def resize(self, cols: int, rows: int) -> None:
        try:
            self._set_size(cols, rows)
        except OSError:
            pass

    def _close_fd(self) -> None:
        self._stop_reading()
        if self._fd is not None:
            try:
                os.close(self._fd)
            except OSError:
                pass
            self._fd = None

    async def close(self) -> None:
        pid = self.pid
        self._close_fd()
        if pid is not None and self._status is None:
            try:
                os.kill(pid, signal.SIGHUP)
            except ProcessLookupError:
                pass
            for _ in range(50):
                try:
                    done, _ = os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    break
                if done:
                    break
                await asyncio.sleep(0.01)
            else:
                try:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                except (ProcessLookupError, ChildProcessError):
                    pass
            self._status = "closed"
        if self._queue.empty():
            self._queue.put_nowait(None)  # a pending read() ends
