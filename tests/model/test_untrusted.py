"""The one sanitizer: every terminal control in provider text becomes a visible escape."""

from __future__ import annotations

import json

import pytest

from sessionboard.model import is_safe, safe_json, safe_text

HOSTILE = [
    "\x1b]0;PWNED\x07",  # OSC 0: the window title
    "\x1b]52;c;UFdO\x07",  # OSC 52: the clipboard
    "\x1b[2J",  # wipe the screen
    "ok\rgone",  # CR: overwrite what was printed
    "ab\x08\x08",  # BS
    "\x9b2J",  # C1 CSI in one byte
    "\x7f",  # DEL
    "abc\u202edcba",  # bidi override
    "line\u2028sep",
    "\ud800",  # a lone surrogate, as JSON's \\ud800 decodes
]


@pytest.mark.parametrize("text", HOSTILE)
def test_every_control_becomes_a_visible_escape(text: str) -> None:
    shown = safe_text(text)
    assert is_safe(shown)
    assert all(ch.isprintable() for ch in shown), repr(shown)
    shown.encode("utf-8")  # a terminal can be sent it


def test_escapes_name_the_character() -> None:
    assert safe_text("\x1b]0;x\x07") == "\\x1b]0;x\\x07"
    assert safe_text("\x9b") == "\\x9b"
    assert safe_text("a\tb\nc\rd") == "a\\tb\\nc\\rd"
    assert safe_text("\u202e") == "\\u202e"


def test_multiline_keeps_newlines_and_tabs_but_not_cr() -> None:
    assert safe_text("a\n\tb\r\x1b", multiline=True) == "a\n\tb\\r\\x1b"


def test_plain_text_and_markup_are_unchanged() -> None:
    # Markup is not this function's business: it stays literal text, the UI never parses it.
    for text in ("héllo wörld ✓ 漢字", "[@click=app.quit]QUIT[/]", ""):
        assert safe_text(text) == text


def test_non_strings_and_none() -> None:
    assert safe_text(None) == ""
    assert safe_text(42) == "42"


def test_limit_cuts_and_says_how_much() -> None:
    shown = safe_text("x" * 10_050, limit=50)
    assert shown.startswith("x" * 50)
    assert "10,000 more characters" in shown


def test_json_keeps_content_and_escapes_c1_and_del() -> None:
    value = {"name": "a\x9b\x7f\x1b\u202e\ud800b", "n": [1, None]}
    out = safe_json(value)
    assert is_safe(out)
    assert all(ch.isprintable() for ch in out)
    assert json.loads(out) == value
    out.encode("utf-8")
