"""The hostile scenarios: each row of issue 14's table as something a provider sends.

A scenario says, in the normalized terms of PROVIDERS.md, which sessions a kind lists beside its
good ones (`sessions`), or what it answers instead of a list, a log or an action (`answer`). The
server (`server.py`) puts the values into each kind's wire shape (`wire.py`), so the same
scenario reaches every adapter the way a real provider would send it.

Rows of the issue that need no hostile provider (the helper's environment, the config file, a
SOCKS proxy, a create checked before sending, the config's own limits) are served by `clean`;
what is hostile there is the operator's environment, which the tests set up.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sessionboard.sim.hostile.bodies import gzip_bomb
from sessionboard.sim.hostile.wire import KINDS, MISSING, WIRES

# ---- the bytes a hostile provider sends -------------------------------------------------------------
OSC_TITLE = "\x1b]0;PWNED\x07"
"""OSC 0: sets the terminal window's title."""
OSC_CLIPBOARD = "\x1b]52;c;UFdO\x07"
"""OSC 52: writes "PWN" to the system clipboard."""
CLEAR_SCREEN = "\x1b[2J"
C1_CSI = "\x9b2J"
"""The same erase as one C1 byte (CSI) a terminal in 8-bit mode obeys."""
CONTROL_TEXT = f"pwn{OSC_TITLE}{OSC_CLIPBOARD}{CLEAR_SCREEN}\rhidden\x08{C1_CSI}\x7f\u202eend"
"""Every kind of control at once: OSC 0 and 52, CSI, CR, BS, C1, DEL and a bidi override."""
MARKUP_QUIT = "[@click=app.quit]QUIT[/]"
"""Rich/Textual markup that, rendered as markup, is a link that quits the console."""
MARKUP_CLOSE = "x[/]y"
"""A closing tag with nothing open: Rich raises MarkupError when it parses it."""
ANCIENT_TIMES: tuple[str, ...] = (
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59Z",
    "9999-12-31T23:59:59-14:00",
    "1990-12-31T23:59:60Z",
    "2024-02-30T25:61:00Z",
    "not a time",
)
"""RFC 3339's edges (year 1 east of UTC, year 9999 west of it, a leap second) and garbage."""
PATH_IDS: tuple[str, ...] = ("a#frag", "../../../admin/x", "a?force=true", "a/b", "..", "%2e%2e", "a b")
"""Ids that, put in a URL unencoded, reach another session, another path or another query."""


def proxycommand_hosts(marker: str) -> tuple[str, ...]:
    """`machine.host` values that, expanded into `ProxyCommand ssh -W %h:%p jumphost` or put on
    a command line, run `touch marker`."""
    return (
        f"a:1 -oProxyCommand=touch\\ {marker} b",
        f"-oProxyCommand=touch {marker}",
        f"h;touch {marker}",
        f"$(touch {marker})",
        f"h\nProxyCommand touch {marker}",
    )


@dataclass(frozen=True)
class Options:
    """The knobs a test turns: sizes are MiB, `retry_after` is sent as it is (seconds or a date;
    `"date"` sends an HTTP date 120 s ahead of the wall clock), `grow` is how many ended sessions
    each list adds."""

    marker: str = "/tmp/sessionboard-pwned"
    bomb_mb: int = 1024
    huge_mb: int = 50
    retry_after: str = "120"
    grow: int = 50


@dataclass(frozen=True)
class Context:
    kind: str
    now: datetime
    options: Options
    error: Callable[[int, str], Response]
    """The kind's error envelope."""


Fields = dict[str, Any]
SessionsOf = Callable[[Context], list[Fields]]
AnswerOf = Callable[[Context, str, Request], Response | None]
"""(context, what, request) -> the answer that replaces the normal one, or None. `what` is
`list`, `get`, `close`, `create`, `extend`, `logs` or `logs-text`."""


@dataclass(frozen=True)
class Scenario:
    name: str
    rows: tuple[int, ...]
    about: str
    sessions: SessionsOf = field(default=lambda ctx: [])
    answer: AnswerOf = field(default=lambda ctx, what, request: None)
    kinds: tuple[str, ...] = KINDS
    """The kinds it is hostile for; the others serve the clean list."""
    good: int = 4
    """Good sessions listed beside the hostile ones."""
    grows: bool = False
    """Every list adds `options.grow` ended sessions with new ids (an API that keeps history)."""
    tls: bool = False


