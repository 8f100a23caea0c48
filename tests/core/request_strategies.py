"""Hypothesis strategies for token requests: ones our validator accepts, typed the messy ways
people type them (" us", "Allow", "country", "IP"), and garbage that it may or may not accept.

The valid strategies are built to pass `check_request(..., now=NOW)` with no error; the tests
assert that too, so a strategy that drifted from the validator fails loudly instead of
quietly testing less.
"""

from __future__ import annotations

import ipaddress
from dataclasses import replace

from hypothesis import strategies as st

from cfstream_gui.core import countries
from cfstream_gui.core.models import (
    MAX_RULES,
    MAX_TOKEN_LIFETIME_SECONDS,
    RULE_TYPE_ALIASES,
    AccessRule,
    Action,
    RuleType,
    TokenRequest,
)
from tests.support.rsa_keys import api_pem, rsa_key

NOW = 1_800_000_000
LATEST = NOW + MAX_TOKEN_LIFETIME_SECONDS
HEX = "0123456789abcdef"

# Whitespace people paste around values; str.strip() removes all of it.
_PADDING = st.sampled_from(["", " ", "  ", "\t", "\u00a0", " \n"])
_COUNTRY_CODES = sorted(country.code for country in countries.all_countries())


@st.composite
def messy(draw: st.DrawFn, word: str) -> str:
    """`word` in any mix of upper and lower case, padded with whitespace."""
    flips = draw(st.lists(st.booleans(), min_size=len(word), max_size=len(word)))
    cased = "".join(c.upper() if up else c.lower() for c, up in zip(word, flips, strict=True))
    return draw(_PADDING) + cased + draw(_PADDING)


def _aliases(rule_type: RuleType) -> list[str]:
    return sorted(name for name, target in RULE_TYPE_ALIASES.items() if target is rule_type)


def messy_action() -> st.SearchStrategy[str]:
    return st.sampled_from([action.value for action in Action]).flatmap(messy)


def messy_type(rule_type: RuleType) -> st.SearchStrategy[str]:
    return st.sampled_from(_aliases(rule_type)).flatmap(messy)


@st.composite
def ip_value(draw: st.DrawFn) -> str:
    """A single address or a network without host bits, as people write them (IPv6 also
    upper-case or written out in full)."""
    address = draw(st.ip_addresses())
    prefix = draw(st.integers(0, address.max_prefixlen) | st.none())
    if prefix is None:
        text = str(address)
    else:
        network = ipaddress.ip_network(f"{address}/{prefix}", strict=False)
        text = draw(st.sampled_from([str(network), network.exploded]))
    return draw(st.sampled_from([text, text.upper()]))


def _with_blanks(values: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    """At least one real value, maybe with blank entries that normalizing drops."""
    blank = _PADDING
    return (
        st.lists(values, min_size=1, max_size=4)
        .flatmap(lambda real: st.lists(blank, max_size=2).map(lambda blanks: [*real, *blanks]))
        .flatmap(st.permutations)
    )


@st.composite
def valid_rule(draw: st.DrawFn) -> AccessRule:
    rule_type = draw(st.sampled_from(list(RuleType)))
    if rule_type is RuleType.ANY:
        values: list[str] = draw(st.lists(_PADDING, max_size=2))  # blanks only: dropped
    elif rule_type is RuleType.COUNTRY:
        values = draw(_with_blanks(st.sampled_from(_COUNTRY_CODES).flatmap(messy)))
    else:
        values = draw(_with_blanks(st.builds(str.__add__, _PADDING, ip_value())))
    return AccessRule(draw(messy_action()), draw(messy_type(rule_type)), tuple(values))


def _times() -> st.SearchStrategy[tuple[int | None, int | None]]:
    """exp and nbf that `check_times` accepts at NOW."""
    exp_only = st.tuples(st.integers(NOW + 1, LATEST), st.none())
    both = st.integers(NOW + 1, LATEST).flatmap(
        lambda exp: st.tuples(st.just(exp), st.integers(NOW - 10**9, exp - 1))
    )
    # Without exp Cloudflare uses issue + 1 h, so a start must come before that.
    nbf_only = st.tuples(st.none(), st.integers(NOW - 10**9, NOW + 3599))
    return st.one_of(st.just((None, None)), exp_only, both, nbf_only)


def _signing_key() -> st.SearchStrategy[tuple[str | None, str | None]]:
    key_id = st.text(HEX, min_size=32, max_size=32)
    # One throwaway key for every example: generating RSA keys per example is slow.
    return st.one_of(st.just((None, None)), st.tuples(key_id, st.just(api_pem(rsa_key()))))


@st.composite
def valid_request(draw: st.DrawFn) -> TokenRequest:
    exp, nbf = draw(_times())
    key_id, pem = draw(_signing_key())
    return TokenRequest(
        video_uid=draw(st.text(HEX, min_size=32, max_size=32)),
        exp=exp,
        nbf=nbf,
        downloadable=draw(st.none() | st.booleans()),
        access_rules=tuple(draw(st.lists(valid_rule(), max_size=MAX_RULES))),
        key_id=key_id,
        pem=pem,
    )


# --- garbage ----------------------------------------------------------------------------------

_ANY_TEXT = st.text(max_size=12)


@st.composite
def garbage_rule(draw: st.DrawFn) -> AccessRule:
    """A valid rule with any of its parts swapped for arbitrary text, so that some garbage
    still validates and the rest is wrong in one place or several."""
    rule = draw(valid_rule())
    action = draw(st.just(rule.action) | _ANY_TEXT)
    type_text = draw(st.just(rule.type) | _ANY_TEXT)
    extra = st.lists(_ANY_TEXT, min_size=1, max_size=3)
    values = draw(
        st.just(list(rule.values)) | extra | extra.map(lambda more: [*rule.values, *more])
    )
    return AccessRule(action, type_text, tuple(values))


@st.composite
def garbage_request(draw: st.DrawFn) -> TokenRequest:
    """A valid request whose rules may be garbage, and maybe one other field too."""
    rules = draw(st.lists(valid_rule() | garbage_rule(), max_size=MAX_RULES + 2))
    request = replace(draw(valid_request()), access_rules=tuple(rules))
    text = st.text(max_size=40)
    match draw(st.sampled_from(["nothing", "video_uid", "exp", "nbf", "key_id", "pem"])):
        case "video_uid":
            return replace(request, video_uid=draw(text))
        case "exp":
            return replace(request, exp=draw(st.integers()))
        case "nbf":
            return replace(request, nbf=draw(st.integers()))
        case "key_id":
            return replace(request, key_id=draw(text))
        case "pem":
            return replace(request, pem=draw(text))
    return request
