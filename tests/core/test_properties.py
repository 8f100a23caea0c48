"""Properties, checked by hypothesis on generated input: the time parser, reading a token out of
any string, and signing here then verifying. (Rule serialisation against Cloudflare's schema
has its own property in tests/core/test_request_schema*.py.)

Each property is something a user relies on without knowing it: whatever is typed, the answer
is a moment in UTC or a sentence; whatever is pasted as a token, its claims or a sentence;
whatever is signed here verifies with the key's public half, and nothing else does.
"""

from __future__ import annotations

import base64
import ipaddress
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import jwt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from joserfc import jwt as jose_jwt
from joserfc.jwk import RSAKey

from cfstream_gui.core.keys.local_signing import sign_locally
from cfstream_gui.core.keys.signing_key import SigningKey
from cfstream_gui.core.models import DEFAULT_NBF_SECONDS, MAX_RULES, AccessRule, TokenRequest
from cfstream_gui.core.timeparse import TimeParseError, describe, from_epoch, parse_when, to_epoch
from cfstream_gui.core.tokens import TokenDecodeError, decode_token
from cfstream_gui.core.validation import ValidationError
from tests.support import rsa_keys

NOW = datetime(2026, 11, 28, 21, 0, 0, tzinfo=UTC)
NOW_EPOCH = int(NOW.timestamp())
KEY_ID = "5e" * 16
OTHER_KEY_ID = "6f" * 16

# --- the time parser ---------------------------------------------------------------------------

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
# What people type for a time, in pieces: the parser's own alphabet, so generated text reaches
# every branch (relative, epoch, ISO, the traps) rather than failing on the first character.
TIME_PIECES = st.sampled_from(
    [*"0123456789", *"smhdwSMHDW", "+", "-", " ", ":", "T", "Z", ".", "now", "2026-", "11-28",
     "T21:00", ":00", "+01:00", "Z", "1796000000", "ſ", "١", "\x1b", "\u202e", "_", "e"]
)  # fmt: skip
ZONES = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))


def assert_a_sentence(message: str) -> None:
    assert message and message.isprintable()
    assert len(message) < 600


@given(st.lists(TIME_PIECES, max_size=12).map("".join))
def test_text_built_from_the_parsers_own_alphabet_is_a_utc_moment_or_a_sentence(text: str) -> None:
    try:
        moment = parse_when(text, now=NOW)
    except TimeParseError as exc:
        assert_a_sentence(str(exc))
    else:
        assert moment.tzinfo is UTC


@given(
    parts=st.lists(
        st.tuples(st.integers(0, 10_000), st.sampled_from(sorted(UNITS)), st.booleans()),
        min_size=1,
        max_size=5,
    ),
    sign=st.sampled_from(["", "+", "-"]),
    gaps=st.sampled_from(["", " ", "  "]),
)
def test_a_relative_time_is_the_sum_of_its_parts_however_it_is_spaced_or_cased(
    parts: list[tuple[int, str, bool]], sign: str, gaps: str
) -> None:
    text = sign + gaps.join(
        f"{n}{gaps}{unit.upper() if upper else unit}" for n, unit, upper in parts
    )
    seconds = sum(n * UNITS[unit] for n, unit, _ in parts)
    expected = NOW - timedelta(seconds=seconds) if sign == "-" else NOW + timedelta(seconds=seconds)

    assert parse_when(text, now=NOW) == expected


@given(a=st.integers(0, 10**7), b=st.integers(0, 10**7))
def test_later_relative_times_are_later_moments(a: int, b: int) -> None:
    first, second = parse_when(f"{a}s", now=NOW), parse_when(f"{b}s", now=NOW)
    assert (first < second) == (a < b)
    assert parse_when(f"-{a}s", now=NOW) == NOW - timedelta(seconds=a)


