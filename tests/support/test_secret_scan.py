"""The secret scan finds a copy in any form it claims to cover, and nothing in what is not a
secret: the scans in the session tests pass because there is nothing to find, not because they
cannot see."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
from cryptography.hazmat.primitives import serialization
from jwt.algorithms import RSAAlgorithm

from tests.support import rsa_keys
from tests.support.secret_scan import key_secret, marker_api_token, scan_tree, text_secret

KEY = rsa_keys.rsa_key(22)
PEM = rsa_keys.pkcs1_pem(KEY)
TOKEN = marker_api_token()
NOISE = b"x" * 50

Plant = Callable[[str], bytes]


def b64_at(offset: int, urlsafe: bool = False) -> Plant:
    encode = base64.urlsafe_b64encode if urlsafe else base64.b64encode
    return lambda text: encode(b"n" * offset + text.encode() + b"tail")


PLANTINGS: dict[str, Plant] = {
    "plain": lambda text: NOISE + text.encode() + NOISE,
    "json": lambda text: json.dumps({"kept": text}).encode(),
    "utf-16": lambda text: f"[{text}]".encode("utf-16-le"),
    "percent": lambda text: f"https://x.example/?t={quote(text, safe='')}".encode(),
    "hex": lambda text: text.encode().hex().encode(),
    **{f"base64 at {n}": b64_at(n) for n in range(3)},
    **{f"base64url at {n}": b64_at(n, urlsafe=True) for n in range(3)},
}


@pytest.mark.parametrize("how", sorted(PLANTINGS))
@pytest.mark.parametrize("what", ["token", "key"])
def test_a_planted_copy_is_found_in_every_form(tmp_path: Path, how: str, what: str) -> None:
    secrets = [text_secret("token", TOKEN), key_secret("key", KEY)]
    (tmp_path / "deep" / "er").mkdir(parents=True)
    (tmp_path / "deep" / "er" / "file.bin").write_bytes(
        PLANTINGS[how](TOKEN if what == "token" else PEM)
    )

    found = scan_tree(tmp_path, secrets)

    assert found and all(what in line for line in found)


@pytest.mark.parametrize(
    "copy",
    [
        KEY.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        RSAAlgorithm.to_jwk(KEY).encode(),  # the private JWK: d, p, q ... in base64url
        PEM.splitlines()[12].encode(),  # one line of the key is enough to be a leak
        base64.b64encode(PEM.encode()),  # Cloudflare's `pem` form
        rsa_keys.pkcs8_pem(KEY).encode(),
    ],
    ids=["DER", "private JWK", "one PEM line", "API pem", "PKCS#8 PEM"],
)
def test_the_key_is_found_however_it_was_written(tmp_path: Path, copy: bytes) -> None:
    (tmp_path / "copy").write_bytes(copy)
    assert scan_tree(tmp_path, [key_secret("key", KEY)])


def test_the_public_half_is_not_a_secret(tmp_path: Path) -> None:
    public = KEY.public_key()
    for number, fmt in enumerate(
        (serialization.PublicFormat.SubjectPublicKeyInfo, serialization.PublicFormat.PKCS1)
    ):
        (tmp_path / f"public{number}.pem").write_bytes(
            public.public_bytes(serialization.Encoding.PEM, fmt)
        )
    (tmp_path / "public.jwk").write_text(RSAAlgorithm.to_jwk(public), encoding="utf-8")

    assert scan_tree(tmp_path, [key_secret("key", KEY), text_secret("token", TOKEN)]) == []
