"""`cfstream-token`, the command line over `cfstream_gui.core`; the entry point is `main.main`."""
