"""The hostile simulator: the five APIs on one loopback server, each serving a scenario.

It speaks each kind's real paths, envelopes, status codes and auth (the mounts are the cluster's,
`/rufus/v0`, `/devices`, `/vsay/v1`, `/agents`, `/tasknet`, so the generated config looks like the
demo's), and records every request as it arrived: the raw path with its percent-encoding, the
query, the headers and the body, also for paths outside every mount (where an id that was not
encoded as one segment ends up). Ids are read from the raw path one segment at a time, so
`sessions/a%23frag` is the session `a#frag` and `sessions/..%2Fx` the session `../x`.

Routing is by hand instead of Starlette's router: Starlette matches the decoded path, where an
encoded `/` or `?` inside an id is no longer told apart from the real ones.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import random
import tempfile
from collections.abc import Generator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import tomli_w
import uvicorn
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from sessionboard.sim.clock import Clock, SystemClock, iso
from sessionboard.sim.hostile.bodies import self_signed
from sessionboard.sim.hostile.scenarios import Context, Options, Scenario, per_kind
from sessionboard.sim.hostile.wire import KINDS, RUFUS_DEVICES, TASKNET_MODES, WIRES, Item, Wire
from sessionboard.sim.layout import HOST, MOUNTS, PROVIDER_NAMES, STALE_AFTER, listening_socket
from sessionboard.sim.loop_thread import LoopThread

RUFUS_SERVED: tuple[str, ...] = (*RUFUS_DEVICES, "RUF-003", "RUF-0999")
"""Devices the rufus API serves: more than the config lists (issue 14, row 21)."""
BODY_LIMIT = 64 * 1024
"""Bytes of each request body kept in the record."""
CONTROL = "/__hostile__"


@dataclass(frozen=True)
class Seen:
    """One request as it reached the server."""

    method: str
    path: str
    """The path as sent, percent-encoding kept, without the query."""
    query: str
    headers: Mapping[str, str]
    """Lower-case names."""
    body: bytes

    @property
    def line(self) -> str:
        return f"{self.method} {self.path}" + (f"?{self.query}" if self.query else "")

    def json(self) -> Any:
        return json.loads(self.body) if self.body.strip() else None


class KindApi:
    """One kind's sessions and verbs under its scenario."""

    def __init__(self, kind: str, scenario: Scenario, options: Options, clock: Clock, api_key: str,
                 seed: int, ssh_host: str) -> None:
        self.kind = kind
        self.scenario = scenario
        self.options = options
        self.clock = clock
        self.api_key = api_key
        self.wire: Wire = WIRES[kind]
        self.rng = random.Random(f"hostile:{kind}:{seed}")
        self.items: list[Item] = []
        self.device_of: list[str] = []
        """rufus: the device each item is listed under (the wire object carries none)."""
        self._serial = itertools.count(1)
        now = clock.now()
        for index in range(scenario.good):
            self._add(self.wire.session(index, now, self.rng, {"host": ssh_host}), RUFUS_DEVICES[index % 2])
        for index, fields in enumerate(scenario.sessions(self.context()), start=scenario.good):
            self._add(self.wire.session(index, now, self.rng, {"host": ssh_host, **fields}), RUFUS_DEVICES[0])

    def context(self) -> Context:
        return Context(self.kind, self.clock.now(), self.options, self.wire.error)

    def _add(self, item: Item, device: str) -> Item:
        self.items.append(item)
        self.device_of.append(device)
        return item

    def find(self, session_id: str) -> Item | None:
        for item in self.items:
            if self.wire.id_of(item) == session_id:
                return item
        return None

    def by_task(self, task: str) -> Item | None:
        return next((item for item in self.items if item.get("taskId") == task), None)

    def hostile(self, what: str, request: Request) -> Response | None:
        return self.scenario.answer(self.context(), what, request)

    def _grow(self) -> None:
        if not self.scenario.grows:
            return
        now = self.clock.now()
        for _ in range(self.options.grow):
            serial = next(self._serial)
            item = self.wire.session(len(self.items), now, self.rng, {"id": f"ended-{serial}", "active": False})
            self._add(item, RUFUS_DEVICES[0])

    def listed(self) -> list[Item]:
        self._grow()
        return self.items

    def not_found(self, what: str = "Session not found") -> Response:
        return self.wire.error(404, what)

    # -- dispatch ------------------------------------------------------------------------------
    async def handle(self, method: str, parts: list[str], request: Request) -> Response:
        handler = getattr(self, f"_{self.kind}")
        response: Response = await handler(method, parts, request)
        return response

    async def _rufus(self, method: str, parts: list[str], request: Request) -> Response:
        match (method, parts):
            case ("POST", ["sessions"]):
                if (hostile := self.hostile("create", request)) is not None:
                    return hostile
                body = await _json(request)
                device = body.get("deviceid") if isinstance(body, dict) else None
                if not isinstance(device, str) or device not in RUFUS_SERVED:
                    return self.wire.error(404, f"Device {device} not found")
                if any(d == device and i.get("active") for i, d in zip(self.items, self.device_of)):
                    return JSONResponse({"body": None}, status_code=409)
                fields = {"id": f"created-{next(self._serial)}", "name": body.get("alias") or "created"}
                new = self._add(self.wire.session(len(self.items), self.clock.now(), self.rng, fields), device)
                token = new["token_session"]
                return JSONResponse({"body": {"description": "Session inserted succesfully", "token_session": token}},
                                    status_code=201)
            case ("GET", ["sessions", "device", device, *rest]) if rest in ([], ["active"]):
                if (hostile := self.hostile("list", request)) is not None:
                    return hostile
                if device not in RUFUS_SERVED:
                    return self.wire.error(404, f"Device {device} not found")
                items = self.listed()
                result = [i for i, d in zip(items, self.device_of) if d == device and (not rest or i.get("active"))]
                return JSONResponse({"body": {"description": "Sessions found", "result": result[::-1]}})
            case ("PATCH", ["sessions", "close", token]):
                if (hostile := self.hostile("close", request)) is not None:
                    return hostile
                item = self.find(token)
                if item is None or not item.get("active"):
                    return self.not_found("Session not found" if item is None else "Session already closed")
                self.wire.set_active(item, False, self.clock.now())
                return JSONResponse({"body": {"description": "Session closed succesfully", "token_session": token}})
            case ("GET", ["sessions", token]):
                if (hostile := self.hostile("get", request)) is not None:
                    return hostile
                item = self.find(token)
                if item is None:
                    return self.not_found()
                return JSONResponse({"body": {"description": "Session found", "result": [item]}})
        return self.not_found("Not found")

    async def _devices(self, method: str, parts: list[str], request: Request) -> Response:
        match (method, parts):
            case ("GET", ["api", "v1", "sessions"]):
                if (hostile := self.hostile("list", request)) is not None:
                    return hostile
                return JSONResponse({"object": "list", "data": self.listed()[::-1]})
            case ("GET", ["api", "v1", "sessions", session_id]):
                if (hostile := self.hostile("get", request)) is not None:
                    return hostile
                item = self.find(session_id)
                return self.not_found() if item is None else JSONResponse(item)
        return self.not_found("Not found")

    async def _vsay(self, method: str, parts: list[str], request: Request) -> Response:
        ok = _vsay_ok
        match (method, parts):
            case ("GET", ["sessions"]):
                if (hostile := self.hostile("list", request)) is not None:
                    return hostile
                status = request.query_params.get("status")
                if status not in (None, "active", "ended"):
                    return self.wire.error(400, "status must be 'active' or 'ended'")
                items = [i for i in self.listed() if status is None or (i.get("status") == "active") == (status == "active")]
                return ok({"sessions": items[::-1]})
            case ("POST", ["sessions"]):
                if (hostile := self.hostile("create", request)) is not None:
                    return hostile
                body = await _json(request)
                machine = body.get("machine_id") if isinstance(body, dict) else None
                if not isinstance(machine, str) or not machine:
                    return self.wire.error(400, "machine_id is required")
                fields = {"id": f"created-{next(self._serial)}", "target": machine}
                new = self._add(self.wire.session(len(self.items), self.clock.now(), self.rng, fields), "")
                return ok({"session_id": new["id"], "websocket_url": None, "token": "hostile-token",
                           "expires_at": iso(self.clock.now())}, 201)
            case ("GET", ["sessions", "stats"]):
                active = sum(1 for i in self.items if i.get("status") == "active")
                return ok({"total_sessions": len(self.items), "active_sessions": active, "total_duration_hours": 1.5,
                           "unique_users": 1, "top_machines": []})
            case ("GET", ["sessions", session_id]):
                if (hostile := self.hostile("get", request)) is not None:
                    return hostile
                item = self.find(session_id)
                return self.not_found() if item is None else ok({**item, "commands_count": 3})
            case ("DELETE", ["sessions", session_id]):
                if (hostile := self.hostile("close", request)) is not None:
                    return hostile
                item = self.find(session_id)
                if item is None:
                    return self.not_found()
                if item.get("status") != "active":
                    return self.wire.error(409, "Session already ended")
                self.wire.set_active(item, False, self.clock.now())
                return JSONResponse({"success": True, "message": "Session terminated successfully"})
            case ("GET", ["sessions", session_id, "logs"]):
                text = request.query_params.get("format") == "text"
                if (hostile := self.hostile("logs-text" if text else "logs", request)) is not None:
                    return hostile
                if self.find(session_id) is None:
                    return self.not_found()
                entries = [{"timestamp": iso(self.clock.now()), "type": "command", "content": "uptime"}]
                if text:
                    return ok({"session_id": session_id, "format": "text",
                               "logs": "\n".join(f"{e['timestamp']} {e['type']} {e['content']}" for e in entries)})
                return ok({"session_id": session_id, "logs": entries})
        return self.not_found("Not found")

    async def _agents(self, method: str, parts: list[str], request: Request) -> Response:
        match (method, parts):
            case ("GET", ["api", "active-sessions"]):
                if (hostile := self.hostile("list", request)) is not None:
                    return hostile
                return JSONResponse(self.listed()[::-1])
            case ("POST", ["api", "active-sessions"]):
                if (hostile := self.hostile("create", request)) is not None:
                    return hostile
                body = await _json(request)
                fields = {"id": f"created-{next(self._serial)}"}
                if isinstance(body, dict) and isinstance(body.get("agentId"), str):
                    fields["name"] = body["agentId"]
                new = self._add(self.wire.session(len(self.items), self.clock.now(), self.rng, fields), "")
                return JSONResponse(new, status_code=201)
            case ("POST", ["api", "active-sessions", "cleanup"]):
                return JSONResponse({"removed": 0, "ids": []})
            case ("PUT", ["api", "active-sessions", "heartbeat" | "provider-session" as verb, task]):
                if (hostile := self.hostile("extend", request)) is not None:
                    return hostile
                item = self.by_task(task)
                if item is None:
                    return self.not_found("No active session for this task")
                if verb == "heartbeat":
                    item["lastHeartbeatAt"] = iso(self.clock.now())
                return JSONResponse(item)
            case ("DELETE", ["api", "active-sessions", "by-task", task]):
                if (hostile := self.hostile("close", request)) is not None:
                    return hostile
                item = self.by_task(task)
                if item is None:
                    return self.not_found("No active session for this task")
                self._remove(item)
                return Response(status_code=204)
            case ("DELETE", ["api", "active-sessions", session_id]):
                if (hostile := self.hostile("close", request)) is not None:
                    return hostile
                item = self.find(session_id)
                if item is None:
                    return self.not_found()
                self._remove(item)
                return Response(status_code=204)
        return self.not_found("Not found")

    def _remove(self, item: Item) -> None:
        index = next(n for n, i in enumerate(self.items) if i is item)
        del self.items[index]
        del self.device_of[index]

    async def _tasknet(self, method: str, parts: list[str], request: Request) -> Response:
        if len(parts) >= 3 and parts[1:3] == ["v1", "sessions"] and parts[0] not in TASKNET_MODES:
            return self.wire.error(404, f"Unknown mode '{parts[0]}'; use one of: {', '.join(TASKNET_MODES)}")
        match (method, parts):
            case ("GET", [_mode, "v1", "sessions"]):
                if (hostile := self.hostile("list", request)) is not None:
                    return hostile
                return JSONResponse({"sessions": self.listed()})
            case ("POST", [_mode, "v1", "sessions"]):
                if (hostile := self.hostile("create", request)) is not None:
                    return hostile
                body = await _json(request)
                fields: dict[str, Any] = {"id": f"created-{next(self._serial)}"}
                if isinstance(body, dict):
                    for key, name in (("driver", "name"), ("fingerprintUUID", "target"), ("leaseTime", "lease")):
                        if key in body:
                            fields[name] = body[key]
                new = self._add(self.wire.session(len(self.items), self.clock.now(), self.rng, fields), "")
                return JSONResponse(new)
            case (("GET" | "DELETE" | "PATCH") as verb, [_mode, "v1", "sessions", session_id]):
                what = {"GET": "get", "DELETE": "close", "PATCH": "extend"}[verb]
                if (hostile := self.hostile(what, request)) is not None:
                    return hostile
                item = self.find(session_id)
                if item is None:
                    return self.not_found()
                if verb == "GET":
                    return JSONResponse(item)
                if item.get("status") != "running":
                    return self.wire.error(400, "Session is already terminated")
                if verb == "DELETE":
                    self.wire.set_active(item, False, self.clock.now())
                else:
                    body = await _json(request)
                    lease = body.get("newLeaseTime") if isinstance(body, dict) else None
                    if not isinstance(lease, int) or isinstance(lease, bool) or not 1 <= lease <= 60:
                        return self.wire.error(400, "newLeaseTime: an integer from 1 to 60")
                    item["currentLeaseTime"] = lease
                    item["updatedAt"] = iso(self.clock.now())
                return JSONResponse({})
        return self.not_found("Not found")


