"""What a user asks for: access rules and a token request, and the JSON body they become.

These are plain values. Checking them is `core.validation`'s job; sending them is
`core.cloudflare`'s.
The body mirrors what the official `cloudflare` SDK sends for the same intent: fields the user
did not set are left out (never JSON `null`), and `access_rules` travels as `accessRules`.

Rules are held as typed (" us", "Allow", "country") so that the form can show them back; the
body always carries them normalized, because that is the form validation checks them in and
the only one Cloudflare's schema accepts (its `type` and `action` are lower-case enums).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import lru_cache
from typing import Any

from cfstream_gui.core.ids import canonical_id

MAX_RULES = 5
MAX_TOKEN_LIFETIME_SECONDS = 24 * 60 * 60
# What Cloudflare fills in when a request leaves exp / nbf unset (spec + SDK docstrings).
DEFAULT_EXP_SECONDS = 60 * 60
DEFAULT_NBF_SECONDS = -60 * 60


class Action(StrEnum):
    ALLOW = "allow"
    BLOCK = "block"


class RuleType(StrEnum):
    ANY = "any"
    IP = "ip.src"
    COUNTRY = "ip.geoip.country"

    @property
    def values_key(self) -> str | None:
        """The JSON member that carries this rule type's values, if it takes any."""
        return {RuleType.IP: "ip", RuleType.COUNTRY: "country"}.get(self)

    @property
    def label(self) -> str:
        """What a person calls this type (GUI combo boxes, CLI help)."""
        return {
            RuleType.ANY: "any viewer",
            RuleType.IP: "IP address or range",
            RuleType.COUNTRY: "country",
        }[self]


# Short names people type on the command line, next to the API's own names.
RULE_TYPE_ALIASES: dict[str, RuleType] = {
    "any": RuleType.ANY,
    "ip": RuleType.IP,
    "ip.src": RuleType.IP,
    "country": RuleType.COUNTRY,
    "ip.geoip.country": RuleType.COUNTRY,
}


def resolve_rule_type(text: str) -> RuleType | None:
    """The rule type `text` names, by the API's name or a short one, in any case and spacing."""
    return RULE_TYPE_ALIASES.get(text.strip().lower())


def country_code_case(code: str) -> str:
    """`code` upper-cased, but only if it is ASCII: str.upper() maps some non-ASCII letters onto
    ASCII ("ß" -> "SS", "ı" -> "I"), which would turn a typo into another country's code."""
    return code.upper() if code.isascii() else code


class SigningEngine(StrEnum):
    """Who signs the token: three ways, one form."""

    CLOUDFLARE = "cloudflare"  # POST /token, signed with Cloudflare's own key
    API_KEY = "api_key"  # POST /token with our key's id and pem: Cloudflare signs with it
    LOCAL = "local"  # signed here with a held key; no request at all

    @property
    def label(self) -> str:
        return {
            SigningEngine.CLOUDFLARE: "Cloudflare's key (API call)",
            SigningEngine.API_KEY: "My signing key, via the API",
            SigningEngine.LOCAL: "My signing key, locally (no network)",
        }[self]

    @property
    def uses_key(self) -> bool:
        return self is not SigningEngine.CLOUDFLARE

    @property
    def uses_network(self) -> bool:
        return self is not SigningEngine.LOCAL


@dataclass(frozen=True)
class AccessRule:
    """One access rule, as typed: `action` and `type` are strings so that a bad value can be
    held, shown and explained rather than rejected at construction."""

    action: str = Action.ALLOW.value
    type: str = RuleType.ANY.value
    values: tuple[str, ...] = ()

    def normalized(self) -> AccessRule:
        """The rule as it should be sent: action and type lower-case (short type names like `ip`
        become the API's), values stripped with empties dropped, countries upper-case.
        An action or type that names nothing is kept (stripped) so validation can quote it."""
        try:
            return _normalized_once(self)
        except TypeError:  # values that are not a tuple cannot be a cache key
            return _normalized(self)

    def to_api(self) -> dict[str, Any]:
        """The normalized rule as Cloudflare's `accessRules` item: values only where the type
        uses them."""
        rule = self.normalized()
        body: dict[str, Any] = {"type": rule.type, "action": rule.action}
        resolved = resolve_rule_type(rule.type)
        key = resolved.values_key if resolved is not None else None
        if key is not None:
            body[key] = list(rule.values)
        return body

    def with_values(self, values: tuple[str, ...]) -> AccessRule:
        return replace(self, values=values)


def _normalized(rule: AccessRule) -> AccessRule:
    resolved = resolve_rule_type(rule.type)
    values = [value.strip() for value in rule.values if value.strip()]
    if resolved is RuleType.COUNTRY:
        values = [country_code_case(value) for value in values]
    return AccessRule(
        action=rule.action.strip().lower(),
        type=resolved.value if resolved is not None else rule.type.strip(),
        values=tuple(values),
    )


# The same few rules are normalized over and over: several times by every check of the form (on
# each keystroke), and five times for each token signed here, row after row of a batch.
_normalized_once = lru_cache(maxsize=512)(_normalized)


@dataclass(frozen=True)
class TokenRequest:
    """Everything that goes into one signed token. `None` means "not set by the user":
    the field is not sent and Cloudflare's default applies."""

    video_uid: str
    exp: int | None = None
    nbf: int | None = None
    downloadable: bool | None = None
    access_rules: tuple[AccessRule, ...] = field(default_factory=tuple)
    key_id: str | None = None
    # The private key, as `/token` takes it: never in a repr (a log line, a test failure).
    pem: str | None = field(default=None, repr=False)

    def normalized(self) -> TokenRequest:
        """The request as it should go to Cloudflare: the video ID in its canonical form and
        every rule normalized."""
        return replace(
            self,
            video_uid=canonical_id(self.video_uid),
            access_rules=tuple(rule.normalized() for rule in self.access_rules),
        )

    def to_api_body(self) -> dict[str, Any]:
        """The JSON body for `POST .../stream/{video_uid}/token`, in the SDK's key order, with
        the rules normalized. Valid for Cloudflare's schema whenever `check_request` finds no
        error; an unknown action or type is passed through, for validation to refuse."""
        body: dict[str, Any] = {}
        if self.key_id is not None:
            body["id"] = self.key_id
        if self.access_rules:
            body["accessRules"] = [rule.to_api() for rule in self.access_rules]
        if self.downloadable is not None:
            body["downloadable"] = self.downloadable
        if self.exp is not None:
            body["exp"] = self.exp
        if self.nbf is not None:
            body["nbf"] = self.nbf
        if self.pem is not None:
            body["pem"] = self.pem
        return body

    def redacted(self) -> dict[str, Any]:
        """The body with the private key hidden, safe for logs and previews."""
        body = self.to_api_body()
        if "pem" in body:
            body["pem"] = "<private key hidden>"
        return body
