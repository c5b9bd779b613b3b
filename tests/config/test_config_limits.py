"""Row 20 of issue 14: what the config takes is bounded. Numbers are finite, key names are keys
(as Textual names them, compared after normalising), and a file too deep or too large is one
line with exit status 2, never a RecursionError, a traceback or the machine's memory."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest
from textual.keys import KEY_ALIASES, KEY_NAME_REPLACEMENTS, Keys

from sessionboard.config import ConfigError, load_config, parse_config
from sessionboard.config import keys as config_keys
from sessionboard.config.loader import MAX_DEPTH
from sessionboard.config.keys import normalize_key


def load_problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    return info.value.problems


def problems(data: dict) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_config(data)
    return info.value.problems


AGENTS = '[[providers]]\nname = "a"\nkind = "agents"\nbase_url = "http://x"\n'


@pytest.mark.parametrize("value", ["inf", "+inf", "-inf", "nan", "-nan"])
def test_non_finite_numbers_are_refused_everywhere_a_float_is_taken(tmp_path: Path, value: str) -> None:
    found = load_problems(
        tmp_path,
        f"[app]\ntimeout = {value}\npoll_interval = {value}\n\n{AGENTS}poll_interval = {value}\n"
        f"stale_after_seconds = {value}\n",
    )
    places = sorted(problem.split(":")[0] for problem in found)
    assert places == ["app.poll_interval", "app.timeout", "providers[0].poll_interval", "providers[0].stale_after_seconds"]
    assert all("must be a finite number" in problem for problem in found), found


def test_a_timeout_too_large_for_a_socket_is_refused() -> None:
    found = problems({"app": {"timeout": 1e300, "poll_interval": 1e300}})
    assert any(p.startswith("app.timeout: input should be less than or equal to 3600") for p in found), found
    assert any(p.startswith("app.poll_interval: input should be less than or equal to 86400") for p in found), found


@pytest.mark.parametrize(
    "keys,expected",
    [
        ({"close": "/"}, "keys.close: '/' (slash) is already bound to filter; choose another key"),
        ({"close": "?"}, "keys.close: '?' (question_mark) is already bound to help; choose another key"),
        ({"close": "R"}, None),  # a letter's case is its own key: R is shift+r, not r
        ({"close": "ctrl+R", "refresh": "ctrl+r"}, "keys.refresh: 'ctrl+r' is already bound to close; choose another key"),
        ({"close": "ctrl+m"}, "keys.close: 'ctrl+m' is already bound to detail; choose another key"),  # enter's alias
        ({"close": "x,slash"}, "keys.close: 'x,slash' (slash) is already bound to filter; choose another key"),
    ],
)
def test_key_names_are_normalised_before_clashes_are_found(keys: dict[str, str], expected: str | None) -> None:
    if expected is None:
        assert parse_config({"keys": keys}).keys["close"] == keys["close"]
    else:
        assert problems({"keys": keys}) == [expected]


@pytest.mark.parametrize("key", ["enterr", "ctrl+foo", "bogus+a", "ctrl+ctrl+a", "ctrl+", "a,,b", "\x1b", "no such key"])
def test_a_key_name_that_is_no_key_is_refused(key: str) -> None:
    [problem] = problems({"keys": {"close": key}})
    assert problem.startswith("keys.close: ") and "write a key such as" in problem
    assert "\x1b" not in problem


@pytest.mark.parametrize(
    "written,named",
    [("/", "slash"), ("Ctrl+D", "ctrl+d"), ("F5", "f5"), ("?", "question_mark"), ("ctrl+]", "ctrl+right_square_bracket"),
     ("-", "minus"), ("hyphen_minus", "minus"), ("+", "plus"), (",", "comma"), ("S", "S"), ("pageup", "pageup"),
     ("number_sign", "number_sign"), ("alt+shift+left", "alt+shift+left")],
)
def test_keys_are_written_as_textual_names_them(written: str, named: str) -> None:
    assert normalize_key(written) == named


def test_the_console_is_given_the_normalised_names() -> None:
    config = parse_config({"keys": {"close": "Ctrl+D", "filter": "F5", "help": "#", "sort": "/"}})
    assert [config.keys[a] for a in ("close", "filter", "help", "sort")] == ["ctrl+d", "f5", "number_sign", "slash"]


def test_the_key_names_are_textuals() -> None:
    """The config checks keys without importing Textual; its copy of the names must be Textual's."""
    named = {value.split("+")[-1] for value in Keys if not value.startswith("<") and value != "ctrl-at"}
    named = {name for name in named if len(name) > 1}  # single characters are named as characters
    assert named == set(config_keys.NAMED_KEYS)
    assert config_keys.KEY_NAME_REPLACEMENTS == KEY_NAME_REPLACEMENTS
    assert config_keys.KEY_ALIASES == {alias: key for key, aliases in KEY_ALIASES.items() for alias in aliases}
    for key in [*config_keys.DEFAULT_KEYS.values(), *config_keys.EXTRA_KEYS.values()]:
        assert normalize_key(key) == key  # the defaults are written as Textual names them


