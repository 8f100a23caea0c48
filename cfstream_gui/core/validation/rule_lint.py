"""Lints on the whole rule list: rules that are valid one by one but do not do what they seem to.

Cloudflare stops at the first rule that matches (reference §1), so order matters: a rule after
an `any` rule is never reached, a value an earlier rule already matches never decides in a later
one (worse when the later rule says the opposite), and viewers no rule matches get in, which
makes an allow list without a final catch-all a list that allows everyone. Rules are re-checked
during playback, so an allow rule for single addresses cuts off mobile viewers whose address
changes. All of these are WARNINGs: allowed, but probably not meant.

The rules given here are normalized (`normalize_rule`); values that do not parse are skipped,
since the per-rule checks already report them as errors.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass, replace

from cfstream_gui.core.models import AccessRule, Action, RuleType
from cfstream_gui.core.validation.problems import Problem, Severity, warning

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Values named in one message; the rest are counted.
_SHOWN = 3


def lint_rules(rules: Sequence[AccessRule]) -> list[Problem]:
    """The list-level warnings for normalized `rules`, in rule order."""
    problems = _unreachable_rules(rules)
    problems += _shadowed_values(rules)
    problems += _single_addresses(rules)
    problems += _no_catch_all(rules)
    return problems


def other_ip_families(rules: Sequence[AccessRule]) -> list[frozenset[int]]:
    """For each rule, the IP versions that the other IP rules with its action cover: an
    IPv4-only rule is fine when another rule does the same for IPv6 viewers."""
    own = [
        frozenset(n.version for n in _networks(rule)) if rule.type == RuleType.IP else frozenset()
        for rule in rules
    ]
    return [
        frozenset().union(
            *(
                own[other]
                for other, peer in enumerate(rules)
                if other != index and peer.action == rule.action
            )
        )
        for index, rule in enumerate(rules)
    ]


def _rule_warning(index: int, message: str) -> Problem:
    return Problem(f"rule {index + 1} values", message, Severity.WARNING, index, "values")


def _unreachable_rules(rules: Sequence[AccessRule]) -> list[Problem]:
    # An `any` rule matches everyone, so nothing after it is ever looked at.
    catch_all = next((i for i, rule in enumerate(rules) if rule.type == RuleType.ANY), None)
    if catch_all is None:
        return []
    message = "Rule {} is never used: rule {} (type any) matches every viewer before it."
    return [
        replace(warning(f"rule {i + 1}", message.format(i + 1, catch_all + 1)), rule_index=i)
        for i in range(catch_all + 1, len(rules))
    ]


def _no_catch_all(rules: Sequence[AccessRule]) -> list[Problem]:
    """Allow rules at the end of a list without `any` let in viewers who would get in anyway.
    (An allow rule before a block rule is an exception to it, which is fine.)"""
    if not rules or rules[-1].action != Action.ALLOW:
        return []
    if any(rule.type == RuleType.ANY for rule in rules):
        return []
    message = "Viewers matching no rule are allowed; add a final 'block any' rule."
    if not all(rule.action == Action.ALLOW for rule in rules):
        message = (
            "The allow rules after the last block rule let in viewers who would get in anyway, "
            "since viewers matching no rule are allowed; add a final 'block any' rule if only "
            "they should watch."
        )
    return [warning("access rules", message)]


@dataclass(frozen=True)
class _Claim:
    """A value an earlier rule matches first."""

    rule: int
    action: str
    value: str
    network: IpNetwork | None = None


def _shadowed_values(rules: Sequence[AccessRule]) -> list[Problem]:
    """Values a rule lists that an earlier rule of the same type already matches."""
    earlier = _Earlier()
    problems: list[Problem] = []
    for index, rule in enumerate(rules):
        if rule.type == RuleType.ANY:
            break  # everything after it is unreachable, which is said once already
        mine = _claims(rule, index)
        hits = [(claim, first) for claim in mine if (first := earlier.first_match(claim))]
        if hits:
            problems.append(_shadow_warning(index, rule, hits))
        for claim in mine:
            earlier.add(claim)
    return problems


def _claims(rule: AccessRule, index: int) -> list[_Claim]:
    if rule.type == RuleType.COUNTRY:
        return [_Claim(index, rule.action, value) for value in dict.fromkeys(rule.values)]
    if rule.type == RuleType.IP:
        return [_Claim(index, rule.action, str(network), network) for network in _networks(rule)]
    return []


class _Earlier:
    """The values of the rules seen so far, found by value or by containing network without
    comparing every pair: a pasted list of thousands of addresses stays quick."""

    def __init__(self) -> None:
        self._countries: dict[str, _Claim] = {}
        # (version, prefix length, network as an integer) -> the first rule listing it
        self._networks: dict[tuple[int, int, int], _Claim] = {}
        self._prefixes: dict[int, set[int]] = {4: set(), 6: set()}

    def add(self, claim: _Claim) -> None:
        if claim.network is None:
            self._countries.setdefault(claim.value, claim)
            return
        net = claim.network
        self._networks.setdefault((net.version, net.prefixlen, int(net.network_address)), claim)
        self._prefixes[net.version].add(net.prefixlen)

    def first_match(self, claim: _Claim) -> _Claim | None:
        if claim.network is None:
            return self._countries.get(claim.value)
        net = claim.network
        address, bits = int(net.network_address), net.max_prefixlen
        found = [
            hit
            for prefix in self._prefixes[net.version]
            if prefix <= net.prefixlen
            and (hit := self._networks.get((net.version, prefix, _masked(address, prefix, bits))))
        ]
        return min(found, key=lambda hit: hit.rule) if found else None


def _masked(address: int, prefix: int, bits: int) -> int:
    return address >> (bits - prefix) << (bits - prefix)


def _shadow_warning(index: int, rule: AccessRule, hits: list[tuple[_Claim, _Claim]]) -> Problem:
    n = index + 1
    opposite = [(mine, first) for mine, first in hits if first.action != rule.action]
    if opposite:
        mine, first = opposite[0]
        inside = "" if mine.value == first.value else f", which holds {mine.value}"
        message = (
            f"Rule {n} {_verb(rule.action)} {mine.value}, but rule {first.rule + 1} "
            f"{_verb(first.action)} {first.value}{inside} first, so rule {n} never applies to "
            "those viewers; move it up if it is the exception."
        )
        return _rule_warning(index, message + _more(len(hits) - 1))
    mine, first = hits[0]
    message = (
        f"Rule {n}: {mine.value} is already matched by rule {first.rule + 1}, which comes "
        f"first, so listing it here changes nothing."
    )
    return _rule_warning(index, message + _more(len(hits) - 1))


def _verb(action: str) -> str:
    return "blocks" if action == Action.BLOCK else "allows"


def _more(count: int) -> str:
    if count <= 0:
        return ""
    return f" The same goes for {count:,} more of its value{'s' if count > 1 else ''}."


def _single_addresses(rules: Sequence[AccessRule]) -> list[Problem]:
    problems = []
    for index, rule in enumerate(rules):
        if rule.type != RuleType.IP or rule.action != Action.ALLOW:
            continue
        singles = [n for n in _networks(rule) if n.prefixlen == n.max_prefixlen]
        if not singles:
            continue
        shown = ", ".join(str(n.network_address) for n in singles[:_SHOWN])
        more = ", ..." if len(singles) > _SHOWN else ""
        example = _range_example(singles[0])
        message = (
            f"Rule {index + 1} allows single addresses ({shown}{more}); Cloudflare re-checks "
            "rules during playback and mobile viewers change address, so allow their range "
            f"instead, e.g. {example}."
        )
        problems.append(_rule_warning(index, message))
    return problems


def _range_example(single: IpNetwork) -> str:
    prefix = 24 if single.version == 4 else 48
    return str(single.supernet(new_prefix=prefix))


def _networks(rule: AccessRule) -> list[IpNetwork]:
    """The rule's values that are networks as written (host bits clear); others are errors
    that the per-rule checks report."""
    found = []
    for value in rule.values:
        try:
            found.append(ipaddress.ip_network(value, strict=True))
        except ValueError:
            continue
    return found