# ---- the scenarios ---------------------------------------------------------------------------------------
def _osc_sessions(ctx: Context) -> list[Fields]:
    return [
        {"id": f"osc-{OSC_TITLE}id", "name": CONTROL_TEXT, "user": CONTROL_TEXT, "target": CONTROL_TEXT},
        {"name": f"title{OSC_TITLE}", "user": f"clip{OSC_CLIPBOARD}", "target": f"wipe{CLEAR_SCREEN}"},
    ]


def _error_on(actions: frozenset[str]) -> AnswerOf:
    def answer(ctx: Context, what: str, request: Request) -> Response | None:
        return ctx.error(500, CONTROL_TEXT) if what in actions else None

    return answer


def _markup_sessions(ctx: Context) -> list[Fields]:
    lease_ends_soon: Fields = {}
    newest: Fields = {}
    if ctx.kind == "tasknet":
        # 30 s of a 30-minute lease left on the console's clock: the lease warning names the id,
        # and the `[/]` one is the newest, so the cursor starts on it (a toast at start).
        updated = ctx.now - timedelta(minutes=30) + timedelta(seconds=30)
        lease_ends_soon = {"last_activity": _stamp(updated), "lease": 30}
        newest = {"started_at": _stamp(ctx.now)}
    return [
        {"id": MARKUP_QUIT, "name": "[bold red]not bold[/]", "user": "[link=https://evil.example]x[/link]",
         "target": "[reverse]t[/reverse]", **lease_ends_soon},
        {"id": MARKUP_CLOSE, "name": MARKUP_CLOSE, "user": "[/]", "target": "[/", **lease_ends_soon, **newest},
    ]


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _ancient_sessions(ctx: Context) -> list[Fields]:
    return [
        {"name": f"time {value}", "started_at": value, "last_activity": value, "expires_at": value}
        for value in ANCIENT_TIMES
    ]


def _bomb(ctx: Context, what: str, request: Request) -> Response | None:
    if what != "list":
        return None
    return Response(
        gzip_bomb(ctx.options.bomb_mb),
        headers={"content-encoding": "gzip"},
        media_type="application/json",
    )


def _huge_sessions(ctx: Context) -> list[Fields]:
    blob = "A" * (ctx.options.huge_mb * 1024 * 1024)
    return [{"name": "huge " + "N" * 100_000, "raw:blob": blob, "raw:nested": [[{"deep": blob[:4096]}] * 64]}]


def _bad_id(value: Any) -> SessionsOf:
    return lambda ctx: [{"id": value, "name": f"bad id {value!r}"}]


def _duplicates(ctx: Context) -> list[Fields]:
    return [{"id": "dup-1", "name": f"duplicate {n}"} for n in (1, 2, 3)]


def _retry(status: int) -> AnswerOf:
    def answer(ctx: Context, what: str, request: Request) -> Response | None:
        if what != "list":
            return None
        value = ctx.options.retry_after
        if value == "date":  # the wall clock's, whatever the simulator's: the client waits in real time
            value = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=120), usegmt=True)
        response = ctx.error(status, "Too many requests" if status == 429 else "Service unavailable")
        response.headers["Retry-After"] = value
        return response

    return answer


def _empty_object(ctx: Context, what: str, request: Request) -> Response | None:
    return JSONResponse({}) if what == "list" else None


def _text_logs(ctx: Context, what: str, request: Request) -> Response | None:
    lines = [
        ("2035-03-02T09:00:00Z", "command", "ls -la"),
        ("2035-03-02T09:00:01Z", "output", "total 0"),
        ("2035-03-02T09:00:02Z", "output", CONTROL_TEXT),
    ]
    if what == "logs-text":
        return Response("\n".join(" ".join(line) for line in lines) + "\n", media_type="text/plain")
    if what == "logs":
        entries = [{"timestamp": at, "type": kind, "content": content} for at, kind, content in lines]
        return JSONResponse({"success": True, "data": {"session_id": "any", "logs": entries}})
    return None


def _proxy_hosts(ctx: Context) -> list[Fields]:
    return [
        {"id": f"host-{n}", "name": f"bad host {n}", "host": host}
        for n, host in enumerate(proxycommand_hosts(ctx.options.marker), start=1)
    ]


def _path_ids(ctx: Context) -> list[Fields]:
    return [{"id": value, "name": f"path id {value}"} for value in PATH_IDS]


ECHOED_HEADERS = ("authorization", "x-api-key", "api_key", "x-environment-id", "x-environment-secret",
                  "x-fingerprint-secret")


