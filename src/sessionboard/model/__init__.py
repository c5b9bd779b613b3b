"""The normalized shapes every layer above `providers` speaks: no wire format leaks past here."""

from sessionboard.model.capability import Capability
from sessionboard.model.display import DisplayField, display_values
from sessionboard.model.fields import CreateField, FieldError, parse_values
from sessionboard.model.listing import Listing
from sessionboard.model.session import Session, SessionKey, parse_instant, sort_sessions
from sessionboard.model.untrusted import is_safe, safe_json, safe_text

__all__ = [
    "Capability",
    "CreateField",
    "DisplayField",
    "FieldError",
    "Listing",
    "Session",
    "SessionKey",
    "display_values",
    "is_safe",
    "parse_instant",
    "parse_values",
    "safe_json",
    "safe_text",
    "sort_sessions",
]
