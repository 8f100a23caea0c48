"""The token reader needs no PyJWT, yet reads every token as PyJWT's unverified decode does:
the same header and claims when PyJWT reads it, a TokenDecodeError when PyJWT refuses it (with
BAD_HEADER where PyJWT refuses the header's fields). Hostile shapes included: junk characters,
odd padding, JSON that is not an object, nesting deeper than the parser goes, `kid`, `crit` and
`b64` headers."""

from __future__ import annotations

import base64
import json
import string
from typing import Any

import jwt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cfstream_gui.core.tokens import BAD_HEADER, TokenDecodeError, _parts, decode_token

_NO_CHECKS: Any = {"verify_signature": False}


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


Read = tuple[dict[str, Any], dict[str, Any]] | str | None


def _pyjwt(token: str) -> Read:
    """What PyJWT reads; None where it cannot decode the token, "bad header" where it refuses
    the header's fields."""
    try:
        return jwt.get_unverified_header(token), jwt.decode(token, options=_NO_CHECKS)
    except (jwt.DecodeError, ValueError, RecursionError):
        return None
    except jwt.InvalidTokenError:
        return "bad header"


def _ours(token: str) -> Read:
    """What the reader makes of the three parts (decode_token goes on to read exp, nbf and
    the rules, which PyJWT does not look at)."""
    try:
        return _parts(token)
    except TokenDecodeError as exc:
        return "bad header" if str(exc) == BAD_HEADER else None


def _same_as_pyjwt(token: str) -> None:
    assert _ours(token) == _pyjwt(token), token


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=8,
)
SEGMENT_CHARS = string.ascii_letters + string.digits + "-_=+/.! é\x00"


@st.composite
def segments(draw: st.DrawFn) -> str:
    """A token part: base64url of JSON (or of junk), padded or not, sometimes mangled."""
    raw = draw(
        st.one_of(
            st.dictionaries(st.text(max_size=5), JSON, max_size=3).map(
                lambda value: json.dumps(value).encode()
            ),
            JSON.map(lambda value: json.dumps(value).encode()),
            st.binary(max_size=24),
            JSON.map(lambda value: json.dumps(value).encode("utf-16")),
        )
    )
    text = _b64(raw)
    mangle = draw(st.sampled_from(["none", "none", "none", "pad", "cut", "junk", "free"]))
    if mangle == "pad":
        text += "=" * draw(st.integers(1, 3))
    elif mangle == "cut" and text:
        text = text[: draw(st.integers(0, len(text) - 1))]
    elif mangle == "junk":
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from("+/!= é\x00")) + text[at:]
    elif mangle == "free":
        text = draw(st.text(alphabet=SEGMENT_CHARS.replace(".", ""), max_size=12))
    return text


@settings(max_examples=400, deadline=None)
@given(segments(), segments(), segments())
def test_any_three_parts_read_as_pyjwt_reads_them(header: str, claims: str, sig: str) -> None:
    token = f"{header}.{claims}.{sig}"
    if token.strip() != token or token.count(".") != 2:
        return  # trimmed or refused before any part is read
    _same_as_pyjwt(token)


def test_real_signed_tokens_read_the_same(rsa_key_pem: str) -> None:
    claims = {"sub": "a" * 32, "kid": "k", "exp": 1_790_000_000, "accessRules": [{"type": "any"}]}
    token = jwt.encode(claims, rsa_key_pem, algorithm="RS256", headers={"kid": "k"})
    read = _ours(token)
    assert read is not None and read == _pyjwt(token)
    for suffix in ("=", "==", "===", "A", "AA", "!"):
        _same_as_pyjwt(token + suffix)


HEADERS = st.fixed_dictionaries(
    {"alg": st.just("RS256")},
    optional={
        "kid": st.text(max_size=4) | st.integers() | st.none() | st.lists(st.text(), max_size=2),
        "crit": st.lists(st.sampled_from(["b64", "exp", "x"]) | st.integers(), max_size=3)
        | st.text(max_size=3),
        "b64": st.booleans() | st.none(),
    },
)


@settings(max_examples=200, deadline=None)
@given(HEADERS, st.sampled_from(["", _b64(b'{"sub": "x"}'), _b64(b"[1]"), "!!"]))
def test_header_fields_are_refused_where_pyjwt_refuses_them(
    header: dict[str, Any], claims: str
) -> None:
    _same_as_pyjwt(f"{_b64(json.dumps(header).encode())}.{claims}.{_b64(b'sig')}")


@pytest.mark.parametrize(
    "header",
    [
        {"alg": "RS256", "kid": 5},  # PyJWT: "Key ID header parameter must be a string"
        {"alg": "RS256", "crit": []},  # PyJWT: "Invalid 'crit' header"
        {"alg": "RS256", "crit": ["exp"]},  # PyJWT: "Unsupported critical extension"
    ],
)
def test_header_fields_pyjwt_refuses_are_said_in_our_words(header: dict[str, Any]) -> None:
    claims = _b64(json.dumps({"sub": "x"}).encode())
    with pytest.raises(TokenDecodeError) as caught:
        decode_token(f"{_b64(json.dumps(header).encode())}.{claims}.{_b64(b'sig')}")
    assert str(caught.value) == BAD_HEADER


def test_nesting_deeper_than_the_parser_goes_is_a_sentence() -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    claims = _b64(b'{"a": ' + deep + b"}")
    token = f"{_b64(b'{}')}.{claims}.{_b64(b'sig')}"
    with pytest.raises(TokenDecodeError, match="middle part"):
        decode_token(token)


@pytest.fixture(scope="module")
def rsa_key_pem() -> str:
    from tests.support.rsa_keys import pkcs8_pem, rsa_key

    return pkcs8_pem(rsa_key())
