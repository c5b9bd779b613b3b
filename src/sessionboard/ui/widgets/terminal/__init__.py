"""The console's terminal pane: a tab per attached session, each holding a `TerminalView`."""

from sessionboard.ui.widgets.terminal.tabs import TerminalPane, TerminalTabs

__all__ = ["TerminalPane", "TerminalTabs"]
