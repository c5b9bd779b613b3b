"""The key bar at the foot of the board."""

from sessionboard.ui.widgets.keys.bar import KeyBar

__all__ = ["KeyBar"]
