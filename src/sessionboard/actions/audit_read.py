"""Reading the audit log back (`sessionboard audit`): its lines filtered by age and provider.

The file is appended to by every console and CLI run of this user, and may be edited, cut or
written by an older version: a line that is not one of our records (not JSON, not an object,
without a time) is counted and skipped, never fatal. Lines are read one at a time, each bounded,
so a log of years costs a pass, not its size in memory.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

MAX_LINE = 1024 * 1024
"""A line longer than this is not one of ours (the writer bounds every field)."""
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([smhdw])")


class BadSince(ValueError):
    """A `--since` that is neither a duration (`90s`, `15m`, `1h30m`, `2d`) nor an RFC 3339 time."""


def since_cutoff(text: str, now: float) -> float:
    """The wall-clock time `--since TEXT` means: `now` less a duration, or an RFC 3339 instant."""
    value = text.strip().lower()
    if value and _DURATION.sub("", value).strip() == "" and _DURATION.search(value):
        seconds = sum(float(number) * _UNITS[unit] for number, unit in _DURATION.findall(value))
        return now - seconds
    from sessionboard.model import parse_instant

    moment = parse_instant(text.strip())
    if moment is None:
        raise BadSince(f"--since {text!r}: give a duration such as 90s, 15m, 1h30m, 2d, or an RFC 3339 time")
    return moment.timestamp()


def _moment(record: dict[str, Any]) -> float | None:
    value = record.get("time")
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


@dataclass
class AuditReading:
    """What one pass over the file found: the matching records, and the lines skipped."""

    records: list[dict[str, Any]]
    skipped: int = 0
    missing: bool = False
    """There is no audit log yet (no action has been taken)."""


def read_audit(path: Path, *, since: float | None = None, providers: set[str] | None = None) -> AuditReading:
    """The records of `path` at or after `since` (wall-clock) and of one of `providers` (None:
    all), in the file's order. Raises OSError when the file exists and cannot be read."""
    import json

    reading = AuditReading(records=[])
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        reading.missing = True
        return reading
    with handle:
        for raw in _lines(handle):
            if raw is None:
                reading.skipped += 1
                continue
            try:
                record = json.loads(raw)
            except ValueError:
                record = None
            moment = _moment(record) if isinstance(record, dict) else None
            if not isinstance(record, dict) or moment is None:
                reading.skipped += 1
                continue
            if since is not None and moment < since:
                continue
            if providers is not None and record.get("provider") not in providers:
                continue
            reading.records.append(record)
    return reading


def _lines(handle: Any) -> Iterator[bytes | None]:
    """Each non-blank line of `handle`; None for one longer than `MAX_LINE` (its rest skipped)."""
    while True:
        line = handle.readline(MAX_LINE + 1)
        if not line:
            return
        if len(line) > MAX_LINE and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = handle.readline(MAX_LINE + 1)
            yield None
            continue
        if line.strip():
            yield line
