"""Unit tests of the emulator: SGR forms, wide characters, split input, scrollback, query answers,
modes, dirty rows and the strips handed to Textual."""

from __future__ import annotations

from rich.style import Style

from sessionboard.terminal.attrs import (
    BOLD,
    DIM,
    ITALIC,
    REVERSE,
    STRIKE,
    TRUECOLOR,
    UL_CURLY,
    UL_DOUBLE,
    UNDERLINE,
)
from sessionboard.terminal.emulator import Emulator


def attr_at(emu: Emulator, x: int, y: int) -> tuple[int, int, int, int]:
    return emu.screen.table[emu.screen.lines[y].attrs[x]]


# ---------------------------------------------------------------- SGR


def test_sgr_colon_truecolor_with_and_without_colourspace() -> None:
    emu = Emulator(20, 2)
    emu.feed(b"\x1b[38:2::255:128:0mA\x1b[48:2:1:2:3mB")
    assert emu.screen.display()[0] == "AB"
    fg, _, _, _ = attr_at(emu, 0, 0)
    assert fg == TRUECOLOR | 0xFF8000
    _, bg, _, _ = attr_at(emu, 1, 0)
    assert bg == TRUECOLOR | 0x010203


def test_sgr_colon_256_and_semicolon_forms() -> None:
    emu = Emulator(20, 2)
    emu.feed(b"\x1b[38:5:196mA\x1b[0;48;5;21mB\x1b[0;38;2;10;20;30mC\x1b[0;91;102mD")
    assert emu.screen.display()[0] == "ABCD"
    assert attr_at(emu, 0, 0)[0] == 196
    assert attr_at(emu, 1, 0)[:2] == (-1, 21)
    assert attr_at(emu, 2, 0)[0] == TRUECOLOR | (10 << 16 | 20 << 8 | 30)
    assert attr_at(emu, 3, 0)[:2] == (9, 10)


def test_sgr_underline_styles_and_flags() -> None:
    emu = Emulator(20, 2)
    emu.feed(b"\x1b[4:3mA\x1b[4:0mB\x1b[21mC\x1b[0;1;2;3;7;9mD\x1b[22;23;27;29mE")
    assert emu.screen.display()[0] == "ABCDE"
    _, _, flags, ul = attr_at(emu, 0, 0)
    assert flags & UNDERLINE and ul == UL_CURLY
    assert not attr_at(emu, 1, 0)[2] & UNDERLINE
    assert attr_at(emu, 2, 0)[3] == UL_DOUBLE
    flags = attr_at(emu, 3, 0)[2]
    assert flags == BOLD | DIM | ITALIC | REVERSE | STRIKE
    assert attr_at(emu, 4, 0)[2] == 0


def test_private_m_sequences_are_not_sgr() -> None:
    """vim sends `CSI > 4 ; 2 m` (modifyOtherKeys): it must not turn text underlined."""
    emu = Emulator(20, 2)
    emu.feed(b"\x1b[>4;2mA\x1b[0%mB")
    assert emu.screen.display()[0] == "AB"
    assert attr_at(emu, 0, 0) == (-1, -1, 0, 0)


def test_malformed_sgr_is_skipped_not_printed() -> None:
    emu = Emulator(20, 2)
    emu.feed(b"\x1b[38:2mA\x1b[38;5mB\x1b[38;2;1mC")
    assert emu.screen.display()[0] == "ABC"


# ---------------------------------------------------------------- text, wide chars, UTF-8


def test_wide_characters_take_two_cells() -> None:
    emu = Emulator(10, 2)
    emu.feed("a中b😀c".encode())
    row = emu.screen.lines[0].chars
    assert row[:7] == ["a", "中", "", "b", "😀", "", "c"]
    assert emu.screen.x == 7


def test_wide_character_at_last_column_wraps() -> None:
    emu = Emulator(5, 3)
    emu.feed("abcd中".encode())
    assert emu.screen.display()[:2] == ["abcd", "中"]


def test_overwriting_half_a_wide_character_clears_the_other_half() -> None:
    emu = Emulator(10, 2)
    emu.feed("中文\x1b[1;2Hx".encode())
    assert emu.screen.lines[0].chars[:4] == [" ", "x", "文", ""]


def test_combining_mark_joins_previous_cell() -> None:
    emu = Emulator(10, 2)
    emu.feed("e\u0301x".encode())
    assert emu.screen.lines[0].chars[:2] == ["e\u0301", "x"]


def test_utf8_split_across_reads_is_never_lost() -> None:
    data = "é中😀 ok".encode()
    for cut in range(1, len(data)):
        emu = Emulator(20, 2)
        emu.feed(data[:cut])
        emu.feed(data[cut:])
        assert emu.screen.display()[0] == "é中😀 ok", cut


