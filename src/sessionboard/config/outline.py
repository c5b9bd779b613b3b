"""What the board's first frame needs from a config, without pydantic.

A user's file is validated before anything starts (CONFIG.md), and its `Outline` is read off the
validated `Config`. The demo's config is different: the program writes it itself, from the same
`sim.layout` its simulators serve, so there is nothing a user could have got wrong in it. The
demo hands it over as a `GeneratedConfig`, whose outline is read straight from the tables, and
the console validates it once the board's first frame is painted: pydantic and the models (about
a third of the start-up) are then imported after the first frame instead of before it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sessionboard.config.keys import DEFAULT_KEYS, DEFAULT_THEME, EXTRA_KEYS

if TYPE_CHECKING:
    from sessionboard.config.models import Config


@dataclass(frozen=True, slots=True)
class ProviderOutline:
    name: str
    kind: str
    organization: str | None = None
    """A devices provider's first organization, shown in the panel from the first frame."""


@dataclass(frozen=True, slots=True)
class Outline:
    providers: tuple[ProviderOutline, ...]
    keys: Mapping[str, str]
    """Action -> key, every action (defaults filled in)."""
    theme: str
    path: Any = None
    """The file to save a theme choice to; None when there is none (the demo)."""


@dataclass(frozen=True, slots=True)
class GeneratedConfig:
    """Config tables this program made itself (the demo's), validated on first use."""

    data: Mapping[str, Any]

    def outline(self) -> Outline:
        """Read from the tables as they are: they come from our own code, and `validate` (which a
        test holds to the same outline) still checks them before any provider is made."""
        providers = []
        for table in self.data.get("providers", []):
            organization = table.get("organization")
            if isinstance(organization, list):
                organization = organization[0] if organization else None
            providers.append(ProviderOutline(table["name"], table["kind"], organization))
        return Outline(
            providers=tuple(providers),
            keys={**DEFAULT_KEYS, **EXTRA_KEYS, **self.data.get("keys", {})},
            theme=self.data.get("app", {}).get("theme", DEFAULT_THEME),
        )

    def validate(self) -> Config:
        """The tables as a `Config` (raises `ConfigError`, which would be a bug in their maker)."""
        from sessionboard.config.loader import parse_config

        return parse_config(dict(self.data))
