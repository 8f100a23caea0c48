"""A thumbnail the edge sent, as a picture to show, or None.

The bytes come from the network, so they are read as what a thumbnail can be (JPEG, PNG or
WebP, no larger than a big screen) and nothing else: no SVG (a document, not a picture), no
image that claims a size large enough to exhaust memory when decoded.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt
from PySide6.QtGui import QImageReader, QPixmap

FORMATS = frozenset({b"jpeg", b"jpg", b"png", b"webp"})
MAX_SIDE = 4096  # pixels; Stream's thumbnails are at most the video's own size


def thumbnail_pixmap(data: bytes, fit: QSize) -> QPixmap | None:
    """`data` decoded and scaled down to fit `fit`; None when it is not a picture we show."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    if not buffer.open(QIODevice.OpenModeFlag.ReadOnly):
        return None
    reader = QImageReader(buffer)
    reader.setDecideFormatFromContent(True)
    if bytes(reader.format().data()) not in FORMATS:
        return None
    size = reader.size()
    if not size.isValid() or size.width() > MAX_SIDE or size.height() > MAX_SIDE:
        return None
    image = reader.read()
    if image.isNull():
        return None
    pixmap = QPixmap.fromImage(image)
    if pixmap.width() > fit.width() or pixmap.height() > fit.height():
        pixmap = pixmap.scaled(
            fit, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
    return pixmap
