"""Repeated rule values are one warning saying how many, however many there are: a pasted list
of 10,000 repeats is one line, not 10,000."""

from __future__ import annotations

import pytest

from cfstream_gui.core.models import AccessRule
from cfstream_gui.core.validation import Severity, check_rule, check_rules

MANY = 10_000


def values_problems(rule: AccessRule) -> list[str]:
    return [p.message for p in check_rule(rule, 0) if p.column == "values"]


def test_one_repeat_is_named() -> None:
    rule = AccessRule("allow", "country", ("US", "us"))
    assert values_problems(rule) == ["Rule 1 lists US more than once."]


def test_ten_thousand_copies_of_one_country_are_one_line() -> None:
    rule = AccessRule("allow", "country", ("US",) * MANY)
    assert values_problems(rule) == ["Rule 1 lists US 10,000 times; once is enough."]


def test_many_repeated_values_are_counted_with_a_few_examples() -> None:
    codes = ("US", "MX", "DE", "FR", "GB") * (MANY // 5)
    [problem] = check_rule(AccessRule("allow", "country", codes), 2)
    assert problem.severity is Severity.WARNING
    assert (problem.rule_index, problem.column) == (2, "values")
    assert problem.message == (
        "Rule 3 lists 5 values more than once (9,995 repeats), e.g. US, MX, DE, ...; "
        "once each is enough."
    )


@pytest.mark.parametrize(
    ("code", "problem_severity"), [("XX", Severity.WARNING), ("ZZ", Severity.ERROR)]
)
def test_a_repeated_odd_country_is_explained_once(code: str, problem_severity: Severity) -> None:
    problems = check_rule(AccessRule("allow", "country", (code,) * MANY), 0)
    assert [p.severity for p in problems] == [problem_severity, Severity.WARNING]
    assert problems[1].message == f"Rule 1 lists {code} 10,000 times; once is enough."


def test_repeated_ip_values_are_one_line_each_kind() -> None:
    values = ("203.0.113.0/24", "2001:db8::/32", "10.0.0.0/8", "nonsense") * (MANY // 4)
    problems = check_rule(AccessRule("block", "ip.src", values), 0)
    messages = [p.message for p in problems]
    assert len(messages) == 3, messages  # the private one, the bad one, the repeats
    assert "10.0.0.0/8 is a private or local address" in messages[0]
    assert "Rule 1: 'nonsense' is not an IP address" in messages[1]
    assert messages[2].startswith("Rule 1 lists 3 values more than once (7,497 repeats)")


def test_every_rule_of_a_request_stays_short() -> None:
    rules = [AccessRule("allow", "country", ("US",) * MANY), AccessRule("block", "any")]
    assert len(check_rules(rules)) == 1
