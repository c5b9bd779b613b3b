"""The console shows provider text as text (issue 14, rows 2, 4, 5 and 7).

Every string a provider sends is input from outside. Here the simulators are seeded with hostile
strings (kept in this file: a few fields of a few sessions, and one provider's error body), the
console runs over them, and the tests check what reaches the person: the bytes the app writes to
its terminal (a driver that records them: Textual's headless driver writes nothing), markup shown
literally and never acted on, times that cannot crash, and views that stay bounded.
"""

from __future__ import annotations

import dataclasses
import re
import time
import tracemalloc
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from textual.app import App
from textual.driver import Driver
from textual.drivers.headless_driver import HeadlessDriver
from textual.pilot import Pilot

from sessionboard.model import Session, is_safe, parse_instant, safe_text
from sessionboard.poller import Snapshot
from sessionboard.providers.tasknet import lease_end
from sessionboard.sim.cluster import SimCluster
from sessionboard.sim.faults import Fault
from sessionboard.sim.agents import AgentsSim
from sessionboard.sim.devices import DevicesSim
from sessionboard.sim.rufus import RufusSim
from sessionboard.sim.tasknet import BrowserSession, TasknetSim
from sessionboard.sim.vsay import VsaySim
from sessionboard.terminal.backend import TerminalClosed
from sessionboard.ui.app import SessionboardApp
from sessionboard.ui.screens.ask import AskTextScreen
from sessionboard.ui.screens.confirm import ConfirmScreen
from sessionboard.ui.screens.devices_active import DevicesActiveScreen
from sessionboard.ui.screens.extend import MinutesScreen
from sessionboard.ui.screens.logs import LogsScreen
from sessionboard.ui.screens.prompts import HostKeyScreen, KbdIntScreen, PasswordScreen
from sessionboard.ui.screens.stats import StatsScreen
from sessionboard.ui.widgets.detail.pane import RAW_LIMIT, detail_text, raw_view
from sessionboard.ui.widgets.sessions import columns
from sessionboard.ui.widgets.sessions.columns import countdown, short_time
from tests.ui.helpers import FIXED, all_polled, console, make_app, make_cluster, messages, screen_text, select, wait_for

# ---- hostile input ---------------------------------------------------------------------------------
CONTROLS = "\x1b]0;PWNED\x07\x1b]52;c;UFdO\x07\x1b[2J\r\x08\x9b31m"
"""OSC 0 (window title), OSC 52 (clipboard), CSI 2 J (wipe), CR, BS, and C1 CSI: issue 14, row 2."""
RAW_CONTROLS = ("\x1b]0;", "\x1b]52;", "\x1b[2J", "\r", "\x08", "\x9b", "\x07")
SHOWN = "\\x1b]0;PWNED"
"""How `safe_text` shows the start of `CONTROLS`: the text is there to read, and none of it acts."""


def hostile(field: str) -> str:
    return f"{field}_{CONTROLS}_end"


def seed_vsay(cluster: SimCluster, session_id: str, *, name: str, user: str, target: str) -> None:
    """One active vsay session with these strings where the adapter reads name, user, target, id."""
    sim = cluster.sims["vsay"]
    assert isinstance(sim, VsaySim)
    base = next(s for s in sim.sessions.values() if s.active)
    sim.sessions[session_id] = dataclasses.replace(
        base,
        id=session_id,
        user={**base.user, "name": user},
        machine={**base.machine, "name": name, "id": target},
    )


def seed_devices(cluster: SimCluster, changes: list[dict[str, Any]]) -> list[str]:
    """Active devices sessions (raw dicts in the simulator) overwritten with `changes`; their ids."""
    sim = cluster.sims["devices"]
    assert isinstance(sim, DevicesSim)
    org = sim.orgs[sim.default_org]
    active = org.active()
    assert len(active) >= len(changes), "the seed has too few active devices sessions"
    ids = []
    for session, change in zip(active, changes):
        del org.by_id[session["id"]]
        device = {**session["device"], **change.pop("device", {})}
        session.update(change, device=device)
        org.by_id[session["id"]] = session
        ids.append(session["id"])
    return ids


