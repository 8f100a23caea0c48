"""Render every screenshot twice, light and dark, into two temporary folders and fail unless
the two runs wrote the same files byte for byte (`make screenshots-check`).

Also checked: the main window and the Signing keys and Batch windows fill the 1366x768 screen,
and nothing is larger than it. Exit code 0 when all holds, 1 with the differences listed.

    python scripts/screenshots_check.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

# This checkout's cfstream_gui, whatever the venv has installed (an editable install of another
# checkout, say): the renderers below get the same through PYTHONPATH.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import screenshot_kit as kit


def main_window_args(out: Path, theme: str) -> list[str]:
    return [str(out), "--theme", theme]


def dialogs_args(out: Path, theme: str) -> list[str]:
    return ["--out-dir", str(out), "--theme", theme]


RENDERERS: tuple[tuple[str, Callable[[Path, str], list[str]]], ...] = (
    ("screenshots.py", main_window_args),
    ("screenshots_keys.py", dialogs_args),
    ("screenshots_tools.py", dialogs_args),
    ("screenshots_accounts.py", dialogs_args),
)
# Windows that fill the screen; the smaller dialogs keep their own size.
FULL_SCREEN_PREFIXES = ("main-", "keys-list", "batch-")
RUN_SECONDS = 300


def render(out: Path) -> None:
    """Every screenshot of both renderers, in both themes, into `out` (each in a fresh process,
    as `make screenshots` runs them). This checkout's code, whatever the venv has installed."""
    env = {**os.environ, "PYTHONPATH": str(kit.ROOT)}
    for theme in kit.THEMES:
        for script, args in RENDERERS:
            run = subprocess.run(
                [sys.executable, str(kit.ROOT / "scripts" / script), *args(out, theme)],
                cwd=kit.ROOT,
                env=env,
                timeout=RUN_SECONDS,
                capture_output=True,
                text=True,
            )
            if run.returncode != 0:
                sys.stderr.write(run.stdout + run.stderr)
                raise SystemExit(f"{script} --theme {theme} failed (exit code {run.returncode})")


def differences(first: Path, second: Path) -> list[str]:
    names = sorted({p.name for p in first.glob("*.png")} | {p.name for p in second.glob("*.png")})
    found = []
    for name in names:
        a, b = first / name, second / name
        if not a.exists() or not b.exists():
            found.append(f"{name}: written by one run only")
        elif a.read_bytes() != b.read_bytes():
            found.append(f"{name}: the two runs differ")
    return found


def size_problems(folder: Path) -> list[str]:
    # Qt reads the size without a window: QImage needs no QApplication.
    from PySide6.QtGui import QImage

    found = []
    for path in sorted(folder.glob("*.png")):
        image = QImage(str(path))
        size = (image.width(), image.height())
        screen = (kit.SCREEN_WIDTH, kit.SCREEN_HEIGHT)
        if path.name.startswith(FULL_SCREEN_PREFIXES) and size != screen:
            found.append(f"{path.name}: {size[0]}x{size[1]}, not the whole {screen} screen")
        elif size[0] > screen[0] or size[1] > screen[1]:
            found.append(f"{path.name}: {size[0]}x{size[1]} does not fit a {screen} screen")
    return found


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="cfstream-shots-") as tmp:
        first, second = Path(tmp) / "first", Path(tmp) / "second"
        render(first)
        render(second)
        count = len(list(first.glob("*.png")))
        problems = differences(first, second) + size_problems(first)
    if count == 0:
        problems.append("no screenshots were written")
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    print(f"screenshots-check: {count} screenshots, identical in two runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