def test_escape_sequence_split_across_reads() -> None:
    data = b"\x1b[31mred\x1b]0;title\x07\x1b[2;5Hxy"
    for cut in range(1, len(data)):
        emu = Emulator(20, 3)
        emu.feed(data[:cut])
        emu.feed(data[cut:])
        assert emu.screen.display()[:2] == ["red", "    xy"], cut
        assert emu.title == "title"


def test_autowrap_and_pending_wrap() -> None:
    emu = Emulator(5, 3)
    emu.feed(b"abcde")
    assert emu.screen.x == 4 and emu.screen.y == 0  # wrap pending, not yet done
    emu.feed(b"\r\n")
    assert emu.screen.y == 1  # CR LF at the margin does not make an empty line
    emu.feed(b"abcdefg")
    assert emu.screen.display() == ["abcde", "abcde", "fg"]


def test_no_autowrap_overwrites_last_column() -> None:
    emu = Emulator(5, 2)
    emu.feed(b"\x1b[?7labcdefg")
    assert emu.screen.display() == ["abcdg", ""]


def test_dec_graphics_charset() -> None:
    emu = Emulator(10, 2)
    emu.feed(b"\x1b(0lqk\x1b(Bx")
    assert emu.screen.display()[0] == "┌─┐x"


def test_insert_delete_and_erase() -> None:
    emu = Emulator(10, 4)
    emu.feed(b"abcdef\x1b[1;3H\x1b[2@")
    assert emu.screen.display()[0] == "ab  cdef"
    emu.feed(b"\x1b[3P")
    assert emu.screen.display()[0] == "abdef"
    emu.feed(b"\x1b[1;2H\x1b[2X")
    assert emu.screen.display()[0] == "a  ef"
    emu.feed(b"\x1b[2;1H2\x1b[3;1H3\x1b[2;1H\x1b[L")
    assert emu.screen.display()[:4] == ["a  ef", "", "2", "3"]
    emu.feed(b"\x1b[2M")
    assert emu.screen.display()[:3] == ["a  ef", "3", ""]


def test_scroll_region() -> None:
    emu = Emulator(10, 5)
    emu.feed(b"1\r\n2\r\n3\r\n4\r\n5\x1b[2;4r\x1b[4;1H\n")
    assert emu.screen.display() == ["1", "3", "4", "", "5"]
    assert len(emu.screen.scrollback) == 0  # a partial region never feeds the scrollback


# ---------------------------------------------------------------- scrollback


def test_scrollback_is_capped_at_ten_thousand_lines() -> None:
    emu = Emulator(20, 5)
    emu.feed(b"".join(b"line %d\r\n" % i for i in range(12_000)))
    sb = emu.screen.scrollback
    assert len(sb) == 10_000
    assert sb[0].text.rstrip() == "line 1996"
    assert sb[-1].text.rstrip() == "line 11995"


def test_alternate_screen_does_not_feed_scrollback() -> None:
    emu = Emulator(20, 3)
    emu.feed(b"\x1b[?1049h" + b"".join(b"%d\r\n" % i for i in range(50)))
    assert len(emu.screen.scrollback) == 0


def test_view_offset_shows_older_lines_and_clamps() -> None:
    emu = Emulator(20, 3)
    emu.feed(b"".join(b"L%d\r\n" % i for i in range(10)))  # scrollback L0..L7, screen L8 L9 ""
    emu.scroll_view(2)
    assert [emu.screen.visible_row(y).text.rstrip() for y in range(3)] == ["L6", "L7", "L8"]
    emu.scroll_view(100)
    assert emu.view_offset == 8
    assert emu.screen.visible_row(0).text.rstrip() == "L0"
    emu.scroll_view(-100)
    assert emu.view_offset == 0
    assert emu.render_line(0).text.rstrip() == "L8"


def test_erase_scrollback() -> None:
    emu = Emulator(20, 3)
    emu.feed(b"".join(b"L%d\r\n" % i for i in range(10)) + b"\x1b[3J")
    assert len(emu.screen.scrollback) == 0


# ---------------------------------------------------------------- queries


def test_query_answers() -> None:
    emu = Emulator(80, 24)
    emu.feed(b"\x1b[5;10H\x1b[6n")
    assert emu.take_replies() == b"\x1b[5;10R"
    emu.feed(b"\x1b[c")
    assert emu.take_replies() == b"\x1b[?62;22c"
    emu.feed(b"\x1b[>c")
    assert emu.take_replies() == b"\x1b[>1;10;0c"
    emu.feed(b"\x1b[5n\x1b[18t")
    assert emu.take_replies() == b"\x1b[0n\x1b[8;24;80t"
    emu.feed(b"\x1b[?2004h\x1b[?2004$p")
    assert emu.take_replies() == b"\x1b[?2004;1$y"
    assert emu.take_replies() == b""


