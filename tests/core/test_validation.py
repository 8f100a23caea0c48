"""Checking token requests: each rule has a bad case naming its field and saying what is wrong,
and good values pass without a word."""

from __future__ import annotations

import base64
import ipaddress
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cfstream_gui.core.models import MAX_TOKEN_LIFETIME_SECONDS, AccessRule, TokenRequest
from cfstream_gui.core.validation import (
    Problem,
    Severity,
    ValidationError,
    check_account_id,
    check_request,
    check_rule,
    check_rules,
    check_video_uid,
    errors,
    normalize_request,
    normalize_rule,
    parse_rule_values,
    require_valid,
    warnings,
)
from tests.support.rsa_keys import api_pem, rsa_key

NOW = 1_800_000_000
UID = "ea95132c15732412d22c1476fa83f27a"
ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353"
KEY_ID = "8f926b2b01f3835170025a78a4dcbf6a"
ERROR, WARNING = Severity.ERROR, Severity.WARNING

BLOCK_ANY = AccessRule("block", "any")


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.fixture(scope="module")
def cloudflare_pem() -> str:
    """A real RSA key in the shape Cloudflare's key creation returns: base64 of PKCS#1 PEM."""
    return api_pem(rsa_key())


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, problems
    return problems[0]


# --- identifiers -------------------------------------------------------------------------------


@pytest.mark.parametrize("check", [check_account_id, check_video_uid])
@pytest.mark.parametrize("value", [UID, UID.upper(), ACCOUNT])
def test_well_formed_ids_pass(check: Callable[[str], list[Problem]], value: str) -> None:
    assert check(value) == []


@pytest.mark.parametrize(
    ("value", "severity", "phrase"),
    [
        ("", ERROR, "Video ID is empty"),
        ("   ", ERROR, "Video ID is empty"),
        (UID + "0", ERROR, "33 characters long"),
        (f" {UID} ", ERROR, "contains spaces"),
        ("abc def", ERROR, "contains spaces"),
        ("my-video", ERROR, "cannot be a Cloudflare ID"),
        ("myvideo", WARNING, "not 32 hex characters"),
        (UID[:31], WARNING, "copied whole"),
        ("g" * 32, WARNING, "not 32 hex characters"),
    ],
)
def test_video_id_problems(value: str, severity: Severity, phrase: str) -> None:
    problem = only(check_video_uid(value))
    assert problem.field == "video ID"
    assert problem.severity is severity
    assert phrase in problem.message


def test_account_id_problem_names_the_account() -> None:
    problem = only(check_account_id(""))
    assert (problem.field, problem.severity) == ("account ID", ERROR)
    assert problem.message.startswith("Account ID is empty")


# --- parsing and normalizing rule values -------------------------------------------------------


@pytest.mark.parametrize(
    ("rule_type", "text", "expected"),
    [
        ("ip.geoip.country", "US, mx", ["US", "MX"]),
        ("country", " de\tfr,,  gb\n", ["DE", "FR", "GB"]),
        ("ip.src", "203.0.113.0/24 2001:db8::/32", ["203.0.113.0/24", "2001:db8::/32"]),
        ("ip", "2001:DB8::1,10.0.0.1", ["2001:DB8::1", "10.0.0.1"]),
        ("any", "US", []),
        ("ip.src", " , ", []),
    ],
)
def test_parse_rule_values(rule_type: str, text: str, expected: list[str]) -> None:
    assert parse_rule_values(rule_type, text) == expected


def test_normalize_rule_makes_what_cloudflare_expects() -> None:
    rule = AccessRule(" Allow ", "Country", (" us", "", "Mx "))
    assert normalize_rule(rule) == AccessRule("allow", "ip.geoip.country", ("US", "MX"))
    assert normalize_rule(AccessRule("block", "ip", ("1.2.3.4",))).type == "ip.src"


def test_normalize_request_normalizes_every_rule_only() -> None:
    req = TokenRequest(UID, exp=NOW + 60, access_rules=(AccessRule("allow", "country", ("de",)),))
    normal = normalize_request(req)
    assert normal.access_rules == (AccessRule("allow", "ip.geoip.country", ("DE",)),)
    assert (normal.video_uid, normal.exp) == (UID, NOW + 60)


