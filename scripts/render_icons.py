"""Render the app icon's PNG sizes, the Windows .ico and the macOS .icns from the one SVG.

    QT_QPA_PLATFORM=offscreen python scripts/render_icons.py [RESOURCES_DIR]

Reads RESOURCES_DIR/<APP_ID>.svg (default: the top-level resources/) and writes beside it
<APP_ID>-<size>.png for every size in PNG_SIZES, <APP_ID>.ico and <APP_ID>.icns. The outputs are
committed, so neither the build nor the app needs this script; run it again after editing the SVG
(tests/test_packaging.py fails while the PNGs no longer match it).

Qt draws and encodes every image. Qt's own ico and icns writers store a single image per file,
so the two containers are put together here around Qt's PNGs: both formats are a short header
and a table of entries, and both accept PNG payloads (Windows Vista on, macOS 10.7/10.8 on).
"""

from __future__ import annotations

import argparse
import struct
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QImageWriter, QPainter
from PySide6.QtSvg import QSvgRenderer

from cfstream_gui import APP_ID

ROOT = Path(__file__).resolve().parents[1]

# The freedesktop hicolor sizes a Linux package installs, which also cover Windows and macOS.
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
# What Windows asks an .ico for (shell, taskbar, alt-tab, large views); 256 is the largest the
# format can describe.
ICO_SIZES = (16, 24, 32, 48, 64, 256)
# macOS picks an entry by its type code. These are the types that take a PNG payload on every
# macOS this app's Python runs on; the @2x ones serve 16 and 32 points as well. ic10 (512 @2x)
# is rendered straight from the SVG: there is no 1024 PNG to reuse.
ICNS_TYPES: tuple[tuple[bytes, int], ...] = (
    (b"ic11", 32),  # 16 @2x
    (b"ic12", 64),  # 32 @2x
    (b"ic07", 128),
    (b"ic13", 256),  # 128 @2x
    (b"ic08", 256),
    (b"ic14", 512),  # 256 @2x
    (b"ic09", 512),
    (b"ic10", 1024),  # 512 @2x
)


def png_name(size: int) -> str:
    return f"{APP_ID}-{size}.png"


def render(svg: bytes, size: int) -> QImage:
    """The SVG drawn on a transparent size x size square."""
    renderer = QSvgRenderer(QByteArray(svg))
    if not renderer.isValid():
        raise ValueError("the icon SVG could not be read: check that it is well-formed SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def encode_png(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, QByteArray(b"png"))
    if not writer.write(image):
        raise RuntimeError(f"Qt could not encode a PNG: {writer.errorString()}")
    buffer.close()
    return bytes(data.data())


def ico_container(pngs: Mapping[int, bytes]) -> bytes:
    """An .ico holding one PNG per size (ICONDIR, then ICONDIRENTRYs, then the payloads)."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))  # reserved, type 1 = icon, count
    offset = len(header) + 16 * len(sizes)
    entries, payloads = [], []
    for size in sizes:
        if not 1 <= size <= 256:
            raise ValueError(f"an .ico entry must be 1 to 256 pixels wide, not {size}")
        data = pngs[size]
        side = size % 256  # the format writes 256 as 0
        # width, height, palette size, reserved, colour planes, bits per pixel, length, offset
        entries.append(struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset))
        payloads.append(data)
        offset += len(data)
    return header + b"".join(entries) + b"".join(payloads)


def icns_container(entries: Sequence[tuple[bytes, bytes]]) -> bytes:
    """An .icns: 'icns' and the file length, then (type, length, payload) per entry."""
    body = b"".join(kind + struct.pack(">I", 8 + len(data)) + data for kind, data in entries)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def render_all(svg: bytes) -> dict[str, bytes]:
    """Every derived file, by name, from the SVG's bytes."""
    pngs = {size: encode_png(render(svg, size)) for size in PNG_SIZES}
    extra = {size: encode_png(render(svg, size)) for _, size in ICNS_TYPES if size not in pngs}
    files = {png_name(size): data for size, data in pngs.items()}
    files[f"{APP_ID}.ico"] = ico_container({size: pngs[size] for size in ICO_SIZES})
    files[f"{APP_ID}.icns"] = icns_container(
        [(kind, pngs.get(size) or extra[size]) for kind, size in ICNS_TYPES]
    )
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("resources", nargs="?", type=Path, default=ROOT / "resources")
    args = parser.parse_args(argv)
    svg_path: Path = args.resources / f"{APP_ID}.svg"
    if not svg_path.is_file():
        parser.error(f"no icon SVG at {svg_path}: give the folder that holds {APP_ID}.svg")
    _app = QGuiApplication.instance() or QGuiApplication([])  # QPainter needs one
    for name, data in render_all(svg_path.read_bytes()).items():
        (args.resources / name).write_bytes(data)
        print(f"wrote {args.resources / name} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
