"""Stand-in media for the sandbox's delivery side: tiny manifests, a thumbnail and an MP4 header.

None of it plays; it only has to look right to a client that checks status, content type and the
first bytes. Everything is generated here so the sandbox needs no media files or image library.
"""

from __future__ import annotations

import functools
import struct
import zlib
from typing import Any

HLS_TYPE = "application/vnd.apple.mpegurl"
DASH_TYPE = "application/dash+xml"
PNG_TYPE = "image/png"
MP4_TYPE = "video/mp4"

_THUMB_SIZE = (160, 90)  # 16:9, like Stream's default thumbnail
_ORANGE = (0xF3, 0x80, 0x20)  # Cloudflare orange, so it is obvious where the image came from
_DARK = (0x22, 0x22, 0x22)


def hls_manifest(video: dict[str, Any]) -> bytes:
    """A master playlist with one rendition, sized like the video's input."""
    width, height = _resolution(video)
    lines = [
        "#EXTM3U",
        "#EXT-X-VERSION:6",
        "#EXT-X-INDEPENDENT-SEGMENTS",
        "# cfstream-gui sandbox: a stand-in manifest; no media segments are served.",
        f"#EXT-X-STREAM-INF:BANDWIDTH=4500000,RESOLUTION={width}x{height},"
        'CODECS="avc1.640028,mp4a.40.2"',
        f"stream_{height}p.m3u8",
    ]
    return ("\n".join(lines) + "\n").encode("ascii")


def dash_manifest(video: dict[str, Any]) -> bytes:
    """A static MPD with one video representation and the video's duration."""
    width, height = _resolution(video)
    duration = max(float(video.get("duration") or 0), 0.0)
    text = f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- cfstream-gui sandbox: a stand-in manifest; no media segments are served. -->
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" minBufferTime="PT2S"
     profiles="urn:mpeg:dash:profile:isoff-on-demand:2011"
     mediaPresentationDuration="PT{duration:.1f}S">
  <Period id="0">
    <AdaptationSet contentType="video" mimeType="video/mp4" segmentAlignment="true">
      <Representation id="{height}p" bandwidth="4500000" width="{width}" height="{height}"
                      codecs="avc1.640028">
        <BaseURL>video_{height}p.mp4</BaseURL>
      </Representation>
    </AdaptationSet>
  </Period>
</MPD>
"""
    return text.encode("utf-8")


def _resolution(video: dict[str, Any]) -> tuple[int, int]:
    size = video.get("input") or {}
    width, height = size.get("width"), size.get("height")
    if isinstance(width, int) and isinstance(height, int) and width > 0 and height > 0:
        return width, height
    return 1920, 1080


@functools.cache
def thumbnail_png() -> bytes:
    """A 160x90 PNG: orange with a dark play triangle. Built once, with zlib and struct only."""
    width, height = _THUMB_SIZE
    rows = []
    for y in range(height):
        row = bytearray([0])  # filter type 0 (None) for every scanline
        for x in range(width):
            row += bytes(_DARK if _in_play_triangle(x, y, width, height) else _ORANGE)
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )


def _in_play_triangle(x: int, y: int, width: int, height: int) -> bool:
    """A right-pointing triangle centred in the image, a third of its height tall."""
    half = height // 6
    left, cy = width // 2 - half, height // 2
    dx, dy = x - left, abs(y - cy)
    return 0 <= dx <= 2 * half and dy <= half - dx // 2


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def mp4_bytes() -> bytes:
    """An `ftyp` box and a `free` box saying what this is: a file type sniffer sees an MP4."""
    ftyp = struct.pack(">I4s4sI4s4s", 24, b"ftyp", b"isom", 0x200, b"isom", b"mp41")
    note = b"cfstream-gui sandbox download: not a playable video"
    free = struct.pack(">I4s", 8 + len(note), b"free") + note
    return ftyp + free
