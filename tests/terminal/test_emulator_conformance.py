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


# ---------------------------------------------------------------- left/right margins (DECSLRM)

ROWS5 = b"".join(b"\x1b[%d;1H" % (y + 1) + bytes([0x61 + y]) * 10 for y in range(5))  # aaaa.. to eeee..


def margins(left: int, right: int, extra: bytes = b"") -> Emulator:
    """A 10x5 screen of letters, DECLRMM on, margins left..right (1-based), then `extra`."""
    return fed(ROWS5 + b"\x1b[?69h\x1b[%d;%ds" % (left, right) + extra, cols=10, rows=5, splits=False)


def test_decslrm_needs_declrmm_and_csi_s_otherwise_saves_the_cursor() -> None:
    # No ?69: CSI s is SCOSC, and with parameters it does nothing (xterm: "only_default").
    emu = fed(b"\x1b[2;3H\x1b[s\x1b[4;4H\x1b[3;6s\x1b[5;5H\x1b[uX", cols=10, splits=False)
    assert emu.screen.display()[1] == "  X"
    assert (emu.screen.left, emu.screen.right) == (0, 9)


def test_decslrm_homes_the_cursor_and_text_wraps_inside_the_margins() -> None:
    emu = margins(3, 6, b"\x1b[1;3H" + b"1234567")
    assert emu.screen.display()[:3] == ["aa1234aaaa", "bb567bbbbb", "cccccccccc"]
    assert (emu.screen.x, emu.screen.y) == (5, 1)


def test_decslrm_cursor_goes_home_in_origin_mode_at_the_margins_corner() -> None:
    emu = margins(3, 6, b"\x1b[2;4r\x1b[?6h\x1b[3;6s")
    assert (emu.screen.x, emu.screen.y) == (2, 1)
    emu.feed(b"\x1b[1;10HZ")  # CUP is bounded by the margins in origin mode
    assert emu.screen.display()[1] == "bbbbbZbbbb"


def test_scrolling_at_the_bottom_moves_only_the_columns_inside_the_margins() -> None:
    emu = margins(3, 6, b"\x1b[5;4H\n")
    assert emu.screen.display() == ["aabbbbaaaa", "bbccccbbbb", "ccddddcccc", "ddeeeedddd", "ee    eeee"]
    assert len(emu.screen.scrollback) == 0


def test_index_outside_the_margins_does_not_scroll() -> None:
    emu = margins(3, 6, b"\x1b[5;9H\n")
    assert emu.screen.display()[0] == "aaaaaaaaaa"
    assert emu.screen.y == 4


def test_reverse_index_at_the_top_scrolls_the_margins_down() -> None:
    emu = margins(3, 6, b"\x1b[1;3H\x1bM")
    assert emu.screen.display()[:2] == ["aa    aaaa", "bbaaaabbbb"]


def test_insert_and_delete_lines_inside_the_margins() -> None:
    emu = margins(3, 6, b"\x1b[2;5H\x1b[L")
    assert emu.screen.display()[:3] == ["aaaaaaaaaa", "bb    bbbb", "ccbbbbcccc"]
    assert emu.screen.x == 2  # IL puts the cursor at the left margin
    emu = margins(3, 6, b"\x1b[2;5H\x1b[2M")
    assert emu.screen.display() == ["aaaaaaaaaa", "bbddddbbbb", "cceeeecccc", "dd    dddd", "ee    eeee"]
    emu = margins(3, 6, b"\x1b[2;8H\x1b[L")  # outside the margins: nothing
    assert emu.screen.display()[1:3] == ["bbbbbbbbbb", "cccccccccc"]


def test_insert_and_delete_characters_stop_at_the_right_margin() -> None:
    emu = margins(3, 6, b"\x1b[1;4H\x1b[2@")
    assert emu.screen.display()[0] == "aaa  aaaaa"
    emu = margins(3, 6, b"\x1b[1;4H\x1b[2P")
    assert emu.screen.display()[0] == "aaaa  aaaa"
    emu = margins(3, 6, b"\x1b[4h\x1b[1;4HXY")  # insert mode: shifted cells are lost at the margin
    assert emu.screen.display()[0] == "aaaXYaaaaa"
    emu.feed(b"Z")  # Z at the margin's last column, the next line's cells untouched
    assert emu.screen.display()[:2] == ["aaaXYZaaaa", "bbbbbbbbbb"]


