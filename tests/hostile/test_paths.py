"""Row 8: an id put in a URL is one percent-encoded path segment. `a#frag` must not become
session `a`, `../../../admin/x` must not leave the API, `a?force=true` must add no query; the
server's record of the raw path is the proof, for every verb that puts an id in a path."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import pytest

from sessionboard.model import Capability
from sessionboard.sim.hostile import PATH_IDS, HostileServer, Seen
from sessionboard.sim.layout import MOUNTS
from sessionboard.ui.screens.confirm import ConfirmScreen
from tests.hostile.helpers import NAME, hostile_console, run_cli, server_for, until, write_config

CLOSE = {
    "rufus": ("PATCH", ["sessions", "close"]),
    "vsay": ("DELETE", ["sessions"]),
    "agents": ("DELETE", ["api", "active-sessions"]),
    "tasknet": ("DELETE", ["live", "v1", "sessions"]),
}
GET = {
    "rufus": ["sessions"],
    "devices": ["api", "v1", "sessions"],
    "vsay": ["sessions"],
    "tasknet": ["live", "v1", "sessions"],
}
ROW_IDS = ("a#frag", "../../../admin/x", "a?force=true")


def segments(seen: Seen, kind: str) -> list[str] | None:
    """The decoded segments of a request under `kind`'s mount, or None when it left the mount."""
    mount = MOUNTS[kind]
    if not seen.path.startswith(mount + "/"):
        return None
    return [unquote(part) for part in seen.path[len(mount) + 1:].split("/")]


def sent_as_one_segment(server: HostileServer, kind: str, method: str, head: list[str], session_id: str,
                        tail: list[str] | None = None, query: str = "") -> bool:
    """Whether a request went to exactly these segments with exactly this query (nothing of the
    id leaked into the query)."""
    return any(
        s.method == method and s.query == query and segments(s, kind) == [*head, session_id, *(tail or [])]
        for s in server.seen
    )


def strays(server: HostileServer) -> list[str]:
    """Requests that reached no API at all (a path that climbed out of its mount)."""
    return [s.line for s in server.seen if not any(s.path.startswith(m + "/") for m in MOUNTS.values())]


@pytest.fixture(scope="module")
def path_server():
    with HostileServer("path-ids") as server:
        yield server


@pytest.mark.parametrize("kind", sorted(CLOSE))
@pytest.mark.parametrize("session_id", ROW_IDS)
def test_cli_close_sends_the_id_as_one_segment(path_server: HostileServer, tmp_path: Path, kind: str,
                                               session_id: str) -> None:
    config = write_config(path_server, tmp_path)
    path_server.seen.clear()
    ran = run_cli("close", NAME[kind], session_id, "--config", str(config))
    method, head = CLOSE[kind]
    assert sent_as_one_segment(path_server, kind, method, head, session_id), [s.line for s in path_server.seen]
    assert strays(path_server) == []
    assert ran.returncode == 0, ran  # the session with that very id was closed


@pytest.mark.parametrize("session_id", sorted(set(PATH_IDS) - set(ROW_IDS)))
def test_cli_close_sends_other_path_like_ids_as_one_segment(path_server: HostileServer, tmp_path: Path,
                                                            session_id: str) -> None:
    config = write_config(path_server, tmp_path)
    path_server.seen.clear()
    run_cli("close", "ssh", session_id, "--config", str(config))
    assert sent_as_one_segment(path_server, "vsay", "DELETE", ["sessions"], session_id), \
        [s.line for s in path_server.seen]
    assert strays(path_server) == []


def test_cli_logs_and_extend_send_the_id_as_one_segment(tmp_path: Path) -> None:
    with HostileServer("path-ids") as path_server:  # its own: the close tests end the shared one's sessions
        config = str(write_config(path_server, tmp_path))
        run_cli("logs", "ssh", "a?force=true", "--config", config)
        run_cli("extend", "browsers", "a#frag", "--minutes", "60", "--config", config)  # longer: nothing refused
    assert sent_as_one_segment(path_server, "vsay", "GET", ["sessions"], "a?force=true", ["logs"], "format=text")
    assert sent_as_one_segment(path_server, "tasknet", "PATCH", ["live", "v1", "sessions"], "a#frag")
    assert strays(path_server) == []


async def test_console_get_and_close_send_every_id_as_one_segment() -> None:
    server = server_for("path-ids")
    # No toasts: 35 confirm dialogs remount every live toast, and a toast mounted as it expires
    # sets a Textual timer with a negative delay, which spins the event loop forever.
    async with hostile_console(server, notifications=False) as board:
        screen, pilot, app = board.screen, board.pilot, board.app
        await pilot.press("a")
        keys = [k for k in screen.table.keys() if k[1] in PATH_IDS]
        assert len(keys) == len(PATH_IDS) * 5
        for key in keys:
            provider = screen.providers[key[0]]
            assert screen.table.select_key(key)
            if provider.can(Capability.GET):
                detail = screen.detail
                await until(pilot, lambda: detail.session is not None and detail.session.key == key
                            and (detail.rich is not None or detail.note is not None), "the detail's get")
                assert sent_as_one_segment(server, provider.kind, "GET", GET[provider.kind], key[1]), key
            if provider.can(Capability.CLOSE):
                await pilot.press("x")
                await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the confirm dialog")
                await pilot.press("y")
                await until(pilot, lambda: screen.last_result is not None and screen.last_result.session == key,
                            "the close to end")
                method, head = CLOSE[provider.kind]
                assert sent_as_one_segment(server, provider.kind, method, head, key[1]), key
                assert screen.last_result is not None and screen.last_result.ok, screen.last_result
        assert strays(server) == []
