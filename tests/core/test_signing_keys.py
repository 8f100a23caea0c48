"""Importing signing keys: every shape people keep Cloudflare's key in is accepted, and every
wrong thing gets its own sentence that never repeats the key."""

from __future__ import annotations

import base64
import json
import os
import pickle
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import RSAAlgorithm

from cfstream_gui.core.cloudflare import SigningKeyMaterial, StreamClient
from cfstream_gui.core.keys.checks import KeyImportError
from cfstream_gui.core.keys.signing_key import (
    SigningKey,
    import_key,
    key_from_material,
    unsaved_api_pem,
)
from cfstream_gui.core.models import TokenRequest
from cfstream_gui.core.validation import check_request
from cfstream_gui.sandbox import Sandbox
from tests.support import rsa_keys

KID = "0123456789abcdef0123456789abcdef"
OTHER_KID = "fedcba9876543210fedcba9876543210"
ACCOUNT = Sandbox.DEMO_ACCOUNT_ID

Enc = serialization.Encoding
Fmt = serialization.PrivateFormat


# --- keys: the 2048-bit one is the session's shared key; the 1024-bit one is made here --------


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa_keys.rsa_key()


@pytest.fixture(scope="module")
def small_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=1024)


@pytest.fixture(scope="module")
def running_sandbox() -> Iterator[Sandbox]:
    with Sandbox() as sandbox:
        yield sandbox


def pem_of(key: Any, fmt: serialization.PrivateFormat = Fmt.TraditionalOpenSSL) -> str:
    text: str = key.private_bytes(Enc.PEM, fmt, serialization.NoEncryption()).decode()
    return text


def b64(text: str | bytes) -> str:
    raw = text.encode() if isinstance(text, str) else text
    return base64.b64encode(raw).decode()


def jwk_of(key: rsa.RSAPrivateKey, kid: str | None = KID) -> dict[str, Any]:
    """A private JWK shaped like Cloudflare's (reference §3)."""
    jwk: dict[str, Any] = RSAAlgorithm.to_jwk(key, as_dict=True)
    jwk.update({"use": "sig", "alg": "RS256"})
    if kid is not None:
        jwk["kid"] = kid
    return jwk


def same_key(imported: SigningKey, original: rsa.RSAPrivateKey) -> bool:
    ours = imported.private_key.public_key().public_numbers()
    return ours == original.public_key().public_numbers()


def assert_no_material(message: str, text: str) -> None:
    """No base64 run of the input (key material) may appear in the message; key IDs may."""
    for run in re.findall(r"[A-Za-z0-9+/=]{16,}", text):
        if run not in (KID, OTHER_KID):
            assert run not in message


async def created_material(sandbox: Sandbox) -> SigningKeyMaterial:
    async with StreamClient(Sandbox.DEMO_API_TOKEN, base_url=sandbox.base_url, env={}) as client:
        return await client.create_signing_key(ACCOUNT)


# --- accepted shapes ---------------------------------------------------------------------------

Shape = Callable[[rsa.RSAPrivateKey], tuple[str, str | None]]


def _wrapped(text: str, width: int) -> str:
    return "\n".join(text[i : i + width] for i in range(0, len(text), width))


def _der_body(key: rsa.RSAPrivateKey) -> str:
    return b64(key.private_bytes(Enc.DER, Fmt.TraditionalOpenSSL, serialization.NoEncryption()))


