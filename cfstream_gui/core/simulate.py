"""Would this viewer be let in? Which access rule a viewer meets first, and what it decides.

Cloudflare checks a token's rules first to last; the first rule that matches the viewer decides
(allow or block), and a viewer no rule matches is allowed (reference §1). This one function
answers for the form's rules, for a pasted token's rules and for the sandbox's edge, so all three
always agree.

A viewer may be given by IP address, by country, or both. A rule that needs what was not given
is passed over, as the edge passes over a rule that does not match, and the outcome says which
rules were not checked, since they might have decided otherwise.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cfstream_gui.core import countries
from cfstream_gui.core.ids import shown
from cfstream_gui.core.models import AccessRule, Action, RuleType
from cfstream_gui.core.validation.rules import normalize_rule

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

ALLOWED = "allowed"
BLOCKED = "blocked"


class SimulationError(ValueError):
    """The viewer or a rule cannot be checked; str() is a sentence naming which and why.
    `rule_index` is the 0-based rule at fault, if a rule is."""

    def __init__(self, message: str, rule_index: int | None = None) -> None:
        super().__init__(message)
        self.rule_index = rule_index


@dataclass(frozen=True)
class Viewer:
    ip: IpAddress | None = None
    country: str | None = None  # upper-case, as Cloudflare's CF-IPCountry

    def describe(self) -> str:
        """'a viewer at 2001:db8::1 in DE', 'a viewer in DE', 'a viewer at 203.0.113.7'."""
        where = f" at {self.ip}" if self.ip is not None else ""
        country = f" in {self.country}" if self.country is not None else ""
        return f"a viewer{where}{country}"


@dataclass(frozen=True)
class Outcome:
    allowed: bool
    rule_index: int | None  # 0-based rule that decided; None when none matched
    rule: AccessRule | None  # that rule, normalized
    reason: str  # one or two sentences: what decided, and what was not checked
    unchecked: tuple[int, ...] = ()  # 0-based rules passed over for want of an IP or country

    @property
    def verdict(self) -> str:
        """'allowed' or 'blocked', the words scripts look for."""
        return ALLOWED if self.allowed else BLOCKED


def parse_viewer(ip: str | None, country: str | None) -> Viewer:
    """A viewer from what a person typed; SimulationError names the field that is wrong."""
    ip_text = ip.strip() if ip is not None else ""
    country_text = country.strip() if country is not None else ""
    if not ip_text and not country_text:
        raise SimulationError("Give the viewer's IP address, their country, or both.")
    return Viewer(
        ip=parse_viewer_ip(ip_text) if ip_text else None,
        country=_parse_country(country_text) if country_text else None,
    )


def parse_viewer_ip(text: str) -> IpAddress:
    """One viewer address. An IPv4 address written the IPv6 way (::ffff:203.0.113.7) is the
    IPv4 viewer it stands for, as the edge sees it."""
    if "/" in text:
        raise SimulationError(
            f"The viewer IP {shown(text)} is a range; give one address, like 203.0.113.7."
        )
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        raise SimulationError(
            f"The viewer IP {shown(text)} is not an IPv4 or IPv6 address like 203.0.113.7 or "
            "2001:db8::1."
        ) from None
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id is not None:
            raise SimulationError(
                f"The viewer IP {shown(text)} has a zone index (after %); leave it out."
            )
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
    return address


def _parse_country(text: str) -> str:
    code = text.upper()
    if countries.lookup(code) is None:
        raise SimulationError(
            f"The viewer country {shown(text)} is not an ISO 3166-1 country code; "
            f"{countries.hint(code)}."
        )
    return code


def simulate(rules: Sequence[AccessRule], viewer: Viewer) -> Outcome:
    """What the edge decides for `viewer`: the first matching rule's action, else allowed.
    A rule that cannot be read raises SimulationError when the check reaches it."""
    unchecked: dict[int, str] = {}  # rule -> what it needed
    for index, raw in enumerate(rules):
        rule = normalize_rule(raw)
        rule_type, action = _type_and_action(rule, index)
        missing = _missing(rule_type, viewer)
        if missing is not None:
            unchecked[index] = missing
            continue
        if not _matches(rule, rule_type, viewer, index):
            continue
        allowed = action is Action.ALLOW
        reason = f"Rule {index + 1} ({describe_rule(rule)}) matches {viewer.describe()}: "
        reason += f"{ALLOWED if allowed else BLOCKED}."
        note = _unchecked_note(unchecked)
        return Outcome(allowed, index, rule, reason + note, tuple(unchecked))
    reason = f"No rule matched {viewer.describe()}: {ALLOWED}."
    return Outcome(True, None, None, reason + _unchecked_note(unchecked), tuple(unchecked))


def _type_and_action(rule: AccessRule, index: int) -> tuple[RuleType, Action]:
    try:
        return RuleType(rule.type), Action(rule.action)
    except ValueError:
        raise SimulationError(
            f"Rule {index + 1} cannot be checked: its type or action is not one Cloudflare "
            "knows (allow or block; any, ip.src or ip.geoip.country).",
            index,
        ) from None


def _missing(rule_type: RuleType, viewer: Viewer) -> str | None:
    """What the rule asks about that the viewer was not given, if anything."""
    if rule_type is RuleType.IP and viewer.ip is None:
        return "IP address"
    if rule_type is RuleType.COUNTRY and viewer.country is None:
        return "country"
    return None


def _matches(rule: AccessRule, rule_type: RuleType, viewer: Viewer, index: int) -> bool:
    if rule_type is RuleType.ANY:
        return True
    if rule_type is RuleType.COUNTRY:
        return viewer.country in rule.values
    assert viewer.ip is not None  # _missing passed over IP rules for a viewer without one
    # An IPv4 range never matches an IPv6 viewer, nor the other way round (reference §1).
    return any(
        network.version == viewer.ip.version and viewer.ip in network
        for network in (_network(value, index) for value in rule.values)
    )


def _network(value: str, index: int) -> IpNetwork:
    try:
        return ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise SimulationError(
            f"Rule {index + 1} cannot be checked: {shown(value)} is not an IP address or CIDR "
            "range.",
            index,
        ) from None


def _unchecked_note(unchecked: dict[int, str]) -> str:
    if not unchecked:
        return ""
    numbers = _and_list([str(index + 1) for index in unchecked])
    needed = " or ".join(sorted(set(unchecked.values()), reverse=True))
    if len(unchecked) == 1:
        return f" Rule {numbers} was not checked: it needs the viewer's {needed}."
    return f" Rules {numbers} were not checked: they need the viewer's {needed}."


def _and_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def rules_from_claims(value: Any) -> tuple[AccessRule, ...]:
    """A token's `accessRules` claim as rules; SimulationError for one that cannot be a rule."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise SimulationError("The token's access rules (accessRules) are not a list of rules.")
    return tuple(_rule_from_claim(item, index) for index, item in enumerate(value))


