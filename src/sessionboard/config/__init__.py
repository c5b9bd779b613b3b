"""The configuration layer: the TOML file, its models, secret references, and where files live."""

from sessionboard.config.loader import ConfigError, NoConfigError, load_config, parse_config, save_theme
from sessionboard.config.models import (
    ACTIONS,
    ALL_ACTIONS,
    DEFAULT_KEYS,
    EXTRA_KEYS,
    KINDS,
    AgentsConfig,
    AppSettings,
    Config,
    DevicesConfig,
    ProviderBase,
    ProviderConfig,
    RufusConfig,
    SshSettings,
    TasknetConfig,
    VsayConfig,
)
from sessionboard.config.paths import find_config, user_config_dir, user_themes_dir

__all__ = [
    "ACTIONS",
    "ALL_ACTIONS",
    "DEFAULT_KEYS",
    "EXTRA_KEYS",
    "KINDS",
    "AgentsConfig",
    "AppSettings",
    "Config",
    "ConfigError",
    "DevicesConfig",
    "NoConfigError",
    "ProviderBase",
    "ProviderConfig",
    "RufusConfig",
    "SshSettings",
    "TasknetConfig",
    "VsayConfig",
    "find_config",
    "load_config",
    "parse_config",
    "save_theme",
    "user_config_dir",
    "user_themes_dir",
]
