"""The thumbnail an edge sends is shown only when it is a picture of a sane size: not an SVG
document, not a header that claims a size that would exhaust memory, not garbage."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication

from cfstream_gui.sandbox.delivery_media import thumbnail_png
from cfstream_gui.ui.tools.thumbnail import MAX_SIDE, thumbnail_pixmap

FIT = QSize(320, 180)


def png(width: int, height: int, rows: int | None = None) -> bytes:
    """A black RGB PNG of `width` x `height`, whole; or with only `rows` rows of pixels, which
    is what a decompression bomb looks like to a reader that believes the header."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    row = b"\x00" * (1 + 3 * width)  # filter byte, then the pixels
    pixels = zlib.compress(row * (height if rows is None else rows))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpeg(width: int, height: int, folder: Path) -> bytes:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#336699"))
    path = folder / "thumbnail.jpg"
    assert image.save(str(path))  # the format from the file name's suffix
    return path.read_bytes()


def test_the_sandboxs_thumbnail_is_shown_at_its_size(qapp: QApplication) -> None:
    pixmap = thumbnail_pixmap(thumbnail_png(), FIT)
    assert pixmap is not None and pixmap.size().toTuple() == (160, 90)


def test_a_large_jpeg_is_scaled_down_to_fit(qapp: QApplication, tmp_path: Path) -> None:
    pixmap = thumbnail_pixmap(jpeg(1920, 1080, tmp_path), FIT)
    assert pixmap is not None and pixmap.size().toTuple() == (320, 180)


def test_a_picture_as_wide_as_allowed_is_shown_and_one_pixel_wider_is_not(
    qapp: QApplication,
) -> None:
    widest = thumbnail_pixmap(png(MAX_SIDE, 2), FIT)
    assert widest is not None and widest.width() == FIT.width()
    assert thumbnail_pixmap(png(MAX_SIDE + 1, 2), FIT) is None


@pytest.mark.parametrize(
    "data",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
        b"<html><body>refused</body></html>",
        b"\x89PNG\r\n\x1a\n truncated",
        png(60_000, 60_000, rows=1),
        b"",
    ],
    ids=["svg", "html", "truncated", "bomb", "empty"],
)
def test_anything_else_is_not_shown(qapp: QApplication, data: bytes) -> None:
    assert thumbnail_pixmap(data, FIT) is None
