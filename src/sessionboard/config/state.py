"""The console's own choices (the theme picked in the palette, the sort and its order, the optional
columns), kept between runs in a state file of the user's state directory, never in the config.

The config is the user's: read, never rewritten. Written back, it lost its comments, its mode (a
0600 file holding a literal key became 0644) and its symlink (replaced by a plain file). The
state file is ours: TOML written by tomli-w, atomically (a temporary file in the same directory,
then a rename, so a crash leaves the old file or the new, never half of one), mode 0600 in a
0700 directory. Reading it never stops the console: a broken or strange file is one warning and
the defaults.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

MAX_STATE_BYTES = 64 * 1024
MAX_VALUE = 200
MAX_COLUMNS = 64
HEADER = "# sessionboard's state: choices made in the console. Written by it; the config file is yours.\n"


@dataclass(frozen=True, slots=True)
class ConsoleState:
    theme: str | None = None
    """The theme last picked in the console."""
    theme_over: str | None = None
    """The config's `theme` when that pick was made: once the file names another, the file wins
    (the user edited it since), and the pick is forgotten."""
    sort: str | None = None
    """The table's sort column (a column key; the board ignores one it does not know)."""
    sort_reverse: bool = False
    """The sort column's order turned around."""
    columns: tuple[str, ...] = ()
    """The optional columns chosen (column keys)."""

    def theme_for(self, configured: str) -> str:
        """The theme to start with: the last pick, unless the config's theme changed since."""
        if self.theme and (self.theme_over is None or self.theme_over == configured):
            return self.theme
        return configured


def load_state(path: Path) -> tuple[ConsoleState, str | None]:
    """The state in `path` and a warning (None when all is well; a missing file is all well)."""
    import tomllib  # not on the demo's start path, which has no state file

    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_STATE_BYTES + 1)
    except FileNotFoundError:
        return ConsoleState(), None
    except OSError as exc:
        return ConsoleState(), f"state file {path} not read ({exc.strerror or type(exc).__name__}); using defaults"
    if len(raw) > MAX_STATE_BYTES:
        return ConsoleState(), f"state file {path} is larger than {MAX_STATE_BYTES // 1024} KB; using defaults"
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
        return ConsoleState(), f"state file {path} is not valid TOML; using defaults (it is rewritten on the next choice)"
    # A value of another type or an absurd length is dropped, not fatal: an older or newer
    # sessionboard may have written this file, or a person.
    values: dict[str, Any] = {}
    for name in ("theme", "theme_over", "sort"):
        if _fit(data.get(name)):
            values[name] = data[name]
    if isinstance(data.get("sort_reverse"), bool):
        values["sort_reverse"] = data["sort_reverse"]
    columns = data.get("columns")
    if isinstance(columns, list) and len(columns) <= MAX_COLUMNS and all(_fit(key) for key in columns):
        values["columns"] = tuple(dict.fromkeys(columns))
    return ConsoleState(**values), None


def _fit(value: object) -> bool:
    """A short printable string: what every name kept here is."""
    return isinstance(value, str) and 0 < len(value) <= MAX_VALUE and value.isprintable()


def save_state(path: Path, state: ConsoleState) -> None:
    """Write `state` to `path` atomically with mode 0600 (its directory made 0700 if missing).
    Raises OSError; the old file is then untouched."""
    import tempfile

    import tomli_w  # only when a choice is saved: not on the start path

    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    values = {name: list(value) if isinstance(value, tuple) else value for name, value in asdict(state).items()}
    text = HEADER + tomli_w.dumps({name: value for name, value in values.items() if value not in (None, False, [])})
    fd, temporary = tempfile.mkstemp(prefix=".state-", suffix=".tmp", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
