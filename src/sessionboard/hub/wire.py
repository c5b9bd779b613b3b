"""What the hub writes to Redis and reads back: the key names and the JSON of a provider's state.

Per provider NAME (percent-encoded in the key), under the `[hub]` prefix P:

| key | type | holds |
|---|---|---|
| `P:lease:NAME` | string, with a TTL | the token of the hub that polls NAME |
| `P:sessions:NAME` | hash | session id -> `{"session": <list --json object>, "stale": bool, "display"?: {key: text}}` |
| `P:meta:NAME` | string | the last poll: `Meta` as JSON (epoch, seq, time, latency, error...) |
| `P:changes:NAME` | stream | one entry per published poll: `{"d": Change as JSON}` |
| `P:pollnow:NAME` | string, with a TTL | who asked the last poll-now (the cooldown) |
| `P:requests` | stream | the poll-now requests every hub listens to |

`seq` counts the provider's published polls within an `epoch` (a random id the hub picks when it
finds no usable state): a reader that holds epoch E at seq N applies the entry (E, N+1) and reloads
the whole state for anything else (a gap, a trimmed stream, a new epoch after Redis lost its
data). Everything read back is checked here: a value that is not what the hub writes becomes
`BadData`, never a crash or a wrong session.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from sessionboard.model import Session
from sessionboard.model.session import JSON_KEYS
from sessionboard.poller.snapshot import Snapshot

VERSION = 1
MAX_VALUE_BYTES = 64 * 1024 * 1024
"""A value larger than this (a session record, a change entry) is refused as not the hub's."""
STREAM_MAXLEN = 1000
"""Changes kept per provider: a reader further behind than this reloads the whole state."""
_STRINGS = ("name", "target", "user", "started_at", "ended_at", "last_activity", "expires_at")


Entries = list[tuple[bytes, dict[bytes, bytes]]]
"""Stream entries as redis-py returns them (bytes, no decoding): (id, fields) each."""
StreamsRead = list[tuple[bytes, Entries]]
"""What XREAD returns: (stream key, its entries) each."""


class BadData(ValueError):
    """A value in Redis that the hub would not have written; the message says what, briefly."""


def new_epoch() -> str:
    return secrets.token_hex(8)


@dataclass(frozen=True, slots=True)
class Keys:
    """The key names of one provider under one prefix."""

    prefix: str
    provider: str

    def _key(self, what: str) -> str:
        return f"{self.prefix}:{what}:{quote(self.provider, safe='')}"

    @property
    def lease(self) -> str:
        return self._key("lease")

    @property
    def sessions(self) -> str:
        return self._key("sessions")

    @property
    def meta(self) -> str:
        return self._key("meta")

    @property
    def changes(self) -> str:
        return self._key("changes")

    @property
    def pollnow(self) -> str:
        return self._key("pollnow")


def requests_key(prefix: str) -> str:
    return f"{prefix}:requests"


@dataclass(frozen=True, slots=True)
class Meta:
    """How the provider's last published poll went, and where it sits in the change stream."""

    provider: str
    kind: str
    epoch: str
    seq: int
    polled_at: float | None = None
    latency: float | None = None
    error: str | None = None
    stale: bool = False
    polls: int = 0
    failures: int = 0
    hub: str | None = None
    """The hub that published this poll (its `hub_id`: host, pid and a random part)."""
    requested_by: str | None = None
    """Who asked for this poll with poll-now, when someone did."""
    warnings: tuple[str, ...] = ()
    warning_summary: str | None = None
    retry_at: float | None = None
    """The provider's Retry-After hold, wall-clock: a hub taking over waits for it too."""

    def to_json(self) -> dict[str, Any]:
        return {
            "v": VERSION,
            "provider": self.provider,
            "kind": self.kind,
            "epoch": self.epoch,
            "seq": self.seq,
            "polled_at": self.polled_at,
            "latency": self.latency,
            "error": self.error,
            "stale": self.stale,
            "polls": self.polls,
            "failures": self.failures,
            "hub": self.hub,
            "requested_by": self.requested_by,
            "warnings": list(self.warnings),
            "warning_summary": self.warning_summary,
            "retry_at": self.retry_at,
        }

    @classmethod
    def of(cls, snap: Snapshot, epoch: str, seq: int, hub: str | None, requested_by: str | None = None) -> Meta:
        return cls(
            provider=snap.provider,
            kind=snap.kind,
            epoch=epoch,
            seq=seq,
            polled_at=snap.polled_at,
            latency=snap.latency,
            error=snap.error,
            stale=snap.stale,
            polls=snap.polls,
            failures=snap.failures,
            hub=hub,
            requested_by=requested_by,
            warnings=snap.warnings,
            warning_summary=snap.warning_summary,
            retry_at=snap.retry_at,
        )

    def snapshot(self, sessions: tuple[Session, ...], changed: frozenset[str] = frozenset()) -> Snapshot:
        return Snapshot(
            provider=self.provider,
            kind=self.kind,
            sessions=sessions,
            error=self.error,
            polled_at=self.polled_at,
            latency=self.latency,
            stale=self.stale,
            polls=self.polls,
            failures=self.failures,
            changed=changed,
            warnings=self.warnings,
            warning_summary=self.warning_summary,
            retry_at=self.retry_at,
        )


