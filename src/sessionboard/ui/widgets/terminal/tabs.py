"""`TerminalTabs`: the terminals attached from the console, one tab per session.

Each tab (`TerminalPane`) holds a status line (where it is connected, or why it ended) and a
`TerminalView`. The tabs never touch the network themselves: the view's backend connects in the
view's own task. Ending is reported by the view (`TerminalView.Ended`); this widget marks the tab
and the status line with the reason and leaves the rest of the console alone.

Focus: a terminal pane has the keyboard while focused; `ctrl+]` gives it back (the board handles
`TerminalView.Released`). Once its session has ended the pane claims no key: `ctrl+w`, `q` and
the rest are the console's at once, with no `ctrl+]` first. When the tab bar itself gets the focus (a click on a tab), it is passed
on to that tab's terminal: clicking a tab goes back into it.
"""

from __future__ import annotations

import re

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.widgets import Static, TabbedContent, TabPane
from textual.widgets._tabbed_content import ContentTabs

from sessionboard.model import SessionKey, safe_text
from sessionboard.terminal.backend import TerminalBackend
from sessionboard.terminal.widget import TerminalView
from sessionboard.ui.plain import LINE_LIMIT, plain

HINT = "ctrl+] back to the list · t or a click on the tab: into the terminal · ctrl+w close the tab"
ENDED_HINT = "every key is the console's again: ctrl+w closes the tab, t connects again, q quits"


def _pane_id(key: SessionKey, serial: int) -> str:
    provider, session_id = key
    return re.sub(r"[^A-Za-z0-9_-]", "_", f"term-{serial}-{provider}-{session_id}")


class TerminalPane(TabPane):
    """One attached session: its status line and its terminal."""

    DEFAULT_CSS = """
    TerminalPane {
        layout: vertical;
        padding: 0;
        height: 1fr;
    }
    TerminalPane > .terminal-status {
        height: 1;
        width: 1fr;
        background: $panel;
        color: $text-muted;
        padding: 0 1;
    }
    TerminalPane.-ended > .terminal-status {
        color: $text-error;
        background: $error-muted;
    }
    """

    def __init__(self, key: SessionKey, label: str, backend: TerminalBackend, *, id: str) -> None:
        """`label` names the session (provider text): it is shown as text, never as markup, in
        the tab (a `TabPane` title is markup), the status line and the terminal's title."""
        self.key = key
        self.label = safe_text(label, limit=LINE_LIMIT)
        self.where = "connecting…"
        self.view = TerminalView(backend, title=self.label)
        self.status = Static("", classes="terminal-status", markup=False)
        super().__init__(plain(self.label), id=id)

    def compose(self) -> ComposeResult:
        yield self.status
        yield self.view

    def on_mount(self) -> None:
        self.show_status()

    @property
    def ended(self) -> str | None:
        return self.view.ended

    def show_status(self) -> None:
        if self.view.ended is not None:
            ended = safe_text(self.view.ended, limit=LINE_LIMIT)
            self.status.update(Text(f"ended: {ended}  ·  {ENDED_HINT}", no_wrap=True, overflow="ellipsis"))
        else:
            self.status.update(Text(f"{self.label} · {self.where}  ·  {HINT}", no_wrap=True, overflow="ellipsis"))

    def set_where(self, where: str) -> None:
        """Where the terminal is connected (a host and user the provider named)."""
        self.where = safe_text(where, limit=LINE_LIMIT)
        self.show_status()


class TerminalTabs(TabbedContent):
    """The terminal area of the board: a tab per attached session."""

    DEFAULT_CSS = """
    TerminalTabs {
        height: 1fr;
    }
    TerminalTabs > ContentSwitcher {
        height: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._serial = 0
        self.panes: dict[SessionKey, TerminalPane] = {}

    # ---- queries -------------------------------------------------------------------------------
    def pane_for(self, key: SessionKey) -> TerminalPane | None:
        return self.panes.get(key)

    def view_for(self, key: SessionKey) -> TerminalView | None:
        pane = self.panes.get(key)
        return pane.view if pane is not None else None

    @property
    def live_count(self) -> int:
        """Terminals still connected (or connecting): what quitting would cut off."""
        return sum(1 for pane in self.panes.values() if pane.ended is None)

    @property
    def current(self) -> TerminalPane | None:
        pane = self.active_pane
        return pane if isinstance(pane, TerminalPane) else None

    # ---- opening, showing, ending, closing -------------------------------------------------------
    async def open(self, key: SessionKey, label: str, backend: TerminalBackend) -> TerminalPane:
        """A new tab for `key`, shown and focused; its terminal connects as soon as it has a size."""
        self._serial += 1
        pane = TerminalPane(key, label, backend, id=_pane_id(key, self._serial))
        self.panes[key] = pane
        await self.add_pane(pane)
        self.show(key)
        return pane

    def show(self, key: SessionKey) -> bool:
        """Bring `key`'s tab to the front and give its terminal the keyboard."""
        pane = self.panes.get(key)
        if pane is None or pane.id is None:
            return False
        self.active = pane.id
        # At once, not `view.focus()` (a callback queued behind the keys already typed): keys
        # typed right after `t` must reach the terminal, not the table.
        self.screen.set_focus(pane.view)
        return True

    def end(self, key: SessionKey, reason: str) -> bool:
        """End `key`'s terminal with `reason` (its tab stays, showing it). False if none is live."""
        pane = self.panes.get(key)
        if pane is None or pane.ended is not None:
            return False
        ender = getattr(pane.view.backend, "end", None)
        if callable(ender):
            ender(reason)
        else:  # a plain backend: stop it and say why
            self.run_worker(pane.view.stop(), exit_on_error=False)
            pane.view._end(reason)
        return True

    async def close(self, key: SessionKey) -> None:
        """Remove `key`'s tab; unmounting its view stops the terminal and closes the transport."""
        pane = self.panes.pop(key, None)
        if pane is not None and pane.id is not None:
            await self.remove_pane(pane.id)

    async def close_current(self) -> TerminalPane | None:
        pane = self.current
        if pane is not None:
            await self.close(pane.key)
        return pane

    # ---- events --------------------------------------------------------------------------------
    @on(TerminalView.Ended)
    def _ended(self, event: TerminalView.Ended) -> None:
        for pane in self.panes.values():
            if pane.view is event.view:
                pane.add_class("-ended")
                pane.show_status()
                if pane.id is not None:
                    self.get_tab(pane.id).label = plain(f"{pane.label} (ended)")
                break
        # The board hears of it too (it bubbles on): nothing else there needs to change.

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if isinstance(event.widget, ContentTabs):
            self.call_after_refresh(self._focus_current)

    def _focus_current(self) -> None:
        pane = self.current
        if pane is not None:
            pane.view.focus()
