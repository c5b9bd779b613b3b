"""Notifications whose toast can never freeze the console.

A toast's timer is set from its notification's `time_left` when the toast is mounted, and a toast
is mounted again whenever the screen changes (a dialog opening or closing). A notification that
expires in between has a negative `time_left`, and Textual 8's `Timer` with a negative interval
loops without ever yielding to the event loop (`skip` recomputes its count and `continue`s): the
console hangs at 100 % CPU. Seen as a hang in 1 run of 2 of a test that opened dozens of confirm
dialogs with toasts up. Here `time_left` is never below `MIN_TIME_LEFT`, so such a toast shows for
a moment and goes, while `has_expired` still tells the truth (Textual drops expired ones with it).
"""

from __future__ import annotations

from dataclasses import dataclass
from time import time

from textual.notifications import Notification

MIN_TIME_LEFT = 0.05
"""Seconds: the least a toast's timer is given."""


@dataclass
class SafeNotification(Notification):
    @property
    def time_left(self) -> float:
        return max(MIN_TIME_LEFT, (self.raised_at + self.timeout) - time())

    @property
    def has_expired(self) -> bool:
        return (self.raised_at + self.timeout) - time() <= 0