@dataclass(frozen=True, slots=True)
class Change:
    """One published poll: its meta, the sessions that came or changed, the ids that went.
    `reset` marks a new epoch: the state was rewritten whole, readers reload it."""

    meta: Meta
    upsert: dict[str, bytes] = field(default_factory=dict)
    """Session id -> its record, as stored in the sessions hash."""
    remove: tuple[str, ...] = ()
    reset: bool = False

    def encode(self) -> bytes:
        # The records are JSON already: spliced in as they are rather than decoded and re-encoded.
        upsert = ",".join(f"{_dumps(key)}:{value.decode()}" for key, value in self.upsert.items())
        head = _dumps({"meta": self.meta.to_json(), "remove": list(self.remove), "reset": self.reset})
        return f'{head[:-1]},"upsert":{{{upsert}}}}}'.encode()


# ---- encoding -------------------------------------------------------------------------------------


def _dumps(value: Any) -> str:
    # ASCII: a lone surrogate in a provider string (valid in JSON, not in UTF-8) still encodes.
    return json.dumps(value, separators=(",", ":"))


def encode_session(session: Session) -> bytes:
    record: dict[str, Any] = {"session": session.to_json(), "stale": session.stale}
    if session.display:  # the adapter's display fields (the table's optional columns); absent when none
        record["display"] = dict(session.display)
    return _dumps(record).encode()


def encode_meta(meta: Meta) -> bytes:
    return _dumps(meta.to_json()).encode()


# ---- decoding: everything checked ---------------------------------------------------------------


def _loads(data: bytes | str, what: str) -> Any:
    if len(data) > MAX_VALUE_BYTES:
        raise BadData(f"{what}: larger than {MAX_VALUE_BYTES // (1024 * 1024)} MB")
    try:
        return json.loads(data)
    except (ValueError, RecursionError):  # RecursionError: nesting too deep to be ours
        raise BadData(f"{what}: not JSON") from None


