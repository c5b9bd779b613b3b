"""The normalized shapes every layer above `providers` speaks: no wire format leaks past here."""

from sessionboard.model.capability import Capability
from sessionboard.model.fields import CreateField, FieldError, parse_values
from sessionboard.model.session import Session, SessionKey, parse_instant, sort_sessions

__all__ = [
    "Capability",
    "CreateField",
    "FieldError",
    "Session",
    "SessionKey",
    "parse_instant",
    "parse_values",
    "sort_sessions",
]
