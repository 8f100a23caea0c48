"""Whether a window can open here, decided before Qt is asked.

Without a display Qt aborts the whole process (exit 134) with "xcb-cursor0 or libxcb-cursor0 is
needed to load the Qt xcb platform plugin", which sends people hunting for a library that is
usually installed. One sentence about the display is what they need instead.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping

OFFSCREEN = "offscreen"


def missing_display(env: Mapping[str, str], platform: str = sys.platform) -> str | None:
    """A sentence saying there is no display to open a window on, or None when there is one
    (or Qt will not need one). Windows and macOS always have their own platform."""
    if platform in ("win32", "darwin"):
        return None
    chosen = env.get("QT_QPA_PLATFORM", "").strip()
    if chosen == "xcb":
        if env.get("DISPLAY"):
            return None
        reason = "QT_QPA_PLATFORM is xcb but DISPLAY is not set"
    elif chosen:
        # offscreen, wayland, vnc, a fallback list such as "wayland;xcb": the user chose, and
        # Qt's own message will be about that choice.
        return None
    elif env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return None
    else:
        reason = "neither DISPLAY nor WAYLAND_DISPLAY is set"
    return (
        f"There is no display to open the window on ({reason}): start cfstream-gui in a "
        "desktop session, or set QT_QPA_PLATFORM=offscreen to run it unseen (as tests do)."
    )
