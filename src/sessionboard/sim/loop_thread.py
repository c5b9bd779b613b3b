"""Serving an asyncio server from a daemon thread with its own event loop.

The simulators and the SSH server are asyncio code, but the demo and the tests' session-wide
fixtures are synchronous callers; both servers go on a thread of their own the same way, so the
way lives here once. Stopping ends every task still on the loop (as `asyncio.run` does) before
the loop closes: a shell-closing task left pending would otherwise be destroyed with the loop and
print "Task was destroyed but it is pending"."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable


class LoopThread:
    """One daemon thread running one event loop; `start` and `stop` run coroutines on it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self, starter: Callable[[], Awaitable[None]], timeout: float, late: str) -> None:
        """Run `starter()` on a new thread's loop and keep that loop running after it.

        A failure of `starter` is raised here, in the calling thread, once the thread has ended;
        `late` is the message of the RuntimeError raised when it takes longer than `timeout`."""
        if self._thread is not None:
            raise RuntimeError(f"{self.name} is already running")
        ready = threading.Event()
        failure: list[BaseException] = []
        loop = asyncio.new_event_loop()

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(starter())
            except BaseException as exc:  # handed to the starting thread
                failure.append(exc)
                ready.set()
                _finish(loop)
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                _finish(loop)

        self._loop = loop
        self._thread = threading.Thread(target=run, name=self.name, daemon=True)
        self._thread.start()
        if not ready.wait(timeout):
            raise RuntimeError(late)
        if failure:
            self._thread.join()
            self._loop = self._thread = None
            raise failure[0]

    def stop(self, stopper: Callable[[], Awaitable[None]], timeout: float) -> None:
        """Run `stopper()` on the loop, then end the loop and its thread (no-op when not started)."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        try:
            asyncio.run_coroutine_threadsafe(_awaited(stopper), loop).result(timeout)
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout)
            self._loop = self._thread = None


async def _awaited(stopper: Callable[[], Awaitable[None]]) -> None:
    await stopper()


def _finish(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel what is left on the loop and let it unwind, then close the loop (in its own thread)."""
    try:
        pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
    finally:
        loop.close()
