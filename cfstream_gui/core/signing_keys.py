"""Stream signing keys: reading the private key in whatever shape a user pastes it.

Cloudflare hands a new key out once, as standard base64 around a PKCS#1 PEM (`pem`) and around a
private JWK (`jwk`) (reference §3). People then keep it as that base64 blob, as decoded PEM, as
PKCS#8 after an `openssl` round trip, or as the JWK's JSON. `import_key` accepts all of these and
explains, without ever echoing the key, why anything else is not a usable signing key.

Imported keys are kept as PKCS#1 PEM text, the format Cloudflare itself uses, whatever they came
in as, so the keyring always holds one shape.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from jwt.algorithms import RSAAlgorithm
from jwt.exceptions import InvalidKeyError

from cfstream_gui.core.api_models import SigningKeyMaterial
from cfstream_gui.core.ids import is_hex_id

MIN_KEY_BITS = 2048
# A PEM block's first line; group 1 is its label ("RSA PRIVATE KEY", "PUBLIC KEY", ...).
PEM_BEGIN = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----")
_PROBE = b"cfstream-gui signing key check"
# Longer than any key ID: a key pasted into the ID box must never be repeated back.
_ECHO_LIMIT = 40
_PASTE = "paste the 'pem' or 'jwk' value Cloudflare returned when the key was created"


class KeyImportError(ValueError):
    """The text is not a usable Stream signing key. The message never contains key material.

    `needs_key_id` is True when the key itself is fine but nothing says which key it is."""

    def __init__(self, message: str, *, needs_key_id: bool = False) -> None:
        super().__init__(message)
        self.needs_key_id = needs_key_id


@dataclass(frozen=True)
class SigningKey:
    """A Stream signing key whose private half is held here. `pem` is PEM text (not base64)
    and stays out of `repr()` and `str()`."""

    key_id: str
    pem: str = field(repr=False)

    @cached_property
    def private_key(self) -> rsa.RSAPrivateKey:
        """The loaded key, parsed once per SigningKey: parsing costs far more than signing."""
        return _check_usable(_load_pem_text(self.pem))

    def __reduce__(self) -> tuple[type[SigningKey], tuple[str, str]]:
        # Pickle (batch workers, copy) the key and its ID only: the parsed key object cannot
        # be pickled, and each process parses it once for itself.
        return (SigningKey, (self.key_id, self.pem))

    def api_pem(self) -> str:
        """What `/token`'s `pem` field wants: standard base64 of a PKCS#1 PEM."""
        return base64.b64encode(_pkcs1_pem(self.private_key).encode("ascii")).decode("ascii")

    def public_pem(self) -> str:
        """The public half as a SubjectPublicKeyInfo PEM, for checking tokens elsewhere."""
        public = self.private_key.public_key()
        spki = serialization.PublicFormat.SubjectPublicKeyInfo
        return public.public_bytes(serialization.Encoding.PEM, spki).decode("ascii")


def import_key(text: str, key_id: str | None = None) -> SigningKey:
    """A signing key from any shape Cloudflare's answer is commonly kept in (see module doc).

    The key ID comes from the JWK's `kid`, else `key_id`; when both are there they must agree."""
    found = _parse(text)
    private_key = _check_usable(found.key)  # first: "needs a key ID" means the key is fine
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


# --- recognising the input ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Found:
    key: PrivateKeyTypes
    kid: str | None = None


def _parse(text: str) -> _Found:
    text = _unquote(text.strip())
    if not text:
        raise KeyImportError(f"The signing key is empty; {_PASTE}.")
    if "-----BEGIN" in text or "-----END" in text:
        return _Found(_load_pem_text(text))
    if text.startswith("{"):
        return _parse_json(text)
    return _parse_base64(text)


def _unquote(text: str) -> str:
    # Values copied out of a JSON file or a shell script keep their quotes.
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1].strip()
    return text


