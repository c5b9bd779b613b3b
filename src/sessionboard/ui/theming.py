"""Theme files (TOML with the fields of `textual.theme.Theme`) found in the package and in the
user's themes dir. A bad file is reported as one line and skipped: a typo in a theme must not keep
the console from starting."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from textual.theme import Theme

THEME_FIELDS = frozenset(
    {
        "name", "primary", "secondary", "accent", "foreground", "background", "surface", "panel",
        "success", "warning", "error", "boost", "dark", "luminosity_spread", "text_alpha", "variables",
    }
)


@dataclass(slots=True)
class LoadedThemes:
    themes: list[Theme] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    """One line per file that could not be used: `path: what is wrong`."""


def theme_from_dict(data: dict[str, Any], origin: str) -> Theme:
    """Raises ValueError naming the first problem, so the caller can report it as one line."""
    unknown = sorted(set(data) - THEME_FIELDS)
    if unknown:
        raise ValueError(f"unknown key {unknown[0]!r}; use the fields of textual.theme.Theme")
    if not isinstance(data.get("name"), str) or not data["name"]:
        raise ValueError("'name' is required")
    if not isinstance(data.get("primary"), str):
        raise ValueError("'primary' is required")
    variables = data.get("variables", {})
    if not isinstance(variables, dict) or not all(isinstance(v, str) for v in variables.values()):
        raise ValueError("'variables' must be a table of strings")
    try:
        return Theme(**data)
    except Exception as exc:  # Theme validates colours lazily and loosely; any failure is one line
        raise ValueError(f"not a theme ({type(exc).__name__}: {exc})") from None


def _load_text(text: str, origin: str, into: LoadedThemes) -> None:
    try:
        data = tomllib.loads(text)
        into.themes.append(theme_from_dict(data, origin))
    except (tomllib.TOMLDecodeError, ValueError) as exc:
        into.problems.append(f"{origin}: {exc}")


def packaged_theme_texts() -> dict[str, str]:
    """The themes shipped inside the package (a copy of the repo's top-level `themes/`)."""
    folder = resources.files("sessionboard.ui") / "themes"
    texts: dict[str, str] = {}
    for entry in folder.iterdir():
        if entry.name.endswith(".toml"):
            texts[entry.name] = entry.read_text(encoding="utf-8")
    return texts


def load_themes(user_dir: Path | None = None) -> LoadedThemes:
    """The project's themes, then the user's (a user theme of the same name wins)."""
    loaded = LoadedThemes()
    for name, text in sorted(packaged_theme_texts().items()):
        _load_text(text, f"themes/{name}", loaded)
    if user_dir is not None and user_dir.is_dir():
        for path in sorted(user_dir.glob("*.toml")):
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                loaded.problems.append(f"{path}: cannot read ({type(exc).__name__})")
                continue
            _load_text(text, str(path), loaded)
    return loaded
