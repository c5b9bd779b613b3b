"""The provider panel shows what the provider layer's defences decided: a Retry-After hold as
`rate limited, next poll in N s` counting down on the console's clock (and `r` within it deferred,
with a notice, nothing sent), and a listing's skipped sessions and duplicate ids in one bounded line
beside the sessions that were listed."""

from __future__ import annotations

import json

import httpx

from sessionboard.config import parse_config
from sessionboard.providers import make_provider
from sessionboard.ui.app import SessionboardApp
from tests.ui.helpers import FIXED, all_polled, board, messages, screen_text, wait_for


def panel_text(app: SessionboardApp) -> str:
    """The panel's lines as they are drawn, wrapped lines joined by one space."""
    lines = board(app).panel._lines
    return " ".join("".join(text for text, _ in pieces).strip() for _, pieces in lines).replace("\xa0", " ")


class Clock:
    def __init__(self) -> None:
        self.now = FIXED.timestamp()

    def __call__(self) -> float:
        return self.now


def build(clock: Clock) -> tuple[SessionboardApp, list[httpx.Request]]:
    limited: list[httpx.Request] = []

    def agents(request: httpx.Request) -> httpx.Response:
        limited.append(request)
        return httpx.Response(429, headers={"retry-after": "30"}, content=b'{"message": "slow down"}')

    sessions = [
        {"id": "v1", "status": "active", "machine": {"id": "m1", "name": "alpha"}},
        {"id": None, "status": "active"},
        {"id": "v2", "status": "active", "machine": "oops"},
        {"id": "v1", "status": "active", "machine": {"id": "m1", "name": "again"}},
        {"id": "v3", "status": "active", "machine": {"id": "m3", "name": "gamma"}},
    ]
    vsay_body = json.dumps({"success": True, "data": {"sessions": sessions}}).encode()

    def vsay(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=vsay_body, headers={"content-type": "application/json"})

    config = parse_config({
        "app": {"poll_interval": 600},
        "providers": [
            {"name": "ag", "kind": "agents", "base_url": "http://ag.test"},
            {"name": "ssh", "kind": "vsay", "base_url": "http://vsay.test/v1"},
        ],
    })
    transports = {"ag": httpx.MockTransport(agents), "ssh": httpx.MockTransport(vsay)}
    providers = [make_provider(p, timeout=2, transport=transports[p.name]) for p in config.providers]
    return SessionboardApp(config, providers=providers, now=clock, autopoll=True), limited


async def test_the_panel_counts_a_hold_down_and_r_within_it_sends_nothing():
    clock = Clock()
    app, limited = build(clock)
    async with app.run_test(size=(200, 50)) as pilot:
        screen = await all_polled(pilot, app)
        assert "rate limited, next poll in 30 s" in panel_text(app)
        clock.now += 12
        screen.panel.refresh_prompts()
        await pilot.pause()
        text = panel_text(app)
        assert "rate limited, next poll in 18 s" in text and "next poll in 30 s" not in text
        assert "│     18 s │" in screen_text(app)  # drawn: the wrapped second line of the countdown
        await pilot.press("r")
        await wait_for(pilot, lambda: any("ag: rate limited, next poll in" in m for m in messages(app)), "the notice")
        await pilot.pause(0.3)
        assert len(limited) == 1  # deferred to the hold's end, not sent
        clock.now += 30
        screen.panel.refresh_prompts()
        await pilot.pause()
        assert "rate limited, next poll in" not in panel_text(app)  # the countdown ends with the hold


async def test_skipped_sessions_and_duplicates_are_one_line_and_the_rest_are_listed():
    app, _ = build(Clock())
    async with app.run_test(size=(200, 50)) as pilot:
        screen = await all_polled(pilot, app)
        assert sorted(key[1] for key in screen.table.keys() if key[0] == "ssh") == ["v1", "v3"]
        status = board(app).statuses["ssh"]
        assert status.warning == "2 sessions skipped, 1 duplicate id"
        text = panel_text(app)
        assert "⚠ 2 sessions skipped, 1 duplicate id session 2 (id null) skipped…" in text
        assert status.error is None  # the provider answered: no failure shown
