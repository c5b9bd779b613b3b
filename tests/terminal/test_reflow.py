"""Reflow on resize: lines the terminal wrapped are re-wrapped at the new width (scrollback
included), lines that were not wrapped stay lines, the cursor keeps its place in its line and
its row on the screen, a wide character is never split, the alternate screen is left to its
program."""

from __future__ import annotations

from sessionboard.terminal.emulator import Emulator
from sessionboard.terminal.history import search, text_of

LONG = "".join(f"{i:03d}-" for i in range(50))  # 200 characters


def rows_of(emu: Emulator) -> list[str]:
    return emu.screen.display()


def test_a_wrapped_line_rewraps_narrower_and_wider() -> None:
    emu = Emulator(80, 10)
    emu.feed(f"{LONG}\r\nshort\r\n$ ".encode())
    assert rows_of(emu)[:4] == [LONG[:80], LONG[80:160], LONG[160:], "short"]
    emu.resize(50, 10)
    assert rows_of(emu)[:6] == [LONG[:50], LONG[50:100], LONG[100:150], LONG[150:], "short", "$"]
    assert (emu.screen.x, emu.screen.y) == (2, 5)
    emu.resize(200, 10)
    assert rows_of(emu)[:3] == [LONG, "short", "$"]
    assert not emu.screen.lines[0].wrapped
    assert (emu.screen.x, emu.screen.y) == (2, 2)


def test_the_cursor_keeps_its_screen_row_and_lines_above_go_to_the_scrollback() -> None:
    emu = Emulator(80, 5)
    emu.feed(b"".join(b"line %d\r\n" % i for i in range(20)) + LONG.encode())
    y_before = emu.screen.y
    emu.resize(40, 5)
    assert emu.screen.y == y_before
    assert rows_of(emu)[-1] == LONG[160:]  # the cursor's row, where it was
    assert rows_of(emu) == [LONG[i : i + 40] for i in range(0, 200, 40)]
    history = [row.text.rstrip() for row in emu.screen.scrollback]
    assert history == [f"line {i}" for i in range(20)]  # "line 18" and "19" were on the screen
    # Just past the end of a now full row: the next character starts a new row.
    assert (emu.screen.x, emu.screen.y, emu.screen.pending_wrap) == (39, 4, True)
    emu.feed(b"!")
    assert rows_of(emu)[-2:] == [LONG[160:], "!"]


def test_lines_that_were_not_wrapped_are_cut_not_joined() -> None:
    emu = Emulator(20, 4)
    emu.feed(b"a" * 20 + b"\r\nbbb\r\nccc")  # a full row, then CR LF: not wrapped
    emu.resize(10, 4)
    assert rows_of(emu)[:4] == ["a" * 10, "a" * 10, "bbb", "ccc"]  # a long line still wraps
    emu.resize(20, 4)
    assert rows_of(emu)[:3] == ["a" * 20, "bbb", "ccc"]


def test_a_wide_character_goes_whole_to_the_next_row() -> None:
    emu = Emulator(10, 4)
    emu.feed("abcd中文中文xy".encode())  # 4 + 8 + 2 = 14 cells: wraps once at 10
    emu.resize(5, 4)
    assert rows_of(emu)[:4] == ["abcd", "中文", "中文x", "y"]
    assert emu.screen.lines[0].chars == ["a", "b", "c", "d", " "]
    emu.resize(10, 4)
    assert rows_of(emu)[:2] == ["abcd中文中", "文xy"]


def test_search_and_copy_see_the_reflowed_line_as_one() -> None:
    emu = Emulator(80, 6)
    emu.feed(f"{LONG}\r\n$ ".encode())
    emu.resize(30, 6)
    (match,) = search(emu.screen, "029-030-031")
    assert text_of(emu.screen, match) == "029-030-031"
    assert match.end.line > match.start.line  # the match runs across a new wrap


def test_the_alternate_screen_is_cut_and_the_main_screen_reflowed_under_it() -> None:
    emu = Emulator(80, 6)
    emu.feed(f"{LONG}\r\n$ ".encode())
    emu.feed(b"\x1b[?1049h\x1b[H" + b"x" * 80)
    emu.resize(40, 6)
    assert rows_of(emu)[0] == "x" * 40 and rows_of(emu)[1] == ""
    emu.feed(b"\x1b[?1049l")
    assert rows_of(emu)[:6] == [LONG[:40], LONG[40:80], LONG[80:120], LONG[120:160], LONG[160:], "$"]
    assert (emu.screen.x, emu.screen.y) == (2, 5)
