"""The fields a create form asks, typed once and used by both the console's form and the CLI's
`KEY=VALUE` arguments, so a value of the wrong type is refused the same way before anything is sent."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

FieldType = Literal["str", "int", "bool", "choice"]
FieldFormat = Literal["uuid", "date-time"]
"""A string's format as the API's schema states it (OpenAPI `format`), checked before sending."""

_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")

_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


class FieldError(ValueError):
    """One or more values a create form or `create KEY=VALUE` cannot accept; the message lists each."""


@dataclass(frozen=True, slots=True)
class CreateField:
    name: str
    """The key as the CLI takes it (`leaseTime=30`) and, unless the adapter maps it, as sent."""
    label: str
    type: FieldType = "str"
    required: bool = False
    default: Any = None
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    help: str = ""
    secret: bool = False
    """Typed into a password input and never echoed back."""
    suggestions: tuple[str, ...] = ()
    """Values a form offers for a "str" field (the configured rufus devices), any other accepted:
    unlike `choices`, the API's schema takes any string here."""
    format: FieldFormat | None = None

    def parse(self, value: Any) -> Any:
        """A raw value (a string from the CLI or a form, or an already typed value) → its type."""
        if self.type == "int":
            if isinstance(value, bool):
                raise FieldError(f"{self.name}: expected a whole number, got {value!r}")
            try:
                number = int(str(value).strip())
            except ValueError:
                raise FieldError(f"{self.name}: expected a whole number, got {value!r}") from None
            if self.minimum is not None and number < self.minimum:
                raise FieldError(f"{self.name}: {number} is below the minimum {self.minimum}")
            if self.maximum is not None and number > self.maximum:
                raise FieldError(f"{self.name}: {number} is above the maximum {self.maximum}")
            return number
        if self.type == "bool":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in _TRUE:
                return True
            if text in _FALSE:
                return False
            raise FieldError(f"{self.name}: expected true or false, got {value!r}")
        text = str(value).strip()
        if self.type == "choice" and self.choices and text not in self.choices:
            raise FieldError(f"{self.name}: {text!r} is not one of {', '.join(self.choices)}")
        if self.format is not None:
            _check_format(self.name, self.format, text)
        return text


def _check_format(name: str, fmt: FieldFormat, text: str) -> None:
    if fmt == "uuid":
        try:
            uuid.UUID(text)
        except ValueError:
            raise FieldError(f"{name}: {text!r} is not a UUID (such as 3f2b8c1e-0d4a-4e5b-9c6d-7e8f9a0b1c2d)") from None
        if len(text) != 36:
            raise FieldError(f"{name}: {text!r} is not a UUID in its 8-4-4-4-12 form")
    elif fmt == "date-time":
        ok = _RFC3339.match(text) is not None
        if ok:
            try:
                datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
            except ValueError:
                ok = False
        if not ok:
            raise FieldError(f"{name}: {text!r} is not an RFC 3339 date-time (such as 2026-12-04T18:00:00Z)")


def parse_values(fields: tuple[CreateField, ...], raw: dict[str, Any]) -> dict[str, Any]:
    """Type every given value, fill defaults, and report every problem at once.

    Empty strings count as "not given" (an untouched form input), so optional fields stay unsent.
    """
    by_name = {f.name: f for f in fields}
    problems: list[str] = []
    values: dict[str, Any] = {}
    for key in raw:
        if key not in by_name:
            known = ", ".join(by_name) or "none"
            problems.append(f"{key}: not a field of this provider (fields: {known})")
    for spec in fields:
        given = raw.get(spec.name)
        if given is None or (isinstance(given, str) and not given.strip()):
            if spec.default is not None:
                values[spec.name] = spec.default
            elif spec.required:
                problems.append(f"{spec.name}: required")
            continue
        try:
            values[spec.name] = spec.parse(given)
        except FieldError as exc:
            problems.append(str(exc))
    if problems:
        raise FieldError("; ".join(problems))
    return values