ACCEPTED: dict[str, Shape] = {
    "api pem (base64 of PKCS#1)": lambda k: (b64(pem_of(k)), KID),
    "PKCS#1 PEM text": lambda k: (pem_of(k), KID),
    "PKCS#8 PEM text": lambda k: (pem_of(k, Fmt.PKCS8), KID),
    "base64 of PKCS#8": lambda k: (b64(pem_of(k, Fmt.PKCS8)), KID),
    "JWK JSON": lambda k: (json.dumps(jwk_of(k)), None),
    "api jwk (base64 of JWK)": lambda k: (b64(json.dumps(jwk_of(k))), None),
    "JWK JSON and the same id": lambda k: (json.dumps(jwk_of(k)), KID.upper()),
    "JWK with d only (no CRT members)": lambda k: (
        json.dumps({m: jwk_of(k)[m] for m in ("kty", "kid", "n", "e", "d")}),
        None,
    ),
    "base64 wrapped at 76 columns, CRLF": lambda k: (
        _wrapped(b64(pem_of(k)), 76).replace("\n", "\r\n"),
        KID,
    ),
    "base64 with lost padding and spaces": lambda k: (
        "  " + b64(pem_of(k) + "x").rstrip("=") + "\n",
        KID,
    ),
    "quoted base64 from a JSON file": lambda k: (f'"{b64(pem_of(k))}"', KID),
    "PEM with literal \\n escapes": lambda k: (pem_of(k).replace("\n", "\\n"), KID),
    "PEM squashed onto one line": lambda k: (pem_of(k).replace("\n", " "), KID),
    "PEM with CRLF and indentation": lambda k: (
        "\n".join("   " + line for line in pem_of(k).splitlines()).replace("\n", "\r\n"),
        KID,
    ),
    "PEM after its public key": lambda k: (
        k.public_key()
        .public_bytes(Enc.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
        + pem_of(k),
        KID,
    ),
    "base64 of DER (PEM without its BEGIN/END lines)": lambda k: (_der_body(k), KID),
    "Cloudflare's whole answer": lambda k: (
        json.dumps({"id": KID, "pem": b64(pem_of(k)), "jwk": b64(json.dumps(jwk_of(k)))}),
        None,
    ),
    "Cloudflare's envelope, pem only": lambda k: (
        json.dumps({"success": True, "result": {"id": KID, "pem": b64(pem_of(k))}}),
        None,
    ),
}


@pytest.mark.parametrize("shape", list(ACCEPTED), ids=list(ACCEPTED))
def test_every_usual_shape_imports_as_the_same_key(shape: str, rsa_key: rsa.RSAPrivateKey) -> None:
    text, key_id = ACCEPTED[shape](rsa_key)
    key = import_key(text, key_id)
    assert key.key_id == KID
    assert same_key(key, rsa_key)
    # Kept in Cloudflare's own format whatever it came in as.
    assert key.pem.startswith("-----BEGIN RSA PRIVATE KEY-----\n")
    assert key.pem == pem_of(rsa_key)


@pytest.mark.asyncio
async def test_a_key_created_through_the_api_imports_from_either_field(
    running_sandbox: Sandbox,
) -> None:
    material = await created_material(running_sandbox)
    from_pem = import_key(material.pem, material.id)
    from_jwk = import_key(material.jwk)  # the JWK names its own key
    assert from_pem == from_jwk == key_from_material(material)
    assert from_pem.key_id == material.id
    assert base64.b64decode(material.pem).decode() == from_pem.pem


@pytest.mark.asyncio
async def test_key_from_material_falls_back_to_the_jwk(running_sandbox: Sandbox) -> None:
    material = await created_material(running_sandbox)
    damaged = SigningKeyMaterial(material.id, "bm90IGEga2V5", material.jwk, material.created)
    assert key_from_material(damaged) == import_key(material.pem, material.id)
    both_bad = SigningKeyMaterial(material.id, "bm90IGEga2V5", "bm90IGEga2V5")
    with pytest.raises(KeyImportError, match="does not decode to a private key"):
        key_from_material(both_bad)


@pytest.mark.asyncio
async def test_an_unsaved_key_is_handed_over_as_base64_pem_on_every_path(
    running_sandbox: Sandbox,
) -> None:
    material = await created_material(running_sandbox)
    read = key_from_material(material)
    # Readable answer: the base64 PEM again, whichever field it was read from.
    assert unsaved_api_pem(read, material) == material.pem
    from_jwk = SigningKeyMaterial(material.id, "bm90IGEga2V5", material.jwk)
    shown = unsaved_api_pem(key_from_material(from_jwk), from_jwk)
    assert shown == material.pem
    request = TokenRequest(KID, key_id=material.id, pem=shown)
    assert check_request(request, now=1_700_000_000) == []  # what `/token` takes
    # Unreadable answer: Cloudflare's `pem` exactly as sent, still its base64 form.
    unreadable = SigningKeyMaterial(material.id, "bm90IGEga2V5", "bm90IGEga2V5")
    assert unsaved_api_pem(None, unreadable) == "bm90IGEga2V5"


# --- rejected inputs ---------------------------------------------------------------------------


def _truncated(key: rsa.RSAPrivateKey) -> str:
    return pem_of(key).split("-----END")[0]


def _damaged(key: rsa.RSAPrivateKey) -> str:
    lines = pem_of(key).splitlines()
    return "\n".join(lines[:5] + lines[9:])  # four body lines lost


def _encrypted(key: Any, fmt: serialization.PrivateFormat) -> str:
    encryption = serialization.BestAvailableEncryption(b"hunter2hunter2")
    return str(key.private_bytes(Enc.PEM, fmt, encryption).decode())


def _public(key: rsa.RSAPrivateKey, fmt: serialization.PublicFormat) -> str:
    return key.public_key().public_bytes(Enc.PEM, fmt).decode()


def _jwk_without(key: rsa.RSAPrivateKey, *members: str) -> str:
    return json.dumps({k: v for k, v in jwk_of(key).items() if k not in members})


def _ec() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


Rejected = Callable[[rsa.RSAPrivateKey], tuple[str, str | None]]

# name -> (input, phrase its message must contain)
REJECTED: dict[str, tuple[Rejected, str]] = {
    "empty": (lambda k: (" \n\t ", KID), "is empty"),
    "not base64": (lambda k: ("this is ~~ not a key!", KID), "not valid base64"),
    "random base64": (lambda k: (b64(os.urandom(300)), KID), "does not decode to a private key"),
    "base64 of plain text": (
        lambda k: (b64("my signing key is on the other laptop"), KID),
        "does not decode to a private key",
    ),
    "truncated PEM": (lambda k: (_truncated(k), KID), "has no '-----END RSA PRIVATE KEY-----'"),
    "truncated base64 PEM": (lambda k: (b64(_truncated(k)), KID), "so it was cut off"),
    "PEM missing its start": (lambda k: (pem_of(k)[40:], KID), "no -----BEGIN line"),
    "PEM with lost lines": (lambda k: (_damaged(k), KID), "PEM is damaged"),
    "passphrase PKCS#8": (
        lambda k: (_encrypted(k, Fmt.PKCS8), KID),
        "protected with a passphrase; export it without one",
    ),
    "passphrase PKCS#1": (
        lambda k: (b64(_encrypted(k, Fmt.TraditionalOpenSSL)), KID),
        "protected with a passphrase; export it without one",
    ),
    "EC in PKCS#8": (
        lambda k: (pem_of(_ec(), Fmt.PKCS8), KID),
        "is an EC key, but Stream signing keys are RSA",
    ),
    "EC traditional": (
        lambda k: (b64(pem_of(_ec())), KID),
        "is an EC key, but Stream signing keys are RSA",
    ),
    "Ed25519": (
        lambda k: (pem_of(ed25519.Ed25519PrivateKey.generate(), Fmt.PKCS8), KID),
        "is an Ed25519 key, but Stream signing keys are RSA",
    ),
    "EC JWK": (
        lambda k: (json.dumps({"kty": "EC", "crv": "P-256", "kid": KID, "x": "a", "d": "b"}), None),
        "is an EC key, but Stream signing keys are RSA",
    ),
    "public key": (
        lambda k: (_public(k, serialization.PublicFormat.SubjectPublicKeyInfo), KID),
        "public key, but signing needs the private key",
    ),
    "PKCS#1 public key, base64": (
        lambda k: (b64(_public(k, serialization.PublicFormat.PKCS1)), KID),
        "public key, but signing needs the private key",
    ),
    "JWK without d": (lambda k: (_jwk_without(k, "d"), None), "only the public part (no 'd'"),
    "JWK missing q": (lambda k: (_jwk_without(k, "q"), None), "JWK is incomplete or damaged"),
    "JWK with a foreign d": (
        lambda k: (json.dumps({**jwk_of(k), "d": "AQAB"}), None),
        "JWK is incomplete or damaged",
    ),
    "not valid JSON": (lambda k: ('{"kty": "RSA", "n": "', None), "not valid JSON"),
    "JSON but no key": (lambda k: (json.dumps({"name": "my key"}), None), "neither a JWK"),
    "kid mismatch": (lambda k: (json.dumps(jwk_of(k)), OTHER_KID), "differs from the key ID"),
    "malformed key ID": (lambda k: (pem_of(k), "key-one"), "is not 32 hex characters"),
    "missing key ID": (lambda k: (pem_of(k), None), "nothing in it says which signing key"),
}


@pytest.mark.parametrize("case", list(REJECTED), ids=list(REJECTED))
def test_each_bad_input_is_refused_with_its_own_reason(
    case: str, rsa_key: rsa.RSAPrivateKey
) -> None:
    make, phrase = REJECTED[case]
    text, key_id = make(rsa_key)
    with pytest.raises(KeyImportError) as caught:
        import_key(text, key_id)
    message = str(caught.value)
    assert phrase in message
    assert caught.value.needs_key_id is (case == "missing key ID")
    assert_no_material(message, text)
    # No library exception (whose text might quote the input) rides along in a traceback.
    error = caught.value
    assert error.__cause__ is None and (error.__context__ is None or error.__suppress_context__)


def test_a_1024_bit_key_is_too_small(small_rsa_key: rsa.RSAPrivateKey) -> None:
    with pytest.raises(KeyImportError, match=r"only 1024 bits.*at least 2048") as caught:
        import_key(b64(pem_of(small_rsa_key)))
    assert not caught.value.needs_key_id  # the key is the problem, not its missing ID


def test_the_reasons_are_all_different(rsa_key: rsa.RSAPrivateKey) -> None:
    """One sentence per kind of mistake: a user can tell which one they made."""
    kinds = [
        "empty",
        "not base64",
        "random base64",
        "truncated PEM",
        "PEM with lost lines",
        "passphrase PKCS#8",
        "EC in PKCS#8",
        "Ed25519",
        "public key",
        "JWK without d",
        "JWK missing q",
        "kid mismatch",
        "missing key ID",
    ]
    messages = set()
    for kind in kinds:
        text, key_id = REJECTED[kind][0](rsa_key)
        with pytest.raises(KeyImportError) as caught:
            import_key(text, key_id)
        messages.add(str(caught.value))
    assert len(messages) == len(kinds)


def test_a_key_pasted_into_the_id_box_is_not_repeated(rsa_key: rsa.RSAPrivateKey) -> None:
    pasted = b64(pem_of(rsa_key))
    with pytest.raises(KeyImportError) as caught:
        import_key(json.dumps(jwk_of(rsa_key)), pasted)
    assert "-character value" in str(caught.value)
    assert_no_material(str(caught.value), pasted)


def test_a_needs_key_id_error_is_answered_by_giving_one(rsa_key: rsa.RSAPrivateKey) -> None:
    text = b64(pem_of(rsa_key))
    with pytest.raises(KeyImportError) as caught:
        import_key(text)
    assert caught.value.needs_key_id
    assert import_key(text, f"  {KID.upper()} ").key_id == KID


# --- the SigningKey value ----------------------------------------------------------------------


def test_repr_and_str_hide_the_private_key(rsa_key: rsa.RSAPrivateKey) -> None:
    key = import_key(pem_of(rsa_key), KID)
    for shown in (repr(key), str(key), f"{key}", repr([key])):
        assert KID in shown
        assert "PRIVATE" not in shown
        assert_no_material(shown, key.pem)


def test_api_pem_is_what_the_token_endpoint_takes(rsa_key: rsa.RSAPrivateKey) -> None:
    key = import_key(pem_of(rsa_key, Fmt.PKCS8), KID)
    assert base64.b64decode(key.api_pem(), validate=True).decode() == pem_of(rsa_key)
    request = TokenRequest("ea95132c15732412d22c1476fa83f27a", key_id=key.key_id, pem=key.api_pem())
    assert check_request(request, now=1_800_000_000) == []


def test_a_directly_built_key_in_pkcs8_still_gives_a_pkcs1_api_pem(
    rsa_key: rsa.RSAPrivateKey,
) -> None:
    key = SigningKey(KID, pem_of(rsa_key, Fmt.PKCS8))
    assert base64.b64decode(key.api_pem()).decode().startswith("-----BEGIN RSA PRIVATE KEY-----")


def test_public_pem_is_the_public_half(rsa_key: rsa.RSAPrivateKey) -> None:
    key = import_key(b64(pem_of(rsa_key)), KID)
    public = serialization.load_pem_public_key(key.public_pem().encode())
    assert isinstance(public, rsa.RSAPublicKey)
    assert public.public_numbers() == rsa_key.public_key().public_numbers()
    assert "PRIVATE" not in key.public_pem()


def test_a_used_key_survives_pickling_for_batch_workers(rsa_key: rsa.RSAPrivateKey) -> None:
    key = import_key(pem_of(rsa_key), KID)
    assert key.private_key is key.private_key  # loaded and cached
    copy = pickle.loads(pickle.dumps(key))
    assert copy == key
    assert same_key(copy, rsa_key)


@pytest.mark.asyncio
async def test_api_pem_signs_through_the_sandbox_token_endpoint(running_sandbox: Sandbox) -> None:
    """The key round-trips into the API path too: `/token` with id + api_pem()."""
    async with StreamClient(
        Sandbox.DEMO_API_TOKEN, base_url=running_sandbox.base_url, env={}
    ) as client:
        material = await client.create_signing_key(ACCOUNT)
        key = import_key(base64.b64decode(material.pem).decode(), material.id)
        uid = running_sandbox.video_uids(signed=True)[0]
        request = TokenRequest(uid, key_id=key.key_id, pem=key.api_pem())
        token = await client.create_token(ACCOUNT, request)
    assert running_sandbox.verify_playback_token(token, uid).allowed


@pytest.mark.parametrize("member", ["iqmp", "dmp1", "dmq1", "d"])
def test_a_key_whose_parts_disagree_is_refused(rsa_key: rsa.RSAPrivateKey, member: str) -> None:
    numbers = rsa_key.private_numbers()
    parts = {
        "p": numbers.p,
        "q": numbers.q,
        "d": numbers.d,
        "dmp1": numbers.dmp1,
        "dmq1": numbers.dmq1,
        "iqmp": numbers.iqmp,
    }
    parts[member] += 2
    broken = rsa.RSAPrivateNumbers(**parts, public_numbers=numbers.public_numbers)
    pem = pem_of(broken.private_key(unsafe_skip_rsa_key_validation=True))
    with pytest.raises(KeyImportError, match="parts do not belong together"):
        import_key(b64(pem), KID)
