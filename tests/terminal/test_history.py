"""history.py and browse.py over a real emulator: search (wrapped rows, smart case, wide
characters), the text a copy gets, line names that survive new output, the scrollback mode's
steps and status line."""

from __future__ import annotations

from sessionboard.terminal.browse import Browser, Mark
from sessionboard.terminal.emulator import Emulator
from sessionboard.terminal.history import MAX_MATCHES, Point, Span, first_visible, row_at, search, text_of, visible_text


def numbered(n: int, cols: int = 20, rows: int = 5) -> Emulator:
    emu = Emulator(cols, rows)
    emu.feed(b"".join(b"line %d\r\n" % i for i in range(n)))
    return emu


def texts(emu: Emulator, spans: list[Span]) -> list[str]:
    return [text_of(emu.screen, span) for span in spans]


def test_search_finds_every_match_oldest_first_with_smart_case() -> None:
    emu = numbered(30)
    emu.feed(b"Line X")
    found = search(emu.screen, "line 2")
    assert texts(emu, found) == ["line 2"] * 11  # line 2 and line 20 to line 29
    assert [m.start.line for m in found] == sorted(m.start.line for m in found)
    assert len(search(emu.screen, "line")) == 31  # lower case: any case
    assert texts(emu, search(emu.screen, "Line")) == ["Line"]  # a capital: exact case


def test_search_runs_across_rows_the_terminal_wrapped_but_not_across_line_breaks() -> None:
    emu = Emulator(10, 5)
    emu.feed(b"abcdefghijKLMNOP\r\nxyz\r\nend")
    (match,) = search(emu.screen, "ijkl")
    assert (match.start.col, match.end.col, match.end.line - match.start.line) == (8, 1, 1)
    assert text_of(emu.screen, match) == "ijKL"
    assert search(emu.screen, "opxyz") == [] and search(emu.screen, "p\nx") == []


def test_search_columns_count_wide_characters_as_two_cells() -> None:
    emu = Emulator(20, 3)
    emu.feed("中文 name 中".encode())
    (match,) = search(emu.screen, "name")
    assert (match.start.col, match.end.col) == (5, 8)
    (wide,) = search(emu.screen, "文")
    assert (wide.start.col, wide.end.col) == (2, 3)
    assert text_of(emu.screen, wide) == "文"


def test_search_stops_counting_past_the_cap() -> None:
    emu = Emulator(80, 5, scrollback=200)
    emu.feed(b"".join(b"e" * 79 + b"\r\n" for _ in range(200)))
    assert len(search(emu.screen, "e")) == MAX_MATCHES + 1


def test_alternate_screen_searches_only_itself() -> None:
    emu = numbered(30)
    emu.feed(b"\x1b[?1049hon the alt screen")
    assert search(emu.screen, "line") == []
    assert texts(emu, search(emu.screen, "alt")) == ["alt"]


def test_copied_text_joins_wrapped_rows_and_trims_line_ends() -> None:
    emu = Emulator(10, 5)
    emu.feed(b"0123456789abcdefghij+\r\nshort   \r\nnext")
    first = first_visible(emu.screen)
    span = Span(Point(first, 0), Point(first + 4, 9))
    assert text_of(emu.screen, span) == "0123456789abcdefghij+\nshort\nnext"
    assert visible_text(emu.screen) == "0123456789abcdefghij+\nshort\nnext"


def test_line_names_stay_on_their_text_while_the_full_scrollback_moves() -> None:
    emu = Emulator(20, 3, scrollback=10)
    emu.feed(b"".join(b"old %d\r\n" % i for i in range(12)))
    (match,) = search(emu.screen, "old 9")
    emu.feed(b"".join(b"new %d\r\n" % i for i in range(5)))  # five rows fall off the far end
    assert text_of(emu.screen, match) == "old 9"
    emu.feed(b"".join(b"more %d\r\n" % i for i in range(20)))
    assert row_at(emu.screen, match.start.line) is None  # gone: nothing, not another row
    emu.feed(b"\x1b[3J")
    assert all(row_at(emu.screen, line) is None for line in range(emu.screen.dropped))


def test_browser_search_starts_at_the_nearest_match_above_and_steps_both_ways() -> None:
    emu = numbered(100)
    b = Browser(emu.screen)
    b.enter()
    b.run_search("line 1")  # line 1, 10-19: 11 matches, the nearest above the bottom is 19
    assert len(b.matches) == 11 and text_of(emu.screen, b.matches[b.current]) == "line 1"
    assert b.selection == b.matches[10] and b.current == 10
    row = row_at(emu.screen, b.matches[10].start.line)
    assert row is not None and row.text.startswith("line 19")
    assert emu.view_offset > 0  # the view moved to show it
    b.step(older=True)
    assert b.current == 9 and "/line 1: 10 of 11" in b.status()
    b.step(older=False)
    b.step(older=False)  # past the newest: wraps to the oldest
    assert b.current == 0


def test_browser_marks_matches_current_and_selection() -> None:
    emu = Emulator(20, 3)
    emu.feed(b"ab ab ab")
    b = Browser(emu.screen)
    b.enter()
    b.run_search("ab")
    line = first_visible(emu.screen)
    # The selection is the current match itself: drawn once, as the current match.
    assert b.marks_on(line, 20) == [(0, 2, Mark.MATCH), (3, 5, Mark.MATCH), (6, 8, Mark.CURRENT)]
    b.extend(1, 0)  # extended, it is drawn over the match
    assert b.marks_on(line, 20)[-1] == (6, 9, Mark.SELECTED)


def test_browser_extend_selection_from_the_match_and_copy_its_text() -> None:
    emu = numbered(40)
    b = Browser(emu.screen)
    b.enter()
    b.run_search("line 17")
    b.extend(0, 1)
    b.extend(0, 1)
    assert b.selected_text() == "line 17\nline 18\nline 19"
    b.extend(-3, 0)
    assert b.selected_text() == "line 17\nline 18\nline"


def test_browser_status_line_and_leave() -> None:
    emu = numbered(40)
    b = Browser(emu.screen)
    b.enter()
    b.scroll(7)
    assert b.status().startswith("scrollback 7 of 36 lines up")
    b.query = "abc"
    assert "/abc_" in b.status()
    b.query = None
    b.run_search("nothing here")
    assert "/nothing here: no match" in b.status()
    b.leave()
    assert (b.active, emu.view_offset, b.matches, b.selection) == (False, 0, [], None)


def test_the_blank_a_wide_character_left_at_the_edge_is_not_text() -> None:
    emu = Emulator(5, 3)
    emu.feed("abcd中x\r\n".encode())  # 中 does not fit after abcd: a blank, then 中 on the next row
    assert emu.screen.display()[:2] == ["abcd", "中x"]
    assert visible_text(emu.screen) == "abcd中x"
    (match,) = search(emu.screen, "d中")
    assert text_of(emu.screen, match) == "d中"