def test_reply_callback() -> None:
    sent: list[bytes] = []
    emu = Emulator(80, 24, on_reply=sent.append)
    emu.feed(b"\x1b[2;3H\x1b[6n")
    assert sent == [b"\x1b[2;3R"]
    assert emu.take_replies() == b""


def test_colour_queries_answer_the_panes_colours_in_the_querys_terminator() -> None:
    emu = Emulator(80, 24)
    emu.feed(b"\x1b]11;?\x07")  # before the pane has colours: xterm's defaults
    assert emu.take_replies() == b"\x1b]11;rgb:0000/0000/0000\x07"
    emu.renderer.set_base(Style(color="#112233", bgcolor="#ffeedd"))
    emu.feed(b"\x1b]11;?\x07\x1b]10;?\x1b\\")
    assert emu.take_replies() == b"\x1b]11;rgb:ffff/eeee/dddd\x07\x1b]10;rgb:1111/2222/3333\x1b\\"
    emu.feed(b"\x1b]11;#000000\x07")  # setting the colour is not a query: no answer
    assert emu.take_replies() == b""


def test_cursor_report_in_origin_mode_is_relative_to_margin() -> None:
    emu = Emulator(80, 24)
    emu.feed(b"\x1b[5;20r\x1b[?6h\x1b[2;3H\x1b[6n")
    assert emu.take_replies() == b"\x1b[2;3R"
    assert emu.screen.y == 5


# ---------------------------------------------------------------- modes


def test_modes_set_and_reset() -> None:
    emu = Emulator(80, 24)
    m = emu.modes
    assert not m.app_cursor and not m.bracketed_paste and m.mouse == 0 and m.cursor_visible
    emu.feed(b"\x1b[?1h\x1b[?2004h\x1b[?1002h\x1b[?1006h\x1b[?25l")
    assert m.app_cursor and m.bracketed_paste and m.mouse == 1002 and m.mouse_sgr
    assert not m.cursor_visible
    emu.feed(b"\x1b[?1003h")
    assert m.mouse == 1003
    emu.feed(b"\x1b[?1l\x1b[?2004l\x1b[?1003l\x1b[?1006l\x1b[?25h")
    assert not m.app_cursor and not m.bracketed_paste and m.mouse == 0 and not m.mouse_sgr
    assert m.cursor_visible


def test_1049_saves_and_restores_cursor_and_main_screen() -> None:
    emu = Emulator(20, 5)
    emu.feed(b"shell\r\n$ \x1b[?1049hFULL SCREEN\x1b[3;3Hxx")
    assert emu.screen.alt_active
    assert emu.screen.display()[:3] == ["", "  FULL SCREEN", "  xx"]  # cursor kept, not homed
    emu.feed(b"\x1b[?1049l")
    assert not emu.screen.alt_active
    assert emu.screen.display()[:2] == ["shell", "$"]
    assert (emu.screen.x, emu.screen.y) == (2, 1)


def test_47_and_1047_switch_buffers() -> None:
    emu = Emulator(20, 3)
    emu.feed(b"main\x1b[?47halt\x1b[?47l")
    assert emu.screen.display()[0] == "main"
    emu.feed(b"\x1b[?47h")
    assert emu.screen.display()[0] == "    alt"  # 47 keeps the alternate buffer's contents
    emu.feed(b"\x1b[?1047l\x1b[?1047h")
    assert emu.screen.display()[0] == ""  # 1047 cleared it on the way out


def test_title_from_osc() -> None:
    emu = Emulator(20, 3)
    emu.feed(b"\x1b]2;hello there\x1b\\\x1b]0;second\x07")
    assert emu.title == "second"
    assert emu.screen.display()[0] == ""


def test_resize_keeps_cursor_line_visible() -> None:
    emu = Emulator(20, 10)
    emu.feed(b"".join(b"r%d\r\n" % i for i in range(9)) + b"$ ")
    emu.resize(10, 4)
    assert emu.screen.display() == ["r6", "r7", "r8", "$"]
    assert emu.screen.y == 3
    assert [r.text.rstrip() for r in emu.screen.scrollback][-1] == "r5"
    emu.resize(30, 6)
    assert emu.screen.display()[:4] == ["r6", "r7", "r8", "$"]
    assert len(emu.screen.lines[0].chars) == 30


# ---------------------------------------------------------------- dirty rows and strips


