"""How `sessionboard demo` starts, in a fresh interpreter as a user's would: its board is painted
from the generated config's outline before pydantic is imported and with the garbage collector
paused; the config is validated and the collector back on (start-up's objects frozen) by the
time the board says it is shown, and both stay so while the sessions come in."""

from __future__ import annotations

import json
import subprocess
import sys

from sessionboard.config import GeneratedConfig, parse_config
from sessionboard.sim.layout import POLL_INTERVAL, provider_tables, session_counts

PROGRAM = r"""
import gc, json, sys
from sessionboard.ui.demo import run_demo

seen = {}

def app_class():
    from sessionboard.ui.app import SessionboardApp
    from sessionboard.ui.screens.main import MainScreen

    class Probe(SessionboardApp):
        def on_main_screen_shown(self, message):
            self.call_next(self.record_shown)  # after the app's own handler (Textual calls both)

        def record_shown(self):
            seen["shown"] = {
                "pydantic": "pydantic" in sys.modules, "gc": gc.isenabled(), "frozen": gc.get_freeze_count(),
                "config": type(self.config).__name__,
            }

        def _display(self, screen, renderable):
            super()._display(screen, renderable)
            if renderable is None or not isinstance(screen, MainScreen):
                return
            seen.setdefault("first frame", {
                "pydantic": "pydantic" in sys.modules, "gc": gc.isenabled(),
                "providers": len(screen.providers), "rows": len(screen.statuses),
            })
            if all(screen.table.count(name) for name in screen.statuses):
                seen["sessions"] = {"gc": gc.isenabled(), "rows": screen.table.row_count}
                self.exit()

        def run(self, **kwargs):
            return super().run(headless=True, size=(200, 50))

    return Probe

status = run_demo(app_class=app_class, sessions=3)
print(json.dumps({"status": status, "gc after": gc.isenabled(), **seen}))
"""


def test_the_demo_paints_before_pydantic_and_collects_after_its_first_screen() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROGRAM], capture_output=True, text=True, timeout=120, check=True
    ).stdout
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen["status"] == 0
    assert seen["first frame"] == {"pydantic": False, "gc": False, "providers": 0, "rows": 5}
    assert seen["shown"]["pydantic"] and seen["shown"]["gc"] and seen["shown"]["frozen"] > 0
    assert seen["shown"]["config"] == "Config"  # validated, as a user's file is before it starts
    assert seen["sessions"]["gc"] and seen["sessions"]["rows"] > 0
    assert seen["gc after"]


def test_a_generated_configs_outline_is_the_validated_configs() -> None:
    counts = session_counts(1, 2)
    tables = provider_tables(8080, dict.fromkeys(counts, "key"), counts)
    for table in tables:
        if table["kind"] == "devices":
            table["organization"] = ["acme", "globex"]
        if table["kind"] == "vsay":
            table["ssh"] = {"port": 2222, "username": "ops", "known_hosts": "/tmp/kh", "client_keys": []}
    data = {"app": {"poll_interval": POLL_INTERVAL, "theme": "sessionboard-light"}, "providers": tables,
            "keys": {"refresh": "R"}}
    generated = GeneratedConfig(data)
    assert generated.outline() == parse_config(data).outline() == generated.validate().outline()
    outline = generated.outline()
    assert [p.kind for p in outline.providers] == ["rufus", "devices", "vsay", "agents", "tasknet"]
    assert next(p.organization for p in outline.providers if p.kind == "devices") == "acme"
    assert outline.keys["refresh"] == "R" and outline.theme == "sessionboard-light"
