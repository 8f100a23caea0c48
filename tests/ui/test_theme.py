"""The window follows the system's light or dark scheme, as it starts and as it changes, and its
drawn icons are sharp on high-DPI screens."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QTableView, QWidget

from cfstream_gui.sandbox import Sandbox
from cfstream_gui.ui.common.icons import dot_icon, eye_icon
from cfstream_gui.ui.common.style import Tone, is_dark, text_color
from cfstream_gui.ui.common.theme import dark_palette, follow_color_scheme
from tests.ui.conftest import WAIT_MS, WindowFactory, by_name

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def system_scheme(qapp: QApplication) -> Iterator[Any]:
    """The system's colour scheme signal, as the platform emits it; the light palette again
    afterwards."""
    follow_color_scheme(qapp)
    yield qapp.styleHints().colorSchemeChanged
    qapp.setPalette(QPalette())
    follow_color_scheme(qapp).follow(Qt.ColorScheme.Light)


def test_the_dark_scheme_darkens_a_light_palette_and_the_light_one_gives_it_back(
    qapp: QApplication, system_scheme: Any
) -> None:
    assert not is_dark(qapp.palette())
    system_scheme.emit(Qt.ColorScheme.Dark)
    assert is_dark(qapp.palette())
    base = qapp.palette().color(QPalette.ColorRole.Base)
    text = qapp.palette().color(QPalette.ColorRole.Text)
    assert base.lightness() < 80 and text.lightness() > 200
    system_scheme.emit(Qt.ColorScheme.Light)
    assert not is_dark(qapp.palette())


def test_a_dark_palette_the_platform_gave_is_left_alone(
    qapp: QApplication, system_scheme: Any
) -> None:
    platform = dark_palette()
    platform.setColor(QPalette.ColorRole.Window, QColor(20, 30, 40))  # not ours
    qapp.setPalette(platform)
    system_scheme.emit(Qt.ColorScheme.Dark)
    assert qapp.palette().color(QPalette.ColorRole.Window) == QColor(20, 30, 40)
    assert not follow_color_scheme(qapp).uses_own_palette()
    system_scheme.emit(Qt.ColorScheme.Light)  # the platform's to change back, not ours
    assert qapp.palette().color(QPalette.ColorRole.Window) == QColor(20, 30, 40)


def dark_everywhere(window: QWidget) -> bool:
    fields = [
        by_name(window, QLineEdit, "accountIdEdit"),
        by_name(window, QLineEdit, "tokenOutput"),
        by_name(window, QTableView, "rulesTable"),
    ]
    return all(w.palette().color(QPalette.ColorRole.Base).lightness() < 80 for w in fields)


def test_an_open_window_turns_dark_with_the_system_and_repicks_its_colours(
    qtbot: Any, make_window: WindowFactory, sandbox: Sandbox, system_scheme: Any
) -> None:
    window = make_window()
    window.form.videoIdEdit.setText(sandbox.video_uids(signed=True)[0])
    finished = window.controller.finished
    window.createTokenButton.click()
    qtbot.waitUntil(lambda: window.controller.finished > finished, timeout=WAIT_MS)
    window.form.downloadableCheck.click()  # the token is out of date: its line is amber
    window.account.set_verify_status("active")
    status = by_name(window, QLabel, "verifyStatusLabel")
    stale = by_name(window, QLabel, "resultStaleLabel")
    light_green = text_color(Tone.OK, window.palette()).name()
    assert light_green in status.styleSheet()

    system_scheme.emit(Qt.ColorScheme.Dark)
    qtbot.waitUntil(lambda: dark_everywhere(window), timeout=WAIT_MS)
    dark = dark_palette()
    assert text_color(Tone.OK, dark).name() in status.styleSheet()
    assert text_color(Tone.WARNING, dark).name() in stale.styleSheet()
    assert text_color(Tone.OK, dark).name() != light_green

    system_scheme.emit(Qt.ColorScheme.Light)
    qtbot.waitUntil(lambda: not dark_everywhere(window), timeout=WAIT_MS)
    assert light_green in status.styleSheet()


def test_drawn_icons_are_drawn_for_the_screen_density(qapp: QApplication) -> None:
    for icon in (eye_icon(crossed=False), eye_icon(crossed=True), dot_icon(QColor("#1e7a36"))):
        sharp = icon.pixmap(QSize(16, 16), 2.0)
        assert sharp.size() == QSize(32, 32) and sharp.devicePixelRatio() == 2.0
        # The same pixels as an icon drawn at 32: drawn at the density, not a 16 blown up.
        assert sharp.toImage() == icon.pixmap(QSize(32, 32), 1.0).toImage()
        assert icon.pixmap(QSize(16, 16), 3.0).size() == QSize(48, 48)


def test_the_eye_is_drawn_in_the_palette_of_the_moment(
    qapp: QApplication, system_scheme: Any
) -> None:
    def ink(icon: QIcon) -> QColor:
        pupil = icon.pixmap(QSize(32, 32), 1.0).toImage().pixelColor(16, 16)
        assert pupil.alpha() == 255
        return pupil

    light_ink = ink(eye_icon(crossed=False))
    system_scheme.emit(Qt.ColorScheme.Dark)
    dark_ink = ink(eye_icon(crossed=False))
    assert dark_ink.lightness() > light_ink.lightness() + 60


HIDPI_PROBE = """
import json, sys
from PySide6.QtWidgets import QApplication
from PySide6.QtCore import QSize
app = QApplication(["probe"])
from cfstream_gui.ui.window.main_window import MainWindow
window = MainWindow()
window.show()
app.processEvents()
eye = window.account.showTokenAction.icon().pixmap(QSize(16, 16), window.devicePixelRatioF())
shot = window.grab()
print(json.dumps({
    "ratio": window.devicePixelRatioF(),
    "eye": [eye.width(), eye.height()],
    "shot": [shot.width(), shot.height()],
    "logical": [window.width(), window.height()],
}))
"""


def test_on_a_2x_screen_the_window_scales_and_draws_at_full_density(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "QT_SCALE_FACTOR": "2",
        "PYTHONPATH": str(ROOT),
        "CFSTREAM_CONFIG_DIR": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, "-c", HIDPI_PROBE],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
        check=True,
    )
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["ratio"] == 2.0
    assert seen["eye"] == [32, 32]
    assert seen["shot"] == [2 * seen["logical"][0], 2 * seen["logical"][1]]
