"""`sessionboard audit [--json] [--since DURATION] [--provider NAME]...`: the audit log read back.

The log holds provider text (ids, names, error messages) and is a file anyone with the user's
rights may have edited: every line printed goes through `cli.output` (`safe_text`, `safe_json`).
"""

from __future__ import annotations

import time
from typing import Any

from sessionboard.actions.audit import audit_path
from sessionboard.actions.audit_read import BadSince, read_audit, since_cutoff
from sessionboard.cli import output
from sessionboard.errors import UsageError
from sessionboard.model import safe_text

EXIT_OK, EXIT_FAIL = 0, 1


def _text(value: Any, width: int = 0) -> str:
    text = "-" if value is None or value == "" else safe_text(value, limit=output.ERROR_LIMIT)
    return text.ljust(width) if width else text


def audit_line(record: dict[str, Any]) -> str:
    """`2026-01-15T12:00:00.123Z  cli      ops@box  close   browsers  3f0c...  ok      session 3f0c... terminated (12 ms)`"""
    who = f"{_text(record.get('user'))}@{_text(record.get('host'))}"
    ok = record.get("ok")
    result = "ok" if ok is True else "FAILED" if ok is False else "?"
    duration = record.get("duration_ms")
    took = f" ({duration} ms)" if isinstance(duration, int) and not isinstance(duration, bool) else ""
    params = record.get("params")
    shown = ""
    if isinstance(params, dict) and params:
        shown = " [" + " ".join(f"{_text(k)}={_text(v)}" for k, v in params.items() if v not in (None, False)) + "]"
        shown = "" if shown == " []" else shown
    return "  ".join(
        (
            _text(record.get("time"), 24),
            _text(record.get("via"), 7),
            who,
            _text(record.get("action")),
            _text(record.get("provider")),
            _text(record.get("session")),
            result,
            _text(record.get("message")) + shown + took,
        )
    )


def audit_command(as_json: bool, since: str | None, providers: list[str] | None) -> int:
    """Exit 0 (an empty or missing log too: nothing has been done), 1 when the log cannot be read."""
    try:
        cutoff = since_cutoff(since, time.time()) if since is not None else None
    except BadSince as exc:
        raise UsageError(str(exc)) from None
    path = audit_path()
    try:
        reading = read_audit(path, since=cutoff, providers=set(providers) if providers else None)
    except OSError as exc:
        output.error(f"audit log {path} cannot be read ({exc.strerror or type(exc).__name__})")
        return EXIT_FAIL
    if reading.skipped:
        output.error(f"{reading.skipped} line{'s' if reading.skipped != 1 else ''} of {path} are not audit records; skipped")
    if as_json:
        output.json_array_out(reading.records)
    elif reading.records:
        for record in reading.records:
            output.line(audit_line(record))
    elif reading.missing:
        output.line(f"no actions recorded yet ({path})")
    else:
        output.line("no actions recorded" + (" in that time" if since else "") + (" for that provider" if providers else ""))
    return EXIT_OK
