"""The simulator on a table of viewers and rules, and the sandbox's edge agreeing with it on
every row: one function decides for the form, a pasted token and the edge."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from cfstream_gui.core.models import AccessRule
from cfstream_gui.core.simulate import (
    SimulationError,
    Viewer,
    describe_rule,
    parse_viewer,
    rules_from_claims,
    simulate,
)
from cfstream_gui.core.validation import normalize_rule
from cfstream_gui.sandbox import Sandbox

A = AccessRule
BLOCK_ANY = A("block", "any")
ALLOW_ANY = A("allow", "any")
OFFICE = A("allow", "ip.src", ("203.0.113.0/24", "2001:db8:ab::/48"))
US_MX = A("allow", "country", ("US", "MX"))
BLOCK_DE = A("block", "country", ("DE",))
BLOCK_HOST = A("block", "ip.src", ("203.0.113.66", "2001:db8:ab::66"))

# (rules, viewer ip, viewer country, allowed, 1-based deciding rule or None)
CASES: list[tuple[tuple[AccessRule, ...], str | None, str | None, bool, int | None]] = [
    # no rules, or none that match: allowed
    ((), "198.51.100.7", "US", True, None),
    ((BLOCK_DE,), "198.51.100.7", "FR", True, None),
    ((BLOCK_DE,), None, "fr", True, None),
    ((US_MX,), None, "DE", True, None),  # an allow list without a catch-all lets DE in
    # countries, first match wins
    ((US_MX, BLOCK_ANY), None, "US", True, 1),
    ((US_MX, BLOCK_ANY), None, "mx", True, 1),
    ((US_MX, BLOCK_ANY), None, "DE", False, 2),
    ((BLOCK_DE, ALLOW_ANY), None, "DE", False, 1),
    ((BLOCK_DE, US_MX, BLOCK_ANY), None, "DE", False, 1),
    ((A("allow", "country", ("DE",)), BLOCK_DE), None, "DE", True, 1),  # order decides
    ((BLOCK_DE, A("allow", "country", ("DE",))), None, "DE", False, 1),
    ((A("block", "country", ("XX",)),), None, "XX", False, 1),  # Cloudflare's "unknown"
    ((A("block", "country", ("T1",)), ALLOW_ANY), None, "T1", False, 1),  # Tor
    # IPv4 CIDR edges
    ((OFFICE, BLOCK_ANY), "203.0.113.0", None, True, 1),
    ((OFFICE, BLOCK_ANY), "203.0.113.255", None, True, 1),
    ((OFFICE, BLOCK_ANY), "203.0.112.255", None, False, 2),
    ((OFFICE, BLOCK_ANY), "203.0.114.0", None, False, 2),
    ((A("allow", "ip.src", ("0.0.0.0/0",)), BLOCK_ANY), "198.51.100.1", None, True, 1),
    ((A("block", "ip.src", ("203.0.113.66/32",)),), "203.0.113.66", None, False, 1),
    ((A("block", "ip.src", ("203.0.113.66/32",)),), "203.0.113.67", None, True, None),
    # IPv6, and the two families never matching each other
    ((OFFICE, BLOCK_ANY), "2001:db8:ab::1", None, True, 1),
    ((OFFICE, BLOCK_ANY), "2001:db8:ab:ffff:ffff:ffff:ffff:ffff", None, True, 1),
    ((OFFICE, BLOCK_ANY), "2001:db8:ac::", None, False, 2),
    ((OFFICE, BLOCK_ANY), "2001:0DB8:00AB::0001", None, True, 1),  # any spelling of it
    ((A("allow", "ip.src", ("203.0.113.0/24",)), BLOCK_ANY), "2001:db8:ab::1", None, False, 2),
    ((A("allow", "ip.src", ("2001:db8::/32",)), BLOCK_ANY), "203.0.113.1", None, False, 2),
    ((A("allow", "ip.src", ("::/0",)), BLOCK_ANY), "198.51.100.1", None, False, 2),
    # an IPv4 viewer written the IPv6 way is that IPv4 viewer
    ((OFFICE, BLOCK_ANY), "::ffff:203.0.113.9", None, True, 1),
    # exceptions before the rule they carve out of
    ((BLOCK_HOST, OFFICE, BLOCK_ANY), "203.0.113.66", None, False, 1),
    ((BLOCK_HOST, OFFICE, BLOCK_ANY), "203.0.113.67", None, True, 2),
    ((BLOCK_HOST, OFFICE, BLOCK_ANY), "2001:db8:ab::66", None, False, 1),
    # IP and country together
    ((BLOCK_DE, OFFICE, BLOCK_ANY), "203.0.113.5", "DE", False, 1),
    ((OFFICE, BLOCK_DE), "203.0.113.5", "DE", True, 1),
    ((US_MX, OFFICE, BLOCK_ANY), "198.51.100.5", "US", True, 1),
    ((US_MX, OFFICE, BLOCK_ANY), "203.0.113.5", "FR", True, 2),
    ((US_MX, OFFICE, BLOCK_ANY), "198.51.100.5", "FR", False, 3),
    # `any` matches everyone, whatever is known
    ((ALLOW_ANY, BLOCK_DE), "198.51.100.5", "DE", True, 1),
    ((BLOCK_ANY,), "2001:db8::1", None, False, 1),
]


def case_id(case: tuple[tuple[AccessRule, ...], str | None, str | None, bool, int | None]) -> str:
    rules, ip, country, allowed, rule = case
    return f"{len(rules)}rules-{ip}-{country}-{'allowed' if allowed else 'blocked'}-{rule}"


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_the_first_matching_rule_decides(
    case: tuple[tuple[AccessRule, ...], str | None, str | None, bool, int | None],
) -> None:
    rules, ip, country, allowed, rule = case
    outcome = simulate(rules, parse_viewer(ip, country))
    assert (outcome.allowed, outcome.verdict) == (allowed, "allowed" if allowed else "blocked")
    assert outcome.rule_index == (None if rule is None else rule - 1)
    if rule is None:
        assert outcome.reason.startswith("No rule matched")
    else:
        assert outcome.reason.startswith(f"Rule {rule} (")


def test_the_table_is_big_enough_to_mean_something() -> None:
    assert len(CASES) >= 30
    assert {allowed for *_, allowed, _ in CASES} == {True, False}


# --- what the viewer did not say ---------------------------------------------------------------


def test_rules_needing_what_was_not_given_are_named_as_not_checked() -> None:
    outcome = simulate((US_MX, OFFICE, BLOCK_ANY), parse_viewer("198.51.100.5", None))
    assert (outcome.allowed, outcome.rule_index, outcome.unchecked) == (False, 2, (0,))
    assert outcome.reason.endswith("Rule 1 was not checked: it needs the viewer's country.")


def test_several_unchecked_rules_are_listed() -> None:
    outcome = simulate((OFFICE, BLOCK_HOST), parse_viewer(None, "US"))
    assert outcome.allowed and outcome.unchecked == (0, 1)
    assert "Rules 1 and 2 were not checked: they need the viewer's IP address." in outcome.reason


# --- bad input is a sentence naming what is wrong -----------------------------------------------


@pytest.mark.parametrize(
    ("ip", "country", "phrase"),
    [
        (None, None, "Give the viewer's IP address, their country, or both."),
        ("  ", "", "Give the viewer's IP address"),
        ("203.0.113.0/24", None, "is a range; give one address"),
        ("example.com", None, "is not an IPv4 or IPv6 address"),
        ("999.1.1.1", None, "is not an IPv4 or IPv6 address"),
        ("fe80::1%eth0", None, "zone index"),
        ("\x1b]0;pwned\x07", None, "\\x1b"),  # shown escaped, never raw
        (None, "Germany", "for Germany use DE"),
        (None, "UK", "United Kingdom is GB"),
        (None, "ZZ", "not an ISO 3166-1 country code"),
    ],
)
def test_a_bad_viewer_is_refused_with_a_sentence(
    ip: str | None, country: str | None, phrase: str
) -> None:
    with pytest.raises(SimulationError) as caught:
        parse_viewer(ip, country)
    assert phrase in str(caught.value)
    assert "\x1b" not in str(caught.value)


def test_a_rule_that_cannot_be_read_is_refused_when_reached() -> None:
    broken = A("allow", "ip.src", ("not-an-ip",))
    viewer = parse_viewer("203.0.113.5", "US")
    assert simulate((US_MX, broken), viewer).rule_index == 0  # decided before the bad rule
    with pytest.raises(SimulationError) as caught:
        simulate((broken, US_MX), viewer)
    assert caught.value.rule_index == 0
    assert "Rule 1 cannot be checked: 'not-an-ip' is not an IP address" in str(caught.value)
    with pytest.raises(SimulationError, match="Rule 1 cannot be checked"):
        simulate((A("deny", "any"),), viewer)


# --- a token's rules ---------------------------------------------------------------------------


def test_a_tokens_rules_are_the_same_rules() -> None:
    claim = [
        {"type": "ip.geoip.country", "action": "allow", "country": ["US", "MX"]},
        {"type": "any", "action": "block"},
    ]
    assert rules_from_claims(claim) == (A("allow", "ip.geoip.country", ("US", "MX")), BLOCK_ANY)
    assert rules_from_claims(None) == ()


@pytest.mark.parametrize(
    ("claim", "phrase"),
    [
        ("block any", "are not a list of rules"),
        ([42], "Access rule 1 in the token is not an object"),
        ([{"type": "any"}], "has no type or action"),
        ([{"type": "ip.src", "action": "allow", "ip": "203.0.113.0/24"}], "ip list"),
        ([{"type": "ip.src", "action": "allow", "ip": [1, 2]}], "ip list"),
    ],
)
def test_a_tokens_rules_that_are_not_rules(claim: object, phrase: str) -> None:
    with pytest.raises(SimulationError, match=phrase):
        rules_from_claims(claim)


def test_rules_in_plain_words() -> None:
    assert describe_rule(BLOCK_ANY) == "block every viewer"
    assert describe_rule(A("allow", "country", ("us", "DE"))) == (
        "allow viewers in US (United States) or DE (Germany)"
    )
    assert describe_rule(OFFICE) == "allow viewers at 203.0.113.0/24 or 2001:db8:ab::/48"
    assert Viewer(country="DE").describe() == "a viewer in DE"


# --- the sandbox's edge decides with the same function ------------------------------------------


@pytest.fixture(scope="module")
def edge() -> Iterator[tuple[Sandbox, httpx.Client]]:
    with Sandbox() as sandbox:
        headers = {"Authorization": f"Bearer {Sandbox.DEMO_API_TOKEN}"}
        with httpx.Client(base_url=sandbox.base_url, headers=headers, timeout=10) as api:
            yield sandbox, api


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_the_sandbox_edge_agrees_on_every_row(
    edge: tuple[Sandbox, httpx.Client],
    case: tuple[tuple[AccessRule, ...], str | None, str | None, bool, int | None],
) -> None:
    sandbox, api = edge
    rules, ip, country, allowed, rule = case
    uid = sandbox.video_uids(signed=True)[0]
    body = {"accessRules": [normalize_rule(r).to_api() for r in rules]} if rules else {}
    minted = api.post(f"/accounts/{Sandbox.DEMO_ACCOUNT_ID}/stream/{uid}/token", json=body)
    assert minted.status_code == 200, minted.text
    verdict = sandbox.verify_playback_token(
        minted.json()["result"]["token"], uid, viewer_ip=ip, country=country
    )
    assert verdict.allowed is allowed
    assert verdict.rule_index == (None if rule is None else rule - 1)
