"""The network as operators have it: the environment's proxies (HTTP(S)_PROXY, ALL_PROXY with
socks5://, NO_PROXY, read by httpx itself), TLS verified against the system's CAs, SSL_CERT_FILE
or a provider's own `ca_bundle`, and failures said for what they are: a certificate that does not
verify is not "connection refused".
"""

from __future__ import annotations

import ssl
import urllib.request
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

from sessionboard.providers._httpx import httpx


@lru_cache(maxsize=16)
def tls_context(ca_bundle: str | None = None) -> ssl.SSLContext:
    """One verified context per CA file (building one costs ~35 ms of certificate loading).

    Without `ca_bundle`: httpx's default, which honours SSL_CERT_FILE / SSL_CERT_DIR. With it: that
    file's CAs only, as `curl --cacert` does (a private CA's provider is verified against it).
    Raises `ssl.SSLError` / `OSError` for a file that holds no usable certificate.
    """
    if ca_bundle is None:
        return httpx.create_ssl_context()
    return ssl.create_default_context(cafile=ca_bundle)


def _without_credentials(url: str) -> str:
    """A proxy URL fit for an error line: `user:password@` dropped."""
    try:
        parts = urlsplit(url if "://" in url else f"http://{url}")
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        netloc = f"{host}:{parts.port}" if parts.port else host
        return urlunsplit((parts.scheme, netloc, "", "", ""))
    except ValueError:
        return "(unreadable proxy URL)"


def _bypassed(host: str, no_proxy: str) -> bool:
    """NO_PROXY as httpx reads it: `*` is every host, `.example.com` its subdomains, `example.com`
    the domain and its subdomains, an address that address."""
    host = host.lower()
    for entry in no_proxy.split(","):
        entry = entry.strip().lower()
        if entry == "*":
            return True
        if not entry:
            continue
        if entry.startswith("."):
            if host.endswith(entry):
                return True
        elif host == entry or host.endswith("." + entry):
            return True
    return False


def proxy_for(base_url: str) -> str | None:
    """The proxy the environment names for `base_url`, as `socks5://host:port (ALL_PROXY)`, or None.

    For error lines only (httpx does the routing): a failure through a proxy must say so, since
    "cannot connect" to a reachable host is otherwise a riddle.
    """
    proxies = urllib.request.getproxies_environment()
    parts = urlsplit(base_url)
    host = parts.hostname or ""
    if _bypassed(host, proxies.get("no", "")):
        return None
    for key in (parts.scheme, "all"):
        if proxies.get(key):
            return f"{_without_credentials(proxies[key])} ({key.upper()}_PROXY)"
    return None


def proxy_passwords() -> list[str]:
    """The passwords in the environment's proxy URLs (`socks5://user:PASSWORD@host`): secrets too,
    masked wherever an error line might repeat a URL."""
    found = []
    for url in urllib.request.getproxies_environment().values():
        try:
            password = urlsplit(url if "://" in url else f"http://{url}").password
        except ValueError:
            continue
        if password:
            found.append(password)
    return found


def tls_problem(exc: BaseException) -> str | None:
    """`TLS: certificate verify failed: self-signed certificate`, or None when `exc` (an httpx
    error, with the ssl error somewhere in its causes) is not about TLS."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError):
            reason = current.verify_message or current.reason or "unknown reason"
            return f"TLS: certificate verify failed: {reason}"
        if isinstance(current, ssl.SSLError):
            return f"TLS: {current.reason or current.strerror or type(current).__name__}"
        current = current.__cause__ or current.__context__
    return None
