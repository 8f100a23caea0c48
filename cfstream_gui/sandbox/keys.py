"""RSA key material in the shapes Cloudflare hands out (reference §3).

`pem` is standard base64 of a PKCS#1 PEM (`BEGIN RSA PRIVATE KEY`) and `jwk` standard base64 of
a private JWK carrying `kid`, `alg: RS256` and `use: sig`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

KEY_SIZE = 2048


@dataclass(frozen=True)
class KeyMaterial:
    kid: str
    private_key: rsa.RSAPrivateKey

    @property
    def public_key(self) -> rsa.RSAPublicKey:
        return self.private_key.public_key()

    def public_pem(self) -> str:
        return self.public_key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode("ascii")

    def api_pem(self) -> str:
        """The private key as the keys API returns it: base64 of a PKCS#1 PEM."""
        pem = self.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
        return base64.b64encode(pem).decode("ascii")

    def api_jwk(self) -> str:
        """The private key as the keys API returns it: base64 of a private JWK."""
        parts: dict[str, Any] = RSAAlgorithm.to_jwk(self.private_key, as_dict=True)
        jwk = {"use": "sig", "kty": "RSA", "kid": self.kid, "alg": "RS256"}
        jwk.update({name: parts[name] for name in ("n", "e", "d", "p", "q", "dp", "dq", "qi")})
        return base64.b64encode(json.dumps(jwk).encode("ascii")).decode("ascii")

    def same_key(self, other: rsa.RSAPrivateKey) -> bool:
        return self.public_key.public_numbers() == other.public_key().public_numbers()


def generate_private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)


def kid_for(private_key: rsa.RSAPrivateKey) -> str:
    """A stable 32-hex id derived from the public key, for the Cloudflare-side key."""
    der = private_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()[:32]


_cloudflare_lock = threading.Lock()
_cloudflare_key: KeyMaterial | None = None


def cloudflare_key() -> KeyMaterial:
    """The key that signs `/token` answers without `id`+`pem`. Generating RSA keys is slow, so
    it is made once per process and shared by every Sandbox."""
    global _cloudflare_key
    with _cloudflare_lock:
        if _cloudflare_key is None:
            private_key = generate_private_key()
            _cloudflare_key = KeyMaterial(kid_for(private_key), private_key)
        return _cloudflare_key


def new_signing_key() -> KeyMaterial:
    """A fresh signing key, as `POST /stream/keys` makes one: a random id and a new RSA key."""
    return KeyMaterial(uuid.uuid4().hex, generate_private_key())


@dataclass(frozen=True)
class KeySource:
    """Where a sandbox's keys come from: the key Cloudflare signs `/token` answers with, and
    each signing key the account creates. By default a per-process key and fresh random ones;
    a seeded source makes every answer repeatable (the screenshots are rendered with one)."""

    cloudflare: Callable[[], KeyMaterial] = cloudflare_key
    new_key: Callable[[], KeyMaterial] = new_signing_key


class PemError(ValueError):
    """The `pem` field is not a base64-encoded PEM RSA private key."""


def load_api_pem(value: str) -> rsa.RSAPrivateKey:
    """Decode a `pem` field the way Cloudflare expects it: base64 around PEM text."""
    try:
        pem = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise PemError("pem is not valid base64; send the key's pem exactly as created.") from exc
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise PemError("pem does not decode to a PEM private key.") from exc
    if not isinstance(key, rsa.RSAPrivateKey):
        raise PemError("pem holds a private key that is not RSA; Stream signing keys are RSA.")
    return key
