"""`python -m cfstream_gui.cli`, the same as the `cfstream-token` script."""

from cfstream_gui.cli.main import main

raise SystemExit(main())
