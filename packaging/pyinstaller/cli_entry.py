"""The frozen `cfstream-token`: PyInstaller starts a script, not a console_scripts entry point."""

import multiprocessing
import sys

if __name__ == "__main__":
    # `cfstream-token batch` signs in "spawn" worker processes, which in a bundle re-run this
    # very executable: freeze_support() turns that run into a worker instead of a second CLI.
    multiprocessing.freeze_support()
    from cfstream_gui.cli.main import main

    sys.exit(main())
