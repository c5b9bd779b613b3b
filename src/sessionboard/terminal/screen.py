"""The terminal's grid: rows of cells, the cursor, margins, modes, the alternate screen and the
scrollback. It knows nothing of bytes (see `parser.py`) nor of Textual (see `render.py`).

Storage is compact on purpose: a row is two parallel lists, `chars` (one str per cell; a wide
character's right half is "") and `attrs` (interned attribute ids). Writing a run of narrow text
is then two slice assignments done in C, and scrolling moves whole `Row` objects between lists and
the scrollback deque instead of copying cells. This is what makes the emulator several times
faster than pyte, whose per-cell namedtuple `_replace` dominated its profile.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from .attrs import DEFAULT_COLOR, AttrTable
from .charwidth import char_width
from .sgr import apply_sgr

SCROLLBACK_LINES = 10_000

# DEC Special Graphics (ESC ( 0): the line-drawing set used by dialog, mc, older curses programs.
DEC_GRAPHICS = str.maketrans(
    {
        "`": "◆", "a": "▒", "b": "␉", "c": "␌", "d": "␍", "e": "␊", "f": "°", "g": "±",
        "h": "␤", "i": "␋", "j": "┘", "k": "┐", "l": "┌", "m": "└", "n": "┼", "o": "⎺",
        "p": "⎻", "q": "─", "r": "⎼", "s": "⎽", "t": "├", "u": "┤", "v": "┴", "w": "┬",
        "x": "│", "y": "≤", "z": "≥", "{": "π", "|": "≠", "}": "£", "~": "·",
    }
)


_BLANKS: dict[tuple[int, int], tuple[list[str], list[int]]] = {}

# `Row.wrapped`: 0 a line ends here; WRAP autowrap carried it on to the next row; WRAP_PAD
# likewise, for a wide character that did not fit, whose last cell is a blank that is not text.
WRAP = 1
WRAP_PAD = 2


class Row:
    """One line of cells. `wrapped` marks a line continued by autowrap (for selection/reflow)."""

    __slots__ = ("chars", "attrs", "wrapped")

    def __init__(self, cols: int, aid: int = 0) -> None:
        self.chars: list[str] = [" "] * cols
        self.attrs: list[int] = [aid] * cols
        self.wrapped: int = 0

    def reset(self, cols: int, aid: int) -> Row:
        """Blank this row in place for reuse (see `Screen._new_bottom_row`), copying from a
        cached blank row instead of building two new lists."""
        blank = _BLANKS.get((cols, aid))
        if blank is None:
            blank = _BLANKS[(cols, aid)] = ([" "] * cols, [aid] * cols)
            if len(_BLANKS) > 256:
                _BLANKS.clear()
                _BLANKS[(cols, aid)] = blank
        self.chars[:] = blank[0]
        self.attrs[:] = blank[1]
        self.wrapped = 0
        return self

    @property
    def text(self) -> str:
        return "".join(self.chars)

    def carried(self) -> int:
        """How many of its cells a wrapped row carries into its line (all but a pad blank)."""
        return len(self.chars) - (self.wrapped == WRAP_PAD)

    def fit(self, cols: int) -> None:
        """Pad or cut to `cols` cells, never leaving half a wide character at the edge."""
        have = len(self.chars)
        if have < cols:
            self.chars.extend([" "] * (cols - have))
            self.attrs.extend([0] * (cols - have))
        elif have > cols:
            del self.chars[cols:]
            del self.attrs[cols:]
            if cols and char_width(self.chars[cols - 1][:1]) == 2:
                self.chars[cols - 1] = " "


@dataclass
class SavedCursor:
    """What DECSC saves, as xterm saves it (cursor.c, CursorSave/CursorRestore): the position,
    the attributes, the charsets and shift state, origin mode and the pending-wrap flag (the
    VT510's "wrap flag" is that flag, not DECAWM, which is neither saved nor restored). The
    defaults are what DECRC restores when nothing was saved: home, plain, ASCII, origin off."""

    x: int = 0
    y: int = 0
    attr: int = 0
    origin: bool = False
    pending_wrap: bool = False
    g0: bool = False
    g1: bool = False
    shift_out: bool = False


@dataclass
class Modes:
    """The modes the widget reads (keys, paste, mouse, cursor) and the ones the grid obeys."""

    app_cursor: bool = False  # DECCKM (?1)
    app_keypad: bool = False  # DECKPAM (ESC =)
    origin: bool = False  # DECOM (?6)
    autowrap: bool = True  # DECAWM (?7)
    insert: bool = False  # IRM (4)
    newline: bool = False  # LNM (20)
    cursor_visible: bool = True  # DECTCEM (?25)
    bracketed_paste: bool = False  # ?2004
    mouse: int = 0  # 0, 9, 1000, 1002 or 1003
    mouse_sgr: bool = False  # ?1006
    focus_events: bool = False  # ?1004
    allow_column_mode: bool = False  # ?40: DECCOLM is acted on (xterm's c132, off by default)
    lr_margins: bool = False  # ?69 DECLRMM: DECSLRM (CSI l;r s) sets left/right margins
    reverse_wrap: bool = False  # ?45: BS/CUB at the left margin go up a wrapped line
    column_132: bool = False  # ?3 DECCOLM, as last set while allowed (the pane keeps its width)


@dataclass
class Screen:
    cols: int = 80
    rows: int = 24
    scrollback_limit: int = SCROLLBACK_LINES
    table: AttrTable = field(default_factory=AttrTable)

    def __post_init__(self) -> None:
        self.modes = Modes()
        self.main: list[Row] = [Row(self.cols) for _ in range(self.rows)]
        self.alt: list[Row] = [Row(self.cols) for _ in range(self.rows)]
        self.lines = self.main
        self.alt_active = False
        self.scrollback: deque[Row] = deque(maxlen=self.scrollback_limit)
        # Rows that fell off the scrollback's far end (or were erased with it) so far: a row's
        # `dropped + index` in scrollback-then-screen is a name for it that new output does not
        # change (search matches and selections are kept in those names, see history.py).
        self.dropped = 0
        self.x = 0
        self.y = 0
        self.attr = 0
        self.pending_wrap = False
        self.top = 0
        self.bottom = self.rows - 1
        self.tabstops = set(range(8, self.cols, 8))
        self.saved_main = SavedCursor()
        self.saved_alt = SavedCursor()
        self.g0_graphics = False
        self.g1_graphics = False
        self.shift_out = False
        self.graphics = False  # the active charset (G0 or G1 per shift state) is DEC graphics
        self.insert = False  # IRM mirror of modes.insert, read on the hot path
        # Left/right margins (DECSLRM, only while DECLRMM is set); `lr` says they are narrower
        # than the screen, `slow` that draw's fast path is off (insert mode or such margins).
        self.left = 0
        self.right = self.cols - 1
        self.lr = False
        self.slow = False
        self.plain_scroll = True  # see `_scroll_mode`
        self.title = ""
        self.bell_count = 0
        self.replies: list[bytes] = []
        self.dirty: set[int] = set(range(self.rows))
        self.all_dirty = True
        self.view_offset = 0
        self._bce: dict[int, int] = {0: 0}

    # ----------------------------------------------------------------- helpers

    def _blank_attr(self) -> int:
        """Erased cells keep the current background colour (xterm/tmux "BCE") and nothing else."""
        aid = self.attr
        blank = self._bce.get(aid)
        if blank is None:
            bg = self.table[aid][1]
            blank = 0 if bg == DEFAULT_COLOR else self.table.intern((DEFAULT_COLOR, bg, 0, 0))
            self._bce[aid] = blank
        return blank

    def _new_bottom_row(self) -> Row:
        """A blank row for the bottom of a full-screen scroll. Once the scrollback is full, the
        row about to fall off its far end is blanked and reused: a steady flood then allocates
        no containers at all, so the garbage collector has nothing to do (allocating two lists
        per line made its collections take a fifth of the time of a `cat`)."""
        blank = self._bce.get(self.attr)
        if blank is None:
            blank = self._blank_attr()
        sb = self.scrollback
        if len(sb) == sb.maxlen and sb.maxlen:
            self.dropped += 1
            return sb.popleft().reset(self.cols, blank)
        return Row(self.cols, blank)

    def update_charset(self) -> None:
        """Recompute `graphics` after ESC ( / ESC ) / SO / SI / cursor restore."""
        self.graphics = self.g1_graphics if self.shift_out else self.g0_graphics

    def set_insert(self, on: bool) -> None:
        self.modes.insert = on
        self.insert = on
        self.slow = on or self.lr

    def set_lr_mode(self, on: bool) -> None:
        """DECLRMM (?69): set or reset, the left and right margins go back to the screen's edges."""
        self.modes.lr_margins = on
        self._set_lr(0, self.cols - 1)

    def set_lr_margins(self, left: int, right: int) -> None:
        """DECSLRM (`CSI Pl ; Pr s` while DECLRMM is set), 1-based; 0 or past the edge means the
        edge. As xterm: ignored unless left < right; the cursor goes home."""
        left = max(left, 1) - 1
        right = (right if 0 < right <= self.cols else self.cols) - 1
        if right > left:
            self._set_lr(left, right)
            self.cursor_position(1, 1)

    def _set_lr(self, left: int, right: int) -> None:
        self.left, self.right = left, right
        self.lr = (left, right) != (0, self.cols - 1)
        self.slow = self.insert or self.lr
        self._scroll_mode()

    def _scroll_mode(self) -> None:
        """`plain_scroll`: CR LF at the bottom scrolls the whole main screen into the scrollback
        and CR goes to column 1 (no margins, no alternate screen). It is the one test `crlf`,
        the hottest call, makes; kept by every change of margins, screen or size."""
        self.plain_scroll = (
            self.top == 0 and self.bottom == self.rows - 1 and not self.alt_active and not self.lr
        )

    def _edge(self) -> int:
        """One past the last column text may reach: the right margin, unless the cursor is
        already right of it (CUP can put it there), where the screen's edge is."""
        return self.right + 1 if self.x <= self.right else self.cols

    def take_dirty(self) -> set[int]:
        """Rows changed since the last call (screen coordinates); clears the record."""
        if self.all_dirty:
            rows = set(range(self.rows))
        else:
            rows = self.dirty
        self.dirty = set()
        self.all_dirty = False
        return rows

    def text_lines(self) -> list[str]:
        """The visible screen as text, one str per row, trailing blanks kept."""
        return ["".join(row.chars) for row in self.lines]

    def display(self) -> list[str]:
        """Like tmux `capture-pane -p`: wide characters once, trailing blanks stripped."""
        return [row.text.rstrip() for row in self.lines]

    # ----------------------------------------------------------------- printing

    def draw(self, text: str) -> None:
        """Print a run of printable characters (no controls) at the cursor."""
        if self.graphics:
            text = text.translate(DEC_GRAPHICS)
        if text.isascii():
            # Fast path: the run fits on the current line, no wrap, insert mode or wide neighbour.
            x = self.x
            end = x + len(text)
            if end < self.cols and not self.pending_wrap and not self.slow:
                y = self.y
                row = self.lines[y]
                chars = row.chars
                if chars[end] and (not x or chars[x]):
                    chars[x:end] = text
                    row.attrs[x:end] = [self.attr] * (end - x)
                    self.x = end
                    self.dirty.add(y)
                    return
            self._draw_narrow(text)
            return
        start = 0
        i = 0
        n = len(text)
        while i < n:
            ch = text[i]
            w = char_width(ch)
            if w == 1:
                i += 1
                continue
            if i > start:
                self._draw_narrow(text[start:i])
            if w == 2:
                self._draw_wide(ch)
            elif w == 0:
                self._combine(ch)
            i += 1
            start = i
        if start < n:
            self._draw_narrow(text[start:])

    def _draw_narrow(self, text: str) -> None:
        aid = self.attr
        n = len(text)
        i = 0
        while i < n:
            if self.pending_wrap:
                self.pending_wrap = False
                if self.modes.autowrap:
                    self.lines[self.y].wrapped = True
                    self.x = self.left
                    self.index()
            x = self.x
            cols = self._edge()
            row = self.lines[self.y]
            chars = row.chars
            space = cols - x
            remaining = n - i
            if remaining <= space:
                take = remaining
            elif self.modes.autowrap:
                take = space
            else:
                # No autowrap: characters past the margin all land on the last column.
                if space > 1:
                    self._put(row, x, text[i : i + space - 1], aid, cols)
                self._put(row, cols - 1, text[n - 1], aid, cols)
                self.x = cols - 1
                self.pending_wrap = True
                self.dirty.add(self.y)
                return
            chunk = text[i : i + take] if (i or take != n) else text
            self._put(row, x, chunk, aid, cols)
            i += take
            end = x + take
            if end >= cols:
                self.x = cols - 1
                self.pending_wrap = True
            else:
                self.x = end
            self.dirty.add(self.y)

    @staticmethod
    def _unsplit(chars: list[str], x: int) -> None:
        """Make column x a clean cell boundary: if x is the right half of a wide character, both
        halves become blanks (a terminal never shows half a character)."""
        if 0 < x < len(chars) and chars[x] == "":
            chars[x - 1] = " "
            chars[x] = " "

    def _insert_blanks(self, row: Row, x: int, n: int, aid: int, edge: int | None = None) -> None:
        """Shift cells from x right by n (insert mode, ICH); what passes `edge` (the right
        margin, one past it; the screen's edge by default) is lost."""
        cols = self.cols
        if edge is None or edge >= cols:
            row.chars[x:x] = [" "] * n
            row.attrs[x:x] = [aid] * n
            del row.chars[cols:]
            del row.attrs[cols:]
            if char_width(row.chars[-1][:1]) == 2:  # a wide character pushed half off the edge
                row.chars[-1] = " "
            return
        chars = row.chars
        self._unsplit(chars, edge)
        keep = max(edge - x - n, 0)
        chars[x:edge] = [" "] * (edge - x - keep) + chars[x : x + keep]
        row.attrs[x:edge] = [aid] * (edge - x - keep) + row.attrs[x : x + keep]
        if char_width(chars[edge - 1][:1]) == 2:  # its right half went past the margin
            chars[edge - 1] = " "

    def _put(self, row: Row, x: int, chunk: str, aid: int, edge: int | None = None) -> None:
        """Write narrow `chunk` at column x, splitting any wide character it half-covers."""
        chars = row.chars
        take = len(chunk)
        end = x + take
        self._unsplit(chars, x)
        if self.insert:
            self._insert_blanks(row, x, take, aid, edge)
        else:
            self._unsplit(chars, end)
        chars[x:end] = chunk
        row.attrs[x:end] = [aid] * take

    def _draw_wide(self, ch: str) -> None:
        if self.pending_wrap:
            self.pending_wrap = False
            if self.modes.autowrap:
                self.lines[self.y].wrapped = True
                self.x = self.left
                self.index()
        cols = self._edge()
        if cols - self.left < 2:
            return
        if self.x >= cols - 1:
            if not self.modes.autowrap:
                self.x = cols - 2
            else:
                # Does not fit in the last column: that cell stays blank, the character wraps.
                row = self.lines[self.y]
                self._unsplit(row.chars, cols - 1)
                row.chars[cols - 1] = " "
                row.wrapped = WRAP_PAD
                self.dirty.add(self.y)
                self.x = self.left
                self.index()
                cols = self._edge()
        row = self.lines[self.y]
        chars = row.chars
        x = self.x
        self._unsplit(chars, x)
        if self.insert:
            self._insert_blanks(row, x, 2, self.attr, cols)
        else:
            self._unsplit(chars, x + 2)
        chars[x] = ch
        chars[x + 1] = ""
        row.attrs[x] = row.attrs[x + 1] = self.attr
        self.dirty.add(self.y)
        if x + 2 >= cols:
            self.x = cols - 1
            self.pending_wrap = True
        else:
            self.x = x + 2

    def _combine(self, ch: str) -> None:
        """A zero-width character (combining mark, variation selector, ZWJ) joins the previous cell."""
        x = self.x if self.pending_wrap else self.x - 1
        if x < 0:
            return
        chars = self.lines[self.y].chars
        if chars[x] == "" and x > 0:
            x -= 1
        chars[x] += ch
        self.dirty.add(self.y)

    def repeat(self, ch: str, n: int) -> None:
        """REP (`CSI n b`): print `ch`, the graphic character printed just before, n times
        (bounded by the screen's size). The parser decides what "just before" is (xterm: the
        byte right before the sequence was printed, no control or sequence in between); a
        zero-width character is not repeated, as in xterm."""
        if ch and char_width(ch) > 0:
            self.draw(ch * min(max(n, 1), self.cols * self.rows))

    # ----------------------------------------------------------------- cursor motion

    def carriage_return(self) -> None:
        """To the left margin; to column 1 from left of it (outside origin mode), as xterm."""
        left = self.left
        self.x = left if (self.x >= left or self.modes.origin) else 0
        self.pending_wrap = False

    def crlf(self) -> None:
        """CR LF, the commonest pair in any output stream, in one call."""
        if not self.plain_scroll:
            self.carriage_return()
            self.index()
            return
        self.x = 0
        self.pending_wrap = False
        if self.y == self.bottom:
            # Full-screen scroll on the main screen: the top row goes to the scrollback.
            lines = self.lines
            lines.append(self._new_bottom_row())
            self.scrollback.append(lines.pop(0))
            if self.view_offset:
                self.view_offset = min(self.view_offset + 1, len(self.scrollback))
            self.all_dirty = True
        else:
            self.y += 1

    def linefeed(self) -> None:
        self.pending_wrap = False
        self.index()
        if self.modes.newline:
            self.x = 0

    def index(self) -> None:
        """Move down one line, scrolling the region when at its bottom margin (not when the
        cursor is outside the left/right margins: xterm then only moves it)."""
        if self.y == self.bottom:
            if self.lr and not self.left <= self.x <= self.right:
                return
            self.scroll_up(1, history=True)
        elif self.y < self.rows - 1:
            self.y += 1

    def reverse_index(self) -> None:
        self.pending_wrap = False
        if self.y == self.top:
            if self.lr and not self.left <= self.x <= self.right:
                return
            self.scroll_down(1)
        elif self.y > 0:
            self.y -= 1

    def next_line(self) -> None:
        self.carriage_return()
        self.index()

    def backspace(self) -> None:
        """BS. At a pending wrap it only cancels the wrap (as tmux; xterm moves one left too),
        otherwise it is CUB 1: stops at the left margin, or goes up a wrapped line (?45)."""
        if self.pending_wrap and not (self.modes.reverse_wrap and self.modes.autowrap):
            self.pending_wrap = False
        else:
            self.cursor_back(1)

    def tab(self, n: int = 1) -> None:
        """HT / CHT. The pending wrap is left alone: a tab at the right margin cannot move the
        cursor, and xterm and tmux both keep the wrap, so the next character starts the next line."""
        last = self.right if self.x <= self.right else self.cols - 1
        for _ in range(max(n, 1)):
            stops = [t for t in self.tabstops if t > self.x]
            self.x = min(min(stops) if stops else last, last)

    def back_tab(self, n: int = 1) -> None:
        for _ in range(max(n, 1)):
            stops = [t for t in self.tabstops if t < self.x]
            self.x = max(stops) if stops else 0
        self.pending_wrap = False

    def set_tab_stop(self) -> None:
        self.tabstops.add(self.x)

    def clear_tab_stop(self, how: int) -> None:
        if how == 0:
            self.tabstops.discard(self.x)
        elif how == 3:
            self.tabstops.clear()

    def cursor_position(self, row: int, col: int) -> None:
        """CUP/HVP with 1-based arguments (0 counts as 1), relative to the margins in origin mode."""
        row = max(row, 1) - 1
        col = max(col, 1) - 1
        if self.modes.origin:
            row += self.top
            self.y = min(row, self.bottom)
            self.x = min(col + self.left, self.right)
        else:
            self.y = min(row, self.rows - 1)
            self.x = min(col, self.cols - 1)
        self.pending_wrap = False

    def cursor_to_column(self, col: int) -> None:
        """CHA / HPA; relative to the left margin in origin mode, as CUP."""
        col = max(col, 1) - 1
        if self.modes.origin:
            self.x = min(col + self.left, self.right)
        else:
            self.x = min(col, self.cols - 1)
        self.pending_wrap = False

    def cursor_to_line(self, row: int) -> None:
        row = max(row, 1) - 1
        if self.modes.origin:
            self.y = min(row + self.top, self.bottom)
        else:
            self.y = min(row, self.rows - 1)
        self.pending_wrap = False

    def cursor_up(self, n: int) -> None:
        n = max(n, 1)
        self.y = max(self.top, self.y - n) if self.y >= self.top else max(0, self.y - n)
        self.pending_wrap = False

    def cursor_down(self, n: int) -> None:
        n = max(n, 1)
        self.y = min(self.bottom, self.y + n) if self.y <= self.bottom else min(self.rows - 1, self.y + n)
        self.pending_wrap = False

    def cursor_forward(self, n: int) -> None:
        last = self.right if self.x <= self.right else self.cols - 1
        self.x = min(last, self.x + max(n, 1))
        self.pending_wrap = False

    def cursor_back(self, n: int) -> None:
        """CUB: stops at the left margin (column 1 from left of it). With reverse wraparound
        (?45, and autowrap on) it goes on from the right margin of the line above while that
        line was wrapped onto this one, as xterm: the first step only cancels a pending wrap."""
        n = max(n, 1)
        rev = self.modes.reverse_wrap and self.modes.autowrap
        if self.pending_wrap:
            self.pending_wrap = False
            if rev:
                n -= 1
        left = self.left if self.x >= self.left else 0
        x, y = self.x, self.y
        while n > 0:
            if x > left:
                step = min(n, x - left)
                x -= step
                n -= step
            elif rev and y > 0 and self.lines[y - 1].wrapped:
                y -= 1
                x = self.right
                n -= 1
            else:
                break
        self.x, self.y = x, y

    def save_cursor(self) -> None:
        saved = SavedCursor(
            self.x, self.y, self.attr, self.modes.origin, self.pending_wrap,
            self.g0_graphics, self.g1_graphics, self.shift_out,
        )
        if self.alt_active:
            self.saved_alt = saved
        else:
            self.saved_main = saved

    def restore_cursor(self) -> None:
        s = self.saved_alt if self.alt_active else self.saved_main
        self.attr = s.attr
        self.modes.origin = s.origin
        self.g0_graphics, self.g1_graphics, self.shift_out = s.g0, s.g1, s.shift_out
        self.update_charset()
        # The saved position is absolute; in origin mode it is kept inside the margins.
        if s.origin:
            self.y = min(max(s.y, self.top), self.bottom)
            self.x = min(max(s.x, self.left), self.right)
        else:
            self.y = min(s.y, self.rows - 1)
            self.x = min(s.x, self.cols - 1)
        self.pending_wrap = s.pending_wrap and self.x == s.x  # not when the position was clamped

    # ----------------------------------------------------------------- scrolling and editing

    def scroll_up(self, n: int, history: bool = False) -> None:
        """Scroll the region up n lines; lines leaving a full-height main screen go to scrollback."""
        top, bottom = self.top, self.bottom
        n = min(max(n, 1), bottom - top + 1)
        if self.lr:
            self._scroll_rect(top, bottom, n, up=True)
            return
        lines = self.lines
        blank = self._blank_attr()
        cols = self.cols
        if history and top == 0 and bottom == self.rows - 1 and not self.alt_active:
            push = self.scrollback.append
            for _ in range(n):
                lines.append(self._new_bottom_row())
                push(lines.pop(0))
            if self.view_offset:
                self.view_offset = min(self.view_offset + n, len(self.scrollback))
        else:
            for _ in range(n):
                del lines[top]
                lines.insert(bottom, Row(cols, blank))
        self.all_dirty = True

    def scroll_down(self, n: int) -> None:
        top, bottom = self.top, self.bottom
        n = min(max(n, 1), bottom - top + 1)
        if self.lr:
            self._scroll_rect(top, bottom, n, up=False)
            return
        lines = self.lines
        blank = self._blank_attr()
        for _ in range(n):
            del lines[bottom]
            lines.insert(top, Row(self.cols, blank))
        self.all_dirty = True

    def _scroll_rect(self, top: int, bottom: int, n: int, up: bool) -> None:
        """Scroll rows top..bottom between the left and right margins by n (nothing outside the
        margins moves, nothing goes to the scrollback); a wide character cut by a margin is
        blanked first."""
        left, end = self.left, self.right + 1
        lines = self.lines
        blank = self._blank_attr()
        for y in range(top, bottom + 1):
            chars = lines[y].chars
            self._unsplit(chars, left)
            self._unsplit(chars, end)
        order = range(top, bottom + 1 - n) if up else range(bottom, top + n - 1, -1)
        step = n if up else -n
        for y in order:
            src, dst = lines[y + step], lines[y]
            dst.chars[left:end] = src.chars[left:end]
            dst.attrs[left:end] = src.attrs[left:end]
        cleared = range(bottom + 1 - n, bottom + 1) if up else range(top, top + n)
        for y in cleared:
            lines[y].chars[left:end] = [" "] * (end - left)
            lines[y].attrs[left:end] = [blank] * (end - left)
        self.all_dirty = True

    def _in_lr(self) -> bool:
        return self.left <= self.x <= self.right

    def insert_lines(self, n: int) -> None:
        if not self.top <= self.y <= self.bottom:
            return
        n = min(max(n, 1), self.bottom - self.y + 1)
        if self.lr:
            if self._in_lr():
                self._scroll_rect(self.y, self.bottom, n, up=False)
                self.x = self.left
                self.pending_wrap = False
            return
        blank = self._blank_attr()
        for _ in range(n):
            del self.lines[self.bottom]
            self.lines.insert(self.y, Row(self.cols, blank))
        self.x = 0
        self.pending_wrap = False
        self.all_dirty = True

    def delete_lines(self, n: int) -> None:
        if not self.top <= self.y <= self.bottom:
            return
        n = min(max(n, 1), self.bottom - self.y + 1)
        if self.lr:
            if self._in_lr():
                self._scroll_rect(self.y, self.bottom, n, up=True)
                self.x = self.left
                self.pending_wrap = False
            return
        blank = self._blank_attr()
        for _ in range(n):
            del self.lines[self.y]
            self.lines.insert(self.bottom, Row(self.cols, blank))
        self.x = 0
        self.pending_wrap = False
        self.all_dirty = True

    def insert_chars(self, n: int) -> None:
        """ICH: blanks at the cursor, the rest of the line up to the right margin shifted right
        (nothing when the cursor is outside the left/right margins)."""
        self.pending_wrap = False
        if self.lr and not self._in_lr():
            return
        row = self.lines[self.y]
        edge = self.right + 1
        n = min(max(n, 1), edge - self.x)
        self._unsplit(row.chars, self.x)
        self._insert_blanks(row, self.x, n, self._blank_attr(), edge)
        self.dirty.add(self.y)

    def delete_chars(self, n: int) -> None:
        """DCH: cells at the cursor removed, the rest up to the right margin shifted left."""
        self.pending_wrap = False
        if self.lr and not self._in_lr():
            return
        row = self.lines[self.y]
        x = self.x
        edge = self.right + 1
        n = min(max(n, 1), edge - x)
        self._unsplit(row.chars, x)
        self._unsplit(row.chars, x + n)
        if edge < self.cols:
            self._unsplit(row.chars, edge)
        del row.chars[x : x + n]
        del row.attrs[x : x + n]
        row.chars[edge - n : edge - n] = [" "] * n
        row.attrs[edge - n : edge - n] = [self._blank_attr()] * n
        self.dirty.add(self.y)

    def erase_chars(self, n: int) -> None:
        row = self.lines[self.y]
        x = self.x
        end = min(self.cols, x + max(n, 1))
        self._erase_span(row, x, end)
        self.pending_wrap = False
        self.dirty.add(self.y)

    def _erase_span(self, row: Row, start: int, end: int) -> None:
        chars = row.chars
        if start and chars[start] == "":
            chars[start - 1] = " "
        if end < len(chars) and chars[end] == "":
            chars[end] = " "
        chars[start:end] = [" "] * (end - start)
        row.attrs[start:end] = [self._blank_attr()] * (end - start)

    def erase_in_line(self, how: int) -> None:
        row = self.lines[self.y]
        if how == 0:
            self._erase_span(row, self.x, self.cols)
        elif how == 1:
            self._erase_span(row, 0, self.x + 1)
        elif how == 2:
            self._erase_span(row, 0, self.cols)
        if how in (0, 2):
            row.wrapped = False
        self.pending_wrap = False
        self.dirty.add(self.y)

    def erase_in_display(self, how: int) -> None:
        blank = self._blank_attr()
        if how == 0:
            self.erase_in_line(0)
            for y in range(self.y + 1, self.rows):
                self.lines[y] = Row(self.cols, blank)
        elif how == 1:
            self.erase_in_line(1)
            for y in range(0, self.y):
                self.lines[y] = Row(self.cols, blank)
        elif how == 2:
            for y in range(self.rows):
                self.lines[y] = Row(self.cols, blank)
        elif how == 3:
            self.dropped += len(self.scrollback)
            self.scrollback.clear()
            self.view_offset = 0
        self.pending_wrap = False
        self.all_dirty = True

    def set_margins(self, top: int, bottom: int) -> None:
        top = max(top, 1) - 1
        bottom = (bottom or self.rows) - 1
        bottom = min(bottom, self.rows - 1)
        if top >= bottom:
            return
        self.top, self.bottom = top, bottom
        self._scroll_mode()
        self.cursor_position(1, 1)

    def column_mode(self, wide: bool) -> None:
        """DECCOLM while ?40 allows it: as xterm, the screen is cleared, the margins reset and the
        cursor homed. The pane's width is the outer layout's, so it does not change (xterm too
        keeps its width when window operations may not resize it)."""
        self.modes.column_132 = wide
        blank = self._blank_attr()
        for y in range(self.rows):
            self.lines[y] = Row(self.cols, blank)
        self.top, self.bottom = 0, self.rows - 1
        self._set_lr(0, self.cols - 1)
        self.x = self.y = 0
        self.pending_wrap = False
        self.all_dirty = True

    def alignment_test(self) -> None:
        """DECALN: fill the screen with E (vttest and some resize checks use it)."""
        for row in self.lines:
            row.chars[:] = ["E"] * self.cols
            row.attrs[:] = [0] * self.cols
        self.top, self.bottom = 0, self.rows - 1
        self._set_lr(0, self.cols - 1)
        self.x = self.y = 0
        self.all_dirty = True

    # ----------------------------------------------------------------- alternate screen

    def enter_alt(self, clear: bool) -> None:
        if not self.alt_active:
            self.alt_active = True
            self.lines = self.alt
            self.view_offset = 0
            self._scroll_mode()
        if clear:
            blank = self._blank_attr()
            for y in range(self.rows):
                self.alt[y] = Row(self.cols, blank)
        self.all_dirty = True

    def leave_alt(self, clear: bool = False) -> None:
        if self.alt_active:
            if clear:
                for y in range(self.rows):
                    self.alt[y] = Row(self.cols)
            self.alt_active = False
            self.lines = self.main
            self._scroll_mode()
        self.all_dirty = True

    # ----------------------------------------------------------------- attributes, resets

    def select_graphic_rendition(self, params: str) -> None:
        self.attr = self.table.intern(apply_sgr(self.table[self.attr], params))

    def soft_reset(self) -> None:
        """DECSTR: modes and attributes to defaults, screen contents kept."""
        m = self.modes
        m.insert = m.origin = m.app_cursor = m.app_keypad = False
        self.insert = self.graphics = False
        m.autowrap = m.cursor_visible = True
        m.reverse_wrap = False
        self.top, self.bottom = 0, self.rows - 1
        self._set_lr(0, self.cols - 1)
        self.attr = 0
        self.g0_graphics = self.g1_graphics = self.shift_out = False
        self.saved_main = SavedCursor()
        self.saved_alt = SavedCursor()
        self.pending_wrap = False

    def reset(self) -> None:
        """RIS: everything to power-on state except the scrollback."""
        scrollback = self.scrollback
        dropped = self.dropped
        title = self.title
        replies = self.replies
        table = self.table
        self.__post_init__()
        self.scrollback = scrollback
        self.dropped = dropped
        self.title = title
        self.replies = replies
        self.table = table

    # ----------------------------------------------------------------- resize and scrollback view

    def resize(self, cols: int, rows: int) -> None:
        """New size. A new width reflows the main screen and its scrollback (see reflow.py; the
        cursor's row stays where it is on the screen); the alternate screen's rows are cut or
        padded. When the screen gets shorter, lines above the cursor move into the scrollback
        so the cursor's line stays visible, as in tmux."""
        cols = max(cols, 1)
        rows = max(rows, 1)
        if cols == self.cols and rows == self.rows:
            return
        wrap_pending = self._reflow(cols) if cols != self.cols else False
        for row in self.alt:
            row.fit(cols)
        if rows < self.rows:
            cursor_push = max(0, self.y - (rows - 1))
            for _ in range(cursor_push):
                if len(self.scrollback) == self.scrollback.maxlen:
                    self.dropped += 1
                self.scrollback.append(self.main.pop(0))
                if self.alt_active:
                    self.alt.pop(0)
                else:
                    del self.alt[rows:]
            del self.main[rows:]
            del self.alt[rows:]
            self.y -= cursor_push
        else:
            for buf in (self.main, self.alt):
                while len(buf) < rows:
                    buf.append(Row(cols))
        self.lines = self.alt if self.alt_active else self.main
        self.cols, self.rows = cols, rows
        self.x = min(self.x, cols - 1)
        self.y = min(max(self.y, 0), rows - 1)
        self.top, self.bottom = 0, rows - 1
        self._set_lr(0, cols - 1)
        self.tabstops = {t for t in self.tabstops if t < cols} | set(range(8, cols, 8))
        # A cursor just past a full reflowed row waits there to wrap, as it would have.
        self.pending_wrap = wrap_pending and self.x == cols - 1
        for s in (self.saved_main, self.saved_alt):
            s.x = min(s.x, cols - 1)
            s.y = min(s.y, rows - 1)
        self.view_offset = min(self.view_offset, len(self.scrollback))
        self.all_dirty = True

    def _reflow(self, cols: int) -> bool:
        """Re-wrap the main screen and the scrollback at `cols`, keeping the main cursor (on the
        alternate screen: the one DECSC saved for the main screen) on the same screen row.
        Every line is renamed (`dropped` moves past the old names): a search or selection made
        before does not point into the new rows. True when the main cursor ends just past a
        full row, its wrap pending."""
        from .reflow import reflow

        saved = self.saved_main
        x, y = (saved.x, saved.y) if self.alt_active else (self.x, self.y)
        y = min(max(y, 0), self.rows - 1)
        # The screen up to its last row with content (or the cursor's): blank rows below are
        # not lines to keep; they come back as blank rows.
        last = self.rows - 1
        while last > y and not any(c != " " for c in self.main[last].chars):
            last -= 1
        old = [*self.scrollback, *self.main[: last + 1]]
        top = len(self.scrollback)
        new, ((cy, cx, pending), (new_top, _, _)) = reflow(old, [(top + y, x), (top, 0)], self.cols, cols)
        # The screen's top row stays on its line (the content grows into blank rows below, or
        # shrinks leaving them), unless the cursor would fall off the bottom.
        start = max(new_top, cy - (self.rows - 1))
        self.dropped += len(old)
        self.scrollback.clear()
        self.scrollback.extend(new[:start])
        screen = new[start : start + self.rows]
        screen += [Row(cols) for _ in range(self.rows - len(screen))]
        self.main[:] = screen
        if self.alt_active:
            saved.x, saved.y, saved.pending_wrap = cx, cy - start, pending
            return False
        self.x, self.y = cx, cy - start
        return pending

    def scroll_view(self, lines: int) -> None:
        """Move the view into the scrollback (positive = older) and clamp; marks all rows dirty."""
        if self.alt_active:
            return
        new = min(max(self.view_offset + lines, 0), len(self.scrollback))
        if new != self.view_offset:
            self.view_offset = new
            self.all_dirty = True

    def visible_row(self, y: int) -> Row:
        """The row shown at screen line y, taking the scrollback view offset into account."""
        off = self.view_offset
        if not off:
            return self.lines[y]
        idx = len(self.scrollback) - off + y
        if idx < len(self.scrollback):
            return self.scrollback[idx]
        return self.lines[idx - len(self.scrollback)]
