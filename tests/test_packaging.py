"""One reverse-DNS id everywhere, the entry points the README promises, and the app's assets: one
copy each in the top-level resources/, installed as cfstream_gui.resources, and true to the SVG."""

from __future__ import annotations

import configparser
import fnmatch
import importlib.util
import logging
import re
import struct
import tomllib
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon, QImage, QImageReader
from PySide6.QtWidgets import QApplication

from cfstream_gui import APP_ID, app

ROOT = Path(__file__).resolve().parents[1]
RESOURCES = ROOT / "resources"
SVG = RESOURCES / f"{APP_ID}.svg"
ASSET_SUFFIXES = (".svg", ".png", ".ico", ".icns", ".qrc")
# Two renders of one SVG by different Qt releases may differ a little along anti-aliased edges;
# an edited SVG differs by far more.
EDGE_TOLERANCE = 48


@pytest.fixture(scope="module")
def render_icons() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "render_icons", ROOT / "scripts" / "render_icons.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pixels(image: QImage) -> bytes:
    # Named, so the converted image outlives the view on its memory until bytes() has copied it.
    rgba = image.convertToFormat(QImage.Format.Format_RGBA8888)
    return bytes(rgba.constBits())


def assert_same_picture(actual: QImage, expected: QImage, what: str) -> None:
    assert not actual.isNull(), f"{what} could not be read"
    assert actual.size() == expected.size(), f"{what} is {actual.size()}, not {expected.size()}"
    got, want = pixels(actual), pixels(expected)
    if got != want:
        worst = max(abs(a - b) for a, b in zip(got, want, strict=True))
        assert worst <= EDGE_TOLERANCE, (
            f"{what} differs from the SVG by up to {worst}/255: run scripts/render_icons.py"
        )


def read_all(path: Path) -> list[QImage]:
    reader = QImageReader(str(path))
    images = []
    for index in range(reader.imageCount()):
        assert reader.jumpToImage(index)
        images.append(reader.read())
    return images


def png(size: int) -> Path:
    return RESOURCES / f"{APP_ID}-{size}.png"


def test_desktop_file_metainfo_and_icon_share_the_app_id() -> None:
    desktop = ROOT / "packaging" / f"{APP_ID}.desktop"
    metainfo = ROOT / "packaging" / f"{APP_ID}.metainfo.xml"
    assert desktop.is_file() and metainfo.is_file() and SVG.is_file()

    entry = configparser.ConfigParser(interpolation=None)
    entry.read(desktop)
    assert entry["Desktop Entry"]["Icon"] == APP_ID
    assert entry["Desktop Entry"]["Exec"].split()[0] == "cfstream-gui"

    component = ET.parse(metainfo).getroot()
    assert component.findtext("id") == APP_ID
    assert component.findtext("launchable") == f"{APP_ID}.desktop"


def test_entry_points_and_dependencies() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"]["cfstream-token"] == "cfstream_gui.cli.main:main"
    assert project["gui-scripts"]["cfstream-gui"] == "cfstream_gui.app:main"
    extras = [dep for group in project["optional-dependencies"].values() for dep in group]
    deps = " ".join(project["dependencies"] + extras)
    assert "PySide6-Essentials" in deps
    assert "keyrings.alt" not in deps.lower()
    assert "pyside6>" not in deps.lower().replace("pyside6-essentials", "")


def test_every_asset_has_one_copy_in_the_top_level_resources_folder() -> None:
    assert not (ROOT / "cfstream_gui" / "resources").exists()
    assets = [path for path in RESOURCES.iterdir() if path.suffix in ASSET_SUFFIXES]
    assert {path.suffix for path in assets} >= {".svg", ".png", ".ico", ".icns"}
    contents = {path.read_bytes() for path in assets}
    assert len(contents) == len(assets), "two files in resources/ hold the same bytes"
    copies = [
        path.relative_to(ROOT)
        for top in ROOT.iterdir()
        if top.is_dir() and top != RESOURCES and top.name[0] not in "._"
        if top.name not in {"build", "dist"} and not top.name.endswith(".egg-info")
        for path in top.rglob("*")
        if path.is_file() and path.suffix in ASSET_SUFFIXES
        if path.name.startswith(APP_ID) or path.read_bytes() in contents
    ]
    assert copies == [], "assets belong in resources/ only"


