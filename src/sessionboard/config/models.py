"""The configuration file's shape (CONFIG.md), as pydantic models: one per provider kind, so a key
that belongs to another kind is reported as unknown instead of silently ignored."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, SecretStr, field_validator

from sessionboard.config.keys import DEFAULT_KEYS, DEFAULT_THEME, EXTRA_KEYS
from sessionboard.config.outline import Outline, ProviderOutline
from sessionboard.config.secrets import resolve_secret

def _secret(value: Any) -> Any:
    if isinstance(value, str):
        return resolve_secret(value)
    return value


Secret = Annotated[SecretStr, BeforeValidator(_secret)]


def _reference(value: Any) -> Any:
    if isinstance(value, str):
        return resolve_secret(value).get_secret_value()
    return value


Reference = Annotated[str, BeforeValidator(_reference)]
"""A plain value that may still be written as `env:NAME` or `file:PATH` (an identifier kept out
of the file), resolved as a secret is but not one: it is shown and never masked."""


class _Strict(BaseModel):
    # allow_inf_nan=False: TOML has inf and nan, and `timeout = inf` or `poll_interval = nan`
    # would be taken as numbers; every float of every table must be finite.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class KeepEndedSettings(_Strict):
    """`[app] keep_ended`: how long and how many ended sessions the console keeps per provider."""

    minutes: float = Field(60.0, gt=0, le=10080)
    """Minutes an ended session stays after a poll first shows it ended (at most a week)."""
    count: int = Field(200, ge=1, le=100_000)
    """At most this many ended sessions per provider, the most recently ended."""


class AppSettings(_Strict):
    poll_interval: float = Field(5.0, ge=0.5, le=86400)
    """Seconds between the polls of each provider (at most a day)."""
    theme: str = DEFAULT_THEME
    """A Textual built-in theme, or a theme file from themes/ or the user's themes dir."""
    confirm_destructive: bool = True
    """Ask before close / terminate / cleanup."""
    timeout: float = Field(10.0, gt=0, le=3600)
    """Seconds for one HTTP request (at most an hour: past that a socket's timeout overflows)."""
    keep_ended: KeepEndedSettings = Field(default_factory=KeepEndedSettings)
    """Ended sessions are kept a bounded time and count, so a console left open stays flat."""
    max_response_mb: float = Field(64.0, gt=0, allow_inf_nan=False)
    """The most a response body may decode to, in MB; a larger answer is refused as it streams."""


class SshSettings(_Strict):
    """How to attach over SSH to a vsay session's `machine.host`."""

    username: str | None = None
    port: int = Field(22, ge=1, le=65535)
    known_hosts: str = "~/.ssh/known_hosts"
    client_keys: list[str] = Field(default_factory=list)


class ProviderBase(_Strict):
    default_auth_header: ClassVar[str] = "bearer"

    name: str = Field(min_length=1)
    kind: str
    base_url: str = Field(min_length=1)
    api_key: Secret | None = None
    auth_header: str | None = None
    """"bearer", or the name of a header that carries the key as it is."""
    poll_interval: float | None = Field(None, ge=0.5, le=86400)
    max_concurrency: int = Field(8, ge=1, le=256)
    """Requests in flight to this provider at once (rufus lists one request per device)."""
    ca_bundle: str | None = None
    """A PEM file of the CAs that sign this provider's certificate (then only those are trusted)."""

    @field_validator("ca_bundle")
    @classmethod
    def _ca_file(cls, value: str | None) -> str | None:
        if value is None:
            return None
        path = Path(value).expanduser()
        if not path.is_file():
            raise ValueError(f"{value!r} is not a file; ca_bundle names a PEM file of CA certificates")
        return str(path.resolve())

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"{value!r} is not an http:// or https:// URL")
        return value.rstrip("/")

    @property
    def header_name(self) -> str:
        return self.auth_header or self.default_auth_header

    def auth_headers(self) -> dict[str, str]:
        """The only place a key leaves the config layer: straight into request headers."""
        if self.api_key is None:
            return {}
        key = self.api_key.get_secret_value()
        if self.header_name.lower() == "bearer":
            return {"Authorization": f"Bearer {key}"}
        return {self.header_name: key}


class RufusConfig(ProviderBase):
    default_auth_header: ClassVar[str] = "x-api-key"
    kind: Literal["rufus"]
    devices: list[str] = Field(min_length=1)


