"""The VT emulator: bytes in, a screen out, answers to queries back.

Bytes are decoded by an incremental UTF-8 decoder (a character split across two reads is kept),
then cut into tokens by one compiled regex: runs of printable text go to `Screen.draw` whole,
escape sequences are dispatched on their final byte. An escape sequence cut at the end of a read
is held back until the next `feed`. Profiling pyte showed the per-character `draw` to be 90% of
its time, so both the parser and the grid are our own (see `screen.py`).

Use:
    emu = Emulator(80, 24)
    emu.feed(b"...")            # any chunking
    emu.screen.display()        # text rows
    emu.take_replies()          # bytes to write back to the program (CPR, DA, ...)
    emu.take_dirty()            # rows to redraw
    emu.render_line(y)          # a Textual Strip for row y (see render.py)
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable

from textual.strip import Strip

from .render import StripRenderer
from .screen import SCROLLBACK_LINES, Modes, Screen
from .sgr import SgrDelta, apply_delta, sgr_delta, sgr_params

# One alternative per token kind; `lastgroup` names the kind. Printable text excludes C0, DEL
# and C1 (U+0080..U+009F, which we ignore as 8-bit controls).
_TOKEN = re.compile(
    r"(?P<text>[^\x00-\x1f\x7f-\x9f]+)(?P<textnl>\r\n)?"
    r"|(?P<crlf>\r\n)"
    r"|(?P<sgr>(?:\x1b\[[0-9;:]*m)+)(?P<sgrtext>[^\x00-\x1f\x7f-\x9f]*)"
    r"|\x1b\[(?P<cup_r>[0-9]*)(?:;(?P<cup_c>[0-9]*))?H"
    r"|\x1b\[(?P<csi_p>[0-?]*)(?P<csi_i>[ -/]*)(?P<csi>[@-~])"
    r"|\x1b\](?P<osc>[^\x07\x18\x1a\x1b\x9c]*)(?:\x07|\x1b\\|\x9c)"
    r"|(?P<str>\x1b[P^_X][^\x07\x18\x1a\x1b\x9c]*(?:\x1b\\|\x07|\x9c))"
    r"|\x1b(?P<esc_i>[ -/]*)(?P<esc>[0-OQ-WYZ\\`-~])"
    r"|(?P<ctl>[\x00-\x1a\x1c-\x1f\x7f-\x9f])"
)
_SGR_PARAMS = re.compile(r"\x1b\[([0-9;:]*)m")
# What an escape sequence cut short by the end of a read looks like.
_PARTIAL = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*|\][^\x07\x18\x1a\x1b\x9c]*\x1b?|[P^_X][^\x07\x18\x1a\x1b\x9c]*\x1b?|[ -/]*)?\Z"
)
# A whole CSI sequence, as the token regex's `csi` branch takes it (see `_interrupted`).
_CSI_WHOLE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")
_C0_INSIDE = frozenset(chr(c) for c in range(0x20)) - {"\x18", "\x1a", "\x1b"}
_MAX_PENDING = 1 << 16  # an unterminated OSC/DCS longer than this is dropped, not buffered

DA1_REPLY = b"\x1b[?62;22c"  # VT220 with ANSI colour
DA2_REPLY = b"\x1b[>1;10;0c"
TERMINAL_NAME = "sessionboard"  # XTVERSION answers "sessionboard(VERSION)"
_ST = "\x1b\\"


def _version() -> str:
    """The package's version, read when XTVERSION asks (not at import: start-up stays lean)."""
    from sessionboard import __version__

    return __version__


def _ints(params: str) -> list[int]:
    """`"1;;3"` -> [1, 0, 3]; sub-parameters after ':' are ignored outside SGR."""
    if not params:
        return [0]
    out = []
    for p in params.split(";"):
        p = p.split(":", 1)[0]
        out.append(int(p) if p.isdigit() else 0)
    return out


