"""Messages that carry results up to the screen: the poller's snapshots and the end of an action.

Widgets never call the network; the app runs the pollers and the action workers and posts these.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from sessionboard.model import SessionKey
from sessionboard.poller import Snapshot


class SnapshotArrived(Message):
    """A provider's poll ended (success or failure)."""

    def __init__(self, snapshot: Snapshot) -> None:
        super().__init__()
        self.snapshot = snapshot


@dataclass(slots=True)
class ActionResult:
    action: str
    provider: str
    ok: bool
    message: str
    session: SessionKey | None = None


class ActionFinished(Message):
    """A create / close / extend ended; `result.message` is the line shown to the user."""

    def __init__(self, result: ActionResult) -> None:
        super().__init__()
        self.result = result
