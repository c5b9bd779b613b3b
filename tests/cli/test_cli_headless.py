"""Issue 15, the headless side (items 11-14): create fields in the help, fields that must be chosen,
`list` with providers down, `--json` and `sessionboard:` everywhere, `sessionboard init`. Every
command runs in a subprocess against `sessionboard simulate` on loopback."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import httpx
import pytest

from tests.cli.conftest import run_cli

ROOT = Path(__file__).resolve().parents[2]
NAMES = ("timing", "lab", "ssh", "agents", "browsers")


def sim_url(sim, name: str) -> str:
    return next(p["base_url"] for p in tomllib.loads(sim.config_text)["providers"] if p["name"] == name)


def requests_seen(sim, name: str) -> list[list[str]]:
    return httpx.get(f"{sim_url(sim, name)}/__sim__/requests", timeout=5).json()


def error_lines(stderr: str) -> list[str]:
    lines = stderr.splitlines()
    assert lines and all(line.startswith("sessionboard: ") for line in lines), stderr
    return lines


# -- item 11: the create fields ------------------------------------------------------------------
def test_fields_lists_each_field_with_type_required_choices_default_and_help(sim):
    result = run_cli("fields", "browsers", "--config", str(sim.config_path))
    assert result.returncode == 0, result.stderr
    title, header, *rows, example = result.stdout.splitlines()
    assert title == "create fields of browsers (tasknet), given as KEY=VALUE:"
    assert header.split() == ["FIELD", "TYPE", "REQUIRED", "DEFAULT", "HELP"]
    table = {row.split()[0]: row.split(None, 4) for row in rows}
    assert table["leaseTime"][1:4] == ["whole", "number", "1-60"] and table["leaseTime"][4].startswith("yes")
    assert table["driver"][:4] == ["driver", "puppeteer|api", "yes", "-"]
    assert table["isVncEnabled"][:4] == ["isVncEnabled", "true|false", "no", "true"]
    assert table["vncMode"][:4] == ["vncMode", "rw|ro", "no", "rw"]
    assert "sent as a header" in table["fingerprintSecret"][-1]
    assert example == "e.g. sessionboard create browsers leaseTime=... driver=..."


def test_fields_json_and_the_other_kinds(sim):
    config = str(sim.config_path)
    fields = json.loads(run_cli("fields", "browsers", "--json", "--config", config).stdout)
    lease = next(f for f in fields if f["name"] == "leaseTime")
    assert lease == {**lease, "type": "int", "required": True, "default": None, "minimum": 1, "maximum": 60}
    assert next(f for f in fields if f["name"] == "driver")["choices"] == ["puppeteer", "api"]
    must = {name: [f["name"] for f in json.loads(run_cli("fields", name, "--json", "--config", config).stdout)
                   if f["required"]] for name in ("timing", "ssh", "agents", "browsers")}
    assert must == {"timing": ["deviceid"], "ssh": ["machine_id"], "agents": ["agentId"],
                    "browsers": ["leaseTime", "driver"]}
    cannot = run_cli("fields", "lab", "--config", config)
    assert cannot.returncode == 1 and cannot.stderr == "sessionboard: lab: a devices provider cannot create\n"


def test_an_agent_id_in_the_config_is_the_default(sim, tmp_path):
    text = sim.config_text.replace('name = "agents"\n', 'name = "agents"\nagent_id = "agent-7"\n', 1)
    assert "agent-7" in text
    path = tmp_path / "agent.toml"
    path.write_text(text)
    fields = json.loads(run_cli("fields", "agents", "--json", "--config", str(path)).stdout)
    assert fields[0]["name"] == "agentId" and fields[0]["default"] == "agent-7" and not fields[0]["required"]


def test_create_help_shows_the_fields_of_NAME(sim):
    result = run_cli("create", "browsers", "--help", "--config", str(sim.config_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: sessionboard create")
    assert "sessionboard fields NAME" in result.stdout
    assert "create fields of browsers (tasknet)" in result.stdout
    assert any(line.split()[:3] == ["driver", "puppeteer|api", "yes"] for line in result.stdout.splitlines())
    bare = run_cli("create", "--help", "--config", str(sim.config_path))
    assert bare.returncode == 0 and "Give NAME to list its fields" in bare.stdout
    top = run_cli("--help")
    assert " fields " in top.stdout and " init " in top.stdout


@pytest.mark.parametrize(
    ("name", "missing"),
    [("browsers", ["leaseTime", "driver"]), ("timing", ["deviceid"]), ("ssh", ["machine_id"]), ("agents", ["agentId"])],
)
def test_create_without_the_fields_to_choose_sends_nothing_and_names_them(sim, name, missing):
    httpx.delete(f"{sim_url(sim, name)}/__sim__/requests", timeout=5).raise_for_status()
    result = run_cli("create", name, "--config", str(sim.config_path))
    assert result.returncode == 2
    [line] = error_lines(result.stderr)
    assert line == (f"sessionboard: {name}: " + "; ".join(f"{m}: required" for m in missing)
                    + f" (its fields: sessionboard fields {name})")
    assert [m for m, _ in requests_seen(sim, name) if m != "GET"] == []
    assert result.stdout == ""


def test_create_with_the_chosen_fields_uses_the_other_defaults(sim):
    result = run_cli("create", "browsers", "leaseTime=7", "driver=api", "--json", "--config", str(sim.config_path))
    assert result.returncode == 0, result.stderr
    raw = json.loads(result.stdout)["raw"]
    assert raw["currentLeaseTime"] == 7 and raw["driver"] == "api" and raw["isVncEnabled"] is True


# -- item 12: every provider down -----------------------------------------------------------------
def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("as_json", [False, True])
def test_every_provider_down_prints_nothing_on_stdout(sim, tmp_path, as_json):
    port = sim_url(sim, "timing").split(":")[2].split("/")[0]
    down = tmp_path / "down.toml"
    down.write_text(sim.config_text.replace(f"127.0.0.1:{port}/", f"127.0.0.1:{_closed_port()}/"))
    result = run_cli("list", *(["--json"] if as_json else []), "--config", str(down))
    assert result.returncode == 1
    assert result.stdout == ""
    lines = error_lines(result.stderr)
    assert sorted(line.split(":")[1].strip() for line in lines) == sorted(NAMES)
    assert all("cannot connect" in line for line in lines)


def test_some_down_still_lists_the_others_as_a_json_array_of_sessions(sim, tmp_path):
    port = sim_url(sim, "timing").split(":")[2].split("/")[0]
    text = sim.config_text.replace(f"127.0.0.1:{port}/agents", f"127.0.0.1:{_closed_port()}/agents")
    half = tmp_path / "half.toml"
    half.write_text(text)
    result = run_cli("list", "--json", "--config", str(half))
    assert result.returncode == 1
    sessions = json.loads(result.stdout)
    assert isinstance(sessions, list) and {s["provider"] for s in sessions} == set(NAMES) - {"agents"}
    [line] = error_lines(result.stderr)
    assert line.startswith("sessionboard: agents: cannot connect")
    table = run_cli("list", "--config", str(half))
    assert table.returncode == 1 and table.stdout.startswith("PROVIDER") and "no sessions" not in table.stdout


# -- item 13: --json everywhere, `sessionboard:` on every error line -------------------------------
def test_every_verb_that_prints_data_has_json(sim):
    config = str(sim.config_path)
    created = json.loads(run_cli("create", "browsers", "leaseTime=9", "driver=api", "--json", "--config", config).stdout)
    sid = created["id"]
    extended = run_cli("extend", "browsers", sid, "--minutes", "50", "--json", "--config", config)
    assert extended.returncode == 0, extended.stderr
    assert json.loads(extended.stdout) == {**json.loads(extended.stdout), "provider": "browsers", "id": sid, "ok": True}
    closed = run_cli("close", "browsers", sid, "--json", "--config", config)
    assert json.loads(closed.stdout) == {"provider": "browsers", "id": sid, "ok": True, "message": f"session {sid} terminated"}
    report = json.loads(run_cli("check", "--json", "--config", config).stdout)
    assert [r["provider"] for r in report] == list(NAMES) and all(r["ok"] and r["error"] is None for r in report)
    vsay = next(s for s in json.loads(run_cli("list", "--json", "--provider", "ssh", "--config", config).stdout))
    # A live session's log grows between the two reads: the alias's answer starts with the first one.
    first = json.loads(run_cli("logs", "ssh", vsay["id"], "--json", "--config", config).stdout)
    second = json.loads(run_cli("logs", "ssh", vsay["id"], "--format", "json", "--config", config).stdout)
    assert first and second[: len(first)] == first
    assert "total_sessions" in json.loads(run_cli("stats", "ssh", "--json", "--config", config).stdout)
    assert "create" in json.loads(run_cli("capabilities", "--json").stdout)["tasknet"]
    assert set(json.loads(run_cli("locate", "--json").stdout)) == {"config", "config_dir", "themes_dir", "state_file"}


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["list", "--bogus"], "sessionboard: unrecognized arguments: --bogus (see: sessionboard --help)"),
        (["close", "browsers"], "sessionboard: close: the following arguments are required: ID"
                                " (see: sessionboard close --help)"),
        (["create"], "sessionboard: create: give the provider NAME (sessionboard create NAME KEY=VALUE...;"
                     " --help lists its fields)"),
        (["stats", "ssh", "--period", "year"], "sessionboard: stats: argument --period: invalid choice: 'year'"
                                               " (choose from * (see: sessionboard stats --help)"),
        (["close", "nosuch", "x"], "sessionboard: unknown provider nosuch; configured: " + ", ".join(NAMES)),
    ],
)
def test_usage_errors_are_one_sessionboard_line_and_exit_2(sim, args, expected):
    result = run_cli(*args, "--config", str(sim.config_path))
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    head, star, tail = expected.partition("*")  # argparse words its choices by Python version
    assert line == expected if not star else (line.startswith(head) and line.endswith(tail))


def test_version_is_data_on_stdout():
    result = run_cli("--version")
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.startswith("sessionboard ") and result.stdout.count("\n") == 1


def test_a_missing_config_says_init(tmp_path):
    result = run_cli("list", env={"XDG_CONFIG_HOME": str(tmp_path), "SESSIONBOARD_CONFIG": ""})
    assert result.returncode == 2
    [line] = error_lines(result.stderr)
    assert "`sessionboard init` writes a starting one to " + str(tmp_path / "sessionboard" / "config.toml") in line


# -- item 14: sessionboard init ---------------------------------------------------------------------
def test_the_shipped_example_is_the_repositorys():
    from sessionboard.cli.init import example_text

    assert example_text() == (ROOT / "config.example.toml").read_text(), (
        "src/sessionboard/cli/config.example.toml (what `sessionboard init` writes) must equal the top-level "
        "config.example.toml: copy the top-level file over it"
    )


def test_init_writes_the_example_0600_where_the_config_is_read(tmp_path):
    env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg"), "SESSIONBOARD_CONFIG": ""}
    target = tmp_path / "xdg" / "sessionboard" / "config.toml"
    result = subprocess.run(
        [sys.executable, "-m", "sessionboard", "init"], capture_output=True, text=True, timeout=60,
        stdin=subprocess.DEVNULL, env={**os.environ, **env}, preexec_fn=lambda: os.umask(0),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"wrote {target} (mode 0600): fill in your providers, then run `sessionboard check`\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # even with umask 0
    assert target.read_text() == (ROOT / "config.example.toml").read_text()
    located = json.loads(run_cli("locate", "--json", env=env).stdout)
    assert located["config"] == str(target)


def test_the_written_config_loads_once_its_secrets_are_there(tmp_path, monkeypatch):
    from sessionboard.config import load_config

    target = tmp_path / "c.toml"
    assert run_cli("init", "--config", str(target)).returncode == 0
    for name in ("RUFUS_API_KEY", "LAB_TOKEN", "VSAY_TOKEN", "AGENTS_TOKEN", "TASKNET_KEY", "TASKNET_ENV_ID",
                 "TASKNET_ENV_SECRET"):
        monkeypatch.setenv(name, "x")
    assert [p.name for p in load_config(target).providers] == list(NAMES)


def test_init_refuses_to_overwrite_a_file_or_a_symlink(tmp_path):
    target = tmp_path / "mine.toml"
    target.write_text("# my own config\n")
    os.chmod(target, 0o640)
    result = run_cli("init", "--config", str(target))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"sessionboard: {target} already exists; it was left as it is (edit it, or give --config NEWPATH)"]
    assert target.read_text() == "# my own config\n" and stat.S_IMODE(target.stat().st_mode) == 0o640
    link = tmp_path / "link.toml"
    link.symlink_to(tmp_path / "elsewhere.toml")  # dangling: following it would create elsewhere.toml
    assert run_cli("init", env={"SESSIONBOARD_CONFIG": str(link)}).returncode == 1
    assert link.is_symlink() and not (tmp_path / "elsewhere.toml").exists()


def test_init_that_cannot_write_says_so_in_one_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = run_cli("init", "--config", str(blocker / "config.toml"))
    assert result.returncode == 1
    [line] = error_lines(result.stderr)
    assert line.startswith(f"sessionboard: cannot write {blocker / 'config.toml'}: ")
