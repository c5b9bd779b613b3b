"""Hypothesis strategies for what a provider may send: each kind's list answer built from the
seeds' shapes (the hostile simulator's `WIRES`), with any of its fields replaced by arbitrary
text (controls, markup, bidi, lone surrogates, huge), RFC 3339 times from year 1 to 9999 in any
offset, garbage times, any JSON, deep nesting, or nothing at all; now and then the whole answer
is some other JSON or an error status."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from typing import Any

from hypothesis import strategies as st

from sessionboard.sim.hostile import MISSING, WIRES
from tests.ui.helpers import FIXED

SPECIAL = (
    "\x1b]0;PWNED\x07", "\x1b]52;c;UFdO\x07", "\x1b[2J", "\x9b2J", "\r", "\x08", "\x07", "\x00", "\x7f", "\x85",
    "\t", "\n", "\u202e", "\u2066", "\u2028", "\u2029", "\ud800", "\udfff", "[", "]", "[/]", "[@click=app.quit]",
    "[bold]", "[link=https://x]", "%s", "{}", "\\", "\ufeff", "\u200b", "e\u0301", "😀", "中文", "\U0010ffff",
)
"""Pieces an attacker (or a careless API) puts in text: terminal controls, Rich markup, bidi and
line separators, lone surrogates (JSON's `\\ud800`), zero-width and combining characters."""


def texts() -> st.SearchStrategy[str]:
    piece = st.one_of(st.text(max_size=12), st.sampled_from(SPECIAL), st.characters(max_codepoint=0x9F))
    small = st.lists(piece, max_size=8).map("".join)
    huge = st.builds(lambda part, times: part * times, st.sampled_from(SPECIAL) | st.text(min_size=1, max_size=4),
                     st.integers(2_000, 20_000))
    return st.one_of(small, small, small, huge)


def rfc3339() -> st.SearchStrategy[str]:
    """Any RFC 3339 instant from 0001 to 9999: Z, z or an offset up to ±14:00 (year 1 east of
    UTC and year 9999 west of it fall outside what `datetime` holds in UTC), with or without
    a fraction."""

    def render(moment: datetime, offset: int, fraction: int | None, zulu: str) -> str:
        text = (f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T"
                f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}")
        if fraction is not None:
            text += f".{fraction}"
        if zulu:
            return text + zulu
        sign = "+" if offset >= 0 else "-"
        return text + f"{sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}"

    return st.builds(
        render,
        st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)),
        st.integers(-14 * 60, 14 * 60),
        st.none() | st.integers(0, 999_999_999),
        st.sampled_from(["Z", "z", ""]),
    )


GARBAGE_TIMES = ("", " ", "0000-00-00T00:00:00Z", "1990-12-31T23:59:60Z", "99999-01-01T00:00:00Z",
                 "-0001-01-01T00:00:00Z", "2024-02-30T25:61:00Z", "now", "1e300", "T", "2024-01-01T00:00:00+99:99")


def times() -> st.SearchStrategy[Any]:
    return st.one_of(rfc3339(), rfc3339(), st.sampled_from(GARBAGE_TIMES), texts(), st.integers(), st.none())


def json_values() -> st.SearchStrategy[Any]:
    scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), texts())
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts(), inner, max_size=3),
                        max_leaves=8)


def nested(depth: int) -> Any:
    value: Any = "bottom"
    for level in range(depth):
        value = [value] if level % 2 else {"deeper": value}
    return value


def field_values(field: str) -> st.SearchStrategy[Any]:
    common = st.one_of(texts(), json_values(), st.just(MISSING), st.integers(1, 400).map(nested))
    if field in ("started_at", "last_activity", "expires_at", "ended_at"):
        return st.one_of(times(), common)
    if field == "lease":  # tasknet's minutes: a lease that runs past year 9999 (or before year 1)
        huge = st.sampled_from([2**31, 10**9, 10**12, 10**15, -(10**15), 2**63])
        return st.one_of(huge, st.integers(-10**15, 10**15), st.integers(0, 60), common)
    return st.one_of(texts(), texts(), common)


@st.composite
def sessions(draw: st.DrawFn, kind: str, index: int) -> Any:
    """One session of `kind`: a good one from the seeds' shape with some fields replaced."""
    wire = WIRES[kind]
    names = sorted([*wire.paths, "active"])
    chosen = [name for name in names if draw(st.booleans())]  # each field: even odds of being hostile
    fields = {name: draw(st.booleans() if name == "active" else field_values(name)) for name in chosen}
    item = wire.session(index, FIXED, random.Random(index), fields)
    extra = draw(st.dictionaries(st.text(max_size=8), json_values(), max_size=2))
    item.update(extra)
    return draw(st.one_of(st.just(item), st.just(item), st.just(item), json_values()))  # or not a session at all


def envelope(kind: str, items: list[Any]) -> Any:
    if kind == "rufus":
        return {"body": {"description": "Sessions found", "result": items}}
    if kind == "devices":
        return {"object": "list", "data": items}
    if kind == "vsay":
        return {"success": True, "data": {"sessions": items}}
    if kind == "agents":
        return items
    return {"sessions": items}


@st.composite
def answers(draw: st.DrawFn, kind: str) -> tuple[int, bytes]:
    """(status, body) of one list request of `kind`."""
    count = draw(st.integers(0, 6))
    items = [draw(sessions(kind, index)) for index in range(count)]
    body: Any = envelope(kind, items)
    if draw(st.integers(0, 9)) == 0:
        body = draw(json_values())  # another shape altogether
    status = draw(st.sampled_from([200] * 12 + [400, 401, 404, 429, 500, 503]))
    if status >= 400 and draw(st.booleans()):
        body = {"message": draw(texts()), "error": draw(texts()), "body": {"description": draw(texts())}}
    return status, json.dumps(body, ensure_ascii=True).encode()  # ensure_ascii: lone surrogates as \ud800


NOW = FIXED.astimezone(UTC)
