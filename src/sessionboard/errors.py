"""The exceptions more than one layer catches, in a module that imports nothing heavy: the entry
point turns a `ConfigError` or `UsageError` into exit status 2 without importing pydantic, and the
poller and the board catch a `ProviderError` without importing httpx and the adapters (which the
console imports only once its board is on the screen)."""

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


class ProviderError(Exception):
    """Everything a provider can do wrong, as one line fit for a person. `message` is already
    redacted and human: the CLI prints `NAME: message`, the UI shows it."""

    def __init__(
        self, provider: str, message: str, *, status: int | None = None, retry_after: float | None = None
    ) -> None:
        self.provider = provider
        self.message = message
        self.status = status
        self.retry_after = retry_after
        """Seconds the provider asked to be left alone (`Retry-After` on a 429 or 503, capped):
        the poller waits this long instead of its backoff, and nothing is sent to it meanwhile."""
        super().__init__(message)

    def __str__(self) -> str:
        return self.message

    def line(self) -> str:
        return f"{self.provider}: {self.message}"


class Unsupported(ProviderError):
    """The provider kind cannot do this at all; nothing was sent."""


class BadAnswer(ProviderError):
    """An answer (or one session in it) of the wrong shape. `place` and `problem` name the first bad
    field apart from the line (`id`, `not a string`), so a listing can skip that one session and
    say why in a line of its own."""

    def __init__(self, provider: str, message: str, *, place: str, problem: str) -> None:
        super().__init__(provider, message)
        self.place = place
        self.problem = problem
