"""Reading an answer's body within a bound, whatever the server sends.

Cloudflare's API answers are a few KB; the largest the app asks for, a list of 1000 videos, is
about 1.2 MiB (measured on the sandbox's video objects, which carry Cloudflare's fields). So an
answer past `MAX_ANSWER_BYTES` is not an API answer at all: a wrong base URL, a proxy's download
or a hostile server, and it is refused rather than read into memory.

Both what arrives and what it decompresses to are counted as they stream. httpx's own decoders
inflate each network read in one go (a 64 KiB read of a gzip bomb becomes ~64 MB at once), so the
raw bytes are read here and inflated by zlib with a ceiling on its output: a bomb costs no more
memory than the bound.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncGenerator
from typing import Protocol, cast

import httpx

from cfstream_gui.core.cloudflare._errors import BadResponse, clean_text
from cfstream_gui.core.cloudflare._urls import DEFAULT_BASE_URL

MIB = 1024 * 1024
MAX_ANSWER_BYTES = 4 * MIB

# Only what `read_body` can inflate is asked for: left alone, httpx would also offer br and zstd
# whenever those packages happen to be installed.
ACCEPT_ENCODING = "gzip"
_ZLIB_ENCODINGS = frozenset({"gzip", "x-gzip", "deflate"})
# gzip or zlib framing, told apart by the header, so a "deflate" answer is read as well.
_GZIP_OR_ZLIB = zlib.MAX_WBITS | 32


class _TooLarge(Exception):
    pass


class _Decoder(Protocol):
    def feed(self, data: bytes, body: bytearray, limit: int) -> None:
        """Append `data`, decoded, to `body`; _TooLarge once `body` would pass `limit`."""

    def finish(self) -> None:
        """Raise zlib.error when the body ended before its compressed stream did."""


class _Identity:
    def feed(self, data: bytes, body: bytearray, limit: int) -> None:
        if len(body) + len(data) > limit:
            raise _TooLarge
        body += data

    def finish(self) -> None:
        return None


class _Inflater:
    """zlib with a ceiling on its output: one byte past the limit at most, then it stops."""

    def __init__(self) -> None:
        self._zlib = zlib.decompressobj(_GZIP_OR_ZLIB)

    def feed(self, data: bytes, body: bytearray, limit: int) -> None:
        while data:
            # Never 0 (which zlib reads as "no ceiling"): `body` is at most `limit` here.
            body += self._zlib.decompress(data, limit - len(body) + 1)
            if len(body) > limit:
                raise _TooLarge
            # Input zlib set aside because the output ceiling was reached; none once at eof.
            data = self._zlib.unconsumed_tail

    def finish(self) -> None:
        if not self._zlib.eof:
            raise zlib.error("the compressed stream is cut short")


def too_large(limit: int, status: int | None) -> BadResponse:
    return BadResponse(
        f"The API's answer is larger than {limit / MIB:g} MB, far more than any Cloudflare "
        "answer, so it was not read.",
        status=status,
        hint=f"Check the API base URL points at Cloudflare's API ({DEFAULT_BASE_URL}).",
    )


def _decoder_for(response: httpx.Response) -> _Decoder:
    value = response.headers.get("content-encoding", "")
    codings = [c.strip().lower() for c in value.split(",") if c.strip().lower() != "identity"]
    codings = [c for c in codings if c]
    if not codings:
        return _Identity()
    if len(codings) == 1 and codings[0] in _ZLIB_ENCODINGS:
        return _Inflater()
    raise BadResponse(
        f"The API's answer is compressed as “{clean_text(value, None)[:40]}”, which was not "
        "asked for and cannot be read.",
        status=response.status_code,
    )


def _declared_length(headers: httpx.Headers) -> int | None:
    value = headers.get("content-length", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 20 else None


async def read_body(response: httpx.Response, limit: int = MAX_ANSWER_BYTES) -> bytes:
    """The decoded body of a streamed `response`, or BadResponse when it is larger than `limit`
    (counted before and after decompression) or its compression is broken or unknown."""
    status = response.status_code
    if response.is_stream_consumed:
        # An in-memory transport (httpx.MockTransport) hands over an answer it already read.
        if len(response.content) > limit:
            raise too_large(limit, status)
        return response.content
    declared = _declared_length(response.headers)
    if declared is not None and declared > limit:
        raise too_large(limit, status)
    decoder = _decoder_for(response)
    body = bytearray()
    try:
        await _read_raw(response, decoder, body, limit)
        decoder.finish()
    except _TooLarge:
        raise too_large(limit, status) from None
    except zlib.error:
        raise BadResponse(
            "The API's answer is compressed, but it does not decompress.", status=status
        ) from None
    return bytes(body)


async def _read_raw(
    response: httpx.Response, decoder: _Decoder, body: bytearray, limit: int
) -> None:
    received = 0
    # An async generator function in httpx, whatever its annotation says.
    chunks = cast(AsyncGenerator[bytes, None], response.aiter_raw())
    try:
        async for chunk in chunks:
            received += len(chunk)
            if received > limit:
                raise _TooLarge
            decoder.feed(chunk, body, limit)
    except BaseException:
        # Stopped early (too large, cancelled, timed out): close the answer, then the chain of
        # generators httpx and httpcore stream it through, here, on the loop. Left to the
        # garbage collector, they would be closed whenever it runs (this frame lives on in
        # the exception's traceback), maybe outside the loop: qasync sets no asyncgen hooks,
        # and httpcore's clean-up then fails with "async generator ignored GeneratorExit" or
        # "not in async context". With the answer closed first, that clean-up has nothing
        # left to wait for.
        await response.aclose()
        await chunks.aclose()
        raise