# --- single rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rule",
    [
        AccessRule("allow", "ip.geoip.country", ("US", "MX")),
        AccessRule("block", "country", ("de",)),  # lower case is fixed by normalize_rule
        AccessRule("allow", "ip.src", ("203.0.113.0/24", "2001:db8::/32")),
        AccessRule("block", "ip.src", ("93.184.216.34", "2606:2800:220:1::/64")),
        AccessRule("block", "any"),
    ],
)
def test_good_rules_pass(rule: AccessRule) -> None:
    assert check_rule(rule, 0) == []


@pytest.mark.parametrize(
    ("rule", "column", "severity", "phrase"),
    [
        (AccessRule("deny", "any"), "action", ERROR, "use allow, block"),
        (AccessRule("", "any"), "action", ERROR, "action (empty) is not valid"),
        (AccessRule("allow", "geo"), "type", ERROR, "use any, ip.src, ip.geoip.country"),
        (AccessRule("block", "any", ("US",)), "values", ERROR, "takes no values"),
        (AccessRule("allow", "country"), "values", ERROR, "has no country values"),
        (AccessRule("allow", "ip.src", ("", " ")), "values", ERROR, "has no IP address"),
        (AccessRule("allow", "country", ("ZZ",)), "values", ERROR, "not an ISO 3166-1"),
        (AccessRule("allow", "country", ("DEU",)), "values", ERROR, "e.g. DE for DEU"),
        (AccessRule("allow", "country", ("germany",)), "values", ERROR, "for Germany use DE"),
        (AccessRule("allow", "country", ("UK",)), "values", ERROR, "United Kingdom is GB"),
        (AccessRule("allow", "country", ("XX",)), "values", WARNING, "cannot tell"),
        (AccessRule("block", "country", ("t1",)), "values", WARNING, "through Tor"),
        (AccessRule("allow", "country", ("US", "us")), "values", WARNING, "US more than once"),
        (
            AccessRule("allow", "ip.src", ("93.184.216.34/24", "2001:db8::/32")),
            "values",
            ERROR,
            "has host bits set; the network is 93.184.216.0/24",
        ),
        (
            AccessRule("allow", "ip.src", ("example.com", "2001:db8::/32")),
            "values",
            ERROR,
            "not an IP address or CIDR range",
        ),
        (
            AccessRule("allow", "ip.src", ("203.0.113.1-203.0.113.9", "2001:db8::/32")),
            "values",
            ERROR,
            "write ranges as CIDR",
        ),
        (
            AccessRule("allow", "ip.src", ("203.0.113.0/255.255.255.0", "2001:db8::/32")),
            "values",
            ERROR,
            "prefix length",
        ),
        (
            AccessRule("allow", "ip.src", ("1.2.3.4", "1.2.3.4/32", "2001:db8::/32")),
            "values",
            WARNING,
            "1.2.3.4/32 more than once",
        ),
        (
            AccessRule("allow", "ip.src", ("192.168.1.0/24", "2001:db8::/32")),
            "values",
            WARNING,
            "private or local address",
        ),
        (AccessRule("allow", "ip.src", ("203.0.113.0/24",)), "values", WARNING, "over IPv6 never"),
        (AccessRule("allow", "ip.src", ("2001:db8::/32",)), "values", WARNING, "over IPv4 never"),
    ],
)
def test_rule_problems(rule: AccessRule, column: str, severity: Severity, phrase: str) -> None:
    problem = only(check_rule(rule, 1))
    assert problem.field == f"rule 2 {column}"
    assert (problem.rule_index, problem.column, problem.severity) == (1, column, severity)
    assert phrase in problem.message
    assert problem.message.startswith("Rule 2")


def test_a_bad_type_and_action_are_both_reported() -> None:
    problems = check_rule(AccessRule("deny", "geo", ("US",)), 0)
    assert [p.column for p in problems] == ["action", "type"]