def test_the_build_installs_resources_as_cfstream_gui_resources() -> None:
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert setuptools["package-dir"] == {"cfstream_gui.resources": "resources"}
    # A sub-package missing from the list would be missing from the wheel, silently.
    in_tree = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "cfstream_gui").rglob("__init__.py")
    }
    missing = in_tree - set(setuptools["packages"])
    assert not missing, f"add {sorted(missing)} to [tool.setuptools] packages in pyproject.toml"
    assert set(setuptools["packages"]) == in_tree | {"cfstream_gui.resources"}
    shipped = setuptools["package-data"]["cfstream_gui.resources"]
    for asset in RESOURCES.iterdir():
        if asset.suffix != ".py" and asset.name != "__pycache__":
            assert any(fnmatch.fnmatch(asset.name, glob) for glob in shipped), asset.name


def test_every_asset_is_reachable_through_importlib_resources() -> None:
    installed = resources.files("cfstream_gui.resources")
    for asset in RESOURCES.iterdir():
        if asset.suffix in ASSET_SUFFIXES:
            assert (installed / asset.name).read_bytes() == asset.read_bytes(), asset.name


def test_the_pngs_are_the_svg_at_every_size_a_platform_asks_for(
    qapp: QApplication, render_icons: ModuleType
) -> None:
    sizes = sorted(
        int(match[1])
        for path in RESOURCES.glob("*.png")
        if (match := re.fullmatch(re.escape(APP_ID) + r"-(\d+)\.png", path.name))
    )
    assert sizes == [16, 24, 32, 48, 64, 128, 256, 512] == sorted(render_icons.PNG_SIZES)
    svg = SVG.read_bytes()
    for size in sizes:
        image = QImage(str(png(size)))
        assert (image.width(), image.height()) == (size, size)
        assert image.hasAlphaChannel()
        assert_same_picture(image, render_icons.render(svg, size), png(size).name)


def test_the_ico_holds_the_windows_sizes_of_the_same_pictures(qapp: QApplication) -> None:
    ico = RESOURCES / f"{APP_ID}.ico"
    data = ico.read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind, count) == (0, 1, 6)
    for index in range(count):
        length, offset = struct.unpack_from("<II", data, 6 + 16 * index + 8)
        assert offset + length <= len(data)
    images = read_all(ico)  # Qt's own ico reader, not our writer, decodes it
    assert [image.width() for image in images] == [16, 24, 32, 48, 64, 256]
    for image in images:
        expected = QImage(str(png(image.width())))
        assert_same_picture(image, expected, f"the {image.width()} px entry of {ico.name}")


def test_the_icns_holds_the_macos_sizes_of_the_same_pictures(
    qapp: QApplication, render_icons: ModuleType
) -> None:
    icns = RESOURCES / f"{APP_ID}.icns"
    data = icns.read_bytes()
    assert data[:4] == b"icns" and struct.unpack_from(">I", data, 4)[0] == len(data)
    images = read_all(icns)  # Qt's own icns reader, not our writer, decodes it
    assert [image.width() for image in images] == [32, 64, 128, 256, 256, 512, 512, 1024]
    for image in images:
        size = image.width()
        expected = (
            QImage(str(png(size)))
            if png(size).exists()
            else render_icons.render(SVG.read_bytes(), size)
        )
        assert_same_picture(image, expected, f"the {size} px entry of {icns.name}")


def test_the_app_window_shows_the_svg_from_resources(
    qapp: QApplication, render_icons: ModuleType
) -> None:
    qapp.setWindowIcon(QIcon())  # not the one an earlier test's window left behind
    app._application([])
    icon = qapp.windowIcon()
    assert not icon.isNull()
    svg = SVG.read_bytes()
    # 100 px is no PNG's size: only the SVG can draw it this sharp.
    for size in (16, 100):
        drawn = icon.pixmap(QSize(size, size)).toImage()
        assert_same_picture(drawn, render_icons.render(svg, size), f"the {size} px window icon")


def test_a_missing_icon_is_a_warning_not_a_crash(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(app, "RESOURCES_PACKAGE", "cfstream_gui.no_such_resources")
    with caplog.at_level(logging.WARNING):
        icon = app.app_icon()
    assert icon.isNull()
    assert "no app icon" in caplog.text and "cfstream_gui.no_such_resources" in caplog.text


def test_the_render_script_names_a_broken_svg(render_icons: ModuleType) -> None:
    with pytest.raises(ValueError, match="icon SVG could not be read"):
        render_icons.render(b"<svg xmlns='http://www.w3.org/2000/svg'", 16)
    with pytest.raises(ValueError, match="1 to 256 pixels wide, not 512"):
        render_icons.ico_container({512: b"\x89PNG"})
