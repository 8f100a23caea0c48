"""Checking a token request before it is sent, in words a user can act on.

Every check returns `Problem`s rather than raising, so the GUI can show all of them at once next
to the fields they concern; `require_valid` turns the errors into one exception for the CLI.
ERRORs are things Cloudflare would reject or that make the token useless; WARNINGs are allowed
but probably not what the user meant (the lint-style checks at the end of the rule section).

Rules are checked as `normalize_rule` would send them: " us" is fine because it goes out as
"US". Callers must therefore send the normalized rules (`normalize_request`).
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from cfstream_gui.core import countries
from cfstream_gui.core.models import (
    DEFAULT_EXP_SECONDS,
    MAX_RULES,
    MAX_TOKEN_LIFETIME_SECONDS,
    RULE_TYPE_ALIASES,
    AccessRule,
    Action,
    RuleType,
    TokenRequest,
)
from cfstream_gui.core.timeparse import describe, from_epoch

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class Severity(StrEnum):
    ERROR = "error"  # blocks sending
    WARNING = "warning"  # shown, but the user may go ahead


@dataclass(frozen=True)
class Problem:
    field: str  # what a user calls it: "account ID", "video ID", "rule 2 values", "expiry"
    message: str  # one sentence: names the field, says what is wrong and what would be right
    severity: Severity
    rule_index: int | None = None  # 0-based rule the problem belongs to, if any
    column: str | None = None  # "action" | "type" | "values" for rule problems


class ValidationError(Exception):
    """Raised by `require_valid`. `.problems` holds the errors only; str() is the first few
    error messages, one sentence each."""

    SHOWN = 3  # more than this many messages in one line stops being readable

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = errors(problems)
        super().__init__(self._summary())

    def _summary(self) -> str:
        # Each message is a whole sentence, so they are joined as sentences.
        messages = [problem.message for problem in self.problems[: self.SHOWN]]
        hidden = len(self.problems) - len(messages)
        if hidden > 0:
            messages.append(
                f"There {'are' if hidden > 1 else 'is'} {hidden} more problem"
                f"{'s' if hidden > 1 else ''}."
            )
        return " ".join(messages)


def _error(field: str, message: str) -> Problem:
    return Problem(field, message, Severity.ERROR)


def _warning(field: str, message: str) -> Problem:
    return Problem(field, message, Severity.WARNING)


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [problem for problem in problems if problem.severity is Severity.ERROR]


def warnings(problems: Iterable[Problem]) -> list[Problem]:
    return [problem for problem in problems if problem.severity is Severity.WARNING]


def require_valid(problems: list[Problem]) -> None:
    """Raise ValidationError if any problem is an ERROR; warnings pass."""
    if errors(problems):
        raise ValidationError(problems)


# --- identifiers -------------------------------------------------------------------------------

MAX_ID_LENGTH = 32  # all Cloudflare's schemas guarantee; every real ID is 32 hex characters
_WELL_FORMED_ID = re.compile(r"[0-9a-fA-F]{32}")


def check_account_id(value: str) -> list[Problem]:
    return _check_identifier(value, "Account ID", "account ID")


def check_video_uid(value: str) -> list[Problem]:
    return _check_identifier(value, "Video ID", "video ID")


def _check_identifier(value: str, label: str, field: str) -> list[Problem]:
    if not value.strip():
        return [_error(field, f"{label} is empty; paste the 32-character ID.")]
    if _WELL_FORMED_ID.fullmatch(value):
        return []
    spaces = " and contains spaces, which must be removed" if re.search(r"\s", value) else ""
    if len(value) > MAX_ID_LENGTH:
        message = f"{label} is {len(value)} characters long{spaces}; Cloudflare IDs are at most 32."
        return [_error(field, message)]
    # Cloudflare only promises "at most 32 characters", so an odd shape may still be real.
    message = (
        f"{label} '{value}' is not 32 hex characters like Cloudflare's IDs{spaces}; "
        "check it was copied whole."
    )
    return [_warning(field, message)]


# --- access rules ------------------------------------------------------------------------------

_VALID_ACTIONS = ", ".join(action.value for action in Action)
_VALID_TYPES = ", ".join(rule_type.value for rule_type in RuleType)


def _resolve_type(text: str) -> RuleType | None:
    return RULE_TYPE_ALIASES.get(text.strip().lower())


def parse_rule_values(rule_type: str, text: str) -> list[str]:
    """Values as typed in one box: "US, mx" -> ["US", "MX"]. Split on commas and whitespace;
    country codes are upper-cased; a rule of type `any` has no values."""
    resolved = _resolve_type(rule_type)
    if resolved is RuleType.ANY:
        return []
    values = [part for part in re.split(r"[,\s]+", text) if part]
    if resolved is RuleType.COUNTRY:
        return [value.upper() for value in values]
    return values


def normalize_rule(rule: AccessRule) -> AccessRule:
    """The rule as it should be sent: action and type lower-case (short type names like `ip`
    become the API's), values stripped with empties dropped, countries upper-case."""
    resolved = _resolve_type(rule.type)
    values = [value.strip() for value in rule.values if value.strip()]
    if resolved is RuleType.COUNTRY:
        values = [value.upper() for value in values]
    return AccessRule(
        action=rule.action.strip().lower(),
        type=resolved.value if resolved is not None else rule.type.strip(),
        values=tuple(values),
    )


def normalize_request(req: TokenRequest) -> TokenRequest:
    """The request with every rule normalized; what should go to Cloudflare."""
    return replace(req, access_rules=tuple(normalize_rule(rule) for rule in req.access_rules))


def check_rule(rule: AccessRule, index: int) -> list[Problem]:
    """Problems with one rule on its own; `index` is 0-based, messages count from 1."""
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
    problems.extend(_check_values(rule_type, normal.values, where))
    return problems


def check_rules(rules: Sequence[AccessRule]) -> list[Problem]:
    """Each rule, the rule count, and the lints that need the whole list."""
    problems: list[Problem] = []
    if len(rules) > MAX_RULES:
        extra = len(rules) - MAX_RULES
        message = (
            f"There are {len(rules)} access rules; Cloudflare allows at most {MAX_RULES}, "
            f"so remove {extra}."
        )
        problems.append(_error("access rules", message))
    for index, rule in enumerate(rules):
        problems.extend(check_rule(rule, index))
    normal = [normalize_rule(rule) for rule in rules]
    problems.extend(_unreachable_rules(normal))
    all_allow = normal and all(rule.action == Action.ALLOW for rule in normal)
    if all_allow and not any(rule.type == RuleType.ANY for rule in normal):
        message = "Viewers matching no rule are allowed; add a final 'block any' rule."
        problems.append(_warning("access rules", message))
    return problems


def _unreachable_rules(rules: Sequence[AccessRule]) -> list[Problem]:
    # Cloudflare stops at the first matching rule, and an `any` rule matches everyone.
    catch_all = next((i for i, rule in enumerate(rules) if rule.type == RuleType.ANY), None)
    if catch_all is None:
        return []
    message = "Rule {} is never used: rule {} (type any) matches every viewer before it."
    return [
        replace(_warning(f"rule {i + 1}", message.format(i + 1, catch_all + 1)), rule_index=i)
        for i in range(catch_all + 1, len(rules))
    ]


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


def _quoted(text: str) -> str:
    return f"'{text}'" if text.strip() else "(empty)"


def _check_values(rule_type: RuleType, values: tuple[str, ...], where: _RuleSpot) -> list[Problem]:
    n = where.number
    if rule_type is RuleType.ANY:
        if not values:
            return []
        listed = ", ".join(values)
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
    return _check_ips(values, where)


def _duplicates(keys: Sequence[object], values: Sequence[str], where: _RuleSpot) -> list[Problem]:
    seen: set[object] = set()
    problems: list[Problem] = []
    for key, value in zip(keys, values, strict=True):
        if key in seen:
            message = f"Rule {where.number} lists {value} more than once."
            problems.append(where.warning("values", message))
        seen.add(key)
    return problems


# --- country values ----------------------------------------------------------------------------


def _check_countries(codes: tuple[str, ...], where: _RuleSpot) -> list[Problem]:
    problems: list[Problem] = []
    for code in codes:
        country = countries.lookup(code)
        if country is None:
            message = f"Rule {where.number}: {code} is not an ISO 3166-1 country code; "
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
    # ipaddress is laxer than CIDR notation; these would not survive Cloudflare's parser.
    if "%" in value:
        return f"{value} has a zone index (after %), which a rule cannot use; leave it out"
    _, slash, prefix = value.partition("/")
    if slash and not re.fullmatch(r"[0-9]{1,3}", prefix):
        return f"{value} has a netmask; write a prefix length instead, like /24"
    try:
        return ipaddress.ip_network(value, strict=True)
    except ValueError:
        pass
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        if "-" in value:
            return f"{value} is a range; write ranges as CIDR, like 203.0.113.0/24"
        return (
            f"'{value}' is not an IP address or CIDR range like 203.0.113.7, "
            "203.0.113.0/24 or 2001:db8::/32"
        )
    address = value.split("/", 1)[0]
    return (
        f"{value} has host bits set; the network is {network} "
        f"(or use {address} alone for one address)"
    )


def _check_ips(values: tuple[str, ...], where: _RuleSpot) -> list[Problem]:
    n = where.number
    problems: list[Problem] = []
    networks: list[IpNetwork] = []
    parsed_values: list[str] = []
    for value in values:
        parsed = _parse_ip(value)
        if isinstance(parsed, str):
            problems.append(where.error("values", f"Rule {n}: {parsed}."))
            continue
        networks.append(parsed)
        parsed_values.append(value)
        if any(_within(parsed, private) for private in _NEVER_PUBLIC):
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


# --- times -------------------------------------------------------------------------------------


def _check_times(exp: int | None, nbf: int | None, now: int) -> list[Problem]:
    latest = now + MAX_TOKEN_LIFETIME_SECONDS
    problems: list[Problem] = []
    if exp is not None:
        if exp <= now:
            message = f"Expiry (exp) {_when(exp)} is in the past; choose a later time."
            problems.append(_error("expiry", message))
        elif exp > latest:
            message = (
                f"Expiry (exp) {_when(exp)} is more than 24 hours from now; "
                f"the latest allowed is {_when(latest)}."
            )
            problems.append(_error("expiry", message))
    if nbf is not None and nbf > latest:
        message = (
            f"Start time (nbf) {_when(nbf)} is more than 24 hours from now; "
            "a token cannot be valid that far ahead."
        )
        problems.append(_error("start time", message))
    if exp is not None and nbf is not None and exp <= nbf:
        message = (
            f"Expiry (exp) is not after the start time (nbf) {_when(nbf)}, "
            "so the token would never be valid; move one of them."
        )
        problems.append(_error("expiry", message))
    elif exp is None and nbf is not None and nbf <= latest and nbf >= now + DEFAULT_EXP_SECONDS:
        # Cloudflare fills in exp = issue + 1 h, which would come before this start.
        message = (
            "Start time (nbf) is after the default expiry, 1 hour from now, so the token "
            "would never be valid; set an expiry after the start time."
        )
        problems.append(_error("start time", message))
    return problems


def _when(epoch: int) -> str:
    try:
        return describe(from_epoch(epoch))
    except (OverflowError, ValueError, OSError):  # beyond what datetime can hold
        return f"{epoch} (epoch seconds)"


# --- signing key -------------------------------------------------------------------------------

_PEM_LABEL = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----")


def _check_signing_key(key_id: str | None, pem: str | None) -> list[Problem]:
    if key_id is None and pem is None:
        return []
    if key_id is None:
        message = (
            "A private key is given without its signing key ID; Cloudflare needs both, "
            "so add the key ID or remove the private key."
        )
        return [_error("signing key", message)]
    if pem is None:
        message = (
            "A signing key ID is given without its private key; Cloudflare needs both, "
            "so add the private key or remove the key ID."
        )
        return [_error("signing key", message)]
    problems = _check_identifier(key_id, "Signing key ID", "signing key ID")
    pem_problem = _pem_problem(pem)
    if pem_problem is not None:
        problems.append(_error("private key", pem_problem))
    return problems


def _pem_problem(pem: str) -> str | None:
    """What is wrong with the base64 `pem` value, if anything. The key itself never appears
    in the message: it is a secret."""
    text = pem.strip()
    if not text:
        return "The private key is empty; paste the signing key's base64 'pem' value."
    if text.startswith("-----BEGIN"):
        return (
            "The private key is plain PEM text, but Cloudflare wants it base64-encoded, "
            "as its key creation returns it."
        )
    # Line breaks are tolerated the way Go's decoder (Cloudflare's side) tolerates them.
    compact = text.replace("\r", "").replace("\n", "")
    try:
        decoded = base64.b64decode(compact, validate=True).decode("ascii")
    except (binascii.Error, ValueError):
        return (
            "The private key is not base64; paste the 'pem' value exactly as Cloudflare "
            "returned it when the signing key was created."
        )
    label = _PEM_LABEL.match(decoded.lstrip())
    if label is None:
        return (
            "The private key is base64 but not a PEM: it should decode to text starting with "
            "-----BEGIN; check the right value was copied."
        )
    kind = label.group(1)
    if "PRIVATE KEY" not in kind:
        return f"The private key decodes to a PEM {kind.lower()}, not a private key."
    if "ENCRYPTED" in kind or "Proc-Type: 4,ENCRYPTED" in decoded:
        return "The private key is protected by a passphrase; Cloudflare needs it unencrypted."
    return None


# --- whole request -----------------------------------------------------------------------------


def check_request(req: TokenRequest, *, now: int, account_id: str | None = None) -> list[Problem]:
    """Every problem with `req` at epoch second `now`; the account ID only if one is given."""
    problems: list[Problem] = []
    if account_id is not None:
        problems.extend(check_account_id(account_id))
    problems.extend(check_video_uid(req.video_uid))
    problems.extend(check_rules(req.access_rules))
    problems.extend(_check_times(req.exp, req.nbf, now))
    problems.extend(_check_signing_key(req.key_id, req.pem))
    return problems
