"""What makes the screenshots repeat byte for byte, shared by scripts/screenshots*.py.

Everything a picture could differ by between two runs is pinned: the screen (an offscreen
1366x768 screen at 96 dpi), the style (Fusion) and palette (light or dark), the locale and time
zone, the text cursor (no blinking), the clock (`NOW`), the IDs (`SeededIds`) and the key
material (`seeded_rsa_key`, and `seeded_key_source` for the sandbox, whose tokens are then the
same each run because RS256 signatures are deterministic). Loopback ports never reach a
picture: the main window's links use the Cloudflare host, not the sandbox's.

The keys are derived from a seed so no key material needs to live in the repository. Anyone
can recompute them from the seed: they sign screenshots and nothing else.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import rsa
from PySide6.QtCore import QLocale, QMessageLogContext, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from cfstream_gui.sandbox.keys import KeyMaterial, KeySource, kid_for

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "docs" / "screenshots"
THEMES = ("light", "dark")
SCREEN_WIDTH, SCREEN_HEIGHT = 1366, 768  # the commonest small laptop screen
NOW = 1_790_000_000.0  # 2026-09-21 13:46:40 UTC: every clock in a screenshot reads this

_PUBLIC_EXPONENT = 65537
_PRIME_BITS = 1024  # two of them: RSA-2048, as Cloudflare's signing keys are
_SMALL_PRIMES = [p for p in range(3, 2000, 2) if all(p % d for d in range(3, int(p**0.5) + 1))]


def fixed_clock() -> float:
    return NOW


def prepare(theme: str) -> None:
    """Before the QApplication and the keyring are first used: the pinned screen, zone and
    locale, and neither the user's config dir nor their keyring is touched."""
    if theme not in THEMES:
        raise SystemExit(f"unknown theme {theme!r}; use one of {', '.join(THEMES)}")
    config = Path(tempfile.mkdtemp(prefix="cfstream-screenshots-"))
    screen = config / "offscreen-screen.json"
    screen.write_text(
        json.dumps(
            {
                "screens": [
                    {
                        "name": "screenshots",
                        "x": 0,
                        "y": 0,
                        "width": SCREEN_WIDTH,
                        "height": SCREEN_HEIGHT,
                        "logicalDpi": 96,
                        "logicalBaseDpi": 96,
                        "dpr": 1,
                    }
                ]
            }
        )
    )
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={screen}"
    os.environ["TZ"] = "UTC"
    time.tzset()
    os.environ["LC_ALL"] = os.environ["LANG"] = "C.UTF-8"
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    os.environ["CFSTREAM_CONFIG_DIR"] = str(config)
    for leaky in ("CLOUDFLARE_API_TOKEN", "CLOUDFLARE_ACCOUNT_ID", "CLOUDFLARE_BASE_URL"):
        os.environ.pop(leaky, None)


def application(theme: str) -> QApplication:
    """The QApplication, styled for `theme`: call `prepare` first."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(["screenshots"])
    qInstallMessageHandler(_quiet_offscreen)
    app.setStyle("Fusion")
    app.setPalette(dark_palette() if theme == "dark" else app.style().standardPalette())
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    # A blinking cursor would be on in one run's picture and off in the next.
    QApplication.setCursorFlashTime(0)
    return app


def _quiet_offscreen(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    # Said once per window shown; true of the offscreen platform and of no interest here.
    if message != "This plugin does not support propagateSizeHints()":
        sys.stderr.write(f"{message}\n")


def dark_palette() -> QPalette:
    """Fusion's usual dark palette (offscreen has no system theme to ask for one)."""
    palette = QPalette()
    window, base, text = QColor(53, 53, 53), QColor(35, 35, 35), QColor(230, 230, 230)
    muted, accent = QColor(128, 128, 128), QColor(42, 130, 218)
    roles = {
        QPalette.ColorRole.Window: window,
        QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: window,
        QPalette.ColorRole.ToolTipBase: window,
        QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.PlaceholderText: muted,
        QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: window,
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.BrightText: QColor(255, 80, 80),
        QPalette.ColorRole.Link: accent,
        QPalette.ColorRole.Highlight: accent,
        QPalette.ColorRole.HighlightedText: QColor(255, 255, 255),
        QPalette.ColorRole.Light: QColor(80, 80, 80),
        QPalette.ColorRole.Midlight: QColor(66, 66, 66),
        QPalette.ColorRole.Mid: QColor(45, 45, 45),
        QPalette.ColorRole.Dark: QColor(25, 25, 25),
        QPalette.ColorRole.Shadow: QColor(10, 10, 10),
    }
    for role, color in roles.items():
        palette.setColor(role, color)
    disabled = QPalette.ColorGroup.Disabled
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(disabled, role, muted)
    palette.setColor(disabled, QPalette.ColorRole.Base, window)
    return palette