def _parse_base64(text: str) -> _Found:
    compact = re.sub(r"\s+", "", text)
    compact += "=" * (-len(compact) % 4)  # padding is often lost when copying
    try:
        if "-" in compact or "_" in compact:
            raw = base64.urlsafe_b64decode(compact)
        else:
            raw = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise KeyImportError(
            f"The signing key is not valid base64, PEM or JSON text; {_PASTE}, exactly as shown."
        ) from None
    try:
        decoded = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        return _Found(_load_der(raw))
    if "-----BEGIN" in decoded or "-----END" in decoded:
        return _Found(_load_pem_text(decoded))
    if decoded.startswith("{"):
        return _parse_json(decoded)
    raise _not_a_key()


def _not_a_key() -> KeyImportError:
    return KeyImportError(
        "The signing key is valid base64 but does not decode to a private key (PEM or JWK); "
        f"check that the right value was copied and {_PASTE}."
    )


def _load_der(raw: bytes) -> PrivateKeyTypes:
    """Base64 of DER: what is left when someone keeps only the lines between BEGIN and END."""
    try:
        key = serialization.load_der_private_key(
            raw, password=None, unsafe_skip_rsa_key_validation=True
        )
    except TypeError:
        raise _encrypted() from None
    except (ValueError, UnsupportedAlgorithm):
        pass
    else:
        _check_numbers(key)
        return key
    try:
        serialization.load_der_public_key(raw)
    except (ValueError, UnsupportedAlgorithm):
        raise _not_a_key() from None
    raise _public_key()


# --- PEM ---------------------------------------------------------------------------------------


def _load_pem_text(text: str) -> PrivateKeyTypes:
    label, body = _pem_block(text)
    try:
        key = serialization.load_pem_private_key(
            _rebuild_pem(label, body), password=None, unsafe_skip_rsa_key_validation=True
        )
    except TypeError:  # "password was not given but private key is encrypted"
        raise _encrypted() from None
    except UnsupportedAlgorithm:
        raise _not_rsa("a key of a type this app does not know") from None
    except ValueError:
        raise KeyImportError(
            "The signing key's PEM is damaged: its contents could not be read as a key; "
            "copy it again in full."
        ) from None
    _check_numbers(key)
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
        raise _encrypted()
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
        raise _encrypted()
    if kind is PemKind.PUBLIC:
        raise _public_key()
    if label == "OPENSSH PRIVATE KEY":
        raise KeyImportError(
            f"The signing key is in OpenSSH's format, which Cloudflare never uses; {_PASTE}."
        )
    if kind is PemKind.NOT_RSA:
        raise _not_rsa(_NOT_RSA[label])
    raise KeyImportError(
        f"The signing key is a PEM '{label.lower()}', not a private key; {_PASTE}."
    )


def _rebuild_pem(label: str, body: str) -> bytes:
    # Line breaks inside the body get lost or doubled in e-mail, chat and web forms.
    compact = re.sub(r"\s+", "", body)
    lines = [compact[i : i + 64] for i in range(0, len(compact), 64)]
    return "\n".join([f"-----BEGIN {label}-----", *lines, f"-----END {label}-----", ""]).encode()


def _encrypted() -> KeyImportError:
    return KeyImportError(
        "The signing key is protected with a passphrase; export it without one "
        "(for example with `openssl pkey -in key.pem -out plain.pem`) and import that."
    )


def _public_key() -> KeyImportError:
    return KeyImportError(
        "This is a public key, but signing needs the private key; "
        f"{_PASTE} (it is shown only then)."
    )


def _not_rsa(what: str) -> KeyImportError:
    return KeyImportError(
        f"The signing key is {what}, but Stream signing keys are RSA; "
        "import a key created by Cloudflare Stream."
    )


# --- JSON: a JWK, or Cloudflare's whole answer ------------------------------------------------