def _rule_from_claim(item: Any, index: int) -> AccessRule:
    if not isinstance(item, dict):
        raise SimulationError(f"Access rule {index + 1} in the token is not an object.", index)
    rule_type, action = item.get("type"), item.get("action")
    if not isinstance(rule_type, str) or not isinstance(action, str):
        raise SimulationError(f"Access rule {index + 1} in the token has no type or action.", index)
    values: Any = []
    try:
        key = RuleType(rule_type).values_key
    except ValueError:
        key = None
    if key is not None:
        values = item.get(key, [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise SimulationError(
                f"Access rule {index + 1} in the token has a {key} list that is not text.", index
            )
    return AccessRule(action=action, type=rule_type, values=tuple(values))


def describe_rule(rule: AccessRule) -> str:
    """A rule in plain words: 'block every viewer', 'allow viewers in US (United States)',
    'allow viewers at 203.0.113.0/24 or 2001:db8::/32'."""
    normal = normalize_rule(rule)
    verb = normal.action
    if normal.type == RuleType.ANY:
        return f"{verb} every viewer"
    if normal.type == RuleType.COUNTRY:
        return f"{verb} viewers in {_or_list([_country_words(c) for c in normal.values])}"
    if normal.type == RuleType.IP:
        return f"{verb} viewers at {_or_list(list(normal.values))}"
    return f"{verb} ({normal.type}: {', '.join(normal.values)})"


def _country_words(code: str) -> str:
    country = countries.lookup(code)
    return f"{code} ({country.name})" if country is not None else code


def _or_list(items: list[str]) -> str:
    if not items:
        return "(none)"
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} or {items[-1]}"
