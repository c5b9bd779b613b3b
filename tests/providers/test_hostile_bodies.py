"""Row 6 of issue 14: a response body is capped at `max_response_mb` while it streams, decoded
bytes counted, so a 1 MB gzip body that inflates to 1 GB costs about the cap and one clear line;
and the timeout bounds the whole read, not each chunk of it."""

from __future__ import annotations

import asyncio
import gzip
import json
import struct
import tracemalloc
import zlib
from functools import lru_cache
from typing import Any

import httpx
import pytest

from sessionboard.config import parse_config
from sessionboard.providers import ProviderError, make_provider, make_providers
from sessionboard.providers.base import Provider
from tests.providers.conftest import provider_config
from tests.providers.rawhttp import head, raw_server

MB = 1024 * 1024
BLOCK = 16 * MB


@lru_cache(maxsize=2)
def gzip_bomb(blocks: int = 64) -> bytes:
    """A valid gzip member of `blocks` x 16 MB of zeros (1 GB by default), about 1 MB on the wire.

    After a full flush the compressor starts afresh, so every further block compresses to the
    same bytes: the stream is built from one compressed block without inflating 1 GB to make it.
    """
    zeros = bytes(BLOCK)
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    first = packer.compress(zeros) + packer.flush(zlib.Z_FULL_FLUSH)
    again = packer.compress(zeros) + packer.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(blocks):
        crc = zlib.crc32(zeros, crc)
    final_empty_block = b"\x03\x00"
    trailer = struct.pack("<II", crc, (blocks * BLOCK) & 0xFFFFFFFF)
    return first + again * (blocks - 1) + final_empty_block + trailer


def test_the_bomb_is_what_it_says():
    """The fixture itself: built the same way at 3 blocks, gzip inflates it, checksum and length
    accepted, to 48 MB of zeros; at 64 blocks (1 GB) it is about 1 MB on the wire."""
    assert gzip.decompress(gzip_bomb(3)) == bytes(3 * BLOCK)
    assert len(gzip_bomb()) < 1.2 * MB


def vsay_at(port: int, **app: Any) -> Provider:
    config = parse_config({
        "app": {"timeout": 20, **app},
        "providers": [provider_config("vsay", base_url=f"http://127.0.0.1:{port}/v1")],
    })
    return make_providers(config)[0]


async def test_a_gzip_bomb_costs_the_cap_not_the_gigabyte():
    bomb = gzip_bomb()

    async def answer(request: bytes, writer: asyncio.StreamWriter) -> None:
        writer.write(head(content_type="application/json", content_encoding="gzip", content_length=str(len(bomb))))
        writer.write(bomb)

    async with raw_server(answer) as port:
        provider = vsay_at(port)  # the default cap, 64 MB
        tracemalloc.start()
        try:
            with pytest.raises(ProviderError) as info:
                await provider.poll()
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
            await provider.aclose()
    assert peak < 64 * MB * 1.4, f"peak {peak / MB:.0f} MB while refusing a body capped at 64 MB"
    assert info.value.line() == (
        "myvsay: GET /sessions: the answer is larger than 64 MB (max_response_mb); nothing of it was used"
    )


async def test_deflate_and_a_smaller_cap():
    body = zlib.compress(json.dumps({"success": True, "data": {"sessions": [], "pad": "x" * (3 * MB)}}).encode())

    async def answer(request: bytes, writer: asyncio.StreamWriter) -> None:
        writer.write(head(content_type="application/json", content_encoding="deflate", content_length=str(len(body))))
        writer.write(body)

    async with raw_server(answer) as port:
        small = vsay_at(port, max_response_mb=2)
        large = vsay_at(port, max_response_mb=4)
        try:
            with pytest.raises(ProviderError) as info:
                await small.poll()
            assert "larger than 2 MB (max_response_mb)" in info.value.message
            assert list(await large.poll()) == []  # the same answer, within its cap, is read
        finally:
            await small.aclose()
            await large.aclose()


async def test_a_plain_body_past_the_cap_is_cut_off_while_it_streams():
    """No Content-Length, no encoding: 8 MB sent in chunks to a 1 MB cap; the client stops early."""
    sent = 0

    async def answer(request: bytes, writer: asyncio.StreamWriter) -> None:
        nonlocal sent
        writer.write(head(content_type="application/json", connection="close"))
        writer.write(b'{"success": true, "data": {"sessions": [], "pad": "')
        for _ in range(128):
            writer.write(b"x" * 65536)
            sent += 65536
            await writer.drain()
        writer.write(b'"}}')

    async with raw_server(answer) as port:
        provider = vsay_at(port, max_response_mb=1)
        try:
            with pytest.raises(ProviderError) as info:
                await provider.poll()
        finally:
            await provider.aclose()
    assert "larger than 1 MB" in info.value.message


