"""`python -m cfstream_gui` starts the desktop app, like the `cfstream-gui` command."""

import sys

from cfstream_gui.app import main

sys.exit(main())
