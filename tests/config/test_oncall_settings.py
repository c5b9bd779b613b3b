"""Issue 17's settings: read_only ([app] and per provider), notify ([app] and per provider),
expiring_within, bell and audit, with their defaults and each mistake named."""

from __future__ import annotations

import pytest

from sessionboard.actions import ReadOnlyGate
from sessionboard.config import ConfigError, parse_config

AGENTS = {"name": "a", "kind": "agents", "base_url": "http://x", "api_key": "k"}


def problems(data) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_config(data)
    return info.value.problems


def test_defaults():
    config = parse_config({"providers": [AGENTS]})
    app = config.app
    assert (app.read_only, app.notify, app.expiring_within, app.bell, app.audit) == (
        False, ["expiring"], 5.0, False, "best-effort"
    )
    assert (config.providers[0].read_only, config.providers[0].notify) == (False, None)


def test_values_taken():
    config = parse_config({
        "app": {"read_only": True, "notify": [], "expiring_within": 2.5, "bell": True, "audit": "required"},
        "providers": [{**AGENTS, "read_only": True, "notify": ["appeared", "ended", "expiring"]}],
    })
    assert config.app.notify == [] and config.app.audit == "required" and config.app.expiring_within == 2.5
    assert config.providers[0].notify == ["appeared", "ended", "expiring"]


def test_each_mistake_is_named():
    found = problems({
        "app": {"notify": ["appeared", "exploded"], "expiring_within": 0, "audit": "sometimes", "bell": "loud"},
        "providers": [{**AGENTS, "read_only": "maybe", "notify": "ended"}],
    })
    assert "app.notify[1]: 'exploded' is not one of appeared, ended, expiring" in found
    assert any(p.startswith("app.expiring_within: input should be greater than 0") for p in found)
    assert "app.audit: 'sometimes' is not one of best-effort, required" in found
    assert any(p.startswith("app.bell: input should be a valid boolean") for p in found)
    assert any(p.startswith("providers[0].read_only: input should be a valid boolean") for p in found)
    assert any(p.startswith("providers[0].notify: input should be a valid list") for p in found)
    assert len(found) == 6
    assert any(p.startswith("app.expiring_within") for p in problems({"app": {"expiring_within": float("inf")}}))


def test_the_gate_names_why_each_provider_is_read_only():
    config = parse_config({"providers": [
        AGENTS, {**AGENTS, "name": "ro", "read_only": True}, {**AGENTS, "name": "keyless", "api_key": None},
    ]})
    gate = ReadOnlyGate(config)
    assert [gate.refusal(p) for p in config.providers] == [
        None, "ro is read-only (read_only = true)", "keyless is read-only (no api_key to write with)"
    ]
    assert not gate.everything
    flagged = ReadOnlyGate(config, flag=True)
    assert flagged.everything and flagged.refusal(config.providers[0]) == "a is read-only (--readonly)"
    everything = ReadOnlyGate(parse_config({"app": {"read_only": True}, "providers": [AGENTS]}))
    assert everything.everything and everything.reason(config.providers[0]) == "[app] read_only"
