"""The shared base of the adapters: one `httpx.AsyncClient` per provider, auth, and the mapping of
every failure (network, status, body) onto one `ProviderError` line.

Each adapter only knows its own paths, envelope and session shape; everything that is the same for
all five lives here, so a new kind is one small module. What a provider sends is untrusted: ids
go into paths as one encoded segment (`segment`), bodies are read with a bound
(`bodies.read_bounded`), a `Retry-After` holds every request to that provider until it has passed,
and a list is read one session at a time (`listing.Collector`).
"""

from __future__ import annotations

import asyncio
import codecs
import json
import math
import re
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, ClassVar, TypeVar
from urllib.parse import quote

from pydantic import BaseModel, ValidationError

from sessionboard.config.models import ProviderBase
from sessionboard.errors import BadAnswer
from sessionboard.model import Capability, CreateField, DisplayField, Listing, Session, parse_values
from sessionboard.providers.lease import LeaseChange
from sessionboard.providers._httpx import httpx
from sessionboard.providers.bodies import ACCEPT_ENCODING, BodyTooLarge, CorruptBody, UnsupportedEncoding, read_bounded
from sessionboard.providers.errors import ProviderError, Unsupported
from sessionboard.providers.listing import Collector
from sessionboard.providers.network import proxy_for, proxy_passwords, tls_context, tls_problem
from sessionboard.providers.retry import HOLD_STATUSES, retry_after_seconds

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

SECRET_RAW_KEYS = frozenset({"vncPassword", "token", "password", "api_key", "apiKey"})
MASK = "***"
DEFAULT_MAX_RESPONSE_MB = 64.0
_IN_A_WORD = r"""[^\s"'`,;=&:()\[\]{}<>]"""
"""What may not touch a secret for it to count as the whole value: anything but space, quotes and
the punctuation that separates values (`key=SECRET&`, `"SECRET"`, `Bearer SECRET`). A slash is not
a separator here, so a short secret such as `live` leaves `/live/v1/sessions` alone."""


def segment(value: str) -> str:
    """`value` as exactly one URL path segment: every reserved character percent-encoded (`/`,
    `?`, `#`, `%`, space, unicode as UTF-8), and the dots too, so that `.` and `..` cannot become
    "this" or "the parent" directory when the URL is normalised (by httpx, a proxy, the server)."""
    return quote(value, safe="").replace(".", "%2E")


_PROBLEMS = {
    "missing": "missing",
    "string_type": "not a string",
    "int_type": "not a whole number",
    "int_parsing": "not a whole number",
    "int_from_float": "not a whole number",
    "float_type": "not a number",
    "float_parsing": "not a number",
    "bool_type": "not true or false",
    "bool_parsing": "not true or false",
    "model_type": "not an object",
    "model_attributes_type": "not an object",
    "dict_type": "not an object",
    "list_type": "not a list",
}


def _media_type(response: httpx.Response) -> str:
    content_type: str = response.headers.get("content-type", "")
    return content_type.split(";")[0].strip().lower()


