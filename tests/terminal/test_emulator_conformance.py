"""Conformance with xterm (its ctlseqs and source are the reference; tmux where xterm is silent):
each test feeds the bytes of one case and checks the cells, in every split of the input where a
split could matter."""

from __future__ import annotations

from sessionboard.terminal.attrs import BOLD, REVERSE
from sessionboard.terminal.emulator import Emulator


def fed(data: bytes, cols: int = 80, rows: int = 5, *, splits: bool = True) -> Emulator:
    """The emulator after `data`; with `splits`, every two-read split of it must give the same
    screen, attributes, cursor and title (an interrupted sequence may be cut anywhere)."""
    emu = Emulator(cols, rows)
    emu.feed(data)
    if splits:
        want = state(emu)
        for cut in range(1, len(data)):
            other = Emulator(cols, rows)
            other.feed(data[:cut])
            other.feed(data[cut:])
            assert state(other) == want, f"split at {cut}"
    return emu


def state(emu: Emulator) -> tuple[object, ...]:
    s = emu.screen
    cells = [list(zip(row.chars, (s.table[a] for a in row.attrs))) for row in s.lines]
    return cells, s.x, s.y, s.pending_wrap, emu.title


def flags_at(emu: Emulator, x: int, y: int) -> int:
    return emu.screen.table[emu.screen.lines[y].attrs[x]][2]


# ---------------------------------------------------------------- 1. tab at the right margin


def test_tab_at_the_right_margin_keeps_the_pending_wrap() -> None:
    emu = fed(b"x" * 80 + b"\tY", splits=False)
    assert emu.screen.display()[:2] == ["x" * 80, "Y"]
    assert (emu.screen.x, emu.screen.y) == (1, 1)


def test_tab_before_the_margin_still_moves_to_the_next_stop() -> None:
    emu = fed(b"ab\tc\x1b[1;79H\tZ", splits=False)
    assert emu.screen.display()[0] == "ab      c" + " " * 70 + "Z"
    assert emu.screen.pending_wrap  # Z went to the last column, whose wrap is now pending


# ---------------------------------------------------------------- 2. interrupted sequences


def test_c0_inside_csi_is_executed_and_the_sequence_goes_on() -> None:
    emu = fed(b"A\x1b[2\x08CB")
    assert emu.screen.display()[0] == "A B"


def test_cr_and_lf_inside_csi_move_the_cursor_then_the_sequence_acts() -> None:
    emu = fed(b"abc\x1b[\r\n1;7mX")
    assert emu.screen.display()[:2] == ["abc", "X"]
    assert flags_at(emu, 0, 1) == BOLD | REVERSE


def test_c0_inside_an_escape_sequence_is_executed_too() -> None:
    emu = fed(b"ab\x1b(\x080q\x1b(B")  # BS inside ESC ( 0, then q in DEC graphics
    assert emu.screen.display()[0] == "a─"


def test_can_aborts_a_csi_and_nothing_of_it_is_printed() -> None:
    emu = fed(b"a\x1b[3\x18b")
    assert emu.screen.display()[0] == "ab"


def test_sub_aborts_a_csi_and_draws_nothing() -> None:
    emu = fed(b"a\x1b[1;3\x1ab")
    assert emu.screen.display()[0] == "ab"
    assert flags_at(emu, 1, 0) == 0


def test_can_aborts_an_osc_and_an_escape_sequence() -> None:
    emu = fed(b"a\x1b]0;nope\x18b\x1b(\x18c")
    assert emu.screen.display()[0] == "abc"
    assert emu.title == ""


def test_esc_inside_an_osc_ends_it_and_starts_the_next_sequence() -> None:
    emu = fed(b"a\x1b]0;title\x1b[1mb")
    assert emu.screen.display()[0] == "ab"
    assert flags_at(emu, 0, 0) == 0
    assert flags_at(emu, 1, 0) == BOLD
    assert emu.title == ""  # xterm abandons the string: the title is not set


def test_esc_inside_a_dcs_ends_it() -> None:
    emu = fed(b"a\x1bPq#0;2;0;0;0\x1b[7mb")
    assert emu.screen.display()[0] == "ab"
    assert flags_at(emu, 1, 0) == REVERSE


def test_esc_inside_a_csi_starts_a_new_sequence() -> None:
    emu = fed(b"a\x1b[12\x1b[1mb")
    assert emu.screen.display()[0] == "ab"
    assert flags_at(emu, 1, 0) == BOLD


