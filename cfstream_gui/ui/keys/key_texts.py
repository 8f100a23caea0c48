"""Sentences about held signing keys that widgets show before any key has been looked at.

Kept apart from `held_keys` (which loads the keyring and the key parsers) so that the form can
say them at its first paint without loading either.
"""

from __future__ import annotations


def no_key_reason(profile: str) -> str:
    return (
        f"No signing key is held for profile “{profile}”: create or import one with "
        "Manage keys…, or sign with Cloudflare's key."
    )
