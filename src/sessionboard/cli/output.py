"""How the CLI writes, in one place: every line a person reads passes `safe_text`, every JSON
document `safe_json`, every error line goes to stderr as `sessionboard: ...`.

Provider text (names, ids, targets, error bodies) is untrusted: written raw, its bytes would be
instructions to the terminal (a title, the clipboard, a wiped screen). The verbs never call
`print` themselves, so no path can skip the sanitizer.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

from sessionboard.model import Session, safe_json, safe_text

PREFIX = "sessionboard: "

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
ERROR_LIMIT = 2000
"""Characters of one error line: a provider's megabyte error body is cut (and says how much)."""


def line(text: object = "") -> None:
    """One line on stdout, its control characters shown as escapes."""
    sys.stdout.write(safe_text(text) + "\n")


def block(text: object) -> None:
    """Several lines on stdout (a text log): newlines and tabs kept, every other control escaped.
    A CRLF line end (a remote terminal's) is a line end; a lone CR is escaped like the rest."""
    value = text.replace("\r\n", "\n") if isinstance(text, str) else text
    sys.stdout.write(safe_text(value, multiline=True).rstrip("\n") + "\n")


def json_out(value: Any, *, indent: int | None = None) -> None:
    """One JSON document on stdout: valid, content kept, nothing a terminal would act on."""
    sys.stdout.write(safe_json(value, indent=indent) + "\n")


def json_array(objects: Iterable[dict[str, Any]]) -> str:
    """A JSON array with one object per line: readable and greppable, and built by the C encoder
    (`indent=` switches json to its pure-Python encoder, several times slower on 10,000 sessions)."""
    body = ",\n".join(safe_json(obj) for obj in objects)
    return f"[\n{body}\n]" if body else "[]"


def json_array_out(objects: Iterable[dict[str, Any]]) -> None:
    """`json_array` on stdout: `list --json`, one object per line."""
    sys.stdout.write(json_array(objects) + "\n")


def error(text: object) -> None:
    """One error line on stderr, `sessionboard: ` first. A closed stderr is not an error worth
    dying for: there is nowhere left to say it."""
    try:
        print(PREFIX + safe_text(text, limit=ERROR_LIMIT), file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


def _cell(value: object) -> str:
    text = "-" if value is None else safe_text(value, limit=MAX_WIDTH)
    return text if len(text) <= MAX_WIDTH else text[: MAX_WIDTH - 1] + "…"


def session_table(sessions: Iterable[Session]) -> str:
    rows = [[_cell(get(s)) for _, get in COLUMNS] for s in sessions]
    header = [name for name, _ in COLUMNS]
    widths = [max(len(header[i]), *(len(r[i]) for r in rows)) if rows else len(header[i]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in [header, *rows]]
    return "\n".join(lines)
