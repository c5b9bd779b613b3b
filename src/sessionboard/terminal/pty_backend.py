"""A `TerminalBackend` over a local program in a pty: for the widget's tests, the demo, and the
benchmark. Reads are non-blocking on the event loop, not in a thread, and pull-based: the pty is
read only when the consumer asks for the next chunk, so a slow consumer makes the program block
in write() (back-pressure) and nothing is buffered here."""

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
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiter: asyncio.Future[None] | None = None
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

    def _set_size(self, cols: int, rows: int) -> None:
        if self._fd is not None:
            fcntl.ioctl(self._fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def _read_now(self) -> bytes:
        """Whatever the pty has right now, up to 64 KB (a pty hands out ~4 KB per read(), so
        several are gathered into one chunk); sets `_eof` when the program's side is closed."""
        assert self._fd is not None
        chunks: list[bytes] = []
        size = 0
        while size < _READ_SIZE:
            try:
                part = os.read(self._fd, _READ_SIZE - size)
            except BlockingIOError:
                break
            except OSError:  # EIO: the child closed its side
                self._eof = True
                break
            if not part:
                self._eof = True
                break
            chunks.append(part)
            size += len(part)
        return b"".join(chunks)

    async def _wait_readable(self) -> None:
        assert self._fd is not None and self._loop is not None
        fd = self._fd
        waiter = self._waiter = self._loop.create_future()

        def ready() -> None:
            if not waiter.done():
                waiter.set_result(None)

        self._loop.add_reader(fd, ready)
        try:
            await waiter
        finally:
            self._waiter = None
            if self._fd is not None:
                self._loop.remove_reader(fd)

    async def read(self) -> bytes:
        while True:
            if self._fd is None:
                raise TerminalClosed(self._status or "not started")
            if not self._eof:
                data = self._read_now()
                if data:
                    return data
            if self._eof:
                raise TerminalClosed(await self._exit_status())
            await self._wait_readable()

    async def _exit_status(self) -> str:
        if self._status is None:
            status = None
            if self.pid is not None:
                for _ in range(200):
                    try:
                        pid, status = os.waitpid(self.pid, os.WNOHANG)
                    except ChildProcessError:
                        status = None
                        break
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
        if self._fd is not None and self._loop is not None:
            self._loop.remove_reader(self._fd)
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)  # a pending read() wakes up and finds the fd closed
        if self._fd is not None:
            try:
                os.close(self._fd)
            except OSError:
                pass
            self._fd = None

    async def close(self) -> None:
        pid = self.pid
        alive = self._status is None
        if alive:
            self._status = "closed"
        self._close_fd()
        if pid is None or not alive:
            return
        try:
            os.kill(pid, signal.SIGHUP)
        except ProcessLookupError:
            pass
        for _ in range(50):
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                return
            if done:
                return
            await asyncio.sleep(0.01)
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