def test_scroll_up_and_down_inside_the_margins() -> None:
    emu = margins(3, 6, b"\x1b[S")
    assert [row[2:6] for row in emu.screen.display()] == ["bbbb", "cccc", "dddd", "eeee", "    "]
    emu = margins(3, 6, b"\x1b[2T")
    assert [row[2:6] for row in emu.screen.display()] == ["    ", "    ", "aaaa", "bbbb", "cccc"]


def test_cr_and_cursor_moves_respect_the_margins() -> None:
    emu = margins(3, 6, b"\x1b[1;5H\rX\x1b[20CY\x1b[1;5H\x1b[20DZ")  # X overwritten by Z
    assert emu.screen.display()[0] == "aaZaaYaaaa"
    emu = margins(3, 6, b"\x1b[1;2H\rX")  # left of the left margin: CR goes to column 1
    assert emu.screen.display()[0] == "Xaaaaaaaaa"


def test_resetting_declrmm_resets_the_margins() -> None:
    emu = margins(3, 6, b"\x1b[?69l")
    assert (emu.screen.left, emu.screen.right) == (0, 9)
    emu.feed(b"\x1b[?69$p")
    assert emu.take_replies() == b"\x1b[?69;2$y"


# ---------------------------------------------------------------- XTSAVE / XTRESTORE


def test_xtsave_and_xtrestore_private_modes() -> None:
    emu = fed(b"\x1b[?1h\x1b[?2004h\x1b[?1s\x1b[?7;2004s\x1b[?1l\x1b[?7l\x1b[?2004l", splits=False)
    m = emu.modes
    assert (m.app_cursor, m.autowrap, m.bracketed_paste) == (False, False, False)
    emu.feed(b"\x1b[?1;7;2004r")
    assert (m.app_cursor, m.autowrap, m.bracketed_paste) == (True, True, True)


def test_xtrestore_of_a_mode_never_saved_leaves_it_alone() -> None:
    emu = fed(b"\x1b[?25l\x1b[?25r", splits=False)
    assert not emu.modes.cursor_visible


def test_xtrestore_brings_the_alternate_screen_and_mouse_mode_back() -> None:
    emu = fed(b"main\x1b[?1049h\x1b[?1002h\x1b[?1049;1002s\x1b[?1002l\x1b[?1049l", splits=False)
    assert not emu.screen.alt_active and emu.modes.mouse == 0
    emu.feed(b"\x1b[?1049;1002r")
    assert emu.screen.alt_active and emu.modes.mouse == 1002
    assert emu.screen.display()[0] == ""


# ---------------------------------------------------------------- reverse wraparound (45)


def test_reverse_wrap_backspace_goes_up_a_wrapped_line() -> None:
    emu = fed(b"\x1b[?45h" + b"x" * 12 + b"\x08\x08\x08Y", cols=10, splits=False)
    assert emu.screen.display()[:2] == ["xxxxxxxxxY", "xx"]


def test_reverse_wrap_needs_the_line_above_to_be_wrapped_and_the_mode_set() -> None:
    emu = fed(b"\x1b[?45habc\r\nd\x08\x08Y", cols=10, splits=False)
    assert emu.screen.display()[:2] == ["abc", "Y"]
    emu = fed(b"x" * 12 + b"\x08\x08\x08Y", cols=10, splits=False)  # mode off: stops at column 1
    assert emu.screen.display()[:2] == ["xxxxxxxxxx", "Yx"]
    emu = fed(b"\x1b[?45h\x1b[?7l" + b"x" * 12 + b"\x1b[2;1H\x08Y", cols=10, splits=False)  # needs autowrap
    assert emu.screen.display()[1] == "Y"