@given(
    st.one_of(
        st.tuples(st.ip_addresses(v=4), st.integers(0, 32)),
        st.tuples(st.ip_addresses(v=6), st.integers(0, 128)),
    )
)
def test_every_well_formed_network_passes(address_and_prefix: tuple[object, int]) -> None:
    address, prefix = address_and_prefix
    network = ipaddress.ip_network(f"{address}/{prefix}", strict=False)
    for text in (str(network), str(network.network_address)):
        assert errors(check_rule(AccessRule("allow", "ip.src", (text,)), 0)) == []


# --- the rule list -----------------------------------------------------------------------------


def test_a_sensible_rule_list_passes_without_warnings() -> None:
    rules = (
        AccessRule("allow", "country", ("US", "CA")),
        AccessRule("allow", "ip.src", ("203.0.113.0/24", "2001:db8::/32")),
        BLOCK_ANY,
    )
    assert check_rules(rules) == []


def test_more_than_five_rules_is_an_error() -> None:
    rules = (AccessRule("block", "country", ("RU",)),) * 6 + (BLOCK_ANY,)
    problem = only([p for p in check_rules(rules) if p.field == "access rules"])
    assert problem.severity is ERROR
    assert "at most 5, so remove 2" in problem.message


def test_allow_only_rules_warn_that_everyone_else_gets_in() -> None:
    problem = only(check_rules((AccessRule("allow", "country", ("US",)),)))
    assert (problem.field, problem.severity) == ("access rules", WARNING)
    assert "add a final 'block any' rule" in problem.message


def test_a_block_rule_list_is_not_told_to_add_block_any() -> None:
    assert check_rules((AccessRule("block", "country", ("RU",)),)) == []


def test_rules_after_an_any_rule_are_unreachable() -> None:
    rules = (BLOCK_ANY, AccessRule("allow", "country", ("US",)))
    problem = only(check_rules(rules))
    assert (problem.field, problem.rule_index, problem.severity) == ("rule 2", 1, WARNING)
    assert "never used: rule 1 (type any)" in problem.message


# --- times -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("exp", "nbf"),
    [
        (None, None),
        (NOW + 1, None),
        (NOW + MAX_TOKEN_LIFETIME_SECONDS, None),
        (NOW + 3600, NOW - 3600),
        (None, NOW + 60),
        (NOW + 7200, NOW + 3600),
    ],
)
def test_good_times_pass(exp: int | None, nbf: int | None) -> None:
    assert check_request(TokenRequest(UID, exp=exp, nbf=nbf), now=NOW) == []


@pytest.mark.parametrize(
    ("exp", "nbf", "field", "phrase"),
    [
        (NOW - 1, None, "expiry", "in the past"),
        (NOW, None, "expiry", "in the past"),
        (NOW + MAX_TOKEN_LIFETIME_SECONDS + 1, None, "expiry", "more than 24 hours from now"),
        (10**18, None, "expiry", "more than 24 hours from now"),
        (NOW + 3600, NOW + 3600, "expiry", "not after the start time"),
        (NOW + 60, NOW + 120, "expiry", "would never be valid"),
        (None, NOW + MAX_TOKEN_LIFETIME_SECONDS + 1, "start time", "more than 24 hours"),
        (None, NOW + 7200, "start time", "after the default expiry"),
    ],
)
def test_time_problems(exp: int | None, nbf: int | None, field: str, phrase: str) -> None:
    problem = only(check_request(TokenRequest(UID, exp=exp, nbf=nbf), now=NOW))
    assert (problem.field, problem.severity) == (field, ERROR)
    assert phrase in problem.message


# --- signing key -------------------------------------------------------------------------------


def test_a_real_signing_key_passes(cloudflare_pem: str) -> None:
    req = TokenRequest(UID, key_id=KEY_ID, pem=cloudflare_pem)
    assert check_request(req, now=NOW) == []


def test_a_wrapped_base64_key_passes(cloudflare_pem: str) -> None:
    wrapped = "\n".join(cloudflare_pem[i : i + 76] for i in range(0, len(cloudflare_pem), 76))
    assert check_request(TokenRequest(UID, key_id=KEY_ID, pem=wrapped), now=NOW) == []


