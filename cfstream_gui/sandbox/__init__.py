"""A local stand-in for the Cloudflare Stream API on loopback (see `Sandbox`)."""

from cfstream_gui.sandbox.faults import Fault, RecordedRequest
from cfstream_gui.sandbox.service import Sandbox
from cfstream_gui.sandbox.tokens import PlaybackVerdict

__all__ = ["Fault", "PlaybackVerdict", "RecordedRequest", "Sandbox"]
