"""The shape of Cloudflare's identifiers, in one place.

Account, video and signing key IDs are all 32 hex characters. Cloudflare's schemas only promise
"at most 32 characters", so an ID of letters and digits in another shape may still be real; one
with anything else ('/', '..', '%2F', spaces, control characters, non-ASCII) cannot be, and would
change the meaning of the URL or token it goes into. This module imports nothing from the
package so that any core module (validation, signing keys, video links) can use it without an
import cycle.
"""

from __future__ import annotations

import re

HEX_ID_LENGTH = 32
HEX_ID_RE = re.compile(r"[0-9a-fA-F]{32}")
# Not `\w` or str.isalnum(): both accept non-ASCII letters and digits.
_PLAUSIBLE_ID_RE = re.compile(r"[A-Za-z0-9]{1,32}")
# How much of a rejected value a message repeats; more is noise (or a pasted secret).
SHOWN_LIMIT = 40


def is_hex_id(text: str) -> bool:
    """Whether `text` is exactly 32 hex characters (either case), like Cloudflare's IDs."""
    return HEX_ID_RE.fullmatch(text) is not None


def canonical_id(text: str) -> str:
    """`text` as it is sent: trimmed, and lower-cased when it is a 32-hex ID (Cloudflare's IDs
    are lower-case; an upper-case account ID in a path is "not found", which Cloudflare words
    as an authentication error). Any other shape is kept, for validation to judge."""
    stripped = text.strip()
    return stripped.lower() if is_hex_id(stripped) else stripped


def is_plausible_id(text: str) -> bool:
    """Whether `text` could be a Cloudflare ID at all: 1 to 32 ASCII letters and digits."""
    return _PLAUSIBLE_ID_RE.fullmatch(text) is not None


def shown(text: str, limit: int = SHOWN_LIMIT) -> str:
    """`text` quoted for a message, with control and non-ASCII characters escaped (`\\x1b`,
    `\\u202e`) and anything past `limit` cut, so a hostile value cannot act on the terminal or
    the window that shows the message."""
    cut = ascii(text[:limit])
    return f"{cut}…" if len(text) > limit else cut
