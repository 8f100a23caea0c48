"""Throwaway RSA-2048 keys for tests, made once per slot for the whole session.

Generating a 2048-bit key costs 50-200 ms, and a dozen modules need one, so each slot's key is
made the first time it is asked for and shared from then on. A test that needs two keys that
differ (a wrong key must fail to verify) asks for two slots: different slots never share a key.
"""

from __future__ import annotations

import base64
import functools
import secrets

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

from cfstream_gui.core.keys.signing_key import SigningKey, import_key

# Cloudflare's signing keys are RSA-2048 with the usual public exponent.
KEY_SIZE = 2048
PUBLIC_EXPONENT = 65537


def rsa_key(slot: int = 0) -> rsa.RSAPrivateKey:
    """The session's RSA-2048 key for `slot`; distinct slots give distinct keys."""
    return _key_for(slot)


# Cached on a positional slot only: a cache on `rsa_key` itself would file `rsa_key()`,
# `rsa_key(0)` and `rsa_key(slot=0)` under three entries and hand out three different keys.
@functools.cache
def _key_for(slot: int) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=PUBLIC_EXPONENT, key_size=KEY_SIZE)


def _pem(key: PrivateKeyTypes, fmt: serialization.PrivateFormat) -> str:
    return key.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption()).decode()


def pkcs1_pem(key: rsa.RSAPrivateKey) -> str:
    """Unencrypted PKCS#1 PEM ("BEGIN RSA PRIVATE KEY"), as `openssl genrsa` used to write."""
    return _pem(key, serialization.PrivateFormat.TraditionalOpenSSL)


def pkcs8_pem(key: PrivateKeyTypes) -> str:
    """Unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY"); works for any key type, not only RSA."""
    return _pem(key, serialization.PrivateFormat.PKCS8)


def api_pem(key: rsa.RSAPrivateKey) -> str:
    """Cloudflare's `pem` form, as key creation returns it: base64 of the PKCS#1 PEM."""
    return base64.b64encode(pkcs1_pem(key).encode()).decode()


def signing_key(slot: int = 0, key_id: str | None = None) -> SigningKey:
    """The slot's key imported the way the app imports one, under `key_id` (a fresh random
    32-hex ID when None). A new SigningKey each call, so no test sees another's parsed state."""
    return import_key(pkcs1_pem(rsa_key(slot)), key_id or secrets.token_hex(16))