def test_dirty_rows() -> None:
    emu = Emulator(20, 5)
    emu.take_dirty()
    emu.feed(b"\x1b[3;1Hx")
    assert emu.take_dirty() == {2}
    assert emu.take_dirty() == set()
    emu.feed(b"\x1b[5;1H\n")  # a scroll moves every row
    assert emu.take_dirty() == {0, 1, 2, 3, 4}


def test_strip_merges_runs_and_caches_styles() -> None:
    emu = Emulator(12, 2)
    emu.feed(b"\x1b[31mred\x1b[0m and \x1b[1;4mbold\x1b[?25l")
    strip = emu.render_line(0)
    texts = [seg.text for seg in strip]
    assert texts == ["red", " and ", "bold"]
    assert strip.cell_length == 12
    styles = [seg.style for seg in strip]
    assert styles[0].color is not None and styles[0].color.number == 1
    assert styles[2].bold and styles[2].underline
    again = emu.render_line(0)
    assert [s.style for s in again][0] is styles[0]  # the same cached Style object


def test_strip_draws_cursor_reversed() -> None:
    emu = Emulator(6, 2)
    emu.feed(b"ab")
    segs = list(emu.render_line(0))
    assert [s.text for s in segs] == ["ab", " ", "   "]
    assert segs[1].style.reverse
    emu.feed(b"\x1b[?25l")
    assert [s.text for s in emu.render_line(0)] == ["ab    "]


def test_strip_with_wide_chars_has_right_cell_length() -> None:
    emu = Emulator(8, 2)
    emu.feed("中文ab\x1b[?25l".encode())
    strip = emu.render_line(0)
    assert strip.text == "中文ab  "
    assert strip.cell_length == 8


def test_base_style_applies_under_default_cells() -> None:
    emu = Emulator(4, 1)
    base = Style(color="white", bgcolor="black")
    emu.renderer.set_base(base)
    emu.feed(b"\x1b[?25lx")
    seg = next(iter(emu.render_line(0)))
    assert seg.style.bgcolor is not None and seg.style.bgcolor.name == "black"


# ---------------------------------------------------------------- robustness


def test_random_bytes_never_break_the_screen() -> None:
    """Garbage, truncated sequences and resizes in any order: no exception, and the grid keeps
    its shape (every row `cols` cells, cursor inside, strips exactly `cols` wide)."""
    import random

    from sessionboard.terminal.charwidth import char_width

    rng = random.Random(1234)
    pieces = [
        b"\x1b[", b"\x1b]", b"\x1b[?1049h", b"\x1b[?1049l", b"\x1b[2J", b"\x1b[K", b"\x1b[5;5r",
        b"\x1b[r", b"\x1b[10;70H", b"\x1b[3L", b"\x1b[2M", b"\x1b[4@", b"\x1b[3P", b"\x1b[38:2::1:2:3m",
        b"\x1b[4b", b"\x1bM", b"\x1bD", b"\x1b(0", b"\x1b(B", b"\x1b[?6h", b"\x1b[?7l", b"\x1b[?7h",
        b"\x1b[4h", b"\x1b[4l", b"\x1b[S", b"\x1b[T", b"\x1b#8", b"\x1bc", b"\x1b[6n", "中文😀é\u0301".encode(),
        b"\r\n", b"\t", b"\x08", b"abc", b"\xff\xfe", b"\xe4\xb8", b"\x1bP1$r\x1b\\", b"\x1b]0;t\x07",
    ]
    emu = Emulator(30, 8)
    for step in range(6000):
        if rng.random() < 0.02:
            emu.resize(rng.randint(1, 60), rng.randint(1, 20))
        if rng.random() < 0.3:
            emu.feed(bytes(rng.randrange(256) for _ in range(rng.randint(1, 12))))
        else:
            emu.feed(rng.choice(pieces))
        if rng.random() < 0.05:
            emu.scroll_view(rng.randint(-5, 5))
        s = emu.screen
        assert 0 <= s.x < s.cols and 0 <= s.y < s.rows, step
        assert len(s.lines) == s.rows
        assert all(len(r.chars) == s.cols and len(r.attrs) == s.cols for r in s.lines), step
        # No orphaned half of a wide character: a placeholder cell follows every wide
        # character and nothing else.
        for r in s.lines:
            for i, cell in enumerate(r.chars):
                wide_before = i > 0 and char_width(r.chars[i - 1][:1]) == 2
                assert (cell == "") == wide_before, (step, i, r.chars)
            assert char_width(r.chars[-1][:1]) != 2, step
    for y in range(emu.rows):
        assert emu.render_line(y).cell_length == emu.cols