def fail_with(cluster: SimCluster, kind: str, message: str) -> None:
    """Every request to `kind` answers 500 with `message` as the API's own error text."""
    sim = cluster.sims[kind]
    sim.server_error_response = lambda status=500: sim.error_response(status, message)  # type: ignore[method-assign]
    sim.fault = Fault("500")


def seed_tasknet(cluster: SimCluster, session_id: str, **wire: Any) -> None:
    """A running tasknet session listed with this `sessionUUID` (and `wire` fields over its JSON)."""

    class Seeded(BrowserSession):
        def to_json(self) -> dict[str, Any]:
            return {**super().to_json(), **wire}

    sim = cluster.sims["tasknet"]
    assert isinstance(sim, TasknetSim)
    store = next(iter(sim.modes.values()))
    old_id, base = next((k, s) for k, s in store.items() if s.status == "running")
    del store[old_id]
    store[session_id] = Seeded(**{**dataclasses.asdict(base), "session_uuid": session_id})


def seed_rufus(cluster: SimCluster, token: str, alias: str) -> None:
    """An active rufus session with this token (its id) and alias (its name)."""
    sim = cluster.sims["rufus"]
    assert isinstance(sim, RufusSim)
    old, session = next((k, s) for k, s in sim.sessions.items() if s.active)
    del sim.sessions[old]
    session.token_session, session.alias = token, alias
    sim.sessions[token] = session


def seed_agents(cluster: SimCluster, task: str, linked: str) -> None:
    """An agents session whose task id (its target) and linked providerSessionId are these."""
    sim = cluster.sims["agents"]
    assert isinstance(sim, AgentsSim)
    session = next(iter(sim.sessions.values()))
    del sim.by_task[session.task_id]
    session.task_id, session.provider_session_id = task, linked
    sim.by_task[task] = session.id


# ---- what the app writes to its terminal ---------------------------------------------------------
TEXTUAL_OWN = re.compile(
    r"\x1b\[[0-9;]*m"  # SGR: colours and styles
    r"|\x1b\[\d+;\d+H"  # cursor position, one per run of cells
    r"|\x1b\[\?\d+[hl]"  # private modes: synchronized output, cursor shown or hidden
    r"|\x1b\](?:8|22);[^\x1b\x07]*(?:\x1b\\|\x07)"  # OSC 8 links, OSC 22 pointer shapes
)
"""The control sequences Textual itself writes; anything else that is a control is not its own."""
CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
"""Every C0 but newline (Textual writes newlines between full lines), DEL, and every C1."""


def stray_controls(written: str) -> list[str]:
    """Control characters in `written` that are not part of Textual's own sequences."""
    return CONTROL.findall(TEXTUAL_OWN.sub("", written))


def record_output(app: App[Any]) -> list[str]:
    """Make `app` render to a driver that keeps every write: a real terminal's bytes, no terminal."""
    written: list[str] = []

    class RecordingDriver(HeadlessDriver):
        @property
        def is_headless(self) -> bool:
            return False  # the app renders to it (a headless app writes nothing)

        def write(self, data: str) -> None:
            written.append(data)

        def flush(self) -> None:
            pass

    driver: type[Driver] = RecordingDriver
    app.driver_class = driver
    return written


@asynccontextmanager
async def recorded_console(
    cluster: SimCluster, **settings: Any
) -> AsyncIterator[tuple[SessionboardApp, Pilot[Any], Any, list[str]]]:
    """The console over `cluster`, toasts on, every byte it writes to its terminal recorded."""
    app = make_app(cluster, **settings)
    written = record_output(app)
    async with app.run_test(headless=False, size=(200, 50), notifications=True) as pilot:
        yield app, pilot, await all_polled(pilot, app), written


