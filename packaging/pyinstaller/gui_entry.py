"""The frozen `cfstream-gui`: PyInstaller starts a script, not a console_scripts entry point."""

import multiprocessing
import sys

if __name__ == "__main__":
    # Batch signing starts worker processes with "spawn", which in a bundle re-runs this very
    # executable: freeze_support() turns that run into a worker instead of a second window.
    multiprocessing.freeze_support()
    from cfstream_gui.app import main

    sys.exit(main())
