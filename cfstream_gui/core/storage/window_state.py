"""Where the main window was and how it was laid out, kept in `window.json` in the config dir.

Only geometry and one layout choice: nothing a user typed, nothing secret. The window decides
whether a remembered place still fits the screens it finds (a laptop undocked from a large
monitor must not open off-screen); this module only reads and writes the numbers.

A missing, unreadable or damaged file means "no memory": the window then fits itself to the
screen, as on a first start.
"""

from __future__ import annotations

import json
import logging
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cfstream_gui.core.storage.locked_file import atomic_write_json
from cfstream_gui.core.storage.profiles import config_dir

logger = logging.getLogger(__name__)

WINDOW_FILE = "window.json"
FILE_VERSION = 1
# No screen is this large; a bigger number is a damaged or hostile file, not a window.
_MAX_COORDINATE = 100_000


@dataclass(frozen=True)
class WindowState:
    """The window's normal (not maximised) geometry in logical pixels, whether it was
    maximised, and whether the user left the request preview open."""

    x: int
    y: int
    width: int
    height: int
    maximized: bool = False
    # Whether the request preview was open; None: the user never chose.
    request_preview: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": FILE_VERSION,
            "x": self.x,
            "y": self.y,
            "width": self.width,
            "height": self.height,
            "maximized": self.maximized,
            "request_preview": self.request_preview,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WindowState | None:
        """The state in `data`, or None when its geometry is missing or makes no sense."""
        x, y = _coordinate(data.get("x")), _coordinate(data.get("y"))
        width, height = _coordinate(data.get("width")), _coordinate(data.get("height"))
        if x is None or y is None or width is None or height is None:
            return None
        if width <= 0 or height <= 0:
            return None
        preview = data.get("request_preview")
        return cls(
            x=x,
            y=y,
            width=width,
            height=height,
            maximized=data.get("maximized") is True,
            request_preview=preview if isinstance(preview, bool) else None,
        )


class WindowStateStore:
    """Reads and writes `window.json`. `config_dir` defaults to the app's config dir."""

    def __init__(
        self, config_dir: Path | None = None, env: Mapping[str, str] | None = None
    ) -> None:
        self.config_dir = config_dir if config_dir is not None else _default_dir(env)
        self.path = self.config_dir / WINDOW_FILE

    def load(self) -> WindowState | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            logger.warning("ignoring the window state %s: %s", self.path, type(exc).__name__)
            return None
        if not isinstance(data, dict):
            logger.warning("ignoring the window state %s: not a JSON object", self.path)
            return None
        return WindowState.from_dict(data)

    def save(self, state: WindowState) -> None:
        """Write atomically, under the file's lock. OSError (FileBusy among them) when the
        file cannot be written."""
        atomic_write_json(self.path, state.to_dict())


def _default_dir(env: Mapping[str, str] | None) -> Path:
    return config_dir(os.environ if env is None else env)


def _coordinate(value: Any) -> int | None:
    # json.loads accepts Infinity, NaN and 1e400; True is an int to Python but not to us.
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not math.isfinite(value) or abs(value) > _MAX_COORDINATE:
        return None
    return int(value)