def test_the_recorder_sees_what_an_unescaped_string_writes() -> None:
    """The check below is only worth something if raw provider bytes would be seen: they are."""
    assert set(stray_controls("\x1b[1;1H\x1b[38;5;2mok\x1b[0m\n")) == set()
    assert set(stray_controls("\x1b[1;1Hname " + CONTROLS)) >= {"\x1b", "\x07", "\r", "\x08", "\x9b"}


# ---- row 2: no terminal control reaches the terminal ---------------------------------------------
class FailingBackend:
    """A terminal whose connection fails with the provider's own (hostile) words."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    async def start(self, cols: int, rows: int) -> None:
        raise TerminalClosed(self.reason)

    async def read(self) -> bytes:
        raise TerminalClosed(self.reason)

    async def write(self, data: bytes) -> None:
        pass

    async def resize(self, cols: int, rows: int) -> None:
        pass

    async def close(self) -> None:
        pass


async def test_no_terminal_control_a_provider_sends_reaches_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    cluster = make_cluster()
    vsay_id = hostile("id")
    seed_vsay(cluster, vsay_id, name=hostile("name"), user=hostile("user"), target=hostile("target"))
    (lab_id,) = seed_devices(cluster, [{"id": hostile("lab-id"), "user": hostile("lab-user"),
                                        "device": {"name": hostile("lab-name"), "id": hostile("lab-target")}}])
    fail_with(cluster, "agents", hostile("error"))
    monkeypatch.setattr(
        "sessionboard.ui.attach.attach_backend", lambda *a, **k: FailingBackend(f"ssh: {hostile('reason')}")
    )
    seen: list[str] = []
    async with recorded_console(cluster, poll_interval=600) as (app, pilot, screen, written):
        assert screen.statuses["agents"].error  # the panel shows the provider's error
        select(screen, "lab", lambda s: s.id == lab_id)
        await pilot.pause(0.5)  # its row on screen, its detail in the pane
        seen.append(screen_text(app))
        panel = screen.panel  # the error wraps over its lines, beside the table's rows
        seen.append("".join(panel.render_line(y).text for y in range(panel.content_region.height)))
        session = select(screen, "ssh", lambda s: s.id == vsay_id)
        screen.action_detail()  # the detail pane: every field and the raw JSON
        await pilot.pause(0.5)
        await pilot.press("l")  # the logs' title names it
        await wait_for(pilot, lambda: isinstance(app.screen, LogsScreen), "the logs")
        await wait_for(pilot, lambda: isinstance(app.screen, LogsScreen) and app.screen.fetches > 0, "the logs read")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("t")  # a terminal tab named after it, ended with the provider's words
        await wait_for(pilot, lambda: screen.terminals is not None and screen.terminals.live_count == 0
                       and bool(screen.terminals.panes), "the terminal ended")
        await pilot.pause(0.5)
        seen.append(screen_text(app))
        emulator = next(iter(screen.terminals.panes.values())).view.emulator
        # The end reason is fed to the terminal's emulator: escaped, it neither sets its title
        # nor wipes what it shows.
        assert emulator.title != "PWNED" and "reason_\\x1b]0;PWNED" in "".join(emulator.screen.display())
        screen.table.focus()
        select(screen, "ssh", lambda s: s.id == vsay_id)
        await pilot.press("x")  # the confirmation names the session by id and name
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the confirmation")
        await pilot.pause()
        seen.append(screen_text(app))
        await pilot.press("y")  # the progress toast and the title name it; the result is a toast
        await wait_for(pilot, lambda: any(f"id_{SHOWN}" in m for m in messages(app)), "a toast naming it, escaped")
        await wait_for(pilot, lambda: screen.last_result is not None, "the close answered")
        await pilot.pause(0.5)
        seen.append(screen_text(app))
        assert session.name == hostile("name")
    shown = re.sub(r"\s+", "", "".join(seen))
    for field in ("name", "user", "target", "id", "reason", "lab-id", "lab-name", "lab-user", "lab-target", "error"):
        assert f"{field}_\\x1b" in shown, field  # each is on screen, its controls as escapes
    output = TEXTUAL_OWN.sub("", "".join(written))
    assert "PWNED" in output  # the hostile text was drawn...
    for raw in RAW_CONTROLS:  # ...and not one of its controls was written
        assert raw not in output, repr(raw)
    assert stray_controls(output) == []


def test_a_cell_takes_a_printable_value_as_it_is_and_escapes_the_rest() -> None:
    """`cell_text`'s fast path: a printable value is safe, for every code point there is."""
    assert all(is_safe(c) for c in map(chr, range(0x110000)) if c.isprintable())
    assert columns.cell_text("machine 7") == "machine 7"
    assert columns.cell_text(hostile("name")) == safe_text(hostile("name"))
    assert columns.cell_text("\u202eevil") == "\\u202eevil"
    assert len(columns.cell_text("x" * 1_000_000)) < columns.CELL_LIMIT + 40