def _vsay_ok(payload: Any, status: int = 200) -> Response:
    return JSONResponse({"success": True, "data": payload}, status_code=status)


async def _json(request: Request) -> Any:
    try:
        return json.loads(await request.body() or b"null")
    except ValueError:
        return None


class _Server(uvicorn.Server):
    """uvicorn without its signal capture: whoever owns the loop decides what Ctrl+C does."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


class HostileServer:
    """The five APIs, each under its scenario, on one loopback port (`port=0`: any free one).

    `scenario` is one name for every served kind, or a kind -> name mapping (the unnamed kinds
    serve `clean`); `kinds` are the kinds served (default: all five, or the mapping's keys).
    `ssh_host` is every good vsay machine's host. `app` is the ASGI app itself, for
    `httpx.ASGITransport` in-process; `start()` / `start_in_thread()` serve it over real HTTP (HTTPS
    with a self-signed certificate for a `tls` scenario, or `tls=True`)."""

    def __init__(
        self,
        scenario: str | Mapping[str, str] = "clean",
        *,
        kinds: tuple[str, ...] | None = None,
        options: Options | None = None,
        clock: Clock | None = None,
        seed: int = 1,
        port: int = 0,
        ssh_host: str = HOST,
        ssh_port: int | None = None,
        tls: bool | None = None,
        api_keys: Mapping[str, str] | None = None,
    ) -> None:
        served = kinds or (tuple(k for k in KINDS if k in scenario) if not isinstance(scenario, str) else KINDS)
        self.scenarios = per_kind(scenario, served)
        self.options = options or Options()
        self.clock = clock or SystemClock()
        self.ssh_port = ssh_port
        self.tls = any(s.tls for s in self.scenarios.values()) if tls is None else tls
        keys = api_keys or {}
        self.apis: dict[str, KindApi] = {
            kind: KindApi(kind, chosen, self.options, self.clock, keys.get(kind) or f"hostile-{kind}-key-{seed}",
                          seed, ssh_host)
            for kind, chosen in self.scenarios.items()
        }
        self.seen: list[Seen] = []
        self._requested_port = port
        self._socket: Any = None
        self._server: _Server | None = None
        self._serve_task: asyncio.Task[None] | None = None
        self._runner = LoopThread("sessionboard-hostile")
        self._tls_dir: tempfile.TemporaryDirectory[str] | None = None
        self.cert_file: Path | None = None
        """The self-signed certificate (also its own CA: a `ca_bundle` that trusts the server)."""

    # -- the ASGI app ----------------------------------------------------------------------------
    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        raw = scope.get("raw_path") or scope["path"].encode()
        path = raw.decode("latin-1").split("?", 1)[0]  # httpx's ASGITransport puts the query in raw_path
        body = await request.body()
        seen = Seen(scope["method"], path, scope.get("query_string", b"").decode("latin-1"),
                    {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}, body[:BODY_LIMIT])
        response = await self._answer(seen, request)
        await response(scope, receive, send)

    async def _answer(self, seen: Seen, request: Request) -> Response:
        if seen.path.startswith(CONTROL):
            return self._control(seen)
        self.seen.append(seen)
        for kind, api in self.apis.items():
            mount = MOUNTS[kind]
            if seen.path == mount or seen.path.startswith(mount + "/"):
                if not api.wire.authorized(Headers(scope=request.scope), api.api_key):
                    return api.wire.error(api.wire.auth_status, "Unauthorized: missing or invalid API key")
                parts = [unquote(part) for part in seen.path[len(mount):].split("/")[1:]]
                return await api.handle(seen.method, parts, request)
        return JSONResponse({"error": "Not found"}, status_code=404)

    def _control(self, seen: Seen) -> Response:
        if seen.path == f"{CONTROL}/requests" and seen.method == "DELETE":
            self.seen.clear()
            return Response(status_code=204)
        if seen.path == f"{CONTROL}/requests":
            return JSONResponse([{"method": s.method, "path": s.path, "query": s.query} for s in self.seen])
        if seen.path == f"{CONTROL}/scenarios":
            return JSONResponse({kind: s.name for kind, s in self.scenarios.items()})
        return JSONResponse({"error": "Not found"}, status_code=404)

    # -- what the tests read ---------------------------------------------------------------------
    def requests(self, kind: str | None = None, method: str | None = None) -> list[Seen]:
        """What was received (for `kind`: under its mount), oldest first."""
        mount = MOUNTS[kind] if kind else ""
        return [s for s in self.seen if s.path.startswith(mount) and (method is None or s.method == method)]

    def api_key(self, kind: str) -> str:
        return self.apis[kind].api_key

    # -- addresses and configuration ---------------------------------------------------------------
    @property
    def port(self) -> int:
        if self._socket is not None:
            return int(self._socket.getsockname()[1])
        return self._requested_port

    def base_url(self, kind: str) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{HOST}:{self.port}{MOUNTS[kind]}"

    def provider_table(self, kind: str, api_key: str) -> dict[str, Any]:
        entry: dict[str, Any] = {"name": PROVIDER_NAMES[kind], "kind": kind, "base_url": self.base_url(kind),
                                 "api_key": api_key}
        if kind == "rufus":
            entry["devices"] = list(RUFUS_DEVICES)
        elif kind == "devices":
            entry["organization"] = "org-alpha"
        elif kind == "vsay":
            entry["status"] = "all"
            if self.ssh_port is not None:
                entry["ssh"] = {"port": self.ssh_port}
        elif kind == "agents":
            entry["stale_after_seconds"] = STALE_AFTER
        elif kind == "tasknet":
            entry["mode"] = TASKNET_MODES[0]
        return entry

    def provider_dicts(self) -> list[dict[str, Any]]:
        """Provider tables for `parse_config({"providers": ...})`, keys as literals (in memory)."""
        return [self.provider_table(kind, api.api_key) for kind, api in self.apis.items()]

    def config_data(self, key_dir: Path, **app: Any) -> dict[str, Any]:
        """A config whose keys are `file:` references to 0600 files under `key_dir`; `app` is the
        `[app]` table (poll_interval 2 unless given)."""
        key_dir.mkdir(parents=True, exist_ok=True)
        providers = []
        for kind, api in self.apis.items():
            path = key_dir / f"{PROVIDER_NAMES[kind]}.key"
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(api.api_key + "\n")
            providers.append(self.provider_table(kind, f"file:{path}"))
        return {"app": {"poll_interval": 2.0, **app}, "providers": providers}

    def config_toml(self, key_dir: Path, **app: Any) -> str:
        names = ", ".join(f"{kind}={s.name}" for kind, s in self.scenarios.items())
        head = f"# sessionboard: the hostile simulator on port {self.port} ({names}).\n"
        if self.cert_file is not None:
            head += f"# Self-signed certificate (a ca_bundle that trusts it): {self.cert_file}\n"
        return head + tomli_w.dumps(self.config_data(key_dir, **app))

    # -- serving ----------------------------------------------------------------------------------------
    async def start(self) -> None:
        if self._serve_task is not None:
            raise RuntimeError("the hostile simulator is already running")
        sock = listening_socket(self._requested_port)
        self._socket = sock
        tls: dict[str, Any] = {}
        if self.tls:
            self._tls_dir = tempfile.TemporaryDirectory(prefix="sessionboard-hostile-tls-")
            self.cert_file, key_file = self_signed(Path(self._tls_dir.name))
            tls = {"ssl_certfile": str(self.cert_file), "ssl_keyfile": str(key_file)}
        config = uvicorn.Config(self.app, interface="asgi3", lifespan="off", log_level="warning", access_log=False,
                                timeout_graceful_shutdown=2, **tls)
        self._server = _Server(config)
        self._serve_task = asyncio.create_task(self._server.serve(sockets=[sock]))
        while not self._server.started:
            if self._serve_task.done():
                error = self._serve_task.exception()
                await self.stop()
                raise RuntimeError(f"the hostile simulator did not start: {error or 'server exited'}")
            await asyncio.sleep(0.005)

    async def stop(self) -> None:
        if self._server is not None and self._serve_task is not None:
            self._server.should_exit = True
            with contextlib.suppress(asyncio.CancelledError):
                await self._serve_task
        if self._socket is not None:
            self._socket.close()
        self._socket = self._server = self._serve_task = None
        if self._tls_dir is not None:
            self._tls_dir.cleanup()
            self._tls_dir = None

    async def __aenter__(self) -> HostileServer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    def start_in_thread(self, timeout: float = 10.0) -> None:
        """Serve from a daemon thread with a loop of its own (for tests that run the CLI)."""
        self._runner.start(self.start, timeout, late="the hostile simulator did not start in time")

    def stop_thread(self, timeout: float = 10.0) -> None:
        self._runner.stop(self.stop, timeout)

    def __enter__(self) -> HostileServer:
        self.start_in_thread()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop_thread()

