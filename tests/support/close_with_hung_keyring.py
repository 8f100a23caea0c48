"""Run the real app whose keyring never answers, open Signing keys, close the window.

Used by tests/ui/test_hung_keyring_close.py in a child process (the parent watches it end).
The first reads of the keyring (the saved profile's API token, the held keys, the dialog's
inventory) all hang; closing the window must end the process all the same.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMainWindow


def main() -> int:
    app = QApplication([sys.argv[0]])

    def window() -> QMainWindow:
        (found,) = [w for w in app.topLevelWidgets() if w.objectName() == "mainWindow"]
        assert isinstance(found, QMainWindow)
        return found

    def open_keys() -> None:
        action = window().findChild(QAction, "signingKeysAction")
        assert action is not None
        action.trigger()
        print("keys dialog opened", flush=True)

    def close() -> None:
        print("closing", flush=True)
        window().close()

    QTimer.singleShot(800, open_keys)
    QTimer.singleShot(1600, close)
    from cfstream_gui.app import main as app_main

    code = app_main([])
    print(f"main returned {code}", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