class DevicesConfig(ProviderBase):
    kind: Literal["devices"]
    organization: str | list[str] | None = None
    page_limit: int = Field(100, ge=1, le=500)

    @property
    def organizations(self) -> list[str]:
        if self.organization is None:
            return []
        return [self.organization] if isinstance(self.organization, str) else list(self.organization)


class VsayConfig(ProviderBase):
    kind: Literal["vsay"]
    status: Literal["active", "ended", "all"] = "active"
    ssh: SshSettings = Field(default_factory=SshSettings)


class AgentsConfig(ProviderBase):
    kind: Literal["agents"]
    agent_id: str | None = None
    stale_after_seconds: float = Field(120.0, gt=0)


class TasknetConfig(ProviderBase):
    default_auth_header: ClassVar[str] = "X-Api-Key"
    kind: Literal["tasknet"]
    mode: str = Field(min_length=1)
    environment_id: Reference | None = None
    environment_secret: Secret | None = None


class HubSettings(_Strict):
    """`[hub]`: team mode. The URL and the password are secrets: neither is ever shown, and the
    errors about them say what is wrong without the value."""

    url: Secret
    """The Redis URL, `redis://` or `rediss://` (TLS); a literal, `env:NAME` or `file:PATH`."""
    password: Secret | None = None
    """The Redis password, when the URL does not carry one."""
    prefix: str = "sessionboard"
    """The key namespace, so several teams share one Redis."""
    lease_ttl: float = Field(10.0, ge=1.0, le=300.0, allow_inf_nan=False)
    """Seconds a hub's lease on a provider lasts unless renewed: when a hub dies, another polls
    its providers within this plus one interval."""

    @field_validator("prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9_.:-]{1,64}", value):
            raise ValueError("1-64 letters, digits and _ . : - (a key namespace such as sessionboard-ops)")
        return value

    @field_validator("url")
    @classmethod
    def _redis_url(cls, value: SecretStr) -> SecretStr:
        from urllib.parse import urlsplit

        text = value.get_secret_value()
        hidden = "(the value is not shown: it may hold a password)"
        if not text.startswith(("redis://", "rediss://")):
            raise ValueError(f"must be a redis:// or rediss:// URL {hidden}")
        try:
            parts = urlsplit(text)
            parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
        except ValueError:
            raise ValueError(f"is not a valid URL {hidden}") from None
        if not parts.hostname:
            raise ValueError(f"names no host {hidden}")
        return value

    @field_validator("password")
    @classmethod
    def _one_password(cls, value: SecretStr | None, info: Any) -> SecretStr | None:
        from urllib.parse import urlsplit

        url = info.data.get("url")
        if value is not None and url is not None and urlsplit(url.get_secret_value()).password:
            raise ValueError("the url carries a password already; give it in one place")
        return value


ProviderConfig = RufusConfig | DevicesConfig | VsayConfig | AgentsConfig | TasknetConfig
CONFIG_BY_KIND: dict[str, type[ProviderBase]] = {
    "rufus": RufusConfig,
    "devices": DevicesConfig,
    "vsay": VsayConfig,
    "agents": AgentsConfig,
    "tasknet": TasknetConfig,
}


class Config(BaseModel):
    """The whole file, validated. `path` is where it came from (None for the built-in demo)."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    app: AppSettings = Field(default_factory=AppSettings)
    providers: list[ProviderBase] = Field(default_factory=list)
    keys: dict[str, str] = Field(default_factory=lambda: {**DEFAULT_KEYS, **EXTRA_KEYS})
    hub: HubSettings | None = None
    """Team mode (`[hub]`); None: every console polls the providers itself."""
    path: Any = None

    def provider(self, name: str) -> ProviderBase:
        for provider in self.providers:
            if provider.name == name:
                return provider
        raise KeyError(name)

    def poll_interval(self, provider: ProviderBase) -> float:
        return provider.poll_interval if provider.poll_interval is not None else self.app.poll_interval

    def outline(self) -> Outline:
        return Outline(
            providers=tuple(
                ProviderOutline(
                    p.name, p.kind, p.organizations[0] if isinstance(p, DevicesConfig) and p.organizations else None
                )
                for p in self.providers
            ),
            keys=dict(self.keys),
            theme=self.app.theme,
            path=self.path,
        )
