"""Where sessionboard looks for its files. One function per question, so tests patch one seam."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_path, user_state_path

ENV_VAR = "SESSIONBOARD_CONFIG"


def user_config_dir() -> Path:
    return user_config_path("sessionboard", appauthor=False)


def user_themes_dir() -> Path:
    return user_config_dir() / "themes"


def user_state_dir() -> Path:
    """Where the console keeps the choices made in it (never in the config file)."""
    return user_state_path("sessionboard", appauthor=False)


def state_file_path() -> Path:
    return user_state_dir() / "state.toml"


def default_config_path() -> Path:
    return user_config_dir() / "config.toml"


def find_config(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """`--config`, else `$SESSIONBOARD_CONFIG`, else the user config dir's config.toml if present.

    An explicit path is returned even when missing, so the caller can say that *that* file is missing.
    """
    if explicit:
        return Path(explicit).expanduser()
    from_env = os.environ.get(ENV_VAR)
    if from_env:
        return Path(from_env).expanduser()
    candidate = default_config_path()
    return candidate if candidate.is_file() else None
