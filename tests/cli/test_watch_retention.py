"""`watch` keeps ended sessions as the console does ([app] keep_ended), so a watch left running
for days stays flat: its pollers are built with the config's retention, not the defaults."""

from __future__ import annotations

from sessionboard.cli.watch import _Pollers
from sessionboard.config import parse_config
from sessionboard.poller import KeepEnded


def test_watch_pollers_keep_the_configs_keep_ended() -> None:
    config = parse_config(
        {
            "app": {"keep_ended": {"minutes": 7, "count": 3}},
            "providers": [{"name": "b", "kind": "tasknet", "base_url": "http://127.0.0.1:9", "mode": "live"}],
        }
    )
    pollers = _Pollers(config, lambda snapshot: None).group.pollers
    assert [p.retention.keep for p in pollers.values()] == [KeepEnded(7, 3)]
