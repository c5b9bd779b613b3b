"""The detail pane of the selected session."""

from sessionboard.ui.widgets.detail.pane import DetailPane, detail_text

__all__ = ["DetailPane", "detail_text"]
