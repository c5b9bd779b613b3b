"""The shared base of the adapters: one `httpx.AsyncClient` per provider, auth, and the mapping of
every failure (network, status, body) onto one `ProviderError` line.

Each adapter only knows its own paths, envelope and session shape; everything that is the same for
all five lives here, so a new kind is one small module.
"""

from __future__ import annotations

import asyncio
import json
import ssl
from functools import lru_cache
from collections.abc import Awaitable, Iterable
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ValidationError

from sessionboard.config.models import ProviderBase
from sessionboard.model import Capability, CreateField, Session, parse_values
from sessionboard.providers.lease import LeaseChange
from sessionboard.providers._httpx import httpx
from sessionboard.providers.errors import ProviderError, Unsupported

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

SECRET_RAW_KEYS = frozenset({"vncPassword", "token", "password", "api_key", "apiKey"})
MASK = "***"


def mask_secrets(value: Any) -> Any:
    """The provider's JSON with every secret value replaced by `***`, at any depth.

    Copies only the containers on the way to a secret: lists of thousands of sessions come
    through on every poll, and most hold none.
    """
    if isinstance(value, dict):
        out: dict[str, Any] | None = None
        for key, item in value.items():
            if key in SECRET_RAW_KEYS and item not in (None, ""):
                new: Any = MASK
            elif isinstance(item, (dict, list)):
                new = mask_secrets(item)
            else:
                continue
            if new is not item:
                if out is None:
                    out = dict(value)
                out[key] = new
        return value if out is None else out
    if isinstance(value, list):
        masked = [mask_secrets(item) for item in value]
        return value if all(a is b for a, b in zip(masked, value)) else masked
    return value


@lru_cache(maxsize=1)
def _tls_context() -> ssl.SSLContext:
    """One verified TLS context for every provider: building one costs ~35 ms of certificate loading."""
    return httpx.create_ssl_context()


def _status_phrase(status: int) -> str:
    if status in (401, 403):
        return "authentication failed"
    if status == 404:
        return "not found"
    if status == 409:
        return "conflict"
    if status == 429:
        return "rate limited"
    if status >= 500:
        return "server error"
    return "request refused"