@pytest.mark.parametrize(
    ("key_id", "pem", "field", "phrase"),
    [
        (KEY_ID, None, "signing key", "without its private key"),
        (None, "cGVt", "signing key", "without its signing key ID"),
        (KEY_ID, "", "private key", "is empty"),
        (KEY_ID, "not base64 at all!", "private key", "not base64"),
        (KEY_ID, b64("hello world"), "private key", "base64 but not a PEM"),
        (KEY_ID, "-----BEGIN RSA PRIVATE KEY-----\nMII\n", "private key", "plain PEM text"),
        (KEY_ID, b64("-----BEGIN PUBLIC KEY-----\nMII\n"), "private key", "public key"),
        (
            KEY_ID,
            b64("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMII\n"),
            "private key",
            "passphrase",
        ),
        (
            KEY_ID,
            b64("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nMII\n"),
            "private key",
            "passphrase",
        ),
        # The same PEM kinds signing_keys refuses: Stream keys are RSA.
        (KEY_ID, b64("-----BEGIN EC PRIVATE KEY-----\nMII\n"), "private key", "are RSA"),
        (KEY_ID, b64("-----BEGIN OPENSSH PRIVATE KEY-----\nb3B\n"), "private key", "are RSA"),
        (KEY_ID, b64("-----BEGIN CERTIFICATE-----\nMII\n"), "private key", "not a private"),
    ],
)
def test_signing_key_problems(key_id: str | None, pem: str | None, field: str, phrase: str) -> None:
    problem = only(check_request(TokenRequest(UID, key_id=key_id, pem=pem), now=NOW))
    assert (problem.field, problem.severity) == (field, ERROR)
    assert phrase in problem.message


def test_key_messages_never_contain_the_key(cloudflare_pem: str) -> None:
    broken = cloudflare_pem[:-8] + "!!!!!!!!"
    problem = only(check_request(TokenRequest(UID, key_id=KEY_ID, pem=broken), now=NOW))
    assert cloudflare_pem[:40] not in problem.message
    assert cloudflare_pem[:40] not in str(ValidationError([problem]))


def test_an_odd_key_id_is_a_warning(cloudflare_pem: str) -> None:
    problem = only(check_request(TokenRequest(UID, key_id="key1", pem=cloudflare_pem), now=NOW))
    assert (problem.field, problem.severity) == ("signing key ID", WARNING)


# --- the whole request and raising -------------------------------------------------------------


def test_check_request_checks_the_account_only_when_given() -> None:
    req = TokenRequest(UID)
    assert check_request(req, now=NOW) == []
    assert check_request(req, now=NOW, account_id=ACCOUNT) == []
    assert only(check_request(req, now=NOW, account_id="")).field == "account ID"


def test_check_request_collects_every_problem() -> None:
    req = TokenRequest(
        "",
        exp=NOW - 10,
        access_rules=(AccessRule("allow", "country", ("ZZ",)),),
        key_id=KEY_ID,
    )
    fields = {problem.field for problem in check_request(req, now=NOW)}
    assert fields == {"video ID", "rule 1 values", "access rules", "expiry", "signing key"}


def test_require_valid_lets_warnings_through() -> None:
    require_valid(check_video_uid("myvideo"))  # a warning only: must not raise


def test_require_valid_raises_with_the_error_messages() -> None:
    problems = check_video_uid("") + check_video_uid("myvideo") + check_account_id("")
    with pytest.raises(ValidationError) as caught:
        require_valid(problems)
    assert caught.value.problems == errors(problems)
    assert str(caught.value) == (
        "Video ID is empty; paste the 32-character ID. "
        "Account ID is empty; paste the 32-character ID."
    )


def test_validation_error_summarises_many_problems() -> None:
    problems = [Problem(f"f{i}", f"Problem {i}.", ERROR) for i in range(5)]
    summary = "Problem 0. Problem 1. Problem 2. There are 2 more problems."
    assert str(ValidationError(problems)) == summary


def test_errors_and_warnings_split_problems() -> None:
    problems = check_video_uid("") + check_video_uid("myvideo")
    assert [p.severity for p in errors(problems)] == [ERROR]
    assert [p.severity for p in warnings(problems)] == [WARNING]
