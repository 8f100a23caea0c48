"""What makes a private key usable as a Stream signing key, and the sentences that say why one is
not: `KeyImportError`, whose messages never contain key material.

Every key passes these checks however it came in (PEM, DER, JWK): RSA, at least 2048 bits, parts
that belong together, and a test signature that verifies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# cryptography loads with the first key checked: code that only names KeyImportError (every
# place a key error can surface) does not pay for it.
if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

MIN_KEY_BITS = 2048
_PROBE = b"cfstream-gui signing key check"
# The end of most messages: where a usable key is to be found.
PASTE = "paste the 'pem' or 'jwk' value Cloudflare returned when the key was created"


class KeyImportError(ValueError):
    """The text is not a usable Stream signing key. The message never contains key material.

    `needs_key_id` is True when the key itself is fine but nothing says which key it is."""

    def __init__(self, message: str, *, needs_key_id: bool = False) -> None:
        super().__init__(message)
        self.needs_key_id = needs_key_id


def encrypted_error() -> KeyImportError:
    return KeyImportError(
        "The signing key is protected with a passphrase; export it without one "
        "(for example with `openssl pkey -in key.pem -out plain.pem`) and import that."
    )


def public_key_error() -> KeyImportError:
    return KeyImportError(
        f"This is a public key, but signing needs the private key; {PASTE} (it is shown only then)."
    )


def not_rsa_error(what: str) -> KeyImportError:
    return KeyImportError(
        f"The signing key is {what}, but Stream signing keys are RSA; "
        "import a key created by Cloudflare Stream."
    )


def inconsistent_error() -> KeyImportError:
    return KeyImportError(
        "The signing key failed a test signature, so its parts do not belong together; "
        "copy it again in full."
    )


def check_usable(key: PrivateKeyTypes) -> rsa.RSAPrivateKey:
    """The key if it is an RSA key Cloudflare could have made and it actually signs."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    if not isinstance(key, rsa.RSAPrivateKey):
        raise not_rsa_error(_kind(key))
    if key.key_size < MIN_KEY_BITS:
        raise KeyImportError(
            f"The signing key is only {key.key_size} bits; Stream signing keys are RSA keys of "
            f"at least {MIN_KEY_BITS} bits, so this is not one Cloudflare made."
        )
    # A key whose parts do not belong together can load and still sign garbage.
    try:
        signature = key.sign(_PROBE, padding.PKCS1v15(), hashes.SHA256())
        key.public_key().verify(signature, _PROBE, padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError):
        raise inconsistent_error() from None
    return key


def check_numbers(key: PrivateKeyTypes) -> None:
    """The arithmetic half of OpenSSL's RSA key check, which PEM/DER loading skips here.

    OpenSSL's full check also proves p and q prime, which costs ~80 ms per load: too much for a
    batch worker or a key list. A key that passes these sums and the test signature in
    `check_usable` signs correctly, and a key whose parts disagree is never used."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    if not isinstance(key, rsa.RSAPrivateKey):
        return  # refused by `check_usable` with a message naming its type
    numbers = key.private_numbers()
    p, q, n, e = numbers.p, numbers.q, numbers.public_numbers.n, numbers.public_numbers.e
    consistent = (
        1 < p < n
        and 1 < q < n
        and p * q == n
        and numbers.dmp1 == numbers.d % (p - 1)
        and numbers.dmq1 == numbers.d % (q - 1)
        and (numbers.iqmp * q) % p == 1
        and (e * numbers.dmp1) % (p - 1) == 1
        and (e * numbers.dmq1) % (q - 1) == 1
    )
    if not consistent:
        raise inconsistent_error()


def _kind(key: PrivateKeyTypes) -> str:
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519

    if isinstance(key, ec.EllipticCurvePrivateKey):
        return "an EC key"
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return "an Ed25519 key"
    if isinstance(key, ed448.Ed448PrivateKey):
        return "an Ed448 key"
    if isinstance(key, dsa.DSAPrivateKey):
        return "a DSA key"
    return "not an RSA key"