class Provider:
    kind: ClassVar[str]
    capabilities: ClassVar[frozenset[Capability]] = frozenset({Capability.LIST})
    extend_label: ClassVar[str] = "extend"

    def __init__(
        self,
        config: ProviderBase,
        *,
        timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.config = config
        self.name = config.name
        self.timeout = timeout
        self._secrets = [s for s in self._secret_values() if s]
        self._client = httpx.AsyncClient(
            base_url=config.base_url + "/",
            headers={"Accept": "application/json", **config.auth_headers()},
            timeout=httpx.Timeout(timeout),
            transport=transport,
            follow_redirects=False,
            # Plain-HTTP providers (the simulators, a local agents service) never need TLS.
            verify=_tls_context() if config.base_url.startswith("https://") else False,
        )

    # ---- what it can do -------------------------------------------------------------------------
    def can(self, capability: Capability) -> bool:
        return capability in self.capabilities

    def create_fields(self) -> tuple[CreateField, ...]:
        return ()

    def taken_values(self, sessions: Iterable[Session]) -> dict[str, dict[str, str]]:
        """Create-field values already in use by one of `sessions` (field -> value -> by what),
        where the API takes one session per value: the create form marks them. None by default."""
        return {}

    def unsupported(self, capability: Capability) -> Unsupported:
        return Unsupported(self.name, f"a {self.kind} provider cannot {capability.label}")

    # ---- the verbs --------------------------------------------------------------------------------
    async def poll(self) -> list[Session]:
        """`list_sessions` bounded by the timeout as a whole, however many requests it takes."""
        return await self.bounded(self.list_sessions())

    async def bounded(self, work: Awaitable[T]) -> T:
        """Any multi-request read held to the provider's timeout, failing as one clean line."""
        try:
            async with asyncio.timeout(self.timeout + 0.5):
                return await work
        except TimeoutError:
            raise ProviderError(self.name, f"timed out after {self.timeout:g}s") from None

    async def list_sessions(self) -> list[Session]:
        raise self.unsupported(Capability.LIST)

    async def get_session(self, session_id: str) -> Session:
        raise self.unsupported(Capability.GET)

    async def create_session(self, values: dict[str, Any]) -> Session:
        raise self.unsupported(Capability.CREATE)

    async def close_session(self, session_id: str) -> str:
        raise self.unsupported(Capability.CLOSE)

    async def extend_session(
        self, session_id: str, minutes: int | None = None, *, allow_shorten: bool = False, now: float | None = None
    ) -> str:
        """Extend a lease (`minutes` from `now`, never ending it sooner unless `allow_shorten`:
        `lease.LeaseWouldShorten`) or keep a session alive (a heartbeat takes neither)."""
        raise self.unsupported(Capability.EXTEND)

    def lease_change(self, session: Session, minutes: int | None, now: float) -> LeaseChange:
        """What `extend_session(minutes)` would do to `session`'s lease, as this API sets one:
        the console's dialog shows it as the operator types; `minutes=None` is the default."""
        raise self.unsupported(Capability.EXTEND)

    def typed_create_values(self, raw: dict[str, Any]) -> dict[str, Any]:
        """Validate before sending; raises `FieldError` with every problem."""
        if not self.can(Capability.CREATE):
            raise self.unsupported(Capability.CREATE)
        return parse_values(self.create_fields(), raw)

    async def aclose(self) -> None:
        await self._client.aclose()

    # ---- HTTP ---------------------------------------------------------------------------------------
    def _secret_values(self) -> list[str]:
        secrets = []
        for field in ("api_key", "environment_id", "environment_secret"):
            value = getattr(self.config, field, None)
            if value is not None:
                secrets.append(value.get_secret_value())
        return secrets

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return text

    def fail(self, message: str, status: int | None = None) -> ProviderError:
        return ProviderError(self.name, self.redact(message), status=status)

    def error_message(self, body: Any) -> str | None:
        """The provider's own message out of an error body; adapters override for their envelope."""
        if isinstance(body, dict):
            for key in ("message", "error", "description", "detail"):
                value = body.get(key)
                if isinstance(value, str) and value:
                    return value
                if isinstance(value, dict):
                    nested = self.error_message(value)
                    if nested:
                        return nested
        return None

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json_body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        """Send one request; return the decoded JSON body (None when empty), or raise one clean line."""
        what = f"{method} /{path.lstrip('/').split('?')[0]}"
        if params:
            params = {k: v for k, v in params.items() if v is not None}
        try:
            async with asyncio.timeout(self.timeout):
                response = await self._client.request(
                    method, path.lstrip("/"), params=params or None, json=json_body, headers=headers
                )
        except (TimeoutError, httpx.TimeoutException):
            raise self.fail(f"{what}: timed out after {self.timeout:g}s") from None
        except httpx.ConnectError:
            raise self.fail(f"cannot connect to {self.config.base_url}: connection refused or host unreachable") from None
        except httpx.RemoteProtocolError:
            raise self.fail(f"{what}: the server closed the connection without a valid answer") from None
        except httpx.HTTPError as exc:
            raise self.fail(f"{what}: network error ({type(exc).__name__})") from None
        return self._decode(response, what)

    def _decode(self, response: httpx.Response, what: str) -> Any:
        status = response.status_code
        text = response.text
        body: Any = None
        is_json = False
        if text.strip():
            try:
                body = json.loads(text)
                is_json = True
            except ValueError:
                body = None
        if status >= 400:
            message = self.error_message(body) if is_json else None
            phrase = _status_phrase(status)
            if message is None:
                message = response.reason_phrase or phrase
                if not is_json and text.lstrip().startswith("<"):
                    message += " (an HTML page)"
            hint = "; check api_key" if status in (401, 403) else ""
            raise self.fail(f"{what}: {phrase} (HTTP {status}): {message}{hint}", status)
        if not text.strip():
            return None
        if not is_json:
            if text.lstrip().startswith("<"):
                raise self.fail(f"{what}: answered with an HTML page, not JSON; check base_url", status)
            raise self.fail(f"{what}: answered with invalid JSON", status)
        return body

    def parse(self, model: type[M], data: Any, what: str) -> M:
        """Pydantic at the edge: a body of the wrong shape becomes one line naming the first bad field."""
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            place = ".".join(str(p) for p in first["loc"]) or "body"
            count = exc.error_count()
            more = f" (and {count - 1} more)" if count > 1 else ""
            raise self.fail(f"{what}: unexpected answer: {place}: {first['msg'].lower()}{more}") from None
