"""The bad-input corpus (tests/fixtures/bad_inputs.toml), read into one entry per value with the
outcome its group expects, and the key material its placeholders stand for (made once per run,
never a real key)."""

from __future__ import annotations

import base64
import functools
import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import RSAAlgorithm

from tests.support import rsa_keys

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "bad_inputs.toml"
KID = "0f" * 16


@dataclass(frozen=True)
class Entry:
    surface: str
    value: str
    code: int | None
    says: str
    sent: bool

    @property
    def id(self) -> str:
        shown = ascii(self.value)[1:-1]
        cut = shown if len(shown) <= 32 else f"{shown[:24]}…{len(self.value)}chars"
        return f"{self.surface}:{cut}"


def entries(prefix: str = "") -> list[Entry]:
    """Every value of every group whose surface starts with `prefix`, placeholders left in."""
    groups = tomllib.loads(CORPUS.read_text(encoding="utf-8"))["group"]
    found = []
    for group in groups:
        if not group["surface"].startswith(prefix):
            continue
        code = group.get("code")
        for value in group["values"]:
            found.append(
                Entry(
                    surface=group["surface"],
                    value=_text(value),
                    code=code,
                    says=group["says"],
                    sent=group.get("sent", code != 2),
                )
            )
    return found


def _text(value: str | Mapping[str, Any]) -> str:
    if isinstance(value, str):
        return value
    return (
        str(value.get("before", ""))
        + str(value["text"]) * int(value["times"])
        + str(value.get("after", ""))
    )


def fill(text: str, extra: Mapping[str, str]) -> str:
    """`text` with its {PLACEHOLDERS} replaced (only the known ones: JSON braces stay)."""
    for name, value in {**key_material(), "KID": KID, **extra}.items():
        text = text.replace("{" + name + "}", value)
    return text


def _pem(key: Any, fmt: serialization.PrivateFormat, encryption: Any = None) -> str:
    encryption = encryption or serialization.NoEncryption()
    return str(key.private_bytes(serialization.Encoding.PEM, fmt, encryption).decode())


@functools.cache
def key_material() -> dict[str, str]:
    key = rsa_keys.rsa_key()
    pkcs8 = serialization.PrivateFormat.PKCS8
    good = rsa_keys.pkcs1_pem(key)
    jwk = json.loads(RSAAlgorithm.to_jwk(key))
    public_jwk = {name: jwk[name] for name in ("kty", "n", "e")} | {"kid": KID}
    ec_jwk = {"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA", "d": "AA", "kid": KID}
    return {
        "RSA_PEM": good,
        "RSA1024_PEM": _pem(rsa.generate_private_key(public_exponent=65537, key_size=1024), pkcs8),
        "EC_PEM": _pem(ec.generate_private_key(ec.SECP256R1()), pkcs8),
        "ED25519_PEM": _pem(ed25519.Ed25519PrivateKey.generate(), pkcs8),
        "ENCRYPTED_PEM": _pem(
            key, pkcs8, serialization.BestAvailableEncryption(b"test-only-passphrase")
        ),
        "PUBLIC_PEM": key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode(),
        "HALF_PEM": good[: len(good) // 2],
        "JWK_PUBLIC": json.dumps(public_jwk),
        "JWK_EC": base64.b64encode(json.dumps(ec_jwk).encode()).decode(),
        "JWK_BAD_KID": json.dumps(jwk | {"kid": "../../x"}),
        "JWK_NO_KID": json.dumps(jwk),
    }
