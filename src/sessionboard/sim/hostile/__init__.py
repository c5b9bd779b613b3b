"""A hostile simulator: the five session APIs as an attacker controlling a provider would run
them, one named scenario per row of issue 14 ("provider data is untrusted").

`HostileServer(scenario)` serves every kind (or the kinds named) with that scenario's sessions
and answers in the kind's real envelopes, and records each request as it arrived (raw path,
query, headers, body). `python -m sessionboard.sim.hostile --scenario NAME` serves one by hand and
prints a config for it, so each row can be tried in tmux.
"""

from sessionboard.sim.hostile.scenarios import (
    ANCIENT_TIMES,
    C1_CSI,
    CLEAR_SCREEN,
    CONTROL_TEXT,
    MARKUP_CLOSE,
    MARKUP_QUIT,
    OSC_CLIPBOARD,
    OSC_TITLE,
    PATH_IDS,
    SCENARIOS,
    Options,
    Scenario,
    proxycommand_hosts,
)
from sessionboard.sim.hostile.server import HostileServer, Seen
from sessionboard.sim.hostile.wire import KINDS, MISSING, RUFUS_DEVICES, WIRES

__all__ = [
    "ANCIENT_TIMES",
    "C1_CSI",
    "CLEAR_SCREEN",
    "CONTROL_TEXT",
    "HostileServer",
    "KINDS",
    "MARKUP_CLOSE",
    "MARKUP_QUIT",
    "MISSING",
    "OSC_CLIPBOARD",
    "OSC_TITLE",
    "Options",
    "PATH_IDS",
    "RUFUS_DEVICES",
    "SCENARIOS",
    "Scenario",
    "Seen",
    "WIRES",
    "proxycommand_hosts",
]
