"""One reverse-DNS id everywhere, and the entry points the README promises."""

from __future__ import annotations

import configparser
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

from cfstream_gui import APP_ID

ROOT = Path(__file__).resolve().parents[1]


def test_desktop_file_metainfo_and_icon_share_the_app_id() -> None:
    desktop = ROOT / "packaging" / f"{APP_ID}.desktop"
    metainfo = ROOT / "packaging" / f"{APP_ID}.metainfo.xml"
    icon = ROOT / "resources" / f"{APP_ID}.svg"
    assert desktop.is_file() and metainfo.is_file() and icon.is_file()

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
