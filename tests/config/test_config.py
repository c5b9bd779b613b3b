"""The config file: every mistake at once, each naming its key and the fix; secrets never echoed."""

from __future__ import annotations

from pathlib import Path

import pytest

from sessionboard.config import ConfigError, find_config, load_config, parse_config
from sessionboard.config.models import DEFAULT_KEYS, EXTRA_KEYS

ROOT = Path(__file__).resolve().parents[2]


def problems(data) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_config(data)
    return info.value.problems


def test_example_config_loads_all_five_kinds(monkeypatch):
    for name in ("RUFUS_API_KEY", "LAB_TOKEN", "VSAY_TOKEN", "AGENTS_TOKEN", "TASKNET_KEY", "TASKNET_ENV_ID",
                 "TASKNET_ENV_SECRET"):
        monkeypatch.setenv(name, f"value-of-{name}")
    config = load_config(ROOT / "config.example.toml")
    assert [p.kind for p in config.providers] == ["rufus", "devices", "vsay", "agents", "tasknet"]
    assert config.providers[0].auth_headers() == {"x-api-key": "value-of-RUFUS_API_KEY"}
    assert config.providers[4].auth_headers() == {"X-Api-Key": "value-of-TASKNET_KEY"}
    assert config.providers[2].auth_headers() == {"Authorization": "Bearer value-of-VSAY_TOKEN"}
    assert config.poll_interval(config.providers[0]) == 10.0
    assert config.poll_interval(config.providers[1]) == 5.0


def test_every_problem_at_once_with_place_and_fix():
    found = problems({
        "app": {"poll_interval": 0.1, "colour": "red"},
        "providers": [
            {"name": "a", "kind": "vsay2", "base_url": "http://x"},
            {"name": "b", "kind": "rufus", "base_url": "http://x"},
            {"name": "c", "kind": "tasknet", "base_url": "http://x", "mode": "live", "devices": ["x"]},
        ],
    })
    assert "providers[0].kind: 'vsay2' is not one of rufus, devices, vsay, agents, tasknet" in found
    assert "providers[1].devices: required; add it" in found
    assert any(p.startswith("providers[2].devices: unknown key") for p in found)
    assert any(p.startswith("app.poll_interval: input should be greater than or equal to 0.5") for p in found)
    assert any(p.startswith("app.colour: unknown key") for p in found)
    assert len(found) == 5


def test_unset_env_variable_is_a_problem_naming_the_variable(monkeypatch):
    monkeypatch.delenv("NOPE_KEY", raising=False)
    [problem] = problems({"providers": [{"name": "a", "kind": "agents", "base_url": "http://x", "api_key": "env:NOPE_KEY"}]})
    assert problem == "providers[0].api_key: environment variable NOPE_KEY is not set; export it, or write the key here"


def test_file_secret_reads_the_first_line(tmp_path):
    (tmp_path / "key").write_text("s3cret\nsecond line\n")
    config = parse_config({"providers": [{"name": "a", "kind": "agents", "base_url": "http://x",
                                          "api_key": f"file:{tmp_path / 'key'}"}]})
    assert config.providers[0].auth_headers() == {"Authorization": "Bearer s3cret"}
    assert "s3cret" not in repr(config) and "s3cret" not in str(config.providers[0])


def test_missing_secret_file(tmp_path):
    [problem] = problems({"providers": [{"name": "a", "kind": "agents", "base_url": "http://x",
                                         "api_key": f"file:{tmp_path / 'nope'}"}]})
    assert "cannot read secret file" in problem and "check the path" in problem


def test_a_secret_of_the_wrong_type_is_not_echoed():
    found = problems({"providers": [{"name": "a", "kind": "agents", "base_url": "http://x", "api_key": 12345678}]})
    assert found and all("12345678" not in p for p in found)


def test_duplicate_names_and_keys():
    found = problems({
        "providers": [{"name": "a", "kind": "agents", "base_url": "http://x"},
                      {"name": "a", "kind": "agents", "base_url": "http://y"}],
        "keys": {"close": "r", "explode": "z"},
    })
    assert any("providers[1].name: 'a' is already the name of providers[0]" in p for p in found)
    assert "keys.close: 'r' is already bound to refresh; choose another key" in found
    assert any(p.startswith("keys.explode: unknown action") for p in found)


def test_keys_rebind():
    config = parse_config({"keys": {"close": "ctrl+d"}})
    assert config.keys == {**DEFAULT_KEYS, **EXTRA_KEYS, "close": "ctrl+d"}


def test_invalid_toml_is_one_line(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("[app\npoll_interval = 1")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    [line] = info.value.lines()
    assert line.startswith(f"{path}: not valid TOML")


def test_lookup_order(tmp_path, monkeypatch):
    explicit = tmp_path / "explicit.toml"
    from_env = tmp_path / "env.toml"
    monkeypatch.setenv("SESSIONBOARD_CONFIG", str(from_env))
    assert find_config(str(explicit)) == explicit
    assert find_config(None) == from_env
    monkeypatch.delenv("SESSIONBOARD_CONFIG")
    monkeypatch.setattr("sessionboard.config.paths.user_config_dir", lambda: tmp_path / "cfgdir")
    assert find_config(None) is None
    (tmp_path / "cfgdir").mkdir()
    (tmp_path / "cfgdir" / "config.toml").write_text("")
    assert find_config(None) == tmp_path / "cfgdir" / "config.toml"


def test_endpoint_keys_are_rebindable_and_clashes_are_caught():
    config = parse_config({"keys": {"logs": "L", "stats": "ctrl+s"}})
    assert config.keys["logs"] == "L" and config.keys["stats"] == "ctrl+s" and config.keys["vnc_copy"] == "y"
    found = problems({"keys": {"close": "l"}})
    assert found == ["keys.close: 'l' is already bound to logs; choose another key"]
