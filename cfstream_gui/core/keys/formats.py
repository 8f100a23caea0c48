"""Recognising a private key in whatever shape a user pastes it: PEM (PKCS#1 or PKCS#8, with
its line breaks lost or escaped), base64 of a PEM or of DER, a JWK's JSON, or Cloudflare's whole
key-creation answer. What is recognised is loaded, not yet judged: `key_checks.check_usable`
decides whether it can sign Stream tokens.

What a PEM label says its block holds (`pem_kind`) is shared with the request checks, which
refuse a public key or a passphrase-protected one pasted as the `pem` field.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from enum import Enum
from typing import Any

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from jwt.algorithms import RSAAlgorithm
from jwt.exceptions import InvalidKeyError

from cfstream_gui.core.keys.checks import (
    PASTE,
    KeyImportError,
    check_numbers,
    encrypted_error,
    not_rsa_error,
    public_key_error,
)

# A PEM block's first line; group 1 is its label ("RSA PRIVATE KEY", "PUBLIC KEY", ...).
PEM_BEGIN = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----")


# --- recognising the input ---------------------------------------------------------------------


@dataclass(frozen=True)
class FoundKey:
    """A private key as loaded, and the key ID the text named, if it named one."""

    key: PrivateKeyTypes
    kid: str | None = None


def parse_key_text(text: str) -> FoundKey:
    """The private key in `text`, in any of the shapes in the module doc."""
    text = _unquote(text.strip())
    if not text:
        raise KeyImportError(f"The signing key is empty; {PASTE}.")
    if "-----BEGIN" in text or "-----END" in text:
        return FoundKey(load_pem_text(text))
    if text.startswith("{"):
        return _parse_json(text)
    return _parse_base64(text)


def _unquote(text: str) -> str:
    # Values copied out of a JSON file or a shell script keep their quotes.
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1].strip()
    return text


def _parse_base64(text: str) -> FoundKey:
    compact = re.sub(r"\s+", "", text)
    compact += "=" * (-len(compact) % 4)  # padding is often lost when copying
    try:
        if "-" in compact or "_" in compact:
            raw = base64.urlsafe_b64decode(compact)
        else:
            raw = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise KeyImportError(
            f"The signing key is not valid base64, PEM or JSON text; {PASTE}, exactly as shown."
        ) from None
    try:
        decoded = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        return FoundKey(_load_der(raw))
    if "-----BEGIN" in decoded or "-----END" in decoded:
        return FoundKey(load_pem_text(decoded))
    if decoded.startswith("{"):
        return _parse_json(decoded)
    raise _not_a_key()


def _not_a_key() -> KeyImportError:
    return KeyImportError(
        "The signing key is valid base64 but does not decode to a private key (PEM or JWK); "
        f"check that the right value was copied and {PASTE}."
    )


def _load_der(raw: bytes) -> PrivateKeyTypes:
    """Base64 of DER: what is left when someone keeps only the lines between BEGIN and END."""
    try:
        key = serialization.load_der_private_key(
            raw, password=None, unsafe_skip_rsa_key_validation=True
        )
    except TypeError:
        raise encrypted_error() from None
    except (ValueError, UnsupportedAlgorithm):
        pass
    else:
        check_numbers(key)
        return key
    try:
        serialization.load_der_public_key(raw)
    except (ValueError, UnsupportedAlgorithm):
        raise _not_a_key() from None
    raise public_key_error()


# --- PEM ---------------------------------------------------------------------------------------


def load_pem_text(text: str) -> PrivateKeyTypes:
    label, body = _pem_block(text)
    try:
        key = serialization.load_pem_private_key(
            _rebuild_pem(label, body), password=None, unsafe_skip_rsa_key_validation=True
        )
    except TypeError:  # "password was not given but private key is encrypted"
        raise encrypted_error() from None
    except UnsupportedAlgorithm:
        raise not_rsa_error("a key of a type this app does not know") from None
    except ValueError:
        raise KeyImportError(
            "The signing key's PEM is damaged: its contents could not be read as a key; "
            "copy it again in full."
        ) from None
    check_numbers(key)
    return key


def _pem_block(text: str) -> tuple[str, str]:
    """The label and base64 body of the private key block in `text`, with every check that can
    be made on the PEM's shape alone."""
    # PEMs kept in JSON or .env files often have literal "\n" where the line breaks were.
    text = text.replace("\\r\\n", "\n").replace("\\n", "\n")
    begins = list(PEM_BEGIN.finditer(text))
    if not begins:
        raise KeyImportError(
            "The signing key's PEM has no -----BEGIN line, so its start was cut off; "
            "copy the whole key, from the BEGIN line to the END line."
        )
    # A file may hold the public key or a certificate too; the private key is the one wanted.
    begin = next((m for m in begins if "PRIVATE KEY" in m.group(1)), begins[0])
    label = begin.group(1)
    _check_label(label)
    end = text.find(f"-----END {label}-----", begin.end())
    if end < 0:
        raise KeyImportError(
            f"The signing key's PEM has no '-----END {label}-----' line, so it was cut off; "
            "copy the whole key, including the END line."
        )
    body = text[begin.end() : end]
    if has_passphrase_headers(body):
        raise encrypted_error()
    return label, body


