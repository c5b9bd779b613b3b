"""Rows 11 and 15 of issue 14: the network as operators have it. A SOCKS5 proxy from ALL_PROXY
carries the requests (a tiny SOCKS5 server on loopback relays them and says where to); a proxy
that cannot be used is one line, never ImportError; a self-signed certificate says so, and a
provider's `ca_bundle` pointing at its CA makes it work."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import ipaddress
import json
import socket
import ssl
import struct
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from sessionboard.config import parse_config
from sessionboard.errors import ConfigError
from sessionboard.providers import ProviderError, make_providers
from sessionboard.providers.base import Provider
from tests.providers.conftest import provider_config
from tests.providers.rawhttp import head, raw_server

PROXY_VARIABLES = ("ALL_PROXY", "all_proxy", "HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy",
                   "NO_PROXY", "no_proxy")
BODY = json.dumps({"success": True, "data": {"sessions": [{"id": "s1", "status": "active"}]}}).encode()


@pytest.fixture
def no_proxies(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


async def vsay_answer(request: bytes, writer: asyncio.StreamWriter) -> None:
    writer.write(head(content_type="application/json", content_length=str(len(BODY))) + BODY)


def vsay(base_url: str, **extra: object) -> Provider:
    config = parse_config({"providers": [provider_config("vsay", base_url=base_url, **extra)]})
    return make_providers(config)[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---- SOCKS5 --------------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def socks5_server() -> AsyncIterator[tuple[int, list[tuple[str, int]]]]:
    """RFC 1928, no authentication, CONNECT only: enough to prove the requests went through it."""
    targets: list[tuple[str, int]] = []

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        version, count = await reader.readexactly(2)
        await reader.readexactly(count)
        assert version == 5
        writer.write(b"\x05\x00")
        _, command, _, kind = await reader.readexactly(4)
        if kind == 1:
            host = socket.inet_ntoa(await reader.readexactly(4))
        elif kind == 3:
            host = (await reader.readexactly((await reader.readexactly(1))[0])).decode()
        else:
            host = socket.inet_ntop(socket.AF_INET6, await reader.readexactly(16))
        (port,) = struct.unpack("!H", await reader.readexactly(2))
        assert command == 1
        targets.append((host, port))
        up_reader, up_writer = await asyncio.open_connection(host, port)
        writer.write(b"\x05\x00\x00\x01" + socket.inet_aton("127.0.0.1") + struct.pack("!H", 0))
        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1], targets
    finally:
        server.close()


async def test_all_proxy_socks5_carries_the_requests(no_proxies):
    async with raw_server(vsay_answer) as port, socks5_server() as (socks_port, targets):
        no_proxies.setenv("ALL_PROXY", f"socks5://127.0.0.1:{socks_port}")
        provider = vsay(f"http://127.0.0.1:{port}/v1")
        try:
            assert [s.id for s in await provider.poll()] == ["s1"]
        finally:
            await provider.aclose()
    assert targets == [("127.0.0.1", port)]


async def test_a_socks_proxy_nobody_listens_on_is_one_connection_line(no_proxies):
    dead = free_port()
    no_proxies.setenv("ALL_PROXY", f"socks5://ops:hunter2@127.0.0.1:{dead}")
    provider = vsay("http://sessions.example:8080/v1")
    with pytest.raises(ProviderError) as info:
        await provider.poll()
    await provider.aclose()
    assert info.value.message == (
        f"cannot connect to http://sessions.example:8080/v1 through socks5://127.0.0.1:{dead} (ALL_PROXY): "
        "connection refused or host unreachable"
    )


@pytest.mark.parametrize("proxy", ["socks4://ops:hunter2@127.0.0.1:1080", "socks5://127.0.0.1:notaport"])
async def test_a_proxy_httpx_cannot_use_is_one_line_not_a_crash(no_proxies, proxy):
    no_proxies.setenv("ALL_PROXY", proxy)
    provider = vsay("http://sessions.example/v1")  # built: before, this raised at start
    with pytest.raises(ProviderError) as info:
        await provider.poll()
    await provider.aclose()
    assert info.value.message.startswith("cannot use ")
    assert "hunter2" not in info.value.message and "\n" not in info.value.message


async def test_no_proxy_is_honoured(no_proxies):
    async with raw_server(vsay_answer) as port:
        no_proxies.setenv("ALL_PROXY", f"socks5://127.0.0.1:{free_port()}")
        no_proxies.setenv("NO_PROXY", "127.0.0.1")
        provider = vsay(f"http://127.0.0.1:{port}/v1")
        try:
            assert [s.id for s in await provider.poll()] == ["s1"]  # straight there, not via the dead proxy
        finally:
            await provider.aclose()


# ---- TLS -----------------------------------------------------------------------------------------


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (its own CA), and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sessionboard test")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


@pytest.fixture
def tls_server_context(tmp_path: Path) -> tuple[ssl.SSLContext, Path]:
    cert, key = self_signed(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context, cert


async def test_a_self_signed_certificate_says_so(no_proxies, tls_server_context):
    context, _ = tls_server_context
    async with raw_server(vsay_answer, tls=context) as port:
        provider = vsay(f"https://127.0.0.1:{port}/v1")
        with pytest.raises(ProviderError) as info:
            await provider.poll()
        await provider.aclose()
    assert info.value.message == (
        f"TLS: certificate verify failed: self-signed certificate (https://127.0.0.1:{port}/v1);"
        " a private CA goes in the provider's ca_bundle"
    )


async def test_ca_bundle_makes_the_private_certificate_trusted(no_proxies, tls_server_context):
    context, cert = tls_server_context
    async with raw_server(vsay_answer, tls=context) as port:
        provider = vsay(f"https://127.0.0.1:{port}/v1", ca_bundle=str(cert))
        try:
            assert [s.id for s in await provider.poll()] == ["s1"]
        finally:
            await provider.aclose()


def test_a_missing_ca_bundle_is_a_config_error(tmp_path: Path):
    with pytest.raises(ConfigError) as info:
        parse_config({"providers": [provider_config("vsay", ca_bundle=str(tmp_path / "nope.pem"))]})
    (problem,) = info.value.problems
    assert problem.startswith("providers[0].ca_bundle: ") and "nope.pem" in problem and "not a file" in problem


async def test_a_ca_bundle_without_certificates_is_one_line(tmp_path: Path):
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate\n")
    provider = vsay("https://sessions.example/v1", ca_bundle=str(junk))  # built, not raised at start
    with pytest.raises(ProviderError) as info:
        await provider.poll()
    await provider.aclose()
    assert info.value.message.startswith(f"cannot use ca_bundle {junk}")


def test_the_cli_with_all_proxy_socks_says_where_it_could_not_connect(no_proxies, tmp_path: Path):
    """Row 11 end to end: before, `list` died with "internal error: ImportError"."""
    from tests.cli.conftest import run_cli

    dead = free_port()
    config = tmp_path / "config.toml"
    config.write_text('[[providers]]\nname = "ssh"\nkind = "vsay"\nbase_url = "http://sessions.example/v1"\n')
    result = run_cli("list", "--config", str(config), env={"ALL_PROXY": f"socks5://127.0.0.1:{dead}"})
    assert result.returncode == 1
    assert "internal error" not in result.stderr and "ImportError" not in result.stderr
    assert f"cannot connect to http://sessions.example/v1 through socks5://127.0.0.1:{dead} (ALL_PROXY)" in result.stderr
