"""Checking access rules (actions, types, country codes, IP ranges) in words a user can act on.

ERRORs are what Cloudflare would reject; WARNINGs are allowed but probably not what the user
meant (a private address, only one IP family); lints on the order and overlap of the whole list
are `rule_lint.py`. Rules are checked as `normalize_rule` makes them, which is how
`TokenRequest.to_api_body` sends them: " us" is fine because it goes out as "US". The
normalization itself lives with the models, which send it.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass

from cfstream_gui.core import countries
from cfstream_gui.core.models import (
    MAX_RULES,
    AccessRule,
    Action,
    RuleType,
    TokenRequest,
    country_code_case,
    resolve_rule_type,
)
from cfstream_gui.core.validation.problems import Problem, Severity, error
from cfstream_gui.core.validation.rule_lint import lint_rules, other_ip_families

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


# --- access rules ------------------------------------------------------------------------------

_VALID_ACTIONS = ", ".join(action.value for action in Action)
_VALID_TYPES = ", ".join(rule_type.value for rule_type in RuleType)


def parse_rule_values(rule_type: str, text: str) -> list[str]:
    """Values as typed in one box: "US, mx" -> ["US", "MX"]. Split on commas and whitespace;
    country codes are upper-cased; a rule of type `any` has no values."""
    resolved = resolve_rule_type(rule_type)
    if resolved is RuleType.ANY:
        return []
    values = [part for part in re.split(r"[,\s]+", text) if part]
    if resolved is RuleType.COUNTRY:
        return [country_code_case(value) for value in values]
    return values


def normalize_rule(rule: AccessRule) -> AccessRule:
    """The rule as it is sent (see `AccessRule.normalized`)."""
    return rule.normalized()


def normalize_request(req: TokenRequest) -> TokenRequest:
    """The request with every rule normalized, as it is sent (see `TokenRequest.normalized`)."""
    return req.normalized()


def check_rule(
    rule: AccessRule, index: int, *, other_families: frozenset[int] = frozenset()
) -> list[Problem]:
    """Problems with one rule on its own; `index` is 0-based, messages count from 1.
    `other_families`: IP versions other rules with the same action cover (no warning that this
    one lists only the other version, then)."""
    normal = normalize_rule(rule)
    where = _RuleSpot(index)
    problems: list[Problem] = []
    n = where.number
    if normal.action not in {action.value for action in Action}:
        message = f"Rule {n} action {_quoted(rule.action)} is not valid; use {_VALID_ACTIONS}."
        problems.append(where.error("action", message))
    try:
        rule_type = RuleType(normal.type)
    except ValueError:
        message = f"Rule {n} type {_quoted(rule.type)} is not valid; use {_VALID_TYPES}."
        problems.append(where.error("type", message))
        return problems
    problems.extend(_check_values(rule_type, normal.values, where, other_families))
    return problems


def check_rules(rules: Sequence[AccessRule]) -> list[Problem]:
    """Each rule, the rule count, and the lints that need the whole list (`rule_lint.py`)."""
    problems: list[Problem] = []
    if len(rules) > MAX_RULES:
        extra = len(rules) - MAX_RULES
        message = (
            f"There are {len(rules)} access rules; Cloudflare allows at most {MAX_RULES}, "
            f"so remove {extra}."
        )
        problems.append(error("access rules", message))
    normal = [normalize_rule(rule) for rule in rules]
    others = other_ip_families(normal)
    for index, rule in enumerate(rules):
        problems.extend(check_rule(rule, index, other_families=others[index]))
    problems.extend(lint_rules(normal))
    return problems


@dataclass(frozen=True)
class _RuleSpot:
    """Where in the rule table a problem is, so each message is built the same way."""

    index: int

    @property
    def number(self) -> int:
        return self.index + 1

    def problem(self, column: str, message: str, severity: Severity) -> Problem:
        field = f"rule {self.number} {column}"
        return Problem(field, message, severity, rule_index=self.index, column=column)

    def error(self, column: str, message: str) -> Problem:
        return self.problem(column, message, Severity.ERROR)

    def warning(self, column: str, message: str) -> Problem:
        return self.problem(column, message, Severity.WARNING)


# A value longer than this is cut in a message: a pasted wall of text is not repeated whole.
_SHOWN_CHARS = 60


def _shown(value: str) -> str:
    """A typed value as a message shows it: cut, and escaped if it holds anything unprintable
    (a control character, a bidi override), so it cannot act on a terminal or a label."""
    text = value if len(value) <= _SHOWN_CHARS else value[: _SHOWN_CHARS - 1] + "…"
    return text if text.isprintable() else ascii(text)[1:-1]


def _quoted(text: str) -> str:
    return f"'{_shown(text)}'" if text.strip() else "(empty)"


def _check_values(
    rule_type: RuleType, values: tuple[str, ...], where: _RuleSpot, other_families: frozenset[int]
) -> list[Problem]:
    n = where.number
    if rule_type is RuleType.ANY:
        if not values:
            return []
        listed = _shown(", ".join(values))
        message = (
            f"Rule {n} is of type any, which takes no values; remove {listed} or change the type."
        )
        return [where.error("values", message)]
    if not values:
        example = "US or DE" if rule_type is RuleType.COUNTRY else "203.0.113.0/24"
        message = f"Rule {n} has no {rule_type.label} values; add at least one, e.g. {example}."
        return [where.error("values", message)]
    if rule_type is RuleType.COUNTRY:
        return _check_countries(values, where)
    return _check_ips(values, where, other_families)


# Repeated values named in the one duplicates warning; the rest are counted.
_DUPLICATES_SHOWN = 3


def _duplicates(keys: Sequence[object], values: Sequence[str], where: _RuleSpot) -> list[Problem]:
    """One warning for all repeated values, however many: a pasted list with 10,000 repeats
    must not become 10,000 lines."""
    seen: set[object] = set()
    repeated: dict[object, str] = {}  # key -> the value as written the second time, in order
    extra = 0
    for key, value in zip(keys, values, strict=True):
        if key in seen:
            extra += 1
            repeated.setdefault(key, value)
        seen.add(key)
    if not repeated:
        return []
    n = where.number
    named = [_shown(value) for value in repeated.values()]
    if extra == 1:
        message = f"Rule {n} lists {named[0]} more than once."
    elif len(named) == 1:
        message = f"Rule {n} lists {named[0]} {extra + 1:,} times; once is enough."
    else:
        examples = ", ".join(named[:_DUPLICATES_SHOWN])
        more = ", ..." if len(named) > _DUPLICATES_SHOWN else ""
        message = (
            f"Rule {n} lists {len(named):,} values more than once ({extra:,} repeats), "
            f"e.g. {examples}{more}; once each is enough."
        )
    return [where.warning("values", message)]


# --- country values ----------------------------------------------------------------------------


def _check_countries(codes: tuple[str, ...], where: _RuleSpot) -> list[Problem]:
    problems: list[Problem] = []
    for code in dict.fromkeys(codes):  # each code once: repeats are one warning below
        # lookup() upper-cases with str.upper(), which would read "ß" as "SS"; a code is ASCII.
        country = countries.lookup(code) if code.isascii() else None
        if country is None:
            message = f"Rule {where.number}: {_shown(code)} is not an ISO 3166-1 country code; "
            problems.append(where.error("values", message + countries.hint(code) + "."))
        elif country.note:
            message = f"Rule {where.number}: {code} is not a real country. {country.note}"
            problems.append(where.warning("values", message))
    problems.extend(_duplicates(codes, codes, where))
    return problems


# --- IP values ---------------------------------------------------------------------------------

# Addresses Cloudflare never sees as a viewer's address: it sees the public one.
_NEVER_PUBLIC = tuple(
    ipaddress.ip_network(net)
    for net in (
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "100.64.0.0/10",  # carrier-grade NAT
        "127.0.0.0/8",
        "169.254.0.0/16",
        "::1/128",
        "fc00::/7",
        "fe80::/10",
    )
)


def _parse_ip(value: str) -> IpNetwork | str:
    """The network `value` names, or why it names none."""
    shown = _shown(value)
    # ipaddress is laxer than CIDR notation; these would not survive Cloudflare's parser.
    if "%" in value:
        return f"{shown} has a zone index (after %), which a rule cannot use; leave it out"
    _, slash, prefix = value.partition("/")
    if slash and not re.fullmatch(r"[0-9]{1,3}", prefix):
        return f"{shown} has a netmask; write a prefix length instead, like /24"
    try:
        return ipaddress.ip_network(value, strict=True)
    except ValueError:
        pass
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        if "-" in value:
            return f"{shown} is a range; write ranges as CIDR, like 203.0.113.0/24"
        return (
            f"'{shown}' is not an IP address or CIDR range like 203.0.113.7, "
            "203.0.113.0/24 or 2001:db8::/32"
        )
    address = value.split("/", 1)[0]
    return (
        f"{shown} has host bits set; the network is {network} "
        f"(or use {address} alone for one address)"
    )


def _check_ips(
    values: tuple[str, ...], where: _RuleSpot, other_families: frozenset[int]
) -> list[Problem]:
    n = where.number
    problems: list[Problem] = []
    networks: list[IpNetwork] = []
    parsed_values: list[str] = []
    checked: dict[str, IpNetwork | str] = {}
    for value in values:
        first_time = value not in checked
        if first_time:
            checked[value] = _parse_ip(value)
        parsed = checked[value]
        if isinstance(parsed, str):
            if first_time:  # a repeated bad value is one error, not one per copy
                problems.append(where.error("values", f"Rule {n}: {parsed}."))
            continue
        networks.append(parsed)
        parsed_values.append(value)
        if first_time and any(_within(parsed, private) for private in _NEVER_PUBLIC):
            message = (
                f"Rule {n}: {value} is a private or local address; Cloudflare sees viewers' "
                "public addresses, so it never matches."
            )
            problems.append(where.warning("values", message))
    problems.extend(_duplicates(networks, parsed_values, where))
    families = {network.version for network in networks}
    # Only when every value parsed: a broken value may well be the other family's.
    if len(families) == 1 and len(networks) == len(values):
        only, other = (4, 6) if families == {4} else (6, 4)
        if other in other_families:
            return problems
        message = (
            f"Rule {n} lists only IPv{only} addresses, so viewers connecting over "
            f"IPv{other} never match it; add their IPv{other} ranges too."
        )
        problems.append(where.warning("values", message))
    return problems


def _within(network: IpNetwork, container: IpNetwork) -> bool:
    if network.version != container.version:
        return False
    return network.subnet_of(container)  # type: ignore[arg-type]  # versions checked above
