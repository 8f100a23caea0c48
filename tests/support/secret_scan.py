"""Marker secrets, every form a copy of one could take, and a scan for them.

A marker API token (`cfut_MARKER…`, random per run) and a freshly made RSA key stand for a
user's secrets. `Secret.needles` is each secret written every way a program might write it: as
is, UTF-16, JSON-escaped, percent-encoded, hex, base64 and base64url at each of the three byte
alignments it could have inside a longer encoded blob, and for a private key also its PEM
lines, its DER bytes and its private numbers (d, p, q, ... as raw bytes, base64, base64url and
hex). Public parts (the modulus, the exponent) are left out: they are no secret, and a PEM line
that also appears in the public key's encodings is not a needle.

`isolate()` points HOME, the XDG dirs, TMPDIR and CFSTREAM_CONFIG_DIR into one directory, so
`scan_tree()` over it sees every file a session wrote.
"""

from __future__ import annotations

import base64
import json
import secrets
import socket
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.support.hostile import head

ENV_DIRS = {
    "HOME": "home",
    "XDG_CONFIG_HOME": "home/.config",
    "XDG_CACHE_HOME": "home/.cache",
    "XDG_DATA_HOME": "home/.local/share",
    "XDG_STATE_HOME": "home/.local/state",
    "XDG_RUNTIME_DIR": "run",
    "TMPDIR": "tmp",
    "CFSTREAM_CONFIG_DIR": "config",
}
# The shortest needle: anything shorter could turn up by chance.
MIN_NEEDLE = 16


@dataclass
class Secret:
    name: str
    needles: dict[str, bytes] = field(default_factory=dict)

    def add(self, form: str, needle: bytes) -> None:
        if len(needle) >= MIN_NEEDLE:
            self.needles.setdefault(form, needle)


def marker_api_token() -> str:
    return f"cfut_MARKER{secrets.token_hex(20)}"


def _text_forms(secret: Secret, text: str, label: str = "") -> None:
    raw = text.encode()
    secret.add(f"{label}plain", raw)
    secret.add(f"{label}utf-16", text.encode("utf-16-le"))
    secret.add(f"{label}json", json.dumps(text)[1:-1].encode())
    secret.add(f"{label}percent", quote(text, safe="").encode())
    secret.add(f"{label}hex", raw.hex().encode())
    _binary_forms(secret, raw, label)


def _binary_forms(secret: Secret, raw: bytes, label: str) -> None:
    for skip in range(3):
        for name, encode in (("base64", base64.b64encode), ("base64url", base64.urlsafe_b64encode)):
            # Inside a longer encoded blob only whole 3-byte groups encode the same way: the
            # last (partial) group is dropped, and each start alignment has its own needle.
            encoded = encode(raw[skip:])
            secret.add(f"{label}{name}+{skip}", encoded[: -4 if len(encoded) > 8 else None])


def text_secret(name: str, text: str) -> Secret:
    secret = Secret(name)
    _text_forms(secret, text)
    return secret


def key_secret(name: str, key: rsa.RSAPrivateKey) -> Secret:
    secret = Secret(name)
    public_texts = _public_encodings(key)
    formats = (
        ("PKCS#1", serialization.PrivateFormat.TraditionalOpenSSL),
        ("PKCS#8", serialization.PrivateFormat.PKCS8),
    )
    for label, fmt in formats:
        pem = key.private_bytes(
            serialization.Encoding.PEM, fmt, serialization.NoEncryption()
        ).decode()
        _text_forms(secret, pem, f"{label} PEM ")
        for number, line in enumerate(pem.splitlines()):
            urlsafe = line.replace("+", "-").replace("/", "_")
            if line.startswith("-----") or any(
                line in text or urlsafe in text for text in public_texts
            ):
                continue  # only the modulus: public
            secret.add(f"{label} PEM line {number}", line.encode())
        der = key.private_bytes(serialization.Encoding.DER, fmt, serialization.NoEncryption())
        secret.add(f"{label} DER", der)
    numbers = key.private_numbers()
    for label, value in (
        ("d", numbers.d),
        ("p", numbers.p),
        ("q", numbers.q),
        ("dp", numbers.dmp1),
        ("dq", numbers.dmq1),
        ("qi", numbers.iqmp),
    ):
        raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
        secret.add(f"{label} bytes", raw)
        secret.add(f"{label} hex", raw.hex().encode())
        secret.add(f"{label} decimal", str(value).encode())
        _binary_forms(secret, raw, f"{label} ")
    return secret


def _public_encodings(key: rsa.RSAPrivateKey) -> list[str]:
    """The public half written every way the private key's forms are: what is found in these
    is no secret."""
    public = key.public_key()
    texts = []
    for fmt in (serialization.PublicFormat.SubjectPublicKeyInfo, serialization.PublicFormat.PKCS1):
        texts.append(public.public_bytes(serialization.Encoding.PEM, fmt).decode())
    modulus = public.public_numbers().n
    raw = modulus.to_bytes((modulus.bit_length() + 7) // 8, "big")
    for skip in range(3):
        for prefix in (b"", b"\x00"):  # DER writes a leading zero byte before a high bit
            texts.append(base64.b64encode(prefix + raw[skip:]).decode())
            texts.append(base64.urlsafe_b64encode(prefix + raw[skip:]).decode())
    return texts


def key_from_pem(pem: str) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def echoing_refusal(token: str) -> Callable[[socket.socket], None]:
    """A hostile server that quotes the API token it was sent back in its error."""
    body = json.dumps(
        {
            "success": False,
            "result": None,
            "messages": [],
            "errors": [{"code": 10000, "message": f"Authentication error for Bearer {token}"}],
        }
    ).encode()

    def respond(conn: socket.socket) -> None:
        conn.sendall(
            head(403, {"Content-Type": "application/json", "Content-Length": str(len(body))}) + body
        )

    return respond


# -- finding them ------------------------------------------------------------------------------


def scan_bytes(data: bytes, secrets_: Iterable[Secret], where: str) -> list[str]:
    return [
        f"{where}: {secret.name} ({form})"
        for secret in secrets_
        for form, needle in secret.needles.items()
        if needle in data
    ]


def scan_text(text: str, secrets_: Iterable[Secret], where: str) -> list[str]:
    return scan_bytes(text.encode("utf-8", "surrogateescape"), secrets_, where)


def files_under(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path


def scan_tree(root: Path, secrets_: Iterable[Secret]) -> list[str]:
    found: list[str] = []
    listed = list(secrets_)
    for path in files_under(root):
        found += scan_bytes(path.read_bytes(), listed, str(path.relative_to(root)))
    return found


def isolate(monkeypatch: pytest.MonkeyPatch, root: Path) -> dict[str, Path]:
    """Point every place the app, Qt or Python might write to under `root`."""
    dirs = {}
    for variable, relative in ENV_DIRS.items():
        path = root / relative
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        monkeypatch.setenv(variable, str(path))
        dirs[variable] = path
    # tempfile reads TMPDIR once and keeps the answer.
    monkeypatch.setattr(tempfile, "tempdir", None)
    return dirs