VNC_ID = "0b0e5a1c-9a43-4c1e-8a52-3f1f0c2d7e11"
"""The simulator takes only a UUID in a session's path (the VNC password is read by id)."""


async def test_the_other_views_of_provider_text_write_no_control_either() -> None:
    """Statistics, the device view, the extend and link questions, a revealed VNC password, the
    SSH dialogs (the server's words) and the welcome screen's problems: each shows hostile text
    as escapes, and none of its controls reaches the terminal."""
    cluster = make_cluster()
    vsay = cluster.sims["vsay"]
    assert isinstance(vsay, VsaySim)
    for index, machine in enumerate(vsay.machines.values()):
        machine["name"] = hostile(f"machine{index}")
    seed_rufus(cluster, hostile("token"), hostile("alias"))
    seed_agents(cluster, hostile("task"), hostile("linked"))
    tn_id = hostile("tn")
    seed_tasknet(cluster, tn_id)
    seed_tasknet(cluster, VNC_ID, isVncEnabled=True, vncMode=hostile("mode"), vncPassword=hostile("password"))
    seen: list[str] = []

    async def look(pilot: Pilot[Any], app: App[Any], ready: Callable[[], bool], what: str) -> None:
        await wait_for(pilot, ready, what)
        await pilot.pause(0.3)
        seen.append(screen_text(app))

    async with recorded_console(cluster, poll_interval=600) as (app, pilot, screen, written):
        screen.action_stats()
        await look(pilot, app, lambda: isinstance(app.screen, StatsScreen) and app.screen.stats is not None, "stats")
        await pilot.press("escape")
        screen.action_device_active()
        await look(pilot, app, lambda: isinstance(app.screen, DevicesActiveScreen) and bool(app.screen.rows), "devices")
        await pilot.press("escape")
        select(screen, "browsers", lambda s: s.id == tn_id)
        screen.action_extend()
        await look(pilot, app, lambda: isinstance(app.screen, MinutesScreen), "the extend question")
        await pilot.press("escape")
        await pilot.pause()
        select(screen, "browsers", lambda s: s.id == VNC_ID)
        screen.action_vnc_reveal()
        await look(pilot, app, lambda: screen.detail.vnc is not None, "the password revealed")
        select(screen, "agents", lambda s: s.target == hostile("task"))
        screen.action_link_provider_session()
        await look(pilot, app, lambda: isinstance(app.screen, AskTextScreen), "the link question")
        await pilot.press("escape")
        for dialog in (
            HostKeyScreen(hostile("host"), 22, "ssh-ed25519", "SHA256:abc"),
            PasswordScreen(hostile("prompt")),
            KbdIntScreen(hostile("challenge"), hostile("instructions"), [(hostile("question"), False)]),
        ):
            app.push_screen(dialog)
            await look(pilot, app, lambda: app.screen is dialog, type(dialog).__name__)
            dialog.dismiss(None)
            await pilot.pause()
    welcome = SessionboardApp(None, problems=[hostile("problem")])
    welcome_written = record_output(welcome)
    async with welcome.run_test(headless=False, size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        seen.append(screen_text(welcome))
    shown = re.sub(r"\s+", "", "".join(seen))
    fields = ["machine0", "token", "alias", "tn", "mode", "password", "task", "linked", "host", "prompt",
              "challenge", "instructions", "question", "problem"]
    assert [f for f in fields if f"{f}_\\x1b" not in shown] == []  # each on screen, as escapes
    for output in (TEXTUAL_OWN.sub("", "".join(written)), TEXTUAL_OWN.sub("", "".join(welcome_written))):
        assert "PWNED" in output
        assert [raw for raw in RAW_CONTROLS if raw in output] == []
        assert stray_controls(output) == []


# ---- row 4: markup in provider text is text ------------------------------------------------------
CLICK_QUIT = "[@click=app.quit]QUIT[/]"


async def test_markup_in_an_id_is_shown_literally_and_clicking_it_does_nothing() -> None:
    """Row 4: a tasknet id `[@click=app.quit]QUIT[/]` in the lease-warning toast was a link that
    quit the console. It is the literal text now, and a click on its QUIT does nothing but
    what a click on a toast does (close the toast)."""
    cluster = make_cluster()
    seed_tasknet(cluster, CLICK_QUIT)
    clock = [FIXED.timestamp()]
    app = make_app(cluster, poll_interval=600, now=lambda: clock[0])
    async with app.run_test(size=(200, 50), notifications=True) as pilot:
        screen = await all_polled(pilot, app)
        session = select(screen, "browsers", lambda s: s.id == CLICK_QUIT)
        assert session.expires_at is not None
        clock[0] = columns.instant(session.expires_at) - 30  # type: ignore[operator]
        await wait_for(pilot, lambda: any(CLICK_QUIT in m for m in messages(app)), "the lease warning")
        await pilot.pause(0.3)
        toast = next(t for t in app.screen.query("Toast") if CLICK_QUIT in str(t.render()))
        lines = [strip.text for strip in toast.render_lines(toast.region.reset_offset)]
        row = next(y for y, line in enumerate(lines) if "QUIT" in line)
        await pilot.click(toast, offset=(lines[row].index("QUIT") + 1, row))
        await pilot.pause(0.3)
        assert app.is_running and app.return_code is None  # a link would have quit
        assert "[@click=app.quit]QUIT[/]" in screen_text(app)  # the row's... and the title's text


async def test_an_id_with_a_closing_tag_neither_stops_the_start_nor_close(monkeypatch: pytest.MonkeyPatch) -> None:
    """Row 4: an id containing `[/]` raised MarkupError at start, and again on x y (the
    confirmation and the result toast); its terminal tab is named with it too."""
    monkeypatch.setattr("sessionboard.ui.attach.attach_backend", lambda *a, **k: FailingBackend("[/]gone[b]"))
    cluster = make_cluster()
    odd = "a[/]b[bold]c"
    seed_vsay(cluster, odd, name="[/]name", user="[red]user", target="[/]")
    seed_tasknet(cluster, "[/]")
    async with console(cluster, poll_interval=600) as (_, app, pilot, screen):
        session = select(screen, "ssh", lambda s: s.id == odd)
        screen.action_detail()
        await pilot.pause(0.5)
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the confirmation")
        await pilot.pause()
        assert f"Close session [/]name ({odd})" in screen_text(app)
        await pilot.press("y")
        await wait_for(pilot, lambda: screen.last_result is not None, "the close answered")
        await pilot.pause(0.3)
        assert any(odd in m for m in messages(app))
        shown = screen_text(app)
        assert "[/]name" in shown and "[red]user" in shown
        select(screen, "ssh", lambda s: s.id == odd)
        await pilot.press("t")
        await wait_for(pilot, lambda: screen.terminals is not None and screen.terminals.live_count == 0
                       and bool(screen.terminals.panes), "the terminal ended")
        await pilot.pause(0.3)
        shown = screen_text(app)
        assert f"ssh: [/]name ({odd}) (ended)" in shown and "ended: [/]gone[b]" in shown
        select(screen, "browsers", lambda s: s.id == "[/]")
        await pilot.pause(0.5)
        assert session.id == odd


def test_every_toast_is_escaped_and_never_read_as_markup(monkeypatch: pytest.MonkeyPatch) -> None:
    """`SessionboardApp.notify` is the one way to a toast (the guard test keeps it so): it escapes
    the message and the title, bounds them, and turns markup off whatever the caller asked."""
    from textual.notifications import Notify

    app = SessionboardApp(None)
    posted: list[Any] = []
    monkeypatch.setattr(app, "post_message", lambda message: posted.append(message) or True)
    app.notify(f"{CLICK_QUIT} {CONTROLS}" + "x" * 10_000, title=f"t{CONTROLS}", markup=True)
    [sent] = [m.notification for m in posted if isinstance(m, Notify)]
    message = sent.message
    assert sent.markup is False
    assert message.startswith(f"{CLICK_QUIT} {SHOWN}") and "more characters" in message
    assert len(message) < 2100
    assert not any(raw in message or raw in sent.title for raw in RAW_CONTROLS)


# ---- row 5: time that cannot crash ---------------------------------------------------------------
@pytest.fixture
def zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Set the local time zone (TZ and `time.tzset`), and put it back after."""

    def use(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()
        columns._short_time.cache_clear()  # what it cached is local time of another zone

    yield use
    monkeypatch.undo()
    time.tzset()
    columns._short_time.cache_clear()


EDGES = {
    "9999-12-31T23:59:59-12:00": "12-31 23:59",  # after 9999 in UTC: shown as the provider wrote it
    "2024-06-30T23:59:60Z": None,  # a leap second: read as :59
    "0001-01-01T00:00:00Z": "01-01 00:00",
    "0001-01-01T00:00:00+14:00": "01-01 00:00",  # before year 1 in UTC
    "not a time": "?",
}
"""started_at values, newest first, and the cell each shows where local time cannot hold it."""


@pytest.mark.parametrize("tz", ["America/New_York", "UTC", "Pacific/Kiritimati"])
def test_every_rfc3339_time_parses_and_shows_without_raising(zone: Callable[[str], None], tz: str) -> None:
    zone(tz)
    for value in EDGES:
        short_time(value)  # none raises, in any zone
        countdown(value, FIXED.timestamp())
    assert parse_instant("0001-01-01T00:00:00+14:00") is not None
    assert parse_instant("9999-12-31T23:59:59-12:00") is not None
    assert parse_instant("2024-06-30T23:59:60Z") == parse_instant("2024-06-30T23:59:59Z")
    for junk in (None, "", "x" * 10_000_000, 17, ["2024-01-01"], "2024-13-01T00:00:00Z", "\x1b[2J"):
        assert parse_instant(junk) is None
    assert short_time("x" * 10_000_000) == "?"
    assert short_time("0001-01-01T00:00:00Z") == "01-01 00:00"  # never out of range, in any zone


def test_countdowns_and_huge_leases_clamp() -> None:
    now = FIXED.timestamp()
    assert countdown("9999-12-31T23:59:59-12:00", now) == ">999d"
    assert countdown("0001-01-01T00:00:00+14:00", now) == "expired"
    assert countdown("2035-03-12T09:30:00Z", now) == "10d"  # past 100 hours: days, in 7 columns
    assert countdown("2035-03-02T10:30:00Z", now) == "1h00m"
    end = lease_end("2035-03-02T09:30:00Z", 10**12)  # currentLeaseTime past the calendar
    assert end is not None and end.startswith("9999-12-31T23:59:59")
    assert countdown(end, now) == ">999d"
    start = lease_end("2035-03-02T09:30:00Z", -(10**12))
    assert start is not None and start.startswith("0001-01-01") and countdown(start, now) == "expired"


@pytest.mark.parametrize("tz", ["America/New_York", "UTC"])
async def test_the_table_shows_and_sorts_times_at_the_ends_of_the_calendar(
    zone: Callable[[str], None], tz: str
) -> None:
    """Row 5: year 1 west of UTC stopped the console at start (OverflowError in columns.py)."""
    zone(tz)
    cluster = make_cluster()
    ids = seed_devices(cluster, [{"createdAt": value} for value in EDGES])
    seed_tasknet(cluster, "huge-lease", currentLeaseTime=10**12)
    async with console(cluster, poll_interval=600) as (_, app, pilot, screen):
        table = screen.table
        for sort in ("started", "provider", "expires", "last_activity", "name"):
            table.set_sort(sort)
            await pilot.pause()  # painted in this order
            keys = table.keys()
            if sort in ("started", "provider"):  # newest first, the unparseable last
                assert [k[1] for k in keys if k[1] in ids] == ids
        local = {value: short_time(value) for value in EDGES}
        for (value, fallback), session_id in zip(EDGES.items(), ids):
            row = table.row_of(("lab", session_id))
            assert row is not None
            assert local[value] in table.row_text(row)
            if fallback is not None and tz != "UTC":
                assert local[value] == fallback
        row = table.row_of(("browsers", "huge-lease"))
        assert row is not None and table.row_text(row).endswith(">999d")
        assert "no sessions" not in screen_text(app)


# ---- row 7: bounded views ----------------------------------------------------------------------
BIG = 50 * 1024 * 1024


def big_session(provider: str = "ssh") -> Session:
    """One 50 MB session: a 50 MB name and target, and a raw holding 100,000 items and a 50 MB string."""
    blob = "n" * BIG
    return Session(
        provider=provider,
        kind="vsay",
        id="huge",
        name="findme " + blob,
        status="active",
        target="t" * BIG,
        user="u",
        started_at="2035-03-02T09:00:00Z",
        raw={"items": list(range(100_000)), "blob": blob, "last": "the end"},
    )


def test_the_detail_of_a_50_mb_session_is_bounded_and_says_what_was_cut() -> None:
    session = big_session()
    tracemalloc.start()
    try:
        text = detail_text(session, rich=session).plain
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(text) < 4 * RAW_LIMIT
    left = int(re.search(r"\(([\d,]+) more items\)", text).group(1).replace(",", ""))  # type: ignore[union-attr]
    assert 100_000 - RAW_LIMIT // 4 < left < 100_000  # the list was ended, saying how much it left out
    assert "(2 more keys)" in text  # and the object, once the budget was spent
    assert session.name is not None and f"{len(session.name) - 1000:,} more characters" in text  # the name, bounded
    blob = raw_view({"blob": session.raw["blob"]})
    cut = int(re.search(r"\(([\d,]+) more characters\)", blob).group(1).replace(",", ""))  # type: ignore[union-attr]
    assert BIG - RAW_LIMIT < cut < BIG and len(blob) < RAW_LIMIT + 100
    # Building it costs what is shown, not the session: nothing near the session's size is made.
    assert peak < 2 * 1024 * 1024, peak


async def test_a_50_mb_session_filtered_to_with_the_detail_pane_open_stays_bounded() -> None:
    """Row 7: the console froze two minutes on this. The table cell, the filter's text and the
    detail pane are bounded: what the console makes for the session is a small fraction of it."""
    async with console(poll_interval=600, size=(200, 50)) as (_, app, pilot, screen):
        session = big_session()
        tracemalloc.start()
        try:
            snapshot = Snapshot(provider="ssh", kind="vsay").succeeded([session], FIXED.timestamp(), 0.01)
            screen.apply_snapshot(snapshot)
            await pilot.press("slash", *"findme", "enter")
            await wait_for(pilot, lambda: screen.table.row_count == 1, "the table filtered to it")
            screen.action_detail()
            await pilot.pause(0.5)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert screen.table.keys() == [session.key]
        assert len(screen.table.row_text(0)) < 2000
        assert screen.detail.session == session
        shown = screen_text(app)
        assert "findme nnnn" in shown
        assert peak < 32 * 1024 * 1024, peak  # the session holds 150 MB
