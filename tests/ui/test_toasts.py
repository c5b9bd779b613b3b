"""A toast can never be given a timer of zero or less: Textual 8's `Timer` loops forever on a
negative interval (and divides by zero on 0), and a toast's timer is its notification's
`time_left` when it is mounted, which a screen change can make later than its expiry."""

from __future__ import annotations

import time
from typing import Any

from textual.notifications import Notify

from sessionboard.ui.app import SessionboardApp
from sessionboard.ui.toasts import MIN_TIME_LEFT, SafeNotification


def test_time_left_never_drops_below_the_floor_and_expiry_stays_true() -> None:
    expired = SafeNotification("m", "", "information", 1.0, raised_at=time.time() - 10)
    assert expired.time_left == MIN_TIME_LEFT
    assert expired.has_expired
    fresh = SafeNotification("m", "", "information", 30.0)
    assert 29 < fresh.time_left <= 30 and not fresh.has_expired


def test_the_consoles_notify_posts_a_safe_notification(monkeypatch: Any) -> None:
    app = SessionboardApp(None)
    posted: list[Any] = []
    monkeypatch.setattr(app, "post_message", lambda message: posted.append(message) or True)
    app.notify("[b]x[/b]\x1b]0;t\x07", timeout=0)
    [message] = posted
    assert isinstance(message, Notify) and isinstance(message.notification, SafeNotification)
    assert message.notification.time_left == MIN_TIME_LEFT  # a zero timeout cannot reach a Timer
    assert message.notification.markup is False and "\x1b" not in message.notification.message