def _text(body: bytearray, response: httpx.Response) -> str:
    """The body as text in its stated charset (UTF-8 when none, or one Python does not know)."""
    charset = response.charset_encoding or "utf-8"
    try:
        codecs.lookup(charset)
    except LookupError:
        charset = "utf-8"
    return body.decode(charset, errors="replace")


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
    id_key: ClassVar[str] = "id"
    """The key of a session's id in the provider's JSON, named when a malformed session is skipped."""
    display_fields: ClassVar[tuple[DisplayField, ...]] = ()
    """The fields of this kind worth a column of their own, filled in each `Session.display`."""

    def __init__(
        self,
        config: ProviderBase,
        *,
        timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
        max_response_mb: float = DEFAULT_MAX_RESPONSE_MB,
    ) -> None:
        self.config = config
        self.name = config.name
        self.timeout = timeout
        self.max_response_mb = max_response_mb
        self.max_response_bytes = int(max_response_mb * 1024 * 1024)
        self.clock: Callable[[], float] = time.monotonic
        """The clock of the Retry-After hold (tests move it)."""
        self._hold_until = 0.0
        self._secrets = [s for s in (*self._secret_values(), *proxy_passwords()) if s]
        self._secret_pattern = self._compile_secrets()
        self._client_problem: str | None = None
        self._client: httpx.AsyncClient | None = None
        self.in_flight = asyncio.Semaphore(config.max_concurrency)
        """At most `max_concurrency` requests to this provider at once, whatever asks."""
        try:
            # Plain-HTTP providers (the simulators, a local agents service) never need TLS.
            ca_bundle = getattr(config, "ca_bundle", None)
            verify = tls_context(ca_bundle) if config.base_url.startswith("https://") else False
            self._client = httpx.AsyncClient(
                base_url=config.base_url + "/",
                headers={"Accept": "application/json", "Accept-Encoding": ACCEPT_ENCODING, **config.auth_headers()},
                timeout=httpx.Timeout(timeout),
                transport=transport,
                follow_redirects=False,
                verify=verify,
            )
        except ImportError:  # httpx without socksio, and a socks5:// proxy in the environment
            proxy = proxy_for(config.base_url) or "the proxy from the environment"
            self._client_problem = f"cannot use {proxy}: SOCKS support (socksio) is not installed"
        except (ValueError, httpx.InvalidURL) as exc:  # a proxy URL httpx cannot use (socks4://, a bad port)
            proxy = proxy_for(config.base_url) or "the proxy from the environment"
            self._client_problem = self.redact(f"cannot use {proxy}: {exc}")
        except OSError as exc:  # ssl.SSLError is one: a ca_bundle holding no usable certificate
            self._client_problem = f"cannot use ca_bundle {ca_bundle}: {getattr(exc, 'reason', None) or exc}"

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
    async def poll(self) -> Listing:
        """`listing` bounded by the timeout as a whole, however many requests it takes."""
        return await self.bounded(self.listing())

    async def bounded(self, work: Awaitable[T], rounds: int = 1) -> T:
        """Any multi-request read held to the provider's timeout (once per `rounds` of requests
        that `max_concurrency` makes it wait for), failing as one clean line."""
        limit = self.timeout * max(1, rounds)
        try:
            async with asyncio.timeout(limit + 0.5):
                return await work
        except TimeoutError:
            raise ProviderError(self.name, f"timed out after {limit:g}s") from None

    async def listing(self) -> Listing:
        """Every listed session, each malformed one left out and named, an id listed twice kept once."""
        raise self.unsupported(Capability.LIST)

    async def list_sessions(self) -> list[Session]:
        """The sessions of `listing` alone, for callers that do not show its warnings."""
        return list(await self.listing())

    def collector(self) -> Collector:
        return Collector(self.id_key)

    def created_note(self, session: Session) -> str | None:
        """Something the result of a create should say besides the new session (rufus: its device
        is not among the configured ones, and is listed from now on)."""
        return None

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
        if self._client is not None:
            await self._client.aclose()

    def segment(self, value: str) -> str:
        """An id as one encoded path segment (`segment`); an empty id, which would turn
        `sessions/{id}` into the list itself, is refused before anything is sent."""
        if not isinstance(value, str) or not value:
            raise self.fail("an empty id names no session; nothing was sent")
        return segment(value)

    def held_for(self) -> float:
        """Seconds left of a Retry-After hold (0 when there is none)."""
        return max(0.0, self._hold_until - self.clock())

    # ---- HTTP ---------------------------------------------------------------------------------------
    def _secret_values(self) -> list[str]:
        """The secrets of the config (`environment_id` is an identifier, not one of them)."""
        secrets = []
        for field in ("api_key", "environment_secret"):
            value = getattr(self.config, field, None)
            if value is not None:
                secrets.append(value.get_secret_value())
        return secrets

    def _compile_secrets(self) -> re.Pattern[str] | None:
        if not self._secrets:
            return None
        alternatives = "|".join(re.escape(s) for s in sorted(self._secrets, key=len, reverse=True))
        return re.compile(f"(?<!{_IN_A_WORD})(?:{alternatives})(?!{_IN_A_WORD})")

    def add_secret(self, value: str) -> None:
        """A secret learned at run time (a header sent on create) is masked from now on."""
        if value and value not in self._secrets:
            self._secrets.append(value)
            self._secret_pattern = self._compile_secrets()

    def redact(self, text: str) -> str:
        """Every secret that stands as a whole value in `text` replaced by `***`: an API key echoed
        in an error body is masked, the same letters inside a longer word or a path are not."""
        if self._secret_pattern is None:
            return text
        return self._secret_pattern.sub(MASK, text)

    def fail(self, message: str, status: int | None = None, *, retry_after: float | None = None) -> ProviderError:
        return ProviderError(self.name, self.redact(message), status=status, retry_after=retry_after)

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
        text_ok: bool = False,
    ) -> Any:
        """Send one request; return the decoded JSON body (None when empty), or raise one clean line.

        With `text_ok`, a `text/plain` answer is returned as the `str` it is. The timeout bounds
        the whole exchange, the body's last byte included, not each read; the body is capped at
        `max_response_mb` as it streams. Within a Retry-After hold nothing is sent at all.
        """
        what = f"{method} /{path.lstrip('/').split('?')[0]}"
        held = self.held_for()
        if held > 0:
            raise self.fail(
                f"{what}: not sent: the provider asked to wait (Retry-After); next request in {math.ceil(held)} s",
                retry_after=held,
            )
        if self._client is None:
            raise self.fail(self._client_problem or "no HTTP client")
        if params:
            params = {k: v for k, v in params.items() if v is not None}
        try:
            async with self.in_flight, asyncio.timeout(self.timeout):
                request = self._client.build_request(
                    method, path.lstrip("/"), params=params or None, json=json_body, headers=headers
                )
                response = await self._client.send(request, stream=True)
                try:
                    body = await read_bounded(response, self.max_response_bytes)
                finally:
                    await response.aclose()
        except (TimeoutError, httpx.TimeoutException):
            raise self.fail(f"{what}: timed out after {self.timeout:g}s") from None
        except BodyTooLarge:
            raise self.fail(
                f"{what}: the answer is larger than {self.max_response_mb:g} MB (max_response_mb); nothing of it was used"
            ) from None
        except UnsupportedEncoding as exc:
            raise self.fail(
                f"{what}: answered in Content-Encoding {exc}, which was not asked for; nothing of it was used"
            ) from None
        except CorruptBody as exc:
            raise self.fail(f"{what}: {exc}; nothing of it was used") from None
        except httpx.ProxyError as exc:
            proxy = proxy_for(self.config.base_url) or "the proxy"
            raise self.fail(f"cannot connect to {self.config.base_url} through {proxy}: {exc}") from None
        except httpx.ConnectError as exc:
            raise self.fail(self._connect_problem(exc)) from None
        except httpx.RemoteProtocolError:
            raise self.fail(f"{what}: the server closed the connection without a valid answer") from None
        except httpx.HTTPError as exc:
            tls = tls_problem(exc)
            raise self.fail(f"{what}: {tls}" if tls else f"{what}: network error ({type(exc).__name__})") from None
        return self._decode(response, body, what, text_ok)

    def _connect_problem(self, exc: httpx.ConnectError) -> str:
        tls = tls_problem(exc)
        if tls:
            hint = "; a private CA goes in the provider's ca_bundle" if "verify failed" in tls else ""
            return f"{tls} ({self.config.base_url}){hint}"
        proxy = proxy_for(self.config.base_url)
        via = f" through {proxy}" if proxy else ""
        return f"cannot connect to {self.config.base_url}{via}: connection refused or host unreachable"

    def _hold(self, response: httpx.Response) -> float | None:
        """A 429 or 503's Retry-After, in seconds, now held: nothing is sent until it has passed."""
        if response.status_code not in HOLD_STATUSES:
            return None
        seconds = retry_after_seconds(response.headers.get("retry-after"), time.time())
        if seconds:
            self._hold_until = max(self._hold_until, self.clock() + seconds)
        return seconds or None

    def _decode(self, response: httpx.Response, raw: bytearray, what: str, text_ok: bool = False) -> Any:
        status = response.status_code
        text = _text(raw, response)
        if text_ok and status < 400 and _media_type(response) == "text/plain":
            return text
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
            retry_after = self._hold(response)
            if retry_after is not None:
                hint += f"; asked to wait {math.ceil(retry_after)} s (Retry-After)"
            raise self.fail(f"{what}: {phrase} (HTTP {status}): {message}{hint}", status, retry_after=retry_after)
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
            problem = _PROBLEMS.get(first["type"], first["msg"].lower())
            count = exc.error_count()
            more = f" (and {count - 1} more)" if count > 1 else ""
            message = self.redact(f"{what}: unexpected answer: {place}: {problem}{more}")
            raise BadAnswer(self.name, message, place=place, problem=problem + more) from None
