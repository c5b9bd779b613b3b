"""keys.py: every key class to the bytes xterm sends; pastes; mouse reports."""

from __future__ import annotations

import pytest

from sessionboard.terminal.keys import MouseAction, key_to_bytes, mouse_to_bytes, paste_to_bytes


@pytest.mark.parametrize(
    ("key", "char", "expected"),
    [
        ("a", "a", b"a"),
        ("shift+a", "A", b"A"),
        ("é", "é", "é".encode()),
        ("中", "中", "中".encode()),
        ("space", " ", b" "),
        ("plus", "+", b"+"),
        ("enter", "\r", b"\r"),
        ("backspace", "\x7f", b"\x7f"),
        ("ctrl+h", "\x08", b"\x08"),
        ("tab", "\t", b"\t"),
        ("shift+tab", None, b"\x1b[Z"),
        ("escape", "\x1b", b"\x1b"),
        ("home", None, b"\x1b[H"),
        ("end", None, b"\x1b[F"),
        ("insert", None, b"\x1b[2~"),
        ("delete", None, b"\x1b[3~"),
        ("pageup", None, b"\x1b[5~"),
        ("pagedown", None, b"\x1b[6~"),
        ("ctrl+a", None, b"\x01"),
        ("ctrl+c", None, b"\x03"),
        ("ctrl+z", None, b"\x1a"),
        ("ctrl+space", None, b"\x00"),
        ("ctrl+@", None, b"\x00"),
        ("ctrl+backslash", None, b"\x1c"),
        ("alt+x", "x", b"\x1bx"),
        ("alt+shift+x", "X", b"\x1bX"),
        ("alt+ctrl+a", None, b"\x1b\x01"),
        ("alt+enter", None, b"\x1b\r"),
        ("alt+backspace", None, b"\x1b\x7f"),
        ("ctrl+up", None, b"\x1b[1;5A"),
        ("ctrl+down", None, b"\x1b[1;5B"),
        ("ctrl+right", None, b"\x1b[1;5C"),
        ("ctrl+left", None, b"\x1b[1;5D"),
        ("shift+up", None, b"\x1b[1;2A"),
        ("alt+left", None, b"\x1b[1;3D"),
        ("ctrl+shift+right", None, b"\x1b[1;6C"),
        ("ctrl+delete", None, b"\x1b[3;5~"),
    ],
)
def test_keys(key: str, char: str | None, expected: bytes) -> None:
    assert key_to_bytes(key, char) == expected


@pytest.mark.parametrize(
    ("key", "normal", "app"),
    [
        ("up", b"\x1b[A", b"\x1bOA"),
        ("down", b"\x1b[B", b"\x1bOB"),
        ("right", b"\x1b[C", b"\x1bOC"),
        ("left", b"\x1b[D", b"\x1bOD"),
        ("home", b"\x1b[H", b"\x1bOH"),
        ("end", b"\x1b[F", b"\x1bOF"),
    ],
)
def test_cursor_keys_in_both_modes(key: str, normal: bytes, app: bytes) -> None:
    assert key_to_bytes(key, None, app_cursor=False) == normal
    assert key_to_bytes(key, None, app_cursor=True) == app


def test_function_keys() -> None:
    expected = {
        "f1": b"\x1bOP", "f2": b"\x1bOQ", "f3": b"\x1bOR", "f4": b"\x1bOS",
        "f5": b"\x1b[15~", "f6": b"\x1b[17~", "f7": b"\x1b[18~", "f8": b"\x1b[19~",
        "f9": b"\x1b[20~", "f10": b"\x1b[21~", "f11": b"\x1b[23~", "f12": b"\x1b[24~",
    }
    for key, data in expected.items():
        assert key_to_bytes(key, None) == data, key
    assert key_to_bytes("shift+f1", None) == b"\x1b[1;2P"
    assert key_to_bytes("ctrl+f5", None) == b"\x1b[15;5~"


def test_every_ctrl_letter() -> None:
    for i, letter in enumerate("abcdefghijklmnopqrstuvwxyz", start=1):
        assert key_to_bytes(f"ctrl+{letter}", None) == bytes([i])


def test_unknown_keys_send_nothing() -> None:
    assert key_to_bytes("<ignore>", None) is None
    assert key_to_bytes("ctrl+f13x", None) is None


def test_paste_plain_and_bracketed() -> None:
    assert paste_to_bytes("a\nb", bracketed=False) == b"a\rb"
    assert paste_to_bytes("a\r\nb", bracketed=True) == b"\x1b[200~a\rb\x1b[201~"
    # A paste cannot close the bracket early and smuggle in keystrokes.
    assert paste_to_bytes("x\x1b[201~rm -rf /\n", bracketed=True) == b"\x1b[200~xrm -rf /\r\x1b[201~"


def test_mouse_sgr_reports() -> None:
    m = dict(mode=1000, sgr=True)
    assert mouse_to_bytes(MouseAction.PRESS, 1, 4, 2, **m) == b"\x1b[<0;5;3M"
    assert mouse_to_bytes(MouseAction.RELEASE, 1, 4, 2, **m) == b"\x1b[<0;5;3m"
    assert mouse_to_bytes(MouseAction.PRESS, 3, 0, 0, **m) == b"\x1b[<2;1;1M"
    assert mouse_to_bytes(MouseAction.SCROLL_UP, 0, 9, 9, **m) == b"\x1b[<64;10;10M"
    assert mouse_to_bytes(MouseAction.SCROLL_DOWN, 0, 9, 9, **m) == b"\x1b[<65;10;10M"
    assert mouse_to_bytes(MouseAction.PRESS, 1, 0, 0, ctrl=True, **m) == b"\x1b[<16;1;1M"
    assert mouse_to_bytes(MouseAction.MOVE, 1, 1, 1, **m) is None  # 1000 reports no motion


def test_mouse_motion_modes() -> None:
    assert mouse_to_bytes(MouseAction.MOVE, 1, 1, 1, mode=1002, sgr=True) == b"\x1b[<32;2;2M"
    assert mouse_to_bytes(MouseAction.MOVE, 0, 1, 1, mode=1002, sgr=True) is None
    assert mouse_to_bytes(MouseAction.MOVE, 0, 1, 1, mode=1003, sgr=True) == b"\x1b[<35;2;2M"


def test_mouse_x10_encoding_and_off() -> None:
    assert mouse_to_bytes(MouseAction.PRESS, 1, 0, 0, mode=1000, sgr=False) == b"\x1b[M !!"
    assert mouse_to_bytes(MouseAction.RELEASE, 1, 0, 0, mode=1000, sgr=False) == b"\x1b[M#!!"
    assert mouse_to_bytes(MouseAction.PRESS, 1, 0, 0, mode=0, sgr=True) is None
