"""The audit log: one JSON line per action taken, from the console or the CLI, appended to
`audit.jsonl` in the user's state directory.

Several writers may append at once (a console and a script, two consoles): the file is opened with
`O_APPEND` and each record is one `write` of one whole line, so lines never interleave and none is
lost to a stale offset. The file is mode 0600 in a 0700 directory, and holds no secret: a
create's secret fields are masked, and every string passes the provider's redaction.

`[app] audit = "required"` refuses actions while the log cannot be written (the runner asks
`problem()` before anything is sent); the default, "best-effort", warns once and goes on.
Subscribers (team mode's hub publisher) are called with each record after it is written.
"""

from __future__ import annotations

import getpass
import os
import socket
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

from sessionboard.actions.outcome import ActionResult
from sessionboard.model import safe_json

Via = Literal["console", "cli"]
Policy = Literal["best-effort", "required"]
Record = dict[str, Any]
Subscriber = Callable[[Record], None]
FILE_NAME = "audit.jsonl"
FIELDS = (
    "time", "user", "host", "via", "action", "provider", "kind", "session", "params", "ok", "message", "duration_ms",
)
"""The keys of every line, in this order (the README lists them)."""
TEXT_LIMIT = 2000
"""Characters of one message or id kept in a line: a provider's megabyte error body is cut."""
MASK = "***"


def audit_path() -> Path:
    """`audit.jsonl` in the user's state directory (`~/.local/state/sessionboard/` on Linux)."""
    from sessionboard.config.paths import user_state_dir

    return user_state_dir() / FILE_NAME


def rfc3339(moment: float) -> str:
    """`2026-01-15T12:00:00.123Z`: UTC, milliseconds, as the audit's `time` and watch's `at`."""
    return datetime.fromtimestamp(moment, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container): the uid says who
        return str(os.getuid())


def _bounded(value: Any) -> Any:
    if isinstance(value, str) and len(value) > TEXT_LIMIT:
        return value[:TEXT_LIMIT] + f"… ({len(value) - TEXT_LIMIT:,} more characters)"
    return value


def masked_params(params: dict[str, Any], secret_names: Iterable[str], redact: Callable[[str], str]) -> dict[str, Any]:
    """`params` fit for the log: each secret field `***`, every string redacted of the provider's
    secrets (a key pasted into a field is masked too), every value plain JSON."""
    secret = set(secret_names)
    out: dict[str, Any] = {}
    for key, value in params.items():
        if key in secret and value not in (None, ""):
            out[key] = MASK
        elif isinstance(value, str):
            out[key] = _bounded(redact(value))
        elif value is None or isinstance(value, (bool, int, float)):
            out[key] = value
        else:
            out[key] = _bounded(redact(str(value)))
    return out


def record_of(result: ActionResult, via: Via, user: str, host: str) -> Record:
    """The audit line of one action, its keys in `FIELDS` order."""
    return {
        "time": rfc3339(result.at),
        "user": user,
        "host": host,
        "via": via,
        "action": result.action,
        "provider": result.provider,
        "kind": result.kind,
        "session": _bounded(result.session),
        "params": result.params,
        "ok": result.ok,
        "message": _bounded(result.message),
        "duration_ms": result.duration_ms,
    }


class AuditLog:
    """The writer. Open lazily (`problem()` opens it), one line per `write`, closed with `close()`."""

    def __init__(
        self,
        path: Path | None = None,
        *,
        via: Via,
        policy: Policy = "best-effort",
        warn: Callable[[str], None] | None = None,
    ) -> None:
        self.path = path if path is not None else audit_path()
        self.via: Via = via
        self.policy: Policy = policy
        self._warn = warn
        self._warned = False
        self._fd: int | None = None
        self._problem: str | None = None
        self._subscribers: list[Subscriber] = []
        self.user = _login()
        self.host = socket.gethostname()
        self.written = 0
        """Lines written by this writer."""

    # ---- subscribers --------------------------------------------------------------------------------
    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call `callback(record)` after each line (written or not); returns the unsubscriber."""
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback) if callback in self._subscribers else None

    # ---- writing ------------------------------------------------------------------------------------
    def problem(self) -> str | None:
        """Why the log cannot be written now (opening it if it is not open yet); None when it can."""
        if self._fd is None and self._problem is None:
            self._open()
        return self._problem

    def refusal(self) -> str | None:
        """The line that refuses an action under `audit = "required"` while the log cannot be
        written; None when actions may go on (the log is fine, or the policy is best-effort)."""
        problem = self.problem()
        if problem is None or self.policy != "required":
            if problem is not None:
                self._say(problem)
            return None
        return f"{problem}; [app] audit = \"required\" refuses actions"

    def _open(self) -> None:
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError as exc:
            self._problem = f"audit log {self.path} cannot be written ({exc.strerror or type(exc).__name__})"
            return
        try:
            if os.fstat(fd).st_mode & 0o077:  # an older file others could read: made ours alone
                os.fchmod(fd, 0o600)
        except OSError:
            pass
        self._fd = fd

    def write(self, result: ActionResult) -> bool:
        """Append the line of `result`; False when it could not be written (said once, as a
        warning, under best-effort; under required the next action is refused)."""
        record = record_of(result, self.via, self.user, self.host)
        ok = self._append(safe_json(record) + "\n")
        for callback in list(self._subscribers):
            try:
                callback(record)
            except Exception:  # noqa: BLE001 - a subscriber's failure is its own (it says so itself)
                pass
        return ok

    def _append(self, line: str) -> bool:
        if self.problem() is not None:
            self._say(self._problem or "")
            return False
        assert self._fd is not None
        data = line.encode("utf-8", errors="replace")
        try:
            written = os.write(self._fd, data)  # one write: O_APPEND puts it whole at the end
        except OSError as exc:
            written, reason = -1, exc.strerror or type(exc).__name__
        else:
            reason = f"{written} of {len(data)} bytes written"
        if written == len(data):
            self.written += 1
            return True
        self._problem = f"audit log {self.path} cannot be written ({reason})"
        self.close()
        self._say(self._problem)
        return False

    def _say(self, problem: str) -> None:
        if self._warned or self._warn is None:
            return
        self._warned = True
        if self.policy == "required":
            self._warn(f"{problem}; further actions are refused ([app] audit = \"required\")")
        else:
            self._warn(f"{problem}; actions go on without it ([app] audit = \"best-effort\")")

    def close(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            try:
                os.close(fd)
            except OSError:
                pass