class PemKind(Enum):
    """What a PEM label says its block holds, as far as Stream signing is concerned."""

    PRIVATE = "private"  # an RSA key, PKCS#1 or PKCS#8: what a signing key comes as
    ENCRYPTED = "encrypted"  # PKCS#8 behind a passphrase
    NOT_RSA = "not RSA"  # a private key of another kind (EC, DSA, OpenSSH's own format)
    PUBLIC = "public"  # a public key or certificate: no use for signing
    OTHER = "other"  # anything else


_NOT_RSA = {"EC PRIVATE KEY": "an EC key", "DSA PRIVATE KEY": "a DSA key"}


def pem_kind(label: str) -> PemKind:
    if label in {"RSA PRIVATE KEY", "PRIVATE KEY"}:
        return PemKind.PRIVATE
    if label == "ENCRYPTED PRIVATE KEY":
        return PemKind.ENCRYPTED
    if label in _NOT_RSA or label == "OPENSSH PRIVATE KEY":
        return PemKind.NOT_RSA
    if label in {"PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE"}:
        return PemKind.PUBLIC
    return PemKind.OTHER


def has_passphrase_headers(text: str) -> bool:
    """Legacy OpenSSL encryption: an "RSA PRIVATE KEY" label with `Proc-Type` headers."""
    return "ENCRYPTED" in text and "Proc-Type" in text


def _check_label(label: str) -> None:
    kind = pem_kind(label)
    if kind is PemKind.PRIVATE:
        return
    if kind is PemKind.ENCRYPTED:
        raise encrypted_error()
    if kind is PemKind.PUBLIC:
        raise public_key_error()
    if label == "OPENSSH PRIVATE KEY":
        raise KeyImportError(
            f"The signing key is in OpenSSH's format, which Cloudflare never uses; {PASTE}."
        )
    if kind is PemKind.NOT_RSA:
        raise not_rsa_error(_NOT_RSA[label])
    raise KeyImportError(f"The signing key is a PEM '{label.lower()}', not a private key; {PASTE}.")


def _rebuild_pem(label: str, body: str) -> bytes:
    # Line breaks inside the body get lost or doubled in e-mail, chat and web forms.
    compact = re.sub(r"\s+", "", body)
    lines = [compact[i : i + 64] for i in range(0, len(compact), 64)]
    return "\n".join([f"-----BEGIN {label}-----", *lines, f"-----END {label}-----", ""]).encode()


# --- JSON: a JWK, or Cloudflare's whole answer ------------------------------------------------


def _parse_json(text: str) -> FoundKey:
    try:
        data = json.loads(text)
    except ValueError:
        raise KeyImportError(
            "The signing key looks like JSON but is not valid JSON, perhaps cut off; "
            "copy it again in full."
        ) from None
    if not isinstance(data, dict):
        raise KeyImportError(f"The signing key is JSON but not a JWK object; {PASTE}.")
    if isinstance(data.get("result"), dict):  # the whole API envelope, saved from curl
        data = data["result"]
    if "kty" in data:
        return _from_jwk(data)
    return _from_answer(data)


def _from_answer(data: dict[str, Any]) -> FoundKey:
    """`{"id", "pem", "jwk", "created"}`: the key-creation answer, kept whole."""
    for member in ("pem", "jwk"):
        value = data.get(member)
        if isinstance(value, str) and value.strip():
            found = parse_key_text(value)
            answer_id = data.get("id")
            if found.kid is None and isinstance(answer_id, str):
                return FoundKey(found.key, answer_id)
            return found
    raise KeyImportError(
        f"The signing key is JSON but neither a JWK (no 'kty') nor a key answer; {PASTE}."
    )


def _from_jwk(jwk: dict[str, Any]) -> FoundKey:
    kty = jwk.get("kty")
    if kty != "RSA":
        raise not_rsa_error(_jwk_kind(jwk))
    if "d" not in jwk:
        raise KeyImportError(
            "The signing key's JWK has only the public part (no 'd' member), but signing needs "
            f"the private key; {PASTE}."
        )
    try:
        key = RSAAlgorithm.from_jwk(jwk)
    except (InvalidKeyError, ValueError, TypeError, AttributeError):
        raise KeyImportError(
            "The signing key's JWK is incomplete or damaged, so it is not an RSA private key; "
            "copy it again in full."
        ) from None
    if not isinstance(key, rsa.RSAPrivateKey):  # pragma: no cover - `d` present means private
        raise public_key_error()
    kid = jwk.get("kid")
    return FoundKey(key, kid.strip() if isinstance(kid, str) and kid.strip() else None)


def _jwk_kind(jwk: dict[str, Any]) -> str:
    kty, crv = jwk.get("kty"), jwk.get("crv")
    if kty == "EC":
        return "an EC key"
    if kty == "OKP" and isinstance(crv, str):
        return f"an {crv} key"
    if kty == "oct":
        return "a shared secret (oct key)"
    return "not an RSA key" if kty is None else f"a '{kty}' key"