DEEP = {
    "arrays": "a = " + "[" * 100_000 + "]" * 100_000 + "\n",
    "inline tables": "a = " + "{b = " * 100_000 + "1" + "}" * 100_000 + "\n",
    "dotted key": "[app]\n" + ".".join(["x"] * 100_000) + " = 1\n",
    "dotted table": "[" + ".".join(["x"] * 100_000) + "]\n",
    "just past the limit": "a = " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n",
}


@pytest.mark.parametrize("text", list(DEEP.values()), ids=list(DEEP))
def test_a_file_nested_too_deep_is_one_line(tmp_path: Path, text: str) -> None:
    assert load_problems(tmp_path, text) == [
        f"tables, arrays or keys nested more than {MAX_DEPTH} deep; this is not a sessionboard config"
    ]


def test_nesting_inside_strings_and_comments_is_text(tmp_path: Path) -> None:
    text = (
        "# " + "[" * 50 + " " + ".".join("abcdefghijklmnopqrstuvwxyz" * 2) + "\n"
        '[app]\ntheme = "x.' + "a." * 40 + "[" * 50 + '\\" ]"\n'
        f"{AGENTS}agent_id = \'\'\'\n" + "{" * 40 + "." * 40 + "\'\'\'\n"
    )
    config = load_config(_write(tmp_path, text))
    assert config.app.theme.endswith("[" * 50 + '" ]')
    assert config.providers[0].agent_id == "{" * 40 + "." * 40  # type: ignore[attr-defined]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_file_larger_than_a_megabyte_is_one_line(tmp_path: Path) -> None:
    assert load_problems(tmp_path, "# " + "x" * (1024 * 1024) + "\n") == [
        "larger than 1 MB; this is not a sessionboard config"
    ]


def test_a_device_is_never_read_to_its_end() -> None:
    with pytest.raises(ConfigError) as info:
        load_config(Path("/dev/zero"))
    assert info.value.problems == ["larger than 1 MB; this is not a sessionboard config"]


def _limited() -> None:
    """The child may use 1.5 GB: a parser gone quadratic fails there instead of taking the machine."""
    limit = 1536 * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@pytest.mark.parametrize("text", [DEEP["arrays"], DEEP["dotted key"], "# " + "x" * (2 * 1024 * 1024)], ids=["arrays", "dotted key", "large"])
def test_the_cli_says_one_line_and_exits_2(tmp_path: Path, text: str) -> None:
    path = _write(tmp_path, text)
    done = subprocess.run(
        [sys.executable, "-m", "sessionboard", "check", "--config", str(path)],
        capture_output=True, timeout=120, preexec_fn=_limited,
    )
    lines = done.stderr.decode().splitlines()
    assert done.returncode == 2, lines[-3:]
    assert len(lines) == 1 and lines[0].startswith(f"sessionboard: {path}: ")
    assert b"RecursionError" not in done.stderr and b"Traceback" not in done.stderr and done.stdout == b""


def test_keep_ended_is_bounded_and_checked() -> None:
    config = parse_config({"app": {"keep_ended": {"minutes": 15, "count": 50}}})
    assert (config.app.keep_ended.minutes, config.app.keep_ended.count) == (15, 50)
    assert (parse_config({}).app.keep_ended.minutes, parse_config({}).app.keep_ended.count) == (60, 200)
    found = problems({"app": {"keep_ended": {"minutes": float("inf"), "count": 0, "hours": 1}}})
    assert sorted(p.split(":")[0] for p in found) == ["app.keep_ended.count", "app.keep_ended.hours", "app.keep_ended.minutes"]
