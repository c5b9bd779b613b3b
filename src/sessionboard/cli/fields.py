"""`sessionboard fields NAME` and `create NAME --help`: each provider's create fields, so the keys of
`create NAME KEY=VALUE...` (each API's own spelling) are read in the help, not learnt from errors.

The fields come from the adapter's `create_fields()` (the same list the console's form is built
from), which needs the config: the kind of NAME, and values such as rufus's configured devices.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sessionboard.cli import output
from sessionboard.model import CreateField, safe_text

if TYPE_CHECKING:
    from sessionboard.config import Config

HEADER = ("FIELD", "TYPE", "REQUIRED", "DEFAULT", "HELP")


def must_give(spec: CreateField) -> bool:
    """Required with no default: `create` refuses to send without it (exit 2 naming it)."""
    return spec.required and spec.default is None


def _type(spec: CreateField) -> str:
    if spec.type == "int":
        low = "" if spec.minimum is None else str(spec.minimum)
        high = "" if spec.maximum is None else str(spec.maximum)
        return f"whole number {low}-{high}" if low or high else "whole number"
    if spec.type == "bool":
        return "true|false"
    if spec.type == "choice":
        return "|".join(spec.choices) or "text"
    if spec.format is not None:
        return f"text ({spec.format})"
    return "text (secret)" if spec.secret else "text"


def _default(spec: CreateField) -> str:
    if spec.default is None:
        return "-"
    if isinstance(spec.default, bool):
        return "true" if spec.default else "false"
    return str(spec.default)


def _help(spec: CreateField) -> str:
    text = spec.label + (f": {spec.help}" if spec.help else "")
    if spec.suggestions:
        text += f"; configured: {', '.join(spec.suggestions)} (any other is taken too)"
    return text


def field_rows(fields: tuple[CreateField, ...]) -> list[tuple[str, str, str, str, str]]:
    return [
        (spec.name, _type(spec), "yes" if must_give(spec) else "no", _default(spec), _help(spec)) for spec in fields
    ]


def field_table(fields: tuple[CreateField, ...]) -> str:
    """Aligned columns, the free-length help last. Values from the config (rufus devices) are
    the user's own, still shown through `safe_text` like everything printed."""
    rows = [tuple(safe_text(cell) for cell in row) for row in [HEADER, *field_rows(fields)]]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER) - 1)]
    return "\n".join(
        "  ".join([*(cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])), row[-1]]).rstrip() for row in rows
    )


def field_json(spec: CreateField) -> dict[str, Any]:
    return {
        "name": spec.name,
        "label": spec.label,
        "type": spec.type,
        "required": must_give(spec),
        "default": spec.default,
        "choices": list(spec.choices),
        "suggestions": list(spec.suggestions),
        "minimum": spec.minimum,
        "maximum": spec.maximum,
        "format": spec.format,
        "secret": spec.secret,
        "help": spec.help,
    }


def create_help(parser: argparse.ArgumentParser, name: str | None, load: Callable[[], Config | None]) -> int:
    """`create --help`, then NAME's fields when a NAME is given (its kind is in the config)."""
    output.block(parser.format_help())
    if name is None:
        output.line("Give NAME to list its fields: sessionboard create NAME --help (or: sessionboard fields NAME)")
        return 0
    from sessionboard.cli.commands import fields_command

    config = load()
    assert config is not None
    output.line()
    return asyncio.run(fields_command(config, name, as_json=False))