def _echo(ctx: Context, what: str, request: Request) -> Response | None:
    """What a careless server does: its error repeats the request, credentials and all."""
    sent = "; ".join(f"{name}={request.headers[name]}" for name in ECHOED_HEADERS if name in request.headers)
    return ctx.error(500, f"cannot {what} {request.url.path}: rejected {sent}")


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario("clean", (9, 10, 11, 17, 20, 21), "four good sessions per kind, every verb answered"),
        Scenario("osc-in-name", (2, 3), "OSC 0/52, CSI, CR, BS, C1, DEL and bidi in ids, names, users, targets",
                 sessions=_osc_sessions),
        Scenario("osc-in-error", (2, 3), "the list fails with a message made of terminal controls",
                 answer=_error_on(frozenset({"list"}))),
        Scenario("osc-in-action-error", (2, 3), "get, close, create, extend and logs fail with terminal controls",
                 answer=_error_on(frozenset({"get", "close", "create", "extend", "logs", "logs-text"}))),
        Scenario("markup-id", (4,), "ids, names, users and targets in Rich markup, a link that quits, a stray [/]",
                 sessions=_markup_sessions),
        Scenario("ancient-time", (5,), "timestamps at RFC 3339's edges, a leap second and garbage",
                 sessions=_ancient_sessions),
        Scenario("gzip-bomb", (6,), "the list is ~1 MB of gzip that decodes to bomb_mb MiB", answer=_bomb),
        Scenario("huge-session", (7,), "one session of huge_mb MiB (a 100 KB name, a blob, nesting)",
                 sessions=_huge_sessions),
        Scenario("path-ids", (8,), "ids with #, ?, /, .. and spaces", sessions=_path_ids),
        Scenario("null-id", (13,), "one session with id null among four good ones", sessions=_bad_id(None)),
        Scenario("number-id", (13,), "one session with a number for its id among four good ones",
                 sessions=_bad_id(12345)),
        Scenario("missing-id", (13,), "one session without an id among four good ones", sessions=_bad_id(MISSING)),
        Scenario("duplicate-ids", (14,), "one id listed three times beside four good sessions",
                 sessions=_duplicates),
        Scenario("retry-after", (12,), "the list answers 429 with Retry-After (options.retry_after)",
                 answer=_retry(429)),
        Scenario("unavailable", (12,), "the list answers 503 with Retry-After (options.retry_after)",
                 answer=_retry(503)),
        Scenario("self-signed", (15,), "the clean lists over https with a self-signed certificate", tls=True),
        Scenario("empty-object", (16,), "the tasknet list is {} (its schema does not require sessions)",
                 answer=_empty_object, kinds=("tasknet",)),
        Scenario("text-logs", (18,), "vsay logs: text/plain for format=text, JSON otherwise; one line is controls",
                 answer=_text_logs, kinds=("vsay",)),
        Scenario("error-echo", (19,), "every answer is a 500 echoing the request's path and credentials",
                 answer=_echo),
        Scenario("proxycommand-host", (1,), "vsay machines whose host is a ProxyCommand injection",
                 sessions=_proxy_hosts, kinds=("vsay",)),
        Scenario("endless-ended", (22,), "every list adds options.grow ended sessions with new ids", grows=True,
                 kinds=("devices", "vsay", "tasknet", "rufus")),
    )
}


def scenario_for(name: str) -> Scenario:
    try:
        return SCENARIOS[name]
    except KeyError:
        raise ValueError(f"unknown scenario {name!r}; one of: {', '.join(SCENARIOS)}") from None


def per_kind(scenario: str | Mapping[str, str], kinds: tuple[str, ...]) -> dict[str, Scenario]:
    """Each served kind's scenario: one name for all, or a kind -> name mapping (others clean)."""
    if isinstance(scenario, str):
        chosen = scenario_for(scenario)
        return {kind: chosen if kind in chosen.kinds else SCENARIOS["clean"] for kind in kinds}
    unknown = sorted(set(scenario) - set(KINDS))
    if unknown:
        raise ValueError(f"unknown kind {', '.join(unknown)}; one of: {', '.join(KINDS)}")
    return {kind: scenario_for(scenario.get(kind, "clean")) for kind in kinds}


__all__ = [
    "ANCIENT_TIMES", "CLEAR_SCREEN", "C1_CSI", "CONTROL_TEXT", "Context", "MARKUP_CLOSE", "MARKUP_QUIT",
    "OSC_CLIPBOARD", "OSC_TITLE", "Options", "PATH_IDS", "SCENARIOS", "Scenario", "WIRES", "per_kind",
    "proxycommand_hosts", "scenario_for",
]
