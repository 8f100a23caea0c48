"""Stream signing keys: reading the private key in whatever shape a user pastes it.

Cloudflare hands a new key out once, as standard base64 around a PKCS#1 PEM (`pem`) and around a
private JWK (`jwk`) (reference §3). People then keep it as that base64 blob, as decoded PEM, as
PKCS#8 after an `openssl` round trip, or as the JWK's JSON. `import_key` accepts all of these and
explains, without ever echoing the key, why anything else is not a usable signing key.

Recognising the text is `key_formats.py`; whether the key can sign, and `KeyImportError`, are
`key_checks.py`. Imported keys are kept as PKCS#1 PEM text, the format Cloudflare itself uses,
whatever they came in as, so the keyring always holds one shape.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from cfstream_gui.core.cloudflare._models import SigningKeyMaterial
from cfstream_gui.core.ids import is_hex_id

# Importable from here as ever: the error, the key checks' limit, and what the request checks
# ask of a PEM label.
from cfstream_gui.core.keys.checks import KeyImportError, check_usable

# Parsing (cryptography, PyJWT for JWKs) loads with the first key parsed: holding, listing and
# naming keys needs none of it.
if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import rsa

# Longer than any key ID: a key pasted into the ID box must never be repeated back.
_ECHO_LIMIT = 40


@dataclass(frozen=True)
class SigningKey:
    """A Stream signing key whose private half is held here. `pem` is PEM text (not base64)
    and stays out of `repr()` and `str()`."""

    key_id: str
    pem: str = field(repr=False)

    @cached_property
    def private_key(self) -> rsa.RSAPrivateKey:
        """The loaded key, parsed once per SigningKey: parsing costs far more than signing."""
        from cfstream_gui.core.keys.formats import load_pem_text

        return check_usable(load_pem_text(self.pem))

    def __reduce__(self) -> tuple[type[SigningKey], tuple[str, str]]:
        # Pickle (batch workers, copy) the key and its ID only: the parsed key object cannot
        # be pickled, and each process parses it once for itself.
        return (SigningKey, (self.key_id, self.pem))

    def api_pem(self) -> str:
        """What `/token`'s `pem` field wants: standard base64 of a PKCS#1 PEM."""
        return base64.b64encode(_pkcs1_pem(self.private_key).encode("ascii")).decode("ascii")

    def public_pem(self) -> str:
        """The public half as a SubjectPublicKeyInfo PEM, for checking tokens elsewhere."""
        from cryptography.hazmat.primitives import serialization

        public = self.private_key.public_key()
        spki = serialization.PublicFormat.SubjectPublicKeyInfo
        return public.public_bytes(serialization.Encoding.PEM, spki).decode("ascii")


def import_key(text: str, key_id: str | None = None) -> SigningKey:
    """A signing key from any shape Cloudflare's answer is commonly kept in (see module doc).

    The key ID comes from the JWK's `kid`, else `key_id`; when both are there they must agree."""
    from cfstream_gui.core.keys.formats import parse_key_text

    found = parse_key_text(text)
    private_key = check_usable(found.key)  # first: "needs a key ID" means the key is fine
    key = SigningKey(_resolve_key_id(found.kid, key_id), _pkcs1_pem(private_key))
    # Prime the cache: the key was just loaded and checked, no need to parse it again.
    key.__dict__["private_key"] = private_key
    return key


def key_from_material(material: SigningKeyMaterial) -> SigningKey:
    """The key in `create_signing_key`'s answer. Cloudflare shows it only once, so if its `pem`
    cannot be read the `jwk` is tried before giving up."""
    try:
        return import_key(material.pem, material.id)
    except KeyImportError as pem_error:
        try:
            return import_key(material.jwk, material.id)
        except KeyImportError:
            raise pem_error from None


def unsaved_api_pem(key: SigningKey | None, material: SigningKeyMaterial) -> str:
    """A new key that could not be kept, in the one form a user is handed it: base64 of a PEM,
    as in Cloudflare's answer and as `/token`'s `pem` field takes it. Re-encoded from `key` when
    the answer could be read (its `jwk` may have been the readable part), else as sent."""
    return key.api_pem() if key is not None else material.pem


def _pkcs1_pem(key: rsa.RSAPrivateKey) -> str:
    from cryptography.hazmat.primitives import serialization

    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode("ascii")


def _resolve_key_id(found: str | None, given: str | None) -> str:
    given = given.strip() if given is not None and given.strip() else None
    if found is not None and given is not None and found.lower() != given.lower():
        raise KeyImportError(
            f"The key ID you gave ({_shown(given)}) differs from the key ID inside the key "
            f"({_shown(found)}); leave the key ID out or give the right one."
        )
    key_id = found if found is not None else given
    if key_id is None:
        raise KeyImportError(
            "The private key is fine, but nothing in it says which signing key it is; "
            "give its 32-character key ID as well.",
            needs_key_id=True,
        )
    if not is_hex_id(key_id):
        raise KeyImportError(
            f"The signing key ID {_shown(key_id)} is not 32 hex characters like Cloudflare's "
            "key IDs; copy the 'id' shown with the key."
        )
    return key_id.lower()


def _shown(key_id: str) -> str:
    """A key ID as it may appear in a message; something much longer may be a pasted key."""
    if len(key_id) > _ECHO_LIMIT:
        return f"a {len(key_id)}-character value"
    return f"'{key_id}'"
