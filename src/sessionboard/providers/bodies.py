"""Response bodies read with a bound on what they decode to, while they stream.

A provider's answer is untrusted in size too: a 1 MB gzip body can inflate to 1 GB, and httpx's
own decoders inflate each network chunk whole (a 64 KB chunk of zeros is 64 MB at once). Here the
raw bytes are read as they come and inflated in pieces of at most `PIECE` bytes
(`zlib.decompressobj().decompress(data, max_length)`), counting as they go: past the limit the
read stops, the connection is dropped and nothing of the body is used. The process holds at most
the limit plus one piece.

Only the encodings the client asks for (`ACCEPT_ENCODING`) are decoded; an answer in another one
(br, zstd: a server that ignores Accept-Encoding) is refused, not passed on undecoded.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

from sessionboard.providers._httpx import httpx

ACCEPT_ENCODING = "gzip, deflate"
PIECE = 256 * 1024
"""The most one step of inflating may produce."""


class BodyTooLarge(Exception):
    """The body (raw or decoded) passed the limit; nothing of it was kept."""


class UnsupportedEncoding(Exception):
    """A Content-Encoding this client did not ask for and does not decode."""


class CorruptBody(Exception):
    """The body does not decode in its stated Content-Encoding."""


class _Inflater:
    """One gzip or deflate layer, its output in bounded pieces."""

    def __init__(self, encoding: str) -> None:
        self.gzip = encoding in ("gzip", "x-gzip")
        # deflate is meant to be zlib-wrapped, but servers send raw deflate too: try wrapped first.
        self.wbits = zlib.MAX_WBITS | 16 if self.gzip else zlib.MAX_WBITS
        self.started = False
        self.obj = zlib.decompressobj(self.wbits)

    def feed(self, data: bytes) -> Iterator[bytes]:
        while True:
            if self.obj.eof:
                if not self.gzip or not data:
                    return  # anything after a deflate stream's end is ignored, as zlib does
                self.obj = zlib.decompressobj(self.wbits)  # gzip: another member follows
            try:
                out = self.obj.decompress(data, PIECE)
            except zlib.error:
                if self.gzip or self.started:
                    raise CorruptBody(f"the body is not valid {'gzip' if self.gzip else 'deflate'}") from None
                self.wbits = -zlib.MAX_WBITS  # raw deflate
                self.obj = zlib.decompressobj(self.wbits)
                self.started = True
                continue
            self.started = True
            if out:
                yield out
            if self.obj.eof:
                data = self.obj.unused_data
                continue
            data = self.obj.unconsumed_tail
            if len(out) < PIECE and not data:
                return  # all input taken and no output pending


def _inflaters(header: str | None) -> list[_Inflater]:
    """The decoders for a Content-Encoding header, in the order they must be applied."""
    names = [name.strip().lower() for name in (header or "").split(",")]
    names = [name for name in names if name and name != "identity"]
    for name in names:
        if name not in ("gzip", "x-gzip", "deflate"):
            raise UnsupportedEncoding(name)
    return [_Inflater(name) for name in reversed(names)]


def _through(layers: list[_Inflater], data: bytes) -> Iterator[bytes]:
    if not layers:
        yield data
        return
    for piece in layers[0].feed(data):
        yield from _through(layers[1:], piece)


async def read_bounded(response: httpx.Response, limit: int) -> bytearray:
    """The decoded body of a streamed response, or `BodyTooLarge` as soon as it passes `limit`."""
    if response.is_stream_consumed:  # made in memory (a test's MockTransport handler): held to the limit too
        if len(response.content) > limit:
            raise BodyTooLarge
        return bytearray(response.content)
    layers = _inflaters(response.headers.get("content-encoding"))
    if not layers:
        declared = response.headers.get("content-length", "")
        if declared.isascii() and declared.isdigit() and (len(declared) > 18 or int(declared) > limit):
            raise BodyTooLarge
    body = bytearray()
    raw = 0
    async for chunk in response.aiter_raw():
        raw += len(chunk)
        if raw > limit:
            raise BodyTooLarge
        for piece in _through(layers, chunk):
            if len(body) + len(piece) > limit:
                raise BodyTooLarge
            body += piece
    return body
