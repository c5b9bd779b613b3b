"""The merged session table: rows, their cells, sorting and filtering."""

from sessionboard.ui.widgets.sessions.columns import COLUMNS, SORTS, Column
from sessionboard.ui.widgets.sessions.table import SessionTable

__all__ = ["COLUMNS", "SORTS", "Column", "SessionTable"]
