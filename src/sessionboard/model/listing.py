"""What one listing of a provider gave: its sessions, and what was wrong with the rest.

A provider's list is read one session at a time: a session of the wrong shape (an id that is
null or a number, a field of the wrong type) is left out and named in a line of its own, and an
id listed twice is kept once (the first), so one bad entry costs that entry, not the provider.
`Listing` is a sequence of its sessions, so code that only wants the sessions iterates it as
before; the poller, `list` and `check` also read its `warnings`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import overload

from sessionboard.model.session import Session

NAMED_DUPLICATES = 5
"""Duplicate ids named in the warning; the rest are counted."""


@dataclass(frozen=True, slots=True)
class Listing(Sequence[Session]):
    sessions: tuple[Session, ...] = ()
    skipped: tuple[str, ...] = ()
    """One line per session left out: `session 3 (id null) skipped: id: not a string`."""
    duplicates: tuple[str, ...] = ()
    """Ids listed more than once (each kept once, the first time it came)."""
    unlisted: tuple[str, ...] = ()
    """One line per device whose sessions could not be read (rufus: `device RUF-9: not found
    (HTTP 404): ...`): the other devices' sessions are listed."""

    @property
    def warnings(self) -> tuple[str, ...]:
        """The lines a person is shown, without the provider's name (as `ProviderError.message`)."""
        if not self.duplicates:
            return (*self.unlisted, *self.skipped)
        named = ", ".join(self.duplicates[:NAMED_DUPLICATES])
        more = len(self.duplicates) - NAMED_DUPLICATES
        tail = f" and {more} more" if more > 0 else ""
        # The ids come first: a panel cuts the line to its width, and the ids are what to look for.
        if len(self.duplicates) == 1:
            line = f"id {named} listed more than once; kept once (the first)"
        else:
            line = f"ids {named}{tail} listed more than once; each kept once (the first)"
        return (*self.unlisted, *self.skipped, line)

    @property
    def summary(self) -> str | None:
        """One short line for a panel: how many were skipped and how many ids came twice."""
        parts = []
        if self.unlisted:
            parts.append(f"{len(self.unlisted)} device{'s' if len(self.unlisted) != 1 else ''} not listed")
        if self.skipped:
            parts.append(f"{len(self.skipped)} session{'s' if len(self.skipped) != 1 else ''} skipped")
        if self.duplicates:
            parts.append(f"{len(self.duplicates)} duplicate id{'s' if len(self.duplicates) != 1 else ''}")
        return ", ".join(parts) or None

    # ---- a sequence of its sessions ---------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.sessions)

    def __iter__(self) -> Iterator[Session]:
        return iter(self.sessions)

    @overload
    def __getitem__(self, index: int) -> Session: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Session]: ...
    def __getitem__(self, index: int | slice) -> Session | Sequence[Session]:
        return self.sessions[index]
