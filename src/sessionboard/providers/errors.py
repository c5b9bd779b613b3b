"""One exception for everything a provider can do wrong, carrying one line fit for a person."""

from __future__ import annotations


class ProviderError(Exception):
    """`message` is already redacted and human: the CLI prints `NAME: message`, the UI shows it."""

    def __init__(self, provider: str, message: str, *, status: int | None = None) -> None:
        self.provider = provider
        self.message = message
        self.status = status
        super().__init__(message)

    def __str__(self) -> str:
        return self.message

    def line(self) -> str:
        return f"{self.provider}: {self.message}"


class Unsupported(ProviderError):
    """The provider kind cannot do this at all; nothing was sent."""