@given(
    text=st.sampled_from(["now", "30m", "-1h", "1d2h", "1796000000", "2026-11-28T22:00:00+01:00"]),
    zone=ZONES,
)
def test_the_moment_does_not_depend_on_the_zone_now_is_given_in(text: str, zone: timezone) -> None:
    assert parse_when(text, now=NOW.astimezone(zone)) == parse_when(text, now=NOW)


@given(st.integers(-(10**10), 10**11))
def test_epoch_seconds_survive_a_round_trip(seconds: int) -> None:
    assert to_epoch(from_epoch(seconds)) == seconds


@given(st.datetimes(timezones=ZONES))
def test_any_moment_can_be_described_in_utc(moment: datetime) -> None:
    text = describe(moment)
    assert text.startswith(f"{moment.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC")
    assert text.isprintable()


# --- reading a token out of any string -----------------------------------------------------------

B64URL = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=")
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
CLAIM_VALUES = st.dictionaries(
    st.sampled_from(["sub", "kid", "exp", "nbf", "downloadable", "accessRules", "x"]),
    JSON_VALUES,
    max_size=6,
)


def segment(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def read(text: str) -> Any:
    """decode_token's answer, or its sentence: any other exception fails the property."""
    try:
        return decode_token(text)
    except TokenDecodeError as exc:
        assert_a_sentence(str(exc))
        assert isinstance(exc, ValueError)
        return None


@given(st.text())
def test_any_text_pasted_as_a_token_is_read_or_refused_with_a_sentence(text: str) -> None:
    read(text)


@given(st.lists(B64URL, min_size=3, max_size=3).map(".".join))
def test_three_base64url_parts_are_read_or_refused_with_a_sentence(text: str) -> None:
    read(text)


@given(header=st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=3), claims=CLAIM_VALUES)
def test_any_json_claims_are_read_back_as_they_were_or_refused(
    header: dict[str, Any], claims: dict[str, Any]
) -> None:
    token = ".".join(
        [segment(json.dumps(header).encode()), segment(json.dumps(claims).encode()), "c2ln"]
    )
    decoded = read(token)
    if decoded is None:
        return
    assert decoded.claims == claims
    assert decoded.sub == (claims["sub"] if isinstance(claims.get("sub"), str) else None)
    assert decoded.downloadable == (claims.get("downloadable") is True)
    for name in ("exp", "nbf"):
        value = getattr(decoded, name)
        assert value is None or isinstance(value, int)
        if isinstance(claims.get(name), int) and not isinstance(claims.get(name), bool):
            assert value == claims[name]


@given(st.binary(), st.binary(), st.binary())
def test_any_bytes_in_the_three_parts_are_read_or_refused(
    head: bytes, body: bytes, sig: bytes
) -> None:
    read(f"{segment(head)}.{segment(body)}.{segment(sig)}")


# --- signing here, verifying anywhere ------------------------------------------------------------

COUNTRIES = ["US", "DE", "FR", "GB", "MX", "JP", "BR", "IN", "NL", "CH", "T1"]


@st.composite
def ip_values(draw: st.DrawFn) -> str:
    address = draw(st.ip_addresses())
    prefix = draw(st.integers(0, address.max_prefixlen))
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


RULES = st.one_of(
    st.builds(
        AccessRule,
        st.sampled_from(["allow", "block"]),
        st.just("ip.geoip.country"),
        st.lists(st.sampled_from(COUNTRIES), min_size=1, max_size=4).map(tuple),
    ),
    st.builds(
        AccessRule,
        st.sampled_from(["allow", "block"]),
        st.just("ip.src"),
        st.lists(ip_values(), min_size=1, max_size=3).map(tuple),
    ),
    st.builds(AccessRule, st.sampled_from(["allow", "block"]), st.just("any")),
)


