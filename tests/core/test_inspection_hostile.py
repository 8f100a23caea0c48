"""The inspector against tokens an attacker shapes: headers and claims of any JSON at all. Every
one is either a report or a TokenInspectError with a sentence; nothing else may escape, since
the window shows whatever is pasted into it, live, as it is typed."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cfstream_gui.core.inspection import TokenInspectError, inspect_token
from cfstream_gui.core.tokens import BAD_HEADER

NOW = 1_800_000_000
UID = "ea95132c15732412d22c1476fa83f27a"


def b64(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def token(header: dict[str, Any], claims: dict[str, Any]) -> str:
    return f"{b64(header)}.{b64(claims)}.c2lnbmF0dXJl"


_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=True)
    | st.text(max_size=20)
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
# The names PyJWT and the inspector look at, and some it has never heard of.
_NAMES = st.sampled_from(
    ["alg", "kid", "typ", "crit", "b64", "sub", "exp", "nbf", "iat", "downloadable"]
) | st.text(max_size=6)
_RULES = st.lists(
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(["any", "ip.src", "ip.geoip.country", "x"]) | _SCALARS,
            "action": st.sampled_from(["allow", "block", "x"]) | _SCALARS,
        },
        optional={"ip": _VALUES, "country": _VALUES},
    ),
    max_size=3,
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    header=st.dictionaries(_NAMES, _VALUES, max_size=6),
    claims=st.dictionaries(_NAMES, _VALUES, max_size=6),
    rules=st.none() | _RULES,
)
def test_any_json_is_a_report_or_a_sentence(
    header: dict[str, Any], claims: dict[str, Any], rules: list[dict[str, Any]] | None
) -> None:
    if rules is not None:
        claims["accessRules"] = rules
    try:
        report = inspect_token(token(header, claims), NOW)
    except TokenInspectError as exc:
        assert str(exc).endswith(".")
        return
    assert report.validity_phrase(NOW)
    json.dumps(report.to_json(NOW))


@pytest.mark.parametrize(
    "header",
    [
        {"alg": "RS256", "kid": {"nested": 1}},
        {"alg": "RS256", "kid": 7},
        {"alg": "RS256", "crit": []},
        {"alg": "RS256", "crit": ["\u202eexploit"]},
    ],
)
def test_a_header_pyjwt_refuses_is_said_in_our_words(header: dict[str, Any]) -> None:
    with pytest.raises(TokenInspectError) as caught:
        inspect_token(token(header, {"sub": UID, "exp": NOW}), NOW)
    assert str(caught.value) == BAD_HEADER
    assert "\u202e" not in str(caught.value)
