"""The failures the entry point turns into exit status 2. Kept apart from the config stack so the
command line can catch them without importing pydantic (which `demo` must not wait for)."""

from __future__ import annotations

from pathlib import Path


class ConfigError(Exception):
    """A file that cannot be used. `problems` holds one line each; none of them holds a secret."""

    def __init__(self, problems: list[str], path: Path | None = None) -> None:
        self.problems = problems
        self.path = path
        where = f"{path}: " if path else ""
        super().__init__(where + "; ".join(problems))

    def lines(self) -> list[str]:
        head = f"{self.path}: " if self.path else ""
        return [f"{head}{problem}" for problem in self.problems]


class NoConfigError(ConfigError):
    """No file given and none in the user config dir: the console explains how to begin."""


class UsageError(Exception):
    """Bad arguments: exit 2 with this one line."""
