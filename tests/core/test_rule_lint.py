"""Each lint on the whole rule list, seen as a user would: one warning, on the rule concerned,
in a sentence that says what goes wrong; and a sensible list that draws none."""

from __future__ import annotations

import pytest

from cfstream_gui.core.models import AccessRule, TokenRequest
from cfstream_gui.core.validation import Problem, Severity, check_request, check_rules

BLOCK_ANY = AccessRule("block", "any")
UID = "ea95132c15732412d22c1476fa83f27a"


def warnings_of(*rules: AccessRule) -> list[Problem]:
    problems = check_rules(rules)
    assert all(p.severity is Severity.WARNING for p in problems), problems
    return problems


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, problems
    return problems[0]


@pytest.mark.parametrize(
    "rules",
    [
        # The docs' own pattern: allow a country, allow an office range, block the rest.
        (
            AccessRule("allow", "country", ("GB",)),
            AccessRule("allow", "ip.src", ("203.0.113.0/24", "2001:db8::/32")),
            BLOCK_ANY,
        ),
        # A block list with an exception first: the exception is why the allow is there.
        (
            AccessRule("allow", "ip.src", ("198.51.100.0/24", "2001:db8:1::/48")),
            AccessRule("block", "country", ("RU", "BY")),
        ),
        # A single address blocked is not a playback risk; one IP family per action, split.
        (
            AccessRule("block", "ip.src", ("192.0.2.66",)),
            AccessRule("block", "ip.src", ("2001:db8::66",)),
        ),
        # Narrow first, broad opposite after: the narrow one is the exception.
        (
            AccessRule("block", "ip.src", ("203.0.113.128/25", "2001:db8:0:1::/64")),
            AccessRule("allow", "ip.src", ("203.0.113.0/24", "2001:db8::/32")),
            BLOCK_ANY,
        ),
    ],
)
def test_sensible_lists_draw_no_warning(rules: tuple[AccessRule, ...]) -> None:
    assert check_rules(rules) == []


# --- no final catch-all ------------------------------------------------------------------------


def test_allow_rules_alone_let_everyone_in() -> None:
    problem = only(warnings_of(AccessRule("allow", "country", ("US", "MX"))))
    assert (problem.field, problem.rule_index) == ("access rules", None)
    assert problem.message == "Viewers matching no rule are allowed; add a final 'block any' rule."


def test_allow_rules_after_the_last_block_do_nothing() -> None:
    problem = only(
        warnings_of(
            AccessRule("block", "country", ("RU",)),
            AccessRule("allow", "country", ("US",)),
        )
    )
    assert "after the last block rule let in viewers who would get in anyway" in problem.message
    assert "add a final 'block any' rule" in problem.message


def test_a_final_allow_any_is_a_catch_all_too() -> None:
    assert check_rules((AccessRule("block", "country", ("RU",)), AccessRule("allow", "any"))) == []


# --- rules after an `any` rule -----------------------------------------------------------------


def test_every_rule_after_any_is_never_used() -> None:
    problems = warnings_of(
        AccessRule("allow", "country", ("US",)),
        AccessRule("block", "any"),
        AccessRule("allow", "country", ("CA",)),
        AccessRule("allow", "ip.src", ("203.0.113.0/24", "2001:db8::/32")),
    )
    assert [(p.rule_index, p.message) for p in problems] == [
        (2, "Rule 3 is never used: rule 2 (type any) matches every viewer before it."),
        (3, "Rule 4 is never used: rule 2 (type any) matches every viewer before it."),
    ]


# --- one IP family only ------------------------------------------------------------------------


def test_an_ipv4_only_allow_rule_shuts_out_ipv6_viewers() -> None:
    problem = only(warnings_of(AccessRule("allow", "ip.src", ("203.0.113.0/24",)), BLOCK_ANY))
    assert (problem.rule_index, problem.column) == (0, "values")
    assert "only IPv4 addresses, so viewers connecting over IPv6 never match it" in problem.message


def test_an_ipv6_only_block_rule_lets_the_same_viewer_in_over_ipv4() -> None:
    problem = only(warnings_of(AccessRule("block", "ip.src", ("2001:db8::/32",))))
    assert "only IPv6 addresses, so viewers connecting over IPv4 never match it" in problem.message