def _text(data: dict[str, Any], key: str, what: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise BadData(f"{what}: {key} is not a string")
    return value


def _number(data: dict[str, Any], key: str, what: str) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise BadData(f"{what}: {key} is not a number")
    return float(value)


def decode_meta(data: bytes | str, provider: str) -> Meta:
    what = f"meta of {provider}"
    obj = _loads(data, what)
    if not isinstance(obj, dict):
        raise BadData(f"{what}: not an object")
    return _meta_from(obj, provider, what)


def _meta_from(obj: dict[str, Any], provider: str, what: str) -> Meta:
    if obj.get("v") != VERSION:
        raise BadData(f"{what}: version {obj.get('v')!r}, this sessionboard reads {VERSION}")
    if obj.get("provider") != provider:
        raise BadData(f"{what}: names another provider")
    for key in ("kind", "epoch"):
        if not isinstance(obj.get(key), str):
            raise BadData(f"{what}: {key} is not a string")
    seq = obj.get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise BadData(f"{what}: seq is not a count")
    counts = {}
    for key in ("polls", "failures"):
        value = obj.get(key, 0)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise BadData(f"{what}: {key} is not a count")
        counts[key] = value
    stale = obj.get("stale", False)
    if not isinstance(stale, bool):
        raise BadData(f"{what}: stale is not true or false")
    warnings = obj.get("warnings", [])
    if not isinstance(warnings, list) or not all(isinstance(line, str) for line in warnings):
        raise BadData(f"{what}: warnings is not a list of lines")
    return Meta(
        provider=provider,
        kind=obj["kind"],
        epoch=obj["epoch"],
        seq=seq,
        polled_at=_number(obj, "polled_at", what),
        latency=_number(obj, "latency", what),
        error=_text(obj, "error", what),
        stale=stale,
        polls=counts["polls"],
        failures=counts["failures"],
        hub=_text(obj, "hub", what),
        requested_by=_text(obj, "requested_by", what),
        warnings=tuple(warnings),
        warning_summary=_text(obj, "warning_summary", what),
        retry_at=_number(obj, "retry_at", what),
    )


def _session_from(obj: Any, provider: str, kind: str, session_id: str | None, what: str) -> Session:
    if not isinstance(obj, dict) or not isinstance(obj.get("session"), dict):
        raise BadData(f"{what}: not a session record")
    stale = obj.get("stale", False)
    if not isinstance(stale, bool):
        raise BadData(f"{what}: stale is not true or false")
    display = obj.get("display", {})
    if not isinstance(display, dict) or not all(isinstance(value, str) for value in display.values()):
        raise BadData(f"{what}: display is not an object of strings")
    data = obj["session"]
    missing = [key for key in JSON_KEYS if key not in data]
    if missing:
        raise BadData(f"{what}: {missing[0]} missing")
    if data["provider"] != provider or data["kind"] != kind:
        raise BadData(f"{what}: names another provider")
    if not isinstance(data["id"], str) or (session_id is not None and data["id"] != session_id):
        raise BadData(f"{what}: id does not match its key")
    if data["status"] not in ("active", "ended"):
        raise BadData(f"{what}: status is not active or ended")
    for key in _STRINGS:
        if data[key] is not None and not isinstance(data[key], str):
            raise BadData(f"{what}: {key} is not a string")
    if not isinstance(data["raw"], dict):
        raise BadData(f"{what}: raw is not an object")
    return Session(
        provider=provider,
        kind=kind,
        id=data["id"],
        name=data["name"],
        status=data["status"],
        target=data["target"],
        user=data["user"],
        started_at=data["started_at"],
        ended_at=data["ended_at"],
        last_activity=data["last_activity"],
        expires_at=data["expires_at"],
        raw=data["raw"],
        stale=stale,
        display=display,
    )


def decode_session(session_id: bytes | str, data: bytes | str, provider: str, kind: str) -> Session:
    try:
        key = session_id.decode() if isinstance(session_id, bytes) else session_id
    except UnicodeDecodeError:
        raise BadData(f"a session id of {provider} is not UTF-8") from None
    what = f"session {key[:80]!r} of {provider}"
    return _session_from(_loads(data, what), provider, kind, key, what)


def decode_sessions(fields: dict[bytes, bytes], provider: str, kind: str) -> dict[str, Session]:
    sessions = {}
    for key, value in fields.items():
        session = decode_session(key, value, provider, kind)
        sessions[session.id] = session
    return sessions


@dataclass(frozen=True, slots=True)
class DecodedChange:
    meta: Meta
    upsert: dict[str, Session]
    remove: tuple[str, ...]
    reset: bool


def decode_change(data: bytes | str, provider: str, kind: str) -> DecodedChange:
    what = f"change of {provider}"
    obj = _loads(data, what)
    if not isinstance(obj, dict) or not isinstance(obj.get("meta"), dict):
        raise BadData(f"{what}: not a change")
    meta = _meta_from(obj["meta"], provider, what)
    if meta.kind != kind:
        raise BadData(f"{what}: the hub publishes {provider} as a {meta.kind} provider, the config says {kind}")
    upsert_obj, remove, reset = obj.get("upsert"), obj.get("remove"), obj.get("reset")
    if not isinstance(upsert_obj, dict) or not isinstance(remove, list) or not isinstance(reset, bool):
        raise BadData(f"{what}: not a change")
    if not all(isinstance(item, str) for item in remove):
        raise BadData(f"{what}: a removed id is not a string")
    upsert = {key: _session_from(value, provider, kind, key, f"{what}, session") for key, value in upsert_obj.items()}
    return DecodedChange(meta, upsert, tuple(remove), reset)