def fit_screen(widget: QWidget) -> None:
    """Size a window to the whole available area of the 1366x768 screen."""
    screen = QGuiApplication.primaryScreen()
    widget.resize(screen.availableGeometry().size())


def file_name(name: str, theme: str) -> str:
    """`main-token` → `main-token.png` (light) or `main-token-dark.png`."""
    return f"{name}.png" if theme == "light" else f"{name}-{theme}.png"


@dataclass(frozen=True)
class Shots:
    """Where the pictures of one run go, and in which theme."""

    out_dir: Path
    theme: str

    def save(self, widget: QWidget, name: str) -> Path:
        path = self.out_dir / file_name(name, self.theme)
        if not widget.grab().save(str(path)):
            raise SystemExit(f"could not write {path}")
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
        return path


# -- seeded IDs and keys ----------------------------------------------------------------------


class SeededIds:
    """32-hex IDs (video UIDs, key IDs) from a seed: the same sequence every run."""

    def __init__(self, seed: str) -> None:
        self._rng = random.Random(seed)

    def hex32(self) -> str:
        return f"{self._rng.getrandbits(128):032x}"


def seeded_rsa_key(seed: str) -> rsa.RSAPrivateKey:
    """An RSA-2048 key that is the same for the same seed (cryptography cannot seed its own
    generator): two probable primes from a seeded generator, Miller-Rabin tested."""
    rng = random.Random(seed)
    p = _prime(rng)
    q = _prime(rng)
    while q == p:
        q = _prime(rng)
    d = pow(_PUBLIC_EXPONENT, -1, (p - 1) * (q - 1))
    public = rsa.RSAPublicNumbers(_PUBLIC_EXPONENT, p * q)
    numbers = rsa.RSAPrivateNumbers(
        p, q, d, rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q), rsa.rsa_crt_iqmp(p, q), public
    )
    return numbers.private_key()


def _prime(rng: random.Random) -> int:
    while True:
        # The top two bits set, so p*q has exactly 2048 bits; odd; and e must be invertible.
        candidate = rng.getrandbits(_PRIME_BITS) | (3 << (_PRIME_BITS - 2)) | 1
        if candidate % _PUBLIC_EXPONENT != 1 and _probably_prime(candidate, rng):
            return candidate


def _probably_prime(n: int, rng: random.Random, rounds: int = 32) -> bool:
    if any(n % small == 0 for small in _SMALL_PRIMES):
        return False
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for _ in range(rounds):
        x = pow(rng.randrange(2, n - 2), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def seeded_key_source(seed: str) -> KeySource:
    """A sandbox key source whose Cloudflare key and created signing keys repeat every run.
    Keys are derived when first asked for (each takes a fraction of a second)."""
    cloudflare = _lazy(lambda: _material(seed, "cloudflare", kid=None))
    ids = SeededIds(f"{seed}:ids")
    numbers: Iterator[int] = itertools.count()
    lock = threading.Lock()  # the sandbox answers on several threads

    def new_key() -> KeyMaterial:
        with lock:
            number, kid = next(numbers), ids.hex32()
        return _material(seed, f"key-{number}", kid=kid)

    return KeySource(cloudflare=cloudflare, new_key=new_key)


def _material(seed: str, name: str, *, kid: str | None) -> KeyMaterial:
    key = seeded_rsa_key(f"{seed}:{name}")
    return KeyMaterial(kid if kid is not None else kid_for(key), key)


def _lazy(make: Callable[[], KeyMaterial]) -> Callable[[], KeyMaterial]:
    made: list[KeyMaterial] = []
    lock = threading.Lock()

    def get() -> KeyMaterial:
        with lock:
            if not made:
                made.append(make())
            return made[0]

    return get