def test_the_other_family_in_a_rule_with_the_other_action_does_not_count() -> None:
    problems = warnings_of(
        AccessRule("allow", "ip.src", ("203.0.113.0/24",)),
        AccessRule("block", "ip.src", ("2001:db8::/32",)),
        BLOCK_ANY,
    )
    assert [p.rule_index for p in problems] == [0, 1]
    assert all("only IPv" in p.message for p in problems)


# --- duplicate values and overlaps -------------------------------------------------------------


def test_a_country_repeated_in_a_later_rule_changes_nothing() -> None:
    problem = only(
        warnings_of(
            AccessRule("allow", "country", ("US", "CA")),
            AccessRule("allow", "country", ("ca", "MX")),
            BLOCK_ANY,
        )
    )
    assert problem.rule_index == 1
    assert problem.message == (
        "Rule 2: CA is already matched by rule 1, which comes first, so listing it here "
        "changes nothing."
    )


def test_a_block_after_an_allow_of_the_same_country_never_applies() -> None:
    problem = only(
        warnings_of(
            AccessRule("allow", "country", ("DE",)),
            AccessRule("block", "country", ("DE", "FR")),
        )
    )
    assert problem.rule_index == 1
    assert "Rule 2 blocks DE, but rule 1 allows DE first, so rule 2 never applies" in (
        problem.message
    )


def test_a_range_inside_an_earlier_range_with_the_opposite_action_never_applies() -> None:
    problem = only(
        warnings_of(
            AccessRule("allow", "ip.src", ("203.0.113.0/24", "2001:db8::/32")),
            AccessRule("block", "ip.src", ("203.0.113.128/25", "2001:db8:0:1::/64")),
            BLOCK_ANY,
        )
    )
    assert problem.rule_index == 1
    assert problem.message.startswith(
        "Rule 2 blocks 203.0.113.128/25, but rule 1 allows 203.0.113.0/24, which holds "
        "203.0.113.128/25 first, so rule 2 never applies to those viewers"
    )
    assert "1 more of its value." in problem.message  # the IPv6 range, counted not listed


def test_ranges_of_different_families_never_overlap() -> None:
    rules = (
        AccessRule("allow", "ip.src", ("0.0.0.0/0",)),
        AccessRule("block", "ip.src", ("::/0",)),
    )
    assert not any("never applies" in p.message for p in check_rules(rules))


# --- single addresses --------------------------------------------------------------------------


def test_allowing_single_addresses_suggests_their_range() -> None:
    problem = only(
        warnings_of(AccessRule("allow", "ip.src", ("203.0.113.7", "2001:db8::1/128")), BLOCK_ANY)
    )
    assert problem.rule_index == 0
    assert "Rule 1 allows single addresses (203.0.113.7, 2001:db8::1)" in problem.message
    assert "mobile viewers change address" in problem.message
    assert "e.g. 203.0.113.0/24" in problem.message


# --- XX and T1 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "phrase"), [("XX", "cannot tell"), ("T1", "through Tor")])
def test_cloudflares_special_countries_are_explained(code: str, phrase: str) -> None:
    problem = only(warnings_of(AccessRule("block", "country", (code,))))
    assert problem.message.startswith(f"Rule 1: {code} is not a real country.")
    assert phrase in problem.message


# --- where the lints show up -------------------------------------------------------------------


def test_a_request_carries_the_list_lints() -> None:
    request = TokenRequest(UID, access_rules=(AccessRule("allow", "country", ("US",)),))
    assert [p.message for p in check_request(request, now=1_800_000_000)] == [
        "Viewers matching no rule are allowed; add a final 'block any' rule."
    ]


def test_hostile_lists_stay_short() -> None:
    # Five rules of 2,000 single addresses each: one warning per lint and rule, not thousands.
    addresses = tuple(f"198.51.{n // 250}.{n % 250 + 1}" for n in range(2_000))
    rules = tuple(AccessRule("allow", "ip.src", addresses) for _ in range(5))
    problems = check_rules(rules)
    assert len(problems) <= 3 * 5 + 1
    assert all(len(p.message) < 400 for p in problems)
