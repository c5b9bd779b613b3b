"""The shared "serve from a thread" helper: start failures reach the caller, and stopping lets
tasks still on the loop unwind instead of being destroyed pending."""

from __future__ import annotations

import asyncio
import gc
import threading

import pytest

from sessionboard.sim.loop_thread import LoopThread


def test_stop_unwinds_tasks_left_on_the_loop(capfd):
    unwound = threading.Event()
    tasks: list[asyncio.Task[None]] = []

    async def lingering() -> None:
        try:
            await asyncio.Event().wait()
        finally:
            await asyncio.sleep(0)  # a close that itself awaits, as a shell's does
            unwound.set()

    async def starter() -> None:
        tasks.append(asyncio.get_running_loop().create_task(lingering()))

    async def stopper() -> None:
        pass  # leaves the task pending, as the SSH server's stop leaves shell closes

    runner = LoopThread("test-loop-thread")
    runner.start(starter, 5, late="late")
    assert runner.running
    runner.stop(stopper, 5)
    assert not runner.running
    assert unwound.is_set()
    assert tasks[0].cancelled()
    tasks.clear()
    gc.collect()
    assert "Task was destroyed" not in capfd.readouterr().err


def test_a_failing_start_is_raised_in_the_caller_and_frees_the_runner():
    async def starter() -> None:
        raise OSError("port taken")

    runner = LoopThread("test-loop-thread")
    with pytest.raises(OSError, match="port taken"):
        runner.start(starter, 5, late="late")
    assert not runner.running
    runner.stop(starter, 5)  # nothing to stop: no error


def test_starting_twice_is_refused():
    async def nothing() -> None:
        pass

    runner = LoopThread("test-loop-thread")
    runner.start(nothing, 5, late="late")
    try:
        with pytest.raises(RuntimeError, match="already running"):
            runner.start(nothing, 5, late="late")
    finally:
        runner.stop(nothing, 5)
