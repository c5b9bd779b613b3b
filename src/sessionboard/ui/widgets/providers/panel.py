"""One row per provider: kind, session count, last poll age, latency, and its error when the last
poll failed. Choosing a row filters the table to that provider; "all" goes back.

On a narrow screen (`one_line`) the panel is one line across the top: each provider's name and
count, marked when it failed or is held back, then the first problem in words; the rows of
sessions get the rest of the height.

Drawn on the line API rather than an `OptionList`: the ages change every second, and replacing an
OptionList's prompts re-wraps and re-lays out the whole list each time (a measurable share of the
idle CPU). Here a second's tick rebuilds a few short lines and repaints only if their text changed.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from sessionboard.model import safe_text
from sessionboard.ui.clock import Now, system_now
from sessionboard.ui.plain import LINE_LIMIT
from sessionboard.ui.widgets.sessions.table import overlay

ALL_ID = "__all__"


@dataclass(slots=True)
class ProviderStatus:
    """What the panel shows of a provider; the screen fills it from snapshots."""

    name: str
    kind: str
    count: int = 0
    received_at: float | None = None
    """When the last snapshot reached the console (the console's clock, so ages freeze in tests)."""
    latency: float | None = None
    error: str | None = None
    stale: bool = False
    note: str | None = None
    """A fact about what is listed, shown after the count (a devices provider's organization)."""
    retry_at: float | None = None
    """On the console's clock: the provider asked (Retry-After) not to be polled before then."""
    warning: str | None = None
    """What the last listing left out, in a few words (`2 sessions skipped, 1 duplicate id`)."""
    first_warning: str | None = None
    """The first of those warnings in full (cut to the panel's width when shown)."""


def retry_text(seconds: float) -> str:
    """`rate limited, next poll in 30 s`, counting down; the poll comes at 0. The number and its
    unit are held together (a no-break space) when the panel wraps the line."""
    return f"rate limited, next poll in {max(1, math.ceil(seconds))}\u00a0s"


def age_text(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds}s ago"
    if seconds < 3600:
        return f"{seconds // 60}m ago"
    return f"{seconds // 3600}h ago"


Piece = tuple[str, str]
"""(text, component class or "" for plain)."""


class ProviderPanel(Widget, can_focus=True):
    DEFAULT_CSS = """
    ProviderPanel {
        height: auto;
        border: round $panel;
        border-title-color: $text-accent;
        background: $surface;
        color: $foreground;
    }
    ProviderPanel:focus {
        border: round $primary;
    }
    ProviderPanel.-strip {
        border: none;
        height: 1;
        background: $panel;
    }
    ProviderPanel > .provider-panel--name { text-style: bold; }
    ProviderPanel > .provider-panel--dim { color: $text-muted; }
    ProviderPanel > .provider-panel--ok { color: $text-success; }
    ProviderPanel > .provider-panel--error { color: $text-error; }
    ProviderPanel > .provider-panel--warning { color: $text-warning; }
    ProviderPanel > .provider-panel--highlight { background: $block-cursor-blurred-background; }
    ProviderPanel:focus > .provider-panel--highlight {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
    }
    """
    COMPONENT_CLASSES = {
        "provider-panel--name",
        "provider-panel--dim",
        "provider-panel--ok",
        "provider-panel--error",
        "provider-panel--warning",
        "provider-panel--highlight",
    }
    BINDINGS = [
        Binding("up,left", "move(-1)", "Up", show=False),
        Binding("down,right", "move(1)", "Down", show=False),
        Binding("enter,space", "choose_highlighted", "Choose", show=False),
    ]

    class Chosen(Message):
        """A provider (or None for all) was chosen: the screen filters the table to it."""

        def __init__(self, panel: ProviderPanel, name: str | None) -> None:
            super().__init__()
            self.panel = panel
            self.name = name

        @property
        def control(self) -> ProviderPanel:
            return self.panel

    def __init__(
        self,
        statuses: list[ProviderStatus],
        *,
        now: Now = system_now,
        one_line: bool = False,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.now = now
        self.statuses = {s.name: s for s in statuses}
        self.chosen: str | None = None
        self.one_line = one_line
        self.total = 0
        self.highlighted = 0
        """Index into `option_ids()`: 0 is "all providers"."""
        self._lines: list[tuple[int, list[Piece]]] = []
        self._spans: list[tuple[int, int, int]] = []
        """The strip's options: (first cell, end cell, option index), for the mouse and the highlight."""
        self._strips: dict[int, Strip] = {}
        self.border_title = "providers"
        self.set_class(one_line, "-strip")
        self._rebuild()

    # ---- what it shows -------------------------------------------------------------------------------
    def option_ids(self) -> list[str]:
        return [ALL_ID, *self.statuses]

    def get_option_index(self, option_id: str) -> int:
        return self.option_ids().index(option_id)

    def _option_lines(self, status: ProviderStatus, width: int) -> list[list[Piece]]:
        mark = "▶ " if self.chosen == status.name else "  "
        if status.error:
            dot = ("✖ ", "provider-panel--error")
        elif status.received_at is None:
            dot = ("… ", "provider-panel--dim")
        else:
            dot = ("● ", "provider-panel--ok")
        first: list[Piece] = [(mark, ""), dot, (safe_text(status.name, limit=LINE_LIMIT), "provider-panel--name"),
                              (f" {status.kind} · {status.count}", "provider-panel--dim")]
        if status.note:
            first.append((f" · {safe_text(status.note, limit=LINE_LIMIT)}", "provider-panel--dim"))
        facts = []
        if status.received_at is not None:
            facts.append(age_text(self.now() - status.received_at))
        elif not status.error:
            facts.append("connecting…")
        if status.latency is not None:
            facts.append(f"{status.latency * 1000:.0f} ms")
        lines = [first]
        if facts:
            if self.one_line:
                first.append((" · " + " · ".join(facts), "provider-panel--dim"))
            else:
                lines.append([("    " + " · ".join(facts), "provider-panel--dim")])
        held = status.retry_at - self.now() if status.retry_at is not None else 0.0
        if held > 0:
            if self.one_line:
                first.append(("  " + retry_text(held), "provider-panel--error"))
            else:
                for part in textwrap.wrap(retry_text(held), max(10, width - 4)):
                    lines.append([("    " + part, "provider-panel--error")])
        if status.error:  # the provider's own words: escaped, and no more than the three lines shown
            message = ("stale · " if status.stale else "") + safe_text(status.error, limit=LINE_LIMIT)
            if self.one_line:
                first.append(("  " + message, "provider-panel--error"))
            else:
                for part in textwrap.wrap(message, max(10, width - 4))[:3]:
                    lines.append([("    " + part, "provider-panel--error")])
        if status.warning:
            if self.one_line:
                first.append(("  ⚠ " + status.warning, "provider-panel--warning"))
            else:
                for part in textwrap.wrap("⚠ " + status.warning, max(10, width - 4), subsequent_indent="  ")[:2]:
                    lines.append([("    " + part, "provider-panel--warning")])
                if status.first_warning:
                    room = max(10, width - 6)
                    text = safe_text(status.first_warning)
                    text = text if len(text) <= room else text[: room - 1] + "…"
                    lines.append([("      " + text, "provider-panel--dim")])
        return lines

    def _strip_pieces(self) -> tuple[list[Piece], list[tuple[int, int, int]]]:
        """The one line of a narrow screen: `▶ all 48  ● timing 3  ✖ agents 0 …` and then the
        first problem in words (`agents: server error`)."""
        pieces: list[Piece] = []
        spans: list[tuple[int, int, int]] = []
        x = 0

        def option(index: int, parts: list[Piece]) -> None:
            nonlocal x
            start = x
            for text, cls in parts:
                pieces.append((text, cls))
                x += cell_len(text)
            spans.append((start, x, index))
            pieces.append(("  ", ""))
            x += 2

        chosen = "▶ " if self.chosen is None else ""
        option(0, [(f" {chosen}all", "provider-panel--name"), (f" {self.total}", "provider-panel--dim")])
        problems: list[Piece] = []
        for index, status in enumerate(self.statuses.values(), start=1):
            name = safe_text(status.name, limit=LINE_LIMIT)
            held = status.retry_at - self.now() if status.retry_at is not None else 0.0
            if status.error:
                dot = ("✖ ", "provider-panel--error")
                message = ("stale · " if status.stale else "") + safe_text(status.error, limit=LINE_LIMIT)
                problems.append((f"{name}: {message}", "provider-panel--error"))
            elif status.received_at is None:
                dot = ("… ", "provider-panel--dim")
            else:
                dot = ("● ", "provider-panel--ok")
            if held > 0:
                problems.append((f"{name}: {retry_text(held)}", "provider-panel--error"))
            if status.warning:
                problems.append((f"{name}: ⚠ {status.warning}", "provider-panel--warning"))
            parts: list[Piece] = [dot, (("▶ " if self.chosen == status.name else "") + name, "provider-panel--name"),
                                  (f" {status.count}", "provider-panel--dim")]
            if held > 0 or status.warning:
                parts.append((" ⚠", "provider-panel--warning"))
            option(index, parts)
        if problems:
            pieces.append(problems[0])
            if len(problems) > 1:
                pieces.append((f" (+{len(problems) - 1} more: widen the screen to see them)", "provider-panel--dim"))
        return pieces, spans

    def _rebuild(self) -> None:
        """Recompute the lines; repaint only when their text changed (ages tick every second)."""
        width = self.content_region.width if self.is_mounted and self.content_region.width else 34
        lines: list[tuple[int, list[Piece]]] = []
        if self.one_line:
            pieces, self._spans = self._strip_pieces()
            lines.append((-1, pieces))
        else:
            self._spans = []
            mark = "▶ " if self.chosen is None else "  "
            lines.append((0, [(mark + "all providers", "provider-panel--name"),
                              (f" · {self.total} shown", "provider-panel--dim")]))
            for index, status in enumerate(self.statuses.values(), start=1):
                lines.extend((index, pieces) for pieces in self._option_lines(status, width))
        if lines == self._lines:
            return
        old = self._lines
        self._lines = lines
        if not self.is_mounted or len(lines) != len(old):
            self._strips.clear()
            if self.is_mounted:
                self.refresh(layout=True)
            return
        # Same height: repaint only the lines whose text changed (the ages, once a second).
        width = self.content_region.width
        for y, (before, after) in enumerate(zip(old, lines)):
            if before != after:
                self._strips.pop(y * 2, None)
                self._strips.pop(y * 2 + 1, None)
                self._strips.pop(-2, None)  # the strip's one line
                self.refresh(Region(0, y, width, 1))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines)

    def render_line(self, y: int) -> Strip:
        width = self.content_region.width
        if y >= len(self._lines):
            blank = self._strips.get(-1)
            if blank is None or blank.cell_length != width:
                blank = self._strips[-1] = Strip.blank(width, self.rich_style)
            return blank
        option, pieces = self._lines[y]
        if option < 0:
            return self._strip_line(pieces, width)
        highlighted = option == self.highlighted
        key = y * 2 + highlighted
        strip = self._strips.get(key)
        if strip is None:
            segments = [
                Segment(text, self.get_component_rich_style(cls) if cls else Style()) for text, cls in pieces
            ]
            strip = Strip(segments).crop_extend(0, width, None)
            if highlighted:
                strip = overlay(strip, self.get_component_rich_style("provider-panel--highlight"))
            strip = strip.apply_style(self.rich_style)
            self._strips[key] = strip
        return strip

    def _strip_line(self, pieces: list[Piece], width: int) -> Strip:
        """The narrow screen's line, cut with `…` where the screen ends; the highlighted option
        is marked while the panel has the keyboard."""
        strip = self._strips.get(-2)
        if strip is not None and strip.cell_length == width:
            return strip
        segments = [Segment(text, self.get_component_rich_style(cls) if cls else Style()) for text, cls in pieces]
        strip = Strip(segments)
        if strip.cell_length > width > 0:
            strip = strip.crop(0, width - 1)
            strip = Strip([*strip, Segment("…", self.get_component_rich_style("provider-panel--dim"))])
        if self.has_focus:
            for start, end, option in self._spans:
                if option == self.highlighted and start < width:
                    style = self.get_component_rich_style("provider-panel--highlight")
                    end = min(end, strip.cell_length)
                    strip = Strip.join([strip.crop(0, start), overlay(strip.crop(start, end), style),
                                        strip.crop(end, strip.cell_length)])
        strip = strip.crop_extend(0, width, None).apply_style(self.rich_style)
        self._strips[-2] = strip
        return strip

    def on_focus(self) -> None:
        self._strips.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._strips.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    def on_resize(self) -> None:
        self._strips.clear()
        self._rebuild()

    # ---- updates -------------------------------------------------------------------------------------
    def update_status(self, status: ProviderStatus) -> None:
        self.statuses[status.name] = status
        self._rebuild()

    def set_total(self, total: int) -> None:
        if total != self.total:
            self.total = total
            self._rebuild()

    def choose(self, name: str | None) -> None:
        self.chosen = name
        self._rebuild()

    def set_one_line(self, one_line: bool) -> None:
        """One line for every provider on a narrow screen (a strip), lines each on a wide one."""
        if one_line != self.one_line:
            self.one_line = one_line
            self.set_class(one_line, "-strip")
            self._rebuild()

    def refresh_prompts(self) -> None:
        """Once a second, for the poll ages."""
        self._rebuild()

    # ---- keys and mouse ------------------------------------------------------------------------------
    def action_move(self, step: int) -> None:
        self.highlighted = (self.highlighted + step) % len(self.option_ids())
        self._strips.clear()
        self.refresh()

    def action_choose_highlighted(self) -> None:
        option = self.option_ids()[self.highlighted]
        self.post_message(self.Chosen(self, None if option == ALL_ID else option))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        y = offset.y
        if self.one_line:
            picked = next((option for start, end, option in self._spans if start <= offset.x < end), None)
            if y == 0 and picked is not None:
                self.highlighted = picked
                self._strips.clear()
                self.refresh()
                self.action_choose_highlighted()
            return
        if 0 <= y < len(self._lines):
            self.highlighted = self._lines[y][0]
            self._strips.clear()
            self.refresh()
            self.action_choose_highlighted()
