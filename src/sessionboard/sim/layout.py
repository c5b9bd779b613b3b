"""What the simulators look like from outside, computed without importing them: where each API is
mounted, the provider names, how many sessions a seed gives each, and the config tables that
reach them.

`SimCluster` builds its simulators and its config from these, and `sessionboard demo` builds the
console's config from the same functions before its simulator child has even started (the child
imports uvicorn and starlette; the console must not wait for that). One source, so the two cannot
drift. Standard library only: this module is on the console's start-up path.
"""

from __future__ import annotations

import random
import socket
from collections.abc import Mapping
from typing import Any

HOST = "127.0.0.1"
MOUNTS: dict[str, str] = {
    "rufus": "/rufus/v0",
    "devices": "/devices",
    "vsay": "/vsay/v1",
    "agents": "/agents",
    "tasknet": "/tasknet",
}
PROVIDER_NAMES: dict[str, str] = {
    "rufus": "timing",
    "devices": "lab",
    "vsay": "ssh",
    "agents": "agents",
    "tasknet": "browsers",
}
ORGANIZATIONS: tuple[str, ...] = ("org-alpha", "org-beta")
"""The devices simulator's organizations; the first is the default one."""
TASKNET_MODES: tuple[str, ...] = ("live", "test")
"""The tasknet simulator's `{mode}` path segments; the config names the first."""
STALE_AFTER = 120.0
"""Seconds without a heartbeat before the agents simulator (and the console) call a session stale."""
POLL_INTERVAL = 2.0
"""The `[app].poll_interval` of the configs made for the simulators."""


def session_counts(seed: int, sessions_per_provider: int | None) -> dict[str, int]:
    """Sessions each simulator starts with: the number asked for, or a believable 10-25 drawn
    from the seed."""
    rng = random.Random(f"cluster:{seed}")
    return {
        kind: sessions_per_provider if sessions_per_provider is not None else rng.randint(10, 25)
        for kind in MOUNTS
    }


def rufus_device_ids(sessions: int, devices: int | None = None) -> list[str]:
    """The rufus simulator's devices: `devices` of them, else one per five sessions (3-20)."""
    count = devices if devices is not None else min(max(3, sessions // 5), 20)
    return [f"RUF-{n:03d}" for n in range(1, count + 1)]


def listening_socket(port: int = 0) -> socket.socket:
    """A loopback TCP socket bound to `port` (0: any free one) and listening.

    proto=IPPROTO_TCP matters: asyncio sets TCP_NODELAY only on sockets that say they are TCP,
    and without it every small answer waits ~40 ms for a delayed ACK. Listening at once means a
    client may connect before anyone serves: the kernel holds the connection in the backlog."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((HOST, port))
        sock.listen(socket.SOMAXCONN)
    except OSError:
        sock.close()
        raise
    return sock


def base_url(port: int, kind: str) -> str:
    return f"http://{HOST}:{port}{MOUNTS[kind]}"


def provider_table(
    kind: str, port: int, api_key: str, sessions: int, *, ssh: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """One `[[providers]]` table for the simulator of `kind` on `port`; `ssh` becomes the vsay
    provider's `[ssh]` table."""
    entry: dict[str, Any] = {
        "name": PROVIDER_NAMES[kind],
        "kind": kind,
        "base_url": base_url(port, kind),
        "api_key": api_key,
    }
    if kind == "rufus":
        entry["devices"] = rufus_device_ids(sessions)
    elif kind == "devices":
        entry["organization"] = list(ORGANIZATIONS)
    elif kind == "vsay":
        entry["status"] = "all"
        if ssh is not None:
            entry["ssh"] = dict(ssh)
    elif kind == "agents":
        entry["stale_after_seconds"] = STALE_AFTER
    elif kind == "tasknet":
        entry["mode"] = TASKNET_MODES[0]
    return entry


def provider_tables(
    port: int, api_keys: Mapping[str, str], counts: Mapping[str, int], *, ssh: Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Every simulator's provider table, in `MOUNTS` order; `api_keys` maps kind to the key as it
    goes in the file (a literal, or a `file:` reference)."""
    return [provider_table(kind, port, api_keys[kind], counts[kind], ssh=ssh) for kind in MOUNTS]
