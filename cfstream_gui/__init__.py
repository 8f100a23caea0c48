"""cfstream-gui: make Cloudflare Stream signed-URL tokens by pointing and clicking."""

__version__ = "0.1.0"

# One reverse-DNS id everywhere: desktop file, metainfo, icon, QGuiApplication.setDesktopFileName.
APP_ID = "io.github.cfstream_gui.CfstreamGui"
APP_NAME = "cfstream-gui"
