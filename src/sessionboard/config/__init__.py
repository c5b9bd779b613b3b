"""The configuration layer: the TOML file, its models, secret references, and where files live.

The state file of the console's own choices is `state` (the config file is never written).
The names, default keys, paths and outlines import without pydantic; the models and the loader
are imported on first use of their names (PEP 562), so that `sessionboard demo` paints its board
before pydantic is loaded (see `outline`)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from sessionboard.config.keys import ACTIONS, ALL_ACTIONS, DEFAULT_KEYS, DEFAULT_THEME, EXTRA_KEYS, KINDS
from sessionboard.config.outline import GeneratedConfig, Outline, ProviderOutline
from sessionboard.config.paths import find_config, user_config_dir, user_themes_dir
from sessionboard.errors import ConfigError, NoConfigError

if TYPE_CHECKING:
    from sessionboard.config.loader import load_config, parse_config
    from sessionboard.config.models import (
        AgentsConfig,
        AppSettings,
        Config,
        DevicesConfig,
        HubSettings,
        ProviderBase,
        ProviderConfig,
        RufusConfig,
        SshSettings,
        TasknetConfig,
        VsayConfig,
    )

_LAZY = {
    **dict.fromkeys(("load_config", "parse_config"), "loader"),
    **dict.fromkeys(
        (
            "AgentsConfig",
            "AppSettings",
            "Config",
            "DevicesConfig",
            "HubSettings",
            "ProviderBase",
            "ProviderConfig",
            "RufusConfig",
            "SshSettings",
            "TasknetConfig",
            "VsayConfig",
        ),
        "models",
    ),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "ACTIONS",
    "ALL_ACTIONS",
    "DEFAULT_KEYS",
    "DEFAULT_THEME",
    "EXTRA_KEYS",
    "KINDS",
    "AgentsConfig",
    "AppSettings",
    "Config",
    "ConfigError",
    "DevicesConfig",
    "GeneratedConfig",
    "HubSettings",
    "NoConfigError",
    "Outline",
    "ProviderOutline",
    "ProviderBase",
    "ProviderConfig",
    "RufusConfig",
    "SshSettings",
    "TasknetConfig",
    "VsayConfig",
    "find_config",
    "load_config",
    "parse_config",
    "user_config_dir",
    "user_themes_dir",
]