@st.composite
def requests(draw: st.DrawFn) -> TokenRequest:
    exp = draw(st.none() | st.integers(NOW_EPOCH + 1, NOW_EPOCH + 24 * 3600))
    latest_nbf = (exp if exp is not None else NOW_EPOCH + 3600) - 1
    nbf = draw(st.none() | st.integers(NOW_EPOCH - 30 * 86400, latest_nbf))
    return TokenRequest(
        video_uid=draw(st.text(alphabet="0123456789abcdef", min_size=32, max_size=32)),
        exp=exp,
        nbf=nbf,
        downloadable=draw(st.sampled_from([None, True, False])),
        access_rules=tuple(draw(st.lists(RULES, max_size=MAX_RULES))),
    )


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return rsa_keys.signing_key(0, KEY_ID)


@pytest.fixture(scope="module")
def other_key() -> SigningKey:
    return rsa_keys.signing_key(1, OTHER_KEY_ID)


SIGNING = settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SIGNING
@given(request=requests())
def test_what_is_signed_here_verifies_with_the_public_key_and_says_what_was_asked(
    key: SigningKey, request: TokenRequest
) -> None:
    token = sign_locally(request, key, now=NOW_EPOCH)

    claims = jwt.decode(
        token,
        key.private_key.public_key(),
        algorithms=["RS256"],
        options={"verify_exp": False, "verify_nbf": False},
    )
    assert jwt.get_unverified_header(token) == {"alg": "RS256", "kid": KEY_ID}
    assert claims["sub"] == request.video_uid and claims["kid"] == KEY_ID
    assert claims["exp"] == (request.exp if request.exp is not None else NOW_EPOCH + 3600)
    assert claims["nbf"] == (
        request.nbf if request.nbf is not None else NOW_EPOCH + DEFAULT_NBF_SECONDS
    )
    assert ("downloadable" in claims) == (request.downloadable is True)
    sent_rules = claims.get("accessRules", [])
    assert [(r["action"], r["type"]) for r in sent_rules] == [
        (r.action, r.type) for r in request.access_rules
    ]
    decoded = decode_token(token)
    assert (decoded.sub, decoded.kid, decoded.exp, decoded.nbf) == (
        claims["sub"],
        KEY_ID,
        claims["exp"],
        claims["nbf"],
    )


# Base64url letters whose top two bits all differ: put in place of any other letter, even the
# last of a part (whose low bits may be padding), they change the bytes that part decodes to.
FLIPS = st.sampled_from("AQgw")


@SIGNING
@given(request=requests(), where=st.integers(0, 10_000), flip=FLIPS)
def test_no_changed_character_and_no_other_key_verifies(
    key: SigningKey, other_key: SigningKey, request: TokenRequest, where: int, flip: str
) -> None:
    token = sign_locally(request, key, now=NOW_EPOCH)
    public = RSAKey.import_key(key.public_pem())
    index = where % len(token)
    if token[index] == "." or token[index] == flip:
        return
    tampered = token[:index] + flip + token[index + 1 :]

    assert jose_jwt.decode(token, public, algorithms=["RS256"]).claims["sub"] == request.video_uid
    with pytest.raises(jwt.InvalidTokenError):
        jwt.decode(tampered, key.private_key.public_key(), algorithms=["RS256"])
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(
            sign_locally(request, other_key, now=NOW_EPOCH),
            key.private_key.public_key(),
            algorithms=["RS256"],
            options={"verify_exp": False, "verify_nbf": False},
        )


@SIGNING
@given(
    request=requests(),
    too_late=st.integers(24 * 3600 + 1, 10**9),
    extra_rules=st.lists(RULES, min_size=MAX_RULES + 1, max_size=MAX_RULES + 3),
)
def test_a_request_cloudflare_would_refuse_is_never_signed(
    key: SigningKey, request: TokenRequest, too_late: int, extra_rules: list[AccessRule]
) -> None:
    for refused in (
        TokenRequest(request.video_uid, exp=NOW_EPOCH + too_late),
        TokenRequest(request.video_uid, access_rules=tuple(extra_rules)),
        TokenRequest(request.video_uid, exp=NOW_EPOCH + 60, nbf=NOW_EPOCH + 120),
    ):
        with pytest.raises(ValidationError):
            sign_locally(refused, key, now=NOW_EPOCH)