class Emulator:
    """A VT100/xterm-compatible terminal of `cols` x `rows` cells with a scrollback."""

    def __init__(
        self,
        cols: int = 80,
        rows: int = 24,
        scrollback: int = SCROLLBACK_LINES,
        on_reply: Callable[[bytes], None] | None = None,
    ) -> None:
        self.screen = Screen(cols, rows, scrollback_limit=scrollback)
        self.renderer = StripRenderer(self.screen)
        self.on_reply = on_reply
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""
        # The graphic character printed last, while nothing else has come since (REP repeats
        # it); kept across reads for a REP that arrives in the next one.
        self._graphic = ""
        self._saved_modes: dict[int, bool] = {}  # XTSAVE's record, per private mode
        # (attribute id, SGR parameter text) -> resulting attribute id: programs repeat the same
        # few SGR sequences endlessly, so most are a dict hit instead of a parse.
        self._sgr_cache: dict[tuple[int, str], int] = {}
        # SGR sequence text -> its effect on any attribute (see sgr.sgr_delta).
        self._delta_cache: dict[str, SgrDelta] = {}
        s = self.screen
        self._ctl: dict[str, Callable[[], None]] = {
            "\r": s.carriage_return,
            "\n": s.linefeed,
            "\x0b": s.linefeed,
            "\x0c": s.linefeed,
            "\x08": s.backspace,
            "\t": s.tab,
            "\x07": self._bell,
            "\x0e": self._shift_out,
            "\x0f": self._shift_in,
        }

    # ----------------------------------------------------------------- public API

    @property
    def cols(self) -> int:
        return self.screen.cols

    @property
    def rows(self) -> int:
        return self.screen.rows

    @property
    def modes(self) -> Modes:
        return self.screen.modes

    @property
    def title(self) -> str:
        return self.screen.title

    def feed(self, data: bytes) -> None:
        """Process bytes from the program; any split (UTF-8 or escape sequence) is fine."""
        text = self._decoder.decode(data)
        if self._pending:
            text = self._pending + text
            self._pending = ""
        if text:
            self._parse(text)

    def feed_text(self, text: str) -> None:
        """Process already-decoded text (tests, and transports that deliver str)."""
        if self._pending:
            text = self._pending + text
            self._pending = ""
        self._parse(text)

    def resize(self, cols: int, rows: int) -> None:
        self.screen.resize(cols, rows)

    def take_dirty(self) -> set[int]:
        return self.screen.take_dirty()

    def take_replies(self) -> bytes:
        """Answers queued for the program since the last call (empty when none, and always empty
        when an `on_reply` callback takes them instead)."""
        out = b"".join(self.screen.replies)
        self.screen.replies.clear()
        return out

    def render_line(self, y: int, cursor: bool = True) -> Strip:
        return self.renderer.render_line(y, cursor=cursor)

    def scroll_view(self, lines: int) -> None:
        self.screen.scroll_view(lines)

    @property
    def view_offset(self) -> int:
        return self.screen.view_offset

    # ----------------------------------------------------------------- the parser

    def _parse(self, text: str) -> None:
        s = self.screen
        match = _TOKEN.match
        draw = s.draw
        crlf = s.crlf
        ctl = self._ctl
        sgr_cache = self._sgr_cache
        pos = 0
        n = len(text)
        # Where the last run of text ended: a REP right there repeats its last character.
        graphic_end = 0 if self._graphic else -1
        while pos < n:
            m = match(text, pos)
            if m is None:
                rest = text[pos:]
                if len(rest) <= _MAX_PENDING and _PARTIAL.match(rest):
                    self._graphic = self._graphic_at(text, graphic_end, pos)
                    self._pending = rest
                    return
                pos = self._interrupted(text, pos)
                continue
            pos = m.end()
            kind = m.lastgroup
            if kind == "textnl":
                draw(m.group(1))
                crlf()
            elif kind == "text":
                draw(m.group(1))
                graphic_end = pos
            elif kind == "sgr" or kind == "sgrtext":
                seq = m.group(4)
                key = (s.attr, seq)
                aid = sgr_cache.get(key)
                if aid is None:
                    aid = self._sgr_miss(key)
                s.attr = aid
                if kind == "sgrtext":
                    tail = m.group(5)
                    if tail:
                        draw(tail)
                        graphic_end = pos
            elif kind == "cup_r" or kind == "cup_c":
                row = m.group(6)
                col = m.group(7)
                s.cursor_position(int(row) if row else 1, int(col) if col else 1)
            elif kind == "crlf":
                crlf()
            elif kind == "ctl":
                handler = ctl.get(m.group(kind))
                if handler is not None:
                    handler()
            elif kind == "csi":
                final = m.group("csi")
                if final == "b" and not m.group("csi_i"):
                    params = m.group("csi_p")
                    if params[:1] not in ("?", ">", "<", "="):
                        start = m.start()
                        s.repeat(self._graphic_at(text, graphic_end, start), _ints(params)[0])
                else:
                    self._csi(m.group("csi_p"), m.group("csi_i"), final)
            elif kind == "osc":
                self._osc(m.group("osc"), "\x07" if m.group(0)[-1] == "\x07" else "\x1b\\")
            elif kind == "esc":
                self._esc(m.group("esc_i"), m.group("esc"))
            elif kind == "str":
                self._dcs(m.group("str"))  # DCS acted on where we know it; APC, PM, SOS ignored
        self._graphic = self._graphic_at(text, graphic_end, n)

    def _graphic_at(self, text: str, graphic_end: int, at: int) -> str:
        """The character REP at position `at` would repeat: the last one printed if a run of
        text ended right there (xterm forgets it at any other byte: a control, any sequence,
        REP itself), else nothing."""
        if graphic_end != at or graphic_end < 0:
            return ""
        return text[graphic_end - 1] if graphic_end else self._graphic

    def _interrupted(self, text: str, pos: int) -> int:
        """An escape sequence at `pos` that the token regex cannot take whole; returns where
        parsing goes on. Done as xterm's parser does it (and the VT500 state machine):

        - a C0 control inside an escape or control sequence is executed where it stands and the
          sequence goes on (`ESC [ 2 BS C` is a backspace, then CUF 2);
        - CAN and SUB abort the sequence; nothing of it is printed (xterm draws an error glyph
          for SUB, ctlseqs says nothing of it and tmux draws none: we draw none);
        - an ESC aborts the sequence and starts a new one; in an OSC or DCS string, ESC `\\` is
          the terminator, any other ESC abandons the string (xterm does not act on it);
        - a sequence cut short by the end of the text is kept, without the controls already
          executed, for the next read.
        """
        n = len(text)
        i = pos + 1
        if i < n and text[i] in "]P^_X":
            return self._string(text, i, pos)
        kept = ["\x1b"]
        csi = False
        ctl = self._ctl
        while i < n:
            ch = text[i]
            if ch in _C0_INSIDE:
                handler = ctl.get(ch)
                if handler is not None:
                    handler()
                i += 1
                continue
            if ch == "\x18" or ch == "\x1a":
                return i + 1
            if ch == "\x1b":
                return i
            if ch == "\x7f":
                i += 1
                continue
            if not csi:
                if ch == "[" and len(kept) == 1:
                    csi = True
                    kept.append(ch)
                    i += 1
                    continue
                if ch in "]P^_X" and len(kept) == 1:
                    return self._string(text, i, pos)  # ESC, a control, then a string
                if " " <= ch <= "/":
                    kept.append(ch)
                    i += 1
                    continue
                if "0" <= ch <= "~":
                    self._esc("".join(kept[1:]), ch)
                    return i + 1
                return i if len(kept) > 1 else pos + 1  # not a sequence: drop the ESC
            if " " <= ch <= "?":
                kept.append(ch)
                i += 1
                continue
            if "@" <= ch <= "~":
                kept.append(ch)
                seq = "".join(kept)
                if _CSI_WHOLE.fullmatch(seq):
                    self._graphic = ""  # a REP here has no graphic character right before it
                    self._parse(seq)
                return i + 1
            return i  # a character that cannot be in a sequence ends it unfinished
        self._pending = "".join(kept)
        return n

    def _string(self, text: str, i: int, pos: int) -> int:
        """The string (OSC, DCS, APC, PM, SOS) whose opener is at `i` (its ESC at or before
        `pos`); returns where parsing goes on. Ended by BEL or ST it is done (an OSC acted on);
        CAN or SUB abort it; any other ESC abandons it and is parsed as a new sequence."""
        n = len(text)
        j = i + 1
        while j < n and text[j] not in "\x07\x18\x1a\x1b\x9c":
            j += 1
        if j >= n or (text[j] == "\x1b" and j + 1 >= n):
            if n - i < _MAX_PENDING:  # an unterminated string longer than this is dropped
                self._pending = "\x1b" + text[i:]
            return n
        end = text[j]
        if end == "\x18" or end == "\x1a":
            return j + 1
        if end == "\x1b" and text[j + 1] != "\\":
            return j
        if text[i] == "]":
            self._osc(text[i + 1 : j], "\x07" if end == "\x07" else "\x1b\\")
        return j + 2 if end == "\x1b" else j + 1

    def _sgr_miss(self, key: tuple[int, str]) -> int:
        """Resolve one run of SGR sequences for the current attribute, filling both caches."""
        aid, seq = key
        delta = self._delta_cache.get(seq)
        if delta is None:
            # Consecutive SGRs act like one SGR with the parameters joined (empty means 0).
            params = ";".join(p or "0" for p in _SGR_PARAMS.findall(seq))
            delta = sgr_delta(params)
            if len(self._delta_cache) < 4096:
                self._delta_cache[seq] = delta
        table = self.screen.table
        new = table.intern(apply_delta(table[aid], delta))
        if len(self._sgr_cache) < 65536:
            self._sgr_cache[key] = new
        return new

    def _reply(self, data: bytes) -> None:
        if self.on_reply is not None:
            self.on_reply(data)
        else:
            self.screen.replies.append(data)

    def _bell(self) -> None:
        self.screen.bell_count += 1

    def _shift_out(self) -> None:
        self.screen.shift_out = True
        self.screen.update_charset()

    def _shift_in(self) -> None:
        self.screen.shift_out = False
        self.screen.update_charset()

    def _esc(self, inter: str, final: str) -> None:
        s = self.screen
        if inter:
            if inter == "(":
                s.g0_graphics = final == "0"
                s.update_charset()
            elif inter == ")":
                s.g1_graphics = final == "0"
                s.update_charset()
            elif inter == "#" and final == "8":
                s.alignment_test()
            return
        if final == "7":
            s.save_cursor()
        elif final == "8":
            s.restore_cursor()
        elif final == "D":
            s.pending_wrap = False
            s.index()
        elif final == "E":
            s.next_line()
        elif final == "M":
            s.reverse_index()
        elif final == "H":
            s.set_tab_stop()
        elif final == "c":
            s.reset()
        elif final == "=":
            s.modes.app_keypad = True
        elif final == ">":
            s.modes.app_keypad = False

    def _osc(self, body: str, end: str) -> None:
        code, _, arg = body.partition(";")
        if code in ("0", "2"):
            self.screen.title = arg[:256]
        elif code in ("10", "11", "12"):
            # "What are your colours?": vim, neovim and others ask for the background to pick
            # their light or dark palette. Answered in the query's own terminator, as xterm does;
            # as in xterm, `OSC 10;?;?` asks for 10 and then 11 (each further item the next
            # code). The cursor (12) is drawn in reverse video: its colour is the foreground's.
            number = int(code)
            for item in arg.split(";")[: 13 - number]:
                if item == "?":
                    r, g, b = self.renderer.default_rgb(foreground=number != 11)
                    rgb = f"rgb:{r:02x}{r:02x}/{g:02x}{g:02x}/{b:02x}{b:02x}"
                    self._reply(f"\x1b]{number};{rgb}{end}".encode())
                number += 1

    def _dcs(self, string: str) -> None:
        """A DCS string whole (`ESC P ... ST`); DECRQSS (`DCS $ q Pt ST`) is answered, the rest
        ignored."""
        if not string.startswith("\x1bP$q"):
            return
        body = string[4:-2] if string.endswith(_ST) else string[4:-1]
        answer = self._setting(body)
        if answer is None:
            self._reply(f"\x1bP0$r{_ST}".encode())  # "not a setting we report", as xterm says it
        else:
            self._reply(f"\x1bP1$r{answer}{_ST}".encode())

    def _setting(self, name: str) -> str | None:
        """DECRQSS: the control sequence (without CSI) that would set `name` as it is now."""
        s = self.screen
        if name == "m":
            return sgr_params(s.table[s.attr]) + "m"
        if name == "r":
            return f"{s.top + 1};{s.bottom + 1}r"
        if name == "s":
            return f"{s.left + 1};{s.right + 1}s"
        return None

    def _csi(self, params: str, inter: str, final: str) -> None:
        s = self.screen
        private = params[:1] if params[:1] in ("?", ">", "<", "=") else ""
        if private:
            params = params[1:]
        if final == "m":
            if not private and not inter:
                s.select_graphic_rendition(params)
            return
        args = _ints(params)
        a = args[0]
        if inter:
            if inter == "!" and final == "p":
                s.soft_reset()
            elif inter == "$" and final == "p":
                self._report_mode(a, private == "?")
            return
        if private == "?":
            if final == "h":
                self._set_private_modes(args, True)
            elif final == "l":
                self._set_private_modes(args, False)
            elif final == "s":
                self._save_private_modes(args)
            elif final == "r":
                self._restore_private_modes(args)
            elif final == "n" and a == 6:
                self._reply(f"\x1b[?{self._cpr_row()};{s.x + 1}R".encode())
            return
        if private == ">":
            if final == "c" and a == 0:
                self._reply(DA2_REPLY)
            elif final == "q" and a == 0:
                self._reply(f"\x1bP>|{TERMINAL_NAME}({_version()}){_ST}".encode())  # XTVERSION
            return
        if private:
            # Among these: the kitty keyboard protocol's `CSI ? u` query (and its push, pop and
            # set: `CSI > u`, `CSI < u`, `CSI = u`). A program asks it followed by DA1 and takes
            # a DA1 answer with no `CSI ? flags u` before it as "not supported": so no answer.
            return
        if final == "H" or final == "f":
            s.cursor_position(a, args[1] if len(args) > 1 else 1)
        elif final == "A":
            s.cursor_up(a)
        elif final == "B" or final == "e":
            s.cursor_down(a)
        elif final == "C" or final == "a":
            s.cursor_forward(a)
        elif final == "D":
            s.cursor_back(a)
        elif final == "E":
            s.cursor_down(a)
            s.x = 0
        elif final == "F":
            s.cursor_up(a)
            s.x = 0
        elif final == "G" or final == "`":
            s.cursor_to_column(a)
        elif final == "d":
            s.cursor_to_line(a)
        elif final == "J":
            s.erase_in_display(a)
        elif final == "K":
            s.erase_in_line(a)
        elif final == "L":
            s.insert_lines(a)
        elif final == "M":
            s.delete_lines(a)
        elif final == "@":
            s.insert_chars(a)
        elif final == "P":
            s.delete_chars(a)
        elif final == "X":
            s.erase_chars(a)
        elif final == "S":
            s.scroll_up(a)
        elif final == "T":
            s.scroll_down(a)
        elif final == "r":
            s.set_margins(a, args[1] if len(args) > 1 else 0)
        elif final == "I":
            s.tab(a)
        elif final == "Z":
            s.back_tab(a)
        elif final == "g":
            s.clear_tab_stop(a)
        elif final == "h" or final == "l":
            on = final == "h"
            for mode in args:
                if mode == 4:
                    s.set_insert(on)
                elif mode == 20:
                    s.modes.newline = on
        elif final == "n":
            if a == 5:
                self._reply(b"\x1b[0n")
            elif a == 6:
                self._reply(f"\x1b[{self._cpr_row()};{s.x + 1}R".encode())
        elif final == "c":
            if a == 0:
                self._reply(DA1_REPLY)
        elif final == "s":
            if s.modes.lr_margins:
                s.set_lr_margins(a, args[1] if len(args) > 1 else 0)  # DECSLRM
            elif not params:
                s.save_cursor()  # SCOSC
        elif final == "u":
            s.restore_cursor()
        elif final == "t":
            if a == 18:
                self._reply(f"\x1b[8;{s.rows};{s.cols}t".encode())

    def _cpr_row(self) -> int:
        s = self.screen
        return s.y - s.top + 1 if s.modes.origin else s.y + 1

    _MODE_FIELDS = {
        1: "app_cursor",
        3: "column_132",
        6: "origin",
        7: "autowrap",
        25: "cursor_visible",
        40: "allow_column_mode",
        45: "reverse_wrap",
        69: "lr_margins",
        1004: "focus_events",
        1006: "mouse_sgr",
        2004: "bracketed_paste",
    }

    def _set_private_modes(self, modes: list[int], on: bool) -> None:
        s = self.screen
        for mode in modes:
            if mode == 3:
                # DECCOLM: ignored unless ?40 allows it, as in xterm, whose allowColumnMode (c132)
                # resource is false by default.
                if s.modes.allow_column_mode:
                    s.column_mode(on)
                continue
            if mode == 69:
                s.set_lr_mode(on)
                continue
            name = self._MODE_FIELDS.get(mode)
            if name is not None:
                setattr(s.modes, name, on)
                if mode == 6:
                    s.cursor_position(1, 1)
                elif mode == 25:
                    s.dirty.add(s.y)
            elif mode in (9, 1000, 1002, 1003):
                if on:
                    s.modes.mouse = mode
                elif s.modes.mouse == mode:
                    s.modes.mouse = 0
            elif mode == 1049:
                if on:
                    s.save_cursor()
                    s.enter_alt(clear=True)
                else:
                    s.leave_alt()
                    s.restore_cursor()
            elif mode == 47:
                if on:
                    s.enter_alt(clear=False)
                else:
                    s.leave_alt()
            elif mode == 1047:
                if on:
                    s.enter_alt(clear=False)
                else:
                    s.leave_alt(clear=True)
            elif mode == 1048:
                if on:
                    s.save_cursor()
                else:
                    s.restore_cursor()

    def _private_mode(self, mode: int) -> bool | None:
        """Whether DEC private mode `mode` is set; None for a mode we do not know."""
        s = self.screen
        name = self._MODE_FIELDS.get(mode)
        if name is not None:
            return bool(getattr(s.modes, name))
        if mode in (9, 1000, 1002, 1003):
            return s.modes.mouse == mode
        if mode in (47, 1047, 1049):
            return s.alt_active
        return None

    def _save_private_modes(self, modes: list[int]) -> None:
        """XTSAVE (`CSI ? Pm s`): remember these modes' values for XTRESTORE."""
        for mode in modes:
            value = self._private_mode(mode)
            if value is not None:
                self._saved_modes[mode] = value

    def _restore_private_modes(self, modes: list[int]) -> None:
        """XTRESTORE (`CSI ? Pm r`): set each mode back as XTSAVE found it (a mode never saved is
        left alone, as in xterm)."""
        for mode in modes:
            value = self._saved_modes.get(mode)
            if value is not None and value != self._private_mode(mode):
                self._set_private_modes([mode], value)

    def _report_mode(self, mode: int, private: bool) -> None:
        """DECRQM: 1 = set, 2 = reset, 0 = not recognised."""
        s = self.screen
        state = 0
        if private:
            value = self._private_mode(mode)
            if value is not None:
                state = 1 if value else 2
            self._reply(f"\x1b[?{mode};{state}$y".encode())
        else:
            if mode == 4:
                state = 1 if s.modes.insert else 2
            elif mode == 20:
                state = 1 if s.modes.newline else 2
            self._reply(f"\x1b[{mode};{state}$y".encode())
