"""The shape of Cloudflare's identifiers, in one place.

Account, video and signing key IDs are all 32 hex characters. This module imports nothing from
the package so that any core module (validation, signing keys, video links) can use it without
an import cycle.
"""

from __future__ import annotations

import re

HEX_ID_LENGTH = 32
HEX_ID_RE = re.compile(r"[0-9a-fA-F]{32}")


def is_hex_id(text: str) -> bool:
    """Whether `text` is exactly 32 hex characters (either case), like Cloudflare's IDs."""
    return HEX_ID_RE.fullmatch(text) is not None
