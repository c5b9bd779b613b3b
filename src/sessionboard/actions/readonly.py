"""The read-only gate: which providers refuse every action that changes a session, and why.

Four things make a provider read-only: `--readonly` on the command line, `[app] read_only`, the
provider's own `read_only`, and a provider with no credentials to write with (no `api_key`: the
APIs take none of their writes without one). A refusal is one line, `NAME is read-only (why)`,
and nothing is sent. Reading (list, detail, logs, stats, attach) is never gated here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sessionboard.config.models import Config, ProviderBase

FLAG = "--readonly"


class ReadOnlyGate:
    """Asked per provider; the console hides the keys of a provider this refuses, the CLI exits 1."""

    def __init__(self, config: Config, *, flag: bool = False) -> None:
        self._config = config
        self.flag = flag
        """`--readonly` was given: every provider is read-only for this run."""

    def reason(self, provider: ProviderBase) -> str | None:
        """Why `provider` is read-only, in a few words; None when actions may change its sessions."""
        if self.flag:
            return FLAG
        if self._config.app.read_only:
            return "[app] read_only"
        if provider.read_only:
            return "read_only = true"
        if provider.api_key is None:
            return "no api_key to write with"
        return None

    def refusal(self, provider: ProviderBase) -> str | None:
        """The one line that refuses an action on `provider`, or None when it is writable."""
        why = self.reason(provider)
        return None if why is None else read_only_line(provider.name, why)

    @property
    def everything(self) -> bool:
        """Every provider is read-only (`--readonly` or `[app] read_only`): a console says so in its title."""
        return self.flag or self._config.app.read_only


def read_only_line(name: str, why: str) -> str:
    return f"{name} is read-only ({why})"