def test_reverse_wrap_cub_and_the_pending_wrap() -> None:
    emu = fed(b"\x1b[?45h" + b"x" * 10 + b"\x08Y", cols=10, splits=False)
    assert emu.screen.display()[:2] == ["xxxxxxxxxY", ""]  # BS at a pending wrap only cancels it
    emu = fed(b"\x1b[?45h" + b"x" * 15 + b"\x1b[8DY", cols=10, splits=False)
    assert emu.screen.display()[:2] == ["xxxxxxxYxx", "xxxxx"]
    emu.feed(b"\x1b[?45$p")
    assert emu.take_replies() == b"\x1b[?45;1$y"


# ---------------------------------------------------------------- answers to queries


def test_colour_queries_10_11_12_and_chained() -> None:
    emu = fed(b"\x1b]12;?\x07\x1b]10;?;?;?\x1b\\", splits=False)
    fg = b"rgb:e5e5/e5e5/e5e5"
    bg = b"rgb:0000/0000/0000"
    assert emu.take_replies() == (
        b"\x1b]12;" + fg + b"\x07"
        + b"\x1b]10;" + fg + b"\x1b\\" + b"\x1b]11;" + bg + b"\x1b\\" + b"\x1b]12;" + fg + b"\x1b\\"
    )


def test_decrqss_sgr() -> None:
    emu = fed(b"\x1b[1;3;4:3;7;38;2;1;2;3;48;5;100;53m\x1bP$qm\x1b\\", splits=False)
    assert emu.take_replies() == b"\x1bP1$r0;1;4:3;7;3;53;38:2::1:2:3;48:5:100m\x1b\\"
    emu = fed(b"\x1b[2;21;91;44m\x1bP$qm\x1b\\\x1b[0m\x1bP$qm\x07", splits=False)
    assert emu.take_replies() == b"\x1bP1$r0;2;21;91;44m\x1b\\\x1bP1$r0m\x1b\\"


def test_decrqss_reply_sets_the_same_attribute_again() -> None:
    emu = fed(b"\x1b[1;2;3;4:2;5;7;8;9;53;38;5;9;48;2;9;8;7m\x1bP$qm\x1b\\", splits=False)
    reply = emu.take_replies().decode()
    params = reply[len("\x1bP1$r") : -len("m\x1b\\")]
    again = fed(f"\x1b[{params}mX".encode(), splits=False)
    assert again.screen.table[again.screen.lines[0].attrs[0]] == emu.screen.table[emu.screen.attr]


def test_decrqss_scroll_region_and_left_right_margins() -> None:
    emu = fed(b"\x1b[3;20r\x1bP$qr\x1b\\\x1b[?69h\x1b[5;70s\x1bP$qs\x1b\\\x1bP$q\"p\x1b\\", rows=24, splits=False)
    assert emu.take_replies() == b"\x1bP1$r3;20r\x1b\\\x1bP1$r5;70s\x1b\\\x1bP0$r\x1b\\"


def test_secondary_da_and_xtversion() -> None:
    emu = fed(b"\x1b[>c\x1b[>0c\x1b[>q", splits=False)
    from sessionboard import __version__

    assert emu.take_replies() == b"\x1b[>1;10;0c" * 2 + b"\x1bP>|sessionboard(" + __version__.encode() + b")\x1b\\"


def test_kitty_keyboard_query_is_answered_as_unsupported() -> None:
    """kitty's documented detection: `CSI ? u` then DA1; a DA1 answer with no `CSI ? flags u`
    before it means "not supported". Push/pop/set must not be read as SCORC (`CSI u`) either."""
    emu = fed(b"ab\x1b[s\x1b[1;5H\x1b[?u\x1b[>1u\x1b[<u\x1b[=1;1u\x1b[c", splits=False)
    assert emu.take_replies() == b"\x1b[?62;22c"
    assert (emu.screen.x, emu.screen.y) == (4, 0)


def test_rep_after_a_control_inside_its_sequence_repeats_nothing_from_an_earlier_read() -> None:
    emu = Emulator(20, 2)
    emu.feed(b"z")
    emu.feed(b"\x1b[\x083bq")
    assert emu.screen.display()[0] == "q"


def test_decrc_restores_a_pending_wrap_at_the_right_margin() -> None:
    emu = fed(b"\x1b[?69h\x1b[1;5s" + b"abcde" + b"\x1b7\x1b[3;3H\x1b8Z", cols=10, splits=False)
    assert emu.screen.display()[:2] == ["abcde", "Z"]
