"""The five APIs' session shapes and envelopes, as the hostile simulator sends them.

A hostile scenario speaks in the normalized terms of PROVIDERS.md ("this session's `name` is an
OSC sequence", "its `id` is null"); this module puts such a value where each kind's wire format
carries that field (`name` is a rufus `alias`, a vsay `machine.name`, a tasknet `driver`...), so
one scenario reaches all five adapters through their real shapes. The good sessions around the
hostile ones are built here too, in the shapes the seeds document and the other simulators send.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from starlette.datastructures import Headers
from starlette.responses import JSONResponse, Response

from sessionboard.sim import data
from sessionboard.sim.base import bearer, keys_match
from sessionboard.sim.clock import iso

MISSING: Any = object()
"""A field value that removes the field from the wire object (a "missing field" case)."""

KINDS: tuple[str, ...] = ("rufus", "devices", "vsay", "agents", "tasknet")
RUFUS_DEVICES: tuple[str, ...] = ("RUF-001", "RUF-002")
"""The devices the generated config lists; the server serves any device id asked for."""
TASKNET_MODES: tuple[str, ...] = ("live", "test")

Item = dict[str, Any]


def place(item: Item, path: tuple[str, ...], value: Any) -> None:
    """Set `item[path[0]][path[1]]... = value`, making the dicts on the way; MISSING deletes."""
    *parents, last = path
    node = item
    for key in parents:
        child = node.get(key)
        if not isinstance(child, dict):
            child = node[key] = {}
        node = child
    if value is MISSING:
        node.pop(last, None)
    else:
        node[last] = value


def pick(item: Any, path: tuple[str, ...]) -> Any:
    node = item
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


@dataclass(frozen=True)
class Wire:
    """One kind's session shape.

    `paths` maps a normalized field (`id`, `name`, `user`, `target`, `started_at`,
    `last_activity`, `host`...) to where the wire object holds it; `good` builds a believable
    session; `set_active` writes the kind's way of saying active or ended; `error` is the kind's
    error envelope and `authorized` its auth rule."""

    kind: str
    paths: Mapping[str, tuple[str, ...]]
    good: Callable[[int, datetime, random.Random], Item]
    set_active: Callable[[Item, bool, datetime], None]
    is_active: Callable[[Item], bool]
    error: Callable[[int, str], Response]
    authorized: Callable[[Headers, str], bool]
    auth_status: int = 401

    def session(self, index: int, now: datetime, rng: random.Random, fields: Mapping[str, Any] | None = None) -> Item:
        """A good session with `fields` put in: normalized names (a field this kind does not carry,
        such as a rufus `user`, is left out), `active`, or a wire key as `raw:KEY.SUBKEY`."""
        item = self.good(index, now, rng)
        for name, value in (fields or {}).items():
            if name == "active":
                self.set_active(item, bool(value), now)
            elif name.startswith("raw:"):
                place(item, tuple(name[4:].split(".")), value)
            elif name in self.paths:
                place(item, self.paths[name], value)
        return item

    def id_of(self, item: Item) -> Any:
        return pick(item, self.paths["id"])


# ---- rufus: {"body": {...}} everywhere, x-api-key, 403 for a bad key -------------------------------
def _rufus_good(index: int, now: datetime, rng: random.Random) -> Item:
    created = now - timedelta(minutes=5 + 7 * index)
    return {
        "token_session": data.hex_token(rng, 32),
        "alias": data.alias(rng),
        "creation_date": iso(created),
        "duration": None,
        "active": True,
        "passings": rng.randint(0, 300),
    }


def _rufus_active(item: Item, active: bool, now: datetime) -> None:
    item["active"] = active
    item["duration"] = None if active else 600.0


def _rufus_error(status: int, message: str) -> Response:
    return JSONResponse({"body": {"description": message}}, status_code=status)


def _rufus_auth(headers: Headers, key: str) -> bool:
    return keys_match(headers.get("x-api-key") or headers.get("api_key"), key)


# ---- devices: {"object", "data", "nextCursor"}, Bearer, {"error"} -------------------------------------
def _devices_good(index: int, now: datetime, rng: random.Random) -> Item:
    name, _email = data.person(rng)
    created = now - timedelta(minutes=3 + 11 * index)
    return {
        "id": data.uuid4(rng),
        "organization": "org-alpha",
        "user": data.uuid4(rng),
        "device": {"id": f"dev-{data.hex_token(rng, 8)}", **data.device(rng, name.split()[0])},
        "createdAt": iso(created, millis=True),
        "releasedAt": None,
    }


def _devices_active(item: Item, active: bool, now: datetime) -> None:
    item["releasedAt"] = None if active else iso(now - timedelta(minutes=1), millis=True)


def _plain_error(status: int, message: str) -> Response:
    return JSONResponse({"error": message}, status_code=status)


def _bearer_auth(headers: Headers, key: str) -> bool:
    return keys_match(bearer(headers), key)


# ---- vsay: {"success", "data"} / {"success": false, "message"}, Bearer ---------------------------------
def _vsay_good(index: int, now: datetime, rng: random.Random) -> Item:
    name, _email = data.person(rng)
    started = now - timedelta(minutes=4 + 9 * index)
    return {
        "id": f"sess_{rng.randrange(100_000, 1_000_000)}",
        "user": {"id": f"usr_{100 + index}", "name": name},
        "machine": {"id": f"mch_{rng.randrange(100, 1000)}", "name": rng.choice(data.MACHINES), "host": "127.0.0.1"},
        "status": "active",
        "started_at": iso(started),
        "last_activity": iso(started + timedelta(seconds=30)),
        "ip_address": data.ip_address(rng),
    }


def _vsay_active(item: Item, active: bool, now: datetime) -> None:
    item["status"] = "active" if active else "ended"


def _vsay_error(status: int, message: str) -> Response:
    return JSONResponse({"success": False, "message": message}, status_code=status)


# ---- agents: a bare JSON array, Bearer, {"error"} --------------------------------------------------------
def _agents_good(index: int, now: datetime, rng: random.Random) -> Item:
    created = now - timedelta(minutes=2 + 5 * index)
    return {
        "id": data.uuid4(rng),
        "agentId": data.uuid4(rng),
        "taskId": data.uuid4(rng),
        "triggerType": data.trigger(rng),
        "providerSessionId": None,
        "createdAt": iso(created),
        "lastHeartbeatAt": iso(now - timedelta(seconds=10)),
    }


def _agents_active(item: Item, active: bool, now: datetime) -> None:
    """An agents list holds only active runs: an ended one is dropped by the server instead."""


# ---- tasknet: {"sessions": [...]}, X-Api-Key, {"message", "code", "details"} -----------------------------
def _tasknet_good(index: int, now: datetime, rng: random.Random) -> Item:
    updated = (now - timedelta(minutes=1 + 2 * index)).replace(microsecond=0)
    return {
        "sessionUUID": data.uuid4(rng),
        "fingerprintUUID": data.uuid4(rng),
        "currentLeaseTime": 30,
        "isVncEnabled": False,
        "createdAt": iso(updated - timedelta(minutes=3)),
        "updatedAt": iso(updated),
        "driver": "puppeteer" if index % 2 == 0 else "api",
        "status": "running",
        "vncMode": "rw",
    }


def _tasknet_active(item: Item, active: bool, now: datetime) -> None:
    item["status"] = "running" if active else "terminated"


TASKNET_CODES = {400: "BAD_REQUEST", 401: "UNAUTHORIZED", 404: "NOT_FOUND", 429: "RATE_LIMITED", 500: "INTERNAL_ERROR"}


def _tasknet_error(status: int, message: str) -> Response:
    body = {"message": message, "code": TASKNET_CODES.get(status, "ERROR"), "details": None}
    return JSONResponse(body, status_code=status)


def _tasknet_auth(headers: Headers, key: str) -> bool:
    return keys_match(headers.get("x-api-key"), key)


WIRES: dict[str, Wire] = {
    "rufus": Wire(
        "rufus",
        {"id": ("token_session",), "name": ("alias",), "started_at": ("creation_date",), "last_activity": ("last",)},
        _rufus_good, _rufus_active, lambda item: item.get("active") is True, _rufus_error, _rufus_auth, 403,
    ),
    "devices": Wire(
        "devices",
        {
            "id": ("id",), "name": ("device", "name"), "target": ("device", "id"), "user": ("user",),
            "started_at": ("createdAt",), "ended_at": ("releasedAt",),
        },
        _devices_good, _devices_active, lambda item: item.get("releasedAt") is None, _plain_error, _bearer_auth,
    ),
    "vsay": Wire(
        "vsay",
        {
            "id": ("id",), "name": ("machine", "name"), "target": ("machine", "id"), "user": ("user", "name"),
            "host": ("machine", "host"), "started_at": ("started_at",), "last_activity": ("last_activity",),
            "expires_at": ("expires_at",),
        },
        _vsay_good, _vsay_active, lambda item: item.get("status") == "active", _vsay_error, _bearer_auth,
    ),
    "agents": Wire(
        "agents",
        {
            "id": ("id",), "name": ("agentId",), "target": ("taskId",), "started_at": ("createdAt",),
            "last_activity": ("lastHeartbeatAt",),
        },
        _agents_good, _agents_active, lambda item: True, _plain_error, _bearer_auth,
    ),
    "tasknet": Wire(
        "tasknet",
        {
            "id": ("sessionUUID",), "name": ("driver",), "target": ("fingerprintUUID",), "started_at": ("createdAt",),
            "last_activity": ("updatedAt",), "lease": ("currentLeaseTime",),
        },
        _tasknet_good, _tasknet_active, lambda item: item.get("status") == "running", _tasknet_error, _tasknet_auth,
    ),
}
