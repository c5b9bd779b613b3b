"""How the CLI prints sessions for people: a plain aligned table, widths from the data."""

from __future__ import annotations

from collections.abc import Iterable

from sessionboard.model import Session

COLUMNS = (
    ("PROVIDER", lambda s: s.provider),
    ("KIND", lambda s: s.kind),
    ("ID", lambda s: s.id),
    ("NAME", lambda s: s.name),
    ("STATUS", lambda s: s.status + (" (stale)" if s.stale else "")),
    ("TARGET", lambda s: s.target),
    ("USER", lambda s: s.user),
    ("STARTED", lambda s: s.started_at),
    ("EXPIRES", lambda s: s.expires_at),
)
MAX_WIDTH = 40


def _cell(value: object) -> str:
    text = "-" if value is None else str(value).replace("\n", " ")
    return text if len(text) <= MAX_WIDTH else text[: MAX_WIDTH - 1] + "…"


def session_table(sessions: Iterable[Session]) -> str:
    rows = [[_cell(get(s)) for _, get in COLUMNS] for s in sessions]
    header = [name for name, _ in COLUMNS]
    widths = [max(len(header[i]), *(len(r[i]) for r in rows)) if rows else len(header[i]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in [header, *rows]]
    return "\n".join(lines)