def _parse_json(text: str) -> _Found:
    try:
        data = json.loads(text)
    except ValueError:
        raise KeyImportError(
            "The signing key looks like JSON but is not valid JSON, perhaps cut off; "
            "copy it again in full."
        ) from None
    if not isinstance(data, dict):
        raise KeyImportError(f"The signing key is JSON but not a JWK object; {_PASTE}.")
    if isinstance(data.get("result"), dict):  # the whole API envelope, saved from curl
        data = data["result"]
    if "kty" in data:
        return _from_jwk(data)
    return _from_answer(data)


def _from_answer(data: dict[str, Any]) -> _Found:
    """`{"id", "pem", "jwk", "created"}`: the key-creation answer, kept whole."""
    for member in ("pem", "jwk"):
        value = data.get(member)
        if isinstance(value, str) and value.strip():
            found = _parse(value)
            answer_id = data.get("id")
            if found.kid is None and isinstance(answer_id, str):
                return _Found(found.key, answer_id)
            return found
    raise KeyImportError(
        f"The signing key is JSON but neither a JWK (no 'kty') nor a key answer; {_PASTE}."
    )


def _from_jwk(jwk: dict[str, Any]) -> _Found:
    kty = jwk.get("kty")
    if kty != "RSA":
        raise _not_rsa(_jwk_kind(jwk))
    if "d" not in jwk:
        raise KeyImportError(
            "The signing key's JWK has only the public part (no 'd' member), but signing needs "
            f"the private key; {_PASTE}."
        )
    try:
        key = RSAAlgorithm.from_jwk(jwk)
    except (InvalidKeyError, ValueError, TypeError, AttributeError):
        raise KeyImportError(
            "The signing key's JWK is incomplete or damaged, so it is not an RSA private key; "
            "copy it again in full."
        ) from None
    if not isinstance(key, rsa.RSAPrivateKey):  # pragma: no cover - `d` present means private
        raise _public_key()
    kid = jwk.get("kid")
    return _Found(key, kid.strip() if isinstance(kid, str) and kid.strip() else None)


def _jwk_kind(jwk: dict[str, Any]) -> str:
    kty, crv = jwk.get("kty"), jwk.get("crv")
    if kty == "EC":
        return "an EC key"
    if kty == "OKP" and isinstance(crv, str):
        return f"an {crv} key"
    if kty == "oct":
        return "a shared secret (oct key)"
    return "not an RSA key" if kty is None else f"a '{kty}' key"


# --- checks every key passes -------------------------------------------------------------------


def _check_usable(key: PrivateKeyTypes) -> rsa.RSAPrivateKey:
    """The key if it is an RSA key Cloudflare could have made and it actually signs."""
    if not isinstance(key, rsa.RSAPrivateKey):
        raise _not_rsa(_kind(key))
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
        raise _inconsistent() from None
    return key


def _check_numbers(key: PrivateKeyTypes) -> None:
    """The arithmetic half of OpenSSL's RSA key check, which PEM/DER loading skips here.

    OpenSSL's full check also proves p and q prime, which costs ~80 ms per load: too much for a
    batch worker or a key list. A key that passes these sums and the test signature in
    `_check_usable` signs correctly, and a key whose parts disagree is never used."""
    if not isinstance(key, rsa.RSAPrivateKey):
        return  # refused by `_check_usable` with a message naming its type
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
        raise _inconsistent()


def _inconsistent() -> KeyImportError:
    return KeyImportError(
        "The signing key failed a test signature, so its parts do not belong together; "
        "copy it again in full."
    )


def _kind(key: PrivateKeyTypes) -> str:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return "an EC key"
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return "an Ed25519 key"
    if isinstance(key, ed448.Ed448PrivateKey):
        return "an Ed448 key"
    if isinstance(key, dsa.DSAPrivateKey):
        return "a DSA key"
    return "not an RSA key"


def _pkcs1_pem(key: rsa.RSAPrivateKey) -> str:
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
