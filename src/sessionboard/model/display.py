"""What an adapter says makes a useful column beyond the normalized fields.

The table's columns are the normalized session's; a kind may have one more worth a glance (an
agents run's trigger, a tasknet lease, a device's platform). The adapter declares those fields
(`Provider.display_fields`) and fills each session's `Session.display` with their values, so the
UI offers them as optional columns without ever reading a provider's wire keys from `raw`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DisplayField:
    key: str
    """The key in `Session.display`; kinds that share a key share a column."""
    label: str
    """The column's header (kept short: a column is shown whole or not at all)."""
    width: int = 10
    """The column's preferred width; a value wider is cut with `…` in the table."""
    help: str = ""
    """One line for the column chooser: what the value is."""


def display_values(**values: object) -> dict[str, str]:
    """An adapter's display values as `Session.display` holds them: each given one as text (a
    number as its digits), the missing and the odd (`None`, an empty string, an object, a list)
    left out, so a provider's surprise is a blank cell rather than a skipped session."""
    shown: dict[str, str] = {}
    for key, value in values.items():
        if isinstance(value, bool):
            shown[key] = "yes" if value else "no"
        elif isinstance(value, (str, int, float)) and value != "":
            shown[key] = str(value)
    return shown