def test_osc_with_proper_terminators_still_sets_the_title() -> None:
    assert fed(b"\x1b]0;one\x07x").title == "one"
    assert fed(b"\x1b]2;two\x1b\\x").title == "two"


# ---------------------------------------------------------------- 3. DECSC / DECRC


def test_decsc_saves_cursor_attributes_charsets_and_origin_mode() -> None:
    emu = fed(
        b"\x1b[2;4r\x1b[?6h\x1b[2;3H\x1b[1m\x1b(0\x1b7"  # origin on, cursor at 3,3 (absolute), bold, graphics
        b"\x1b[?6l\x1b[0m\x1b(B\x1b[5;1H"  # all changed
        b"\x1b8q",  # restored: bold DEC-graphics q at the saved place
        splits=False,
    )
    s = emu.screen
    assert s.lines[2].chars[2] == "─"
    assert flags_at(emu, 2, 2) == BOLD
    assert s.modes.origin
    emu.feed(b"\x1b(B\x1b[1;1Hz")  # origin mode is really back on: row 1 is the margin's top
    assert s.lines[1].chars[0] == "z"


def test_decrc_does_not_restore_autowrap() -> None:
    emu = fed(b"\x1b7\x1b[?7l\x1b8" + b"y" * 85, splits=False)
    assert not emu.modes.autowrap
    assert emu.screen.display()[:2] == ["y" * 80, ""]
    emu = fed(b"\x1b[?7l\x1b7\x1b[?7h\x1b8" + b"y" * 85, splits=False)
    assert emu.modes.autowrap
    assert emu.screen.display()[:2] == ["y" * 80, "y" * 5]


def test_decrc_restores_the_pending_wrap() -> None:
    emu = fed(b"x" * 80 + b"\x1b7\x1b[3;3H\x1b8Y", splits=False)
    assert emu.screen.display()[:3] == ["x" * 80, "Y", ""]


def test_decrc_without_a_save_goes_home_with_plain_attributes() -> None:
    emu = fed(b"\x1b[1m\x1b(0\x1b[3;5H\x1b8q", splits=False)
    assert emu.screen.lines[0].chars[0] == "q"
    assert flags_at(emu, 0, 0) == 0


# ---------------------------------------------------------------- 4. REP


def test_rep_repeats_the_last_graphic_character() -> None:
    emu = fed(b"ab\x1b[3bc")
    assert emu.screen.display()[0] == "abbbbc"


def test_rep_repeats_nothing_after_a_line_break_or_a_control() -> None:
    assert fed(b"ab\r\n\x1b[3bc").screen.display()[:2] == ["ab", "c"]
    assert fed(b"ab\x08\x1b[3bc").screen.display()[0] == "ac"
    assert fed(b"ab\x07\x1b[3b").screen.display()[0] == "ab"


def test_rep_repeats_nothing_after_another_sequence_or_a_rep() -> None:
    assert fed(b"ab\x1b[1m\x1b[3b").screen.display()[0] == "ab"
    assert fed(b"ab\x1b[2b\x1b[2b").screen.display()[0] == "abbb"
    assert fed(b"\x1b[3bx").screen.display()[0] == "x"  # nothing printed yet


def test_rep_repeats_a_wide_character_and_uses_the_current_charset() -> None:
    assert fed("中\x1b[2b".encode()).screen.display()[0] == "中中中"
    assert fed(b"\x1b(0q\x1b[2b").screen.display()[0] == "───"


# ---------------------------------------------------------------- 5. DECCOLM


def test_deccolm_is_ignored_by_default_as_in_xterm() -> None:
    emu = fed(b"keep\x1b[2;3r\x1b[3;3H\x1b[?3h", splits=False)
    s = emu.screen
    assert s.display()[0] == "keep"
    assert (s.x, s.y, s.top, s.bottom, s.cols) == (2, 2, 1, 2, 80)
    emu.feed(b"\x1b[?3$p")
    assert emu.take_replies() == b"\x1b[?3;2$y"  # reported reset, as xterm does


def test_deccolm_allowed_by_mode_40_clears_homes_and_resets_margins() -> None:
    emu = fed(b"gone\x1b[2;3r\x1b[3;3H\x1b[?40h\x1b[?3h", splits=False)
    s = emu.screen
    assert s.display() == [""] * 5
    assert (s.x, s.y, s.top, s.bottom, s.cols) == (0, 0, 0, 4, 80)
    emu.feed(b"\x1b[?3$p\x1b[?40$p")
    assert emu.take_replies() == b"\x1b[?3;1$y\x1b[?40;1$y"
