"""The console's one notion of "now", injectable so snapshot tests can freeze countdowns and ages."""

from __future__ import annotations

import time
from collections.abc import Callable

Now = Callable[[], float]
"""Seconds since the epoch, like `time.time`."""


def system_now() -> float:
    return time.time()


def fixed_now(at: float) -> Now:
    return lambda: at
