"""A provider's list read one session at a time into a `Listing`.

Each item of the list is turned into a `Session` on its own: one that fails (an id that is null
or a number, a field of the wrong type, not even an object) is left out with a line naming its
place in the list, its id as far as it has one, and the first bad field; an id already taken is
kept once, the first time it came. Nothing of a provider's text goes into these lines unbounded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sessionboard.errors import BadAnswer, ProviderError
from sessionboard.model import Listing, Session, safe_text

ID_LIMIT = 40
"""Characters of an id shown in a warning line."""
REASON_LIMIT = 200


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _id_text(item: dict[str, Any], id_key: str) -> str:
    if id_key not in item:
        return "no id"
    value = item[id_key]
    if value is None:
        return "id null"
    if isinstance(value, bool):
        return f"id {'true' if value else 'false'}"
    if isinstance(value, (int, float)):
        return f"id {safe_text(repr(value), limit=ID_LIMIT)}"
    if isinstance(value, str):
        return f"id {safe_text(value, limit=ID_LIMIT)}"
    return f"id {_json_kind(value)}"


class Collector:
    """Sessions in the order they came, numbered from 1 across every page or device of one listing."""

    def __init__(self, id_key: str) -> None:
        self.id_key = id_key
        self.count = 0
        self.sessions: list[Session] = []
        self.ids: set[str] = set()
        self.skipped: list[str] = []
        self.duplicates: list[str] = []
        self.unlisted: list[str] = []
        self._named: set[str] = set()

    def add(self, item: Any, convert: Callable[[Any], Session]) -> None:
        self.count += 1
        if not isinstance(item, dict):
            self.skipped.append(f"session {self.count} skipped: not an object ({_json_kind(item)})")
            return
        try:
            session = convert(item)
        except BadAnswer as exc:
            self._skip(item, f"{exc.place}: {exc.problem}")
            return
        except ProviderError as exc:
            self._skip(item, exc.message)
            return
        except Exception as exc:  # an adapter's bug on one odd session costs that session only
            self._skip(item, f"internal error: {type(exc).__name__}")
            return
        if session.id in self.ids:
            if session.id not in self._named:
                self._named.add(session.id)
                self.duplicates.append(safe_text(session.id, limit=ID_LIMIT))
            return
        self.ids.add(session.id)
        self.sessions.append(session)

    def _skip(self, item: dict[str, Any], reason: str) -> None:
        where = _id_text(item, self.id_key)
        self.skipped.append(f"session {self.count} ({where}) skipped: {safe_text(reason, limit=REASON_LIMIT)}")

    def not_listed(self, part: str, reason: str) -> None:
        """A part of the listing (a device) that could not be read: one line, the rest listed."""
        self.unlisted.append(f"{safe_text(part, limit=ID_LIMIT)}: {safe_text(reason, limit=REASON_LIMIT)}")

    def listing(self) -> Listing:
        return Listing(tuple(self.sessions), tuple(self.skipped), tuple(self.duplicates), tuple(self.unlisted))