async def test_a_declared_length_past_the_cap_is_refused_before_reading():
    async def answer(request: bytes, writer: asyncio.StreamWriter) -> None:
        writer.write(head(content_type="application/json", content_length=str(10**15)))
        writer.write(b"{}")

    async with raw_server(answer) as port:
        provider = vsay_at(port)
        try:
            with pytest.raises(ProviderError) as info:
                await provider.poll()
        finally:
            await provider.aclose()
    assert "larger than 64 MB" in info.value.message


async def test_an_encoding_not_asked_for_is_refused():
    seen: list[bytes] = []

    async def answer(request: bytes, writer: asyncio.StreamWriter) -> None:
        seen.append(request)
        writer.write(head(content_type="application/json", content_encoding="br", content_length="4"))
        writer.write(b"\x0b\x01\x80{")

    async with raw_server(answer) as port:
        provider = vsay_at(port)
        try:
            with pytest.raises(ProviderError) as info:
                await provider.poll()
        finally:
            await provider.aclose()
    assert b"accept-encoding: gzip, deflate\r\n" in seen[0].lower()
    assert "Content-Encoding br, which was not asked for" in info.value.message


async def test_gzip_members_and_a_body_under_the_cap_read_as_usual():
    answer_json = json.dumps({"success": True, "data": {"sessions": [{"id": "s1", "status": "active"}]}}).encode()
    half = len(answer_json) // 2
    body = gzip.compress(answer_json[:half]) + gzip.compress(answer_json[half:])  # two members, as `cat a.gz b.gz`

    async def answer(request: bytes, writer: asyncio.StreamWriter) -> None:
        writer.write(head(content_type="application/json", content_encoding="gzip", content_length=str(len(body))))
        writer.write(body)

    async with raw_server(answer) as port:
        provider = vsay_at(port)
        try:
            assert [s.id for s in await provider.poll()] == ["s1"]
        finally:
            await provider.aclose()


async def test_the_timeout_bounds_the_whole_read_not_each_chunk():
    """A byte every 50 ms never trips a per-read timeout; the request's own bound must end it."""

    async def answer(request: bytes, writer: asyncio.StreamWriter) -> None:
        writer.write(head(content_type="application/json", content_length="100000"))
        writer.write(b'{"success": true, "data": {"id": "x", "pad": "')
        while True:
            writer.write(b"x")
            await writer.drain()
            await asyncio.sleep(0.05)

    async with raw_server(answer) as port:
        config = parse_config({"providers": [provider_config("vsay", base_url=f"http://127.0.0.1:{port}/v1")]})
        provider = make_provider(config.providers[0], timeout=0.5)
        try:
            with pytest.raises(ProviderError) as info:
                # get_session is one request, not wrapped by poll()'s bound: the request's own must hold.
                # The outer wait only keeps a broken bound from hanging the suite.
                await asyncio.wait_for(provider.get_session("x"), 30)
        finally:
            await provider.aclose()
    assert info.value.message == "GET /sessions/x: timed out after 0.5s"


def test_max_response_mb_must_be_positive_and_finite():
    from sessionboard.errors import ConfigError

    for bad in (0, -1, float("inf"), float("nan")):
        with pytest.raises(ConfigError) as info:
            parse_config({"app": {"max_response_mb": bad}, "providers": []})
        assert "max_response_mb" in str(info.value)
    assert parse_config({"app": {"max_response_mb": 0.5}, "providers": []}).app.max_response_mb == 0.5


async def test_an_in_memory_answer_is_held_to_the_cap_too():
    """A transport that hands over a body already read (httpx.MockTransport) is checked the same way."""
    config = parse_config({"providers": [provider_config("agents")]})
    big = json.dumps([{"id": "a", "pad": "x" * (2 * MB)}]).encode()
    transport = httpx.MockTransport(lambda r: httpx.Response(200, content=big))
    provider = make_provider(config.providers[0], timeout=2, transport=transport, max_response_mb=1)
    with pytest.raises(ProviderError) as info:
        await provider.poll()
    await provider.aclose()
    assert "larger than 1 MB" in info.value.message
