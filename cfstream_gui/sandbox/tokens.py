"""Minting tokens like `POST …/token` does, and checking them like the edge does."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Any

import jwt

from cfstream_gui.core.models import (
    DEFAULT_EXP_SECONDS,
    DEFAULT_NBF_SECONDS,
    MAX_RULES,
    MAX_TOKEN_LIFETIME_SECONDS,
)
from cfstream_gui.sandbox.envelope import bad_request
from cfstream_gui.sandbox.keys import KeyMaterial, PemError, load_api_pem
from cfstream_gui.sandbox.state import Account

RULE_TYPES = ("any", "ip.src", "ip.geoip.country")
RULE_ACTIONS = ("allow", "block")
_COUNTRY = re.compile(r"^[A-Z0-9]{2}$")  # ISO alpha-2 plus Cloudflare's XX and T1


def _whole_seconds(body: dict[str, Any], name: str) -> int | None:
    if name not in body:
        return None
    value = body[name]
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad_request(f"{name} must be a whole number of Unix seconds, not {value!r}.")
    return value


def _check_rule(rule: Any, number: int) -> dict[str, Any]:
    if not isinstance(rule, dict):
        raise bad_request(f"Access rule {number} must be an object with type and action.")
    rule_type, action = rule.get("type"), rule.get("action")
    if rule_type not in RULE_TYPES:
        raise bad_request(f"Access rule {number}: type must be one of {', '.join(RULE_TYPES)}.")
    if action not in RULE_ACTIONS:
        raise bad_request(f"Access rule {number}: action must be allow or block.")
    checked: dict[str, Any] = {"type": rule_type, "action": action}
    if rule_type == "ip.src":
        checked["ip"] = _rule_values(rule, "ip", number)
        for value in checked["ip"]:
            try:
                ipaddress.ip_network(value, strict=False)
            except ValueError:
                raise bad_request(
                    f"Access rule {number}: {value!r} is not an IP address or CIDR range."
                ) from None
    elif rule_type == "ip.geoip.country":
        checked["country"] = _rule_values(rule, "country", number)
        for value in checked["country"]:
            if not _COUNTRY.match(value):
                raise bad_request(
                    f"Access rule {number}: {value!r} is not an upper-case ISO 3166-1 "
                    "alpha-2 country code such as US."
                )
    return checked


def _rule_values(rule: dict[str, Any], key: str, number: int) -> list[str]:
    values = rule.get(key)
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        raise bad_request(
            f"Access rule {number} of type {rule['type']} needs a non-empty {key} list."
        )
    return list(values)


def _check_rules(body: dict[str, Any]) -> list[dict[str, Any]] | None:
    if "accessRules" not in body:
        return None
    rules = body["accessRules"]
    if not isinstance(rules, list):
        raise bad_request("accessRules must be a list of rule objects.")
    if len(rules) > MAX_RULES:
        raise bad_request(
            f"accessRules has {len(rules)} rules; a token may carry at most {MAX_RULES}."
        )
    return [_check_rule(rule, number) for number, rule in enumerate(rules, start=1)]


def _signing_key(body: dict[str, Any], account: Account) -> KeyMaterial:
    key_id, pem = body.get("id"), body.get("pem")
    if key_id is None and pem is None:
        return account.keys.cloudflare()
    if key_id is None:
        raise bad_request("id is required when pem is set: send the signing key's id with its pem.")
    if pem is None:
        raise bad_request("pem is required when id is set: send the signing key's pem with its id.")
    if not isinstance(key_id, str) or not isinstance(pem, str):
        raise bad_request("id and pem must both be strings.")
    known = account.key(key_id)
    if known is None or known.revoked:
        raise bad_request(f"id {key_id!r} is not an active signing key of this account.")
    try:
        private_key = load_api_pem(pem)
    except PemError as exc:
        raise bad_request(str(exc)) from None
    if not known.material.same_key(private_key):
        raise bad_request(f"pem is not the private key of signing key {key_id}.")
    return KeyMaterial(key_id, private_key)


def mint_token(body: Any, video_uid: str, account: Account, now: int) -> str:
    """Check a `/token` request body against the documented limits and sign the token."""
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object.")
    exp = _whole_seconds(body, "exp")
    nbf = _whole_seconds(body, "nbf")
    exp = now + DEFAULT_EXP_SECONDS if exp is None else exp
    nbf = now + DEFAULT_NBF_SECONDS if nbf is None else nbf
    if exp - now > MAX_TOKEN_LIFETIME_SECONDS:
        raise bad_request(
            "exp is more than 24 hours after now; a token may be valid for at most 24 h."
        )
    downloadable = body.get("downloadable", False)
    if not isinstance(downloadable, bool):
        raise bad_request("downloadable must be true or false.")
    rules = _check_rules(body)
    key = _signing_key(body, account)
    # Cloudflare-issued tokens carry exp/nbf as strings of digits (reference §4).
    claims: dict[str, Any] = {"sub": video_uid, "kid": key.kid, "exp": str(exp), "nbf": str(nbf)}
    if rules:
        claims["accessRules"] = rules
    if downloadable:
        claims["downloadable"] = True
    return sign(claims, key)


def sign(claims: dict[str, Any], key: KeyMaterial) -> str:
    # typ=None: Cloudflare's header is exactly {"alg","kid"}; PyJWT would add "typ":"JWT".
    return jwt.encode(
        claims, key.private_key, algorithm="RS256", headers={"kid": key.kid, "typ": None}
    )


@dataclass(frozen=True)
class PlaybackVerdict:
    """Whether the edge would serve the video to this viewer, and why."""

    allowed: bool
    reason: str
    rule_index: int | None = None  # 0-based access rule that decided, if one did

    def __bool__(self) -> bool:
        return self.allowed


def _deny(reason: str, rule_index: int | None = None) -> PlaybackVerdict:
    return PlaybackVerdict(False, reason, rule_index)


def _time_claim(claims: dict[str, Any], name: str) -> int | None:
    value = claims.get(name)
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(name)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    raise ValueError(name)


def _resolve_key(kid: str, account: Account) -> KeyMaterial | str:
    """The key for `kid`, or the reason there is none."""
    cloudflare = account.keys.cloudflare()
    if kid == cloudflare.kid:
        return cloudflare
    known = account.key(kid)
    if known is None:
        return f"The token's key {kid} is not a signing key of this account."
    if known.revoked:
        return f"The token's signing key {kid} has been revoked."
    return known.material


def verify_playback(
    token: str,
    video_uid: str,
    account: Account,
    *,
    viewer_ip: str | None,
    country: str | None,
    now: int,
) -> PlaybackVerdict:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError:
        return _deny("The token is not a JWT.")
    if header.get("alg") != "RS256":
        return _deny(f"The token is signed with {header.get('alg')!r}; Stream needs RS256.")
    kid = header.get("kid")
    if not isinstance(kid, str):
        return _deny("The token's header has no kid naming its signing key.")
    key = _resolve_key(kid, account)
    if isinstance(key, str):
        return _deny(key)
    try:
        claims = jwt.decode(
            token,
            key.public_key,
            algorithms=["RS256"],
            # Times are checked below: they may be strings and `now` is the caller's.
            options={"verify_exp": False, "verify_nbf": False, "verify_iat": False},
        )
    except jwt.InvalidSignatureError:
        return _deny("The token's signature does not match its signing key.")
    except jwt.InvalidTokenError as exc:
        return _deny(f"The token's claims could not be read: {exc}.")
    return _check_claims(claims, kid, video_uid, viewer_ip, country, now)


def _check_claims(
    claims: dict[str, Any],
    kid: str,
    video_uid: str,
    viewer_ip: str | None,
    country: str | None,
    now: int,
) -> PlaybackVerdict:
    if claims.get("kid", kid) != kid:
        return _deny("The token's kid claim differs from the kid in its header.")
    if claims.get("sub") != video_uid:
        return _deny(f"The token is for video {claims.get('sub')!r}, not {video_uid}.")
    try:
        exp, nbf = _time_claim(claims, "exp"), _time_claim(claims, "nbf")
    except ValueError as exc:
        return _deny(f"The token's {exc} claim is not a Unix time in seconds.")
    if exp is None:
        return _deny("The token has no exp claim; Stream tokens must expire.")
    if now >= exp:
        return _deny(f"The token expired {now - exp} seconds ago.")
    if nbf is not None and now < nbf:
        return _deny(f"The token is not valid for another {nbf - now} seconds.")
    return _apply_rules(claims.get("accessRules") or [], viewer_ip, country)


def _apply_rules(rules: Any, viewer_ip: str | None, country: str | None) -> PlaybackVerdict:
    if not isinstance(rules, list):
        return _deny("The token's accessRules claim is not a list.")
    address = ipaddress.ip_address(viewer_ip) if viewer_ip else None
    viewer_country = country.upper() if country else None
    for index, rule in enumerate(rules):
        if not isinstance(rule, dict):
            return _deny(f"Access rule {index + 1} in the token is not an object.", index)
        try:
            if not _rule_matches(rule, address, viewer_country):
                continue
        except ValueError:
            return _deny(f"Access rule {index + 1} holds a value that is not an IP or CIDR.", index)
        verb = "allows" if rule.get("action") == "allow" else "blocks"
        reason = f"Access rule {index + 1} ({rule.get('type')}) {verb} this viewer."
        return PlaybackVerdict(rule.get("action") == "allow", reason, index)
    return PlaybackVerdict(True, "No access rule matched this viewer, so the token allows it.")


def _rule_matches(
    rule: dict[str, Any],
    address: ipaddress.IPv4Address | ipaddress.IPv6Address | None,
    country: str | None,
) -> bool:
    rule_type = rule.get("type")
    if rule_type == "any":
        return True
    if rule_type == "ip.src" and address is not None:
        # A v4 range never matches a v6 viewer (reference §1): `in` is False across versions.
        return any(
            address in ipaddress.ip_network(value, strict=False) for value in rule.get("ip", [])
        )
    if rule_type == "ip.geoip.country" and country is not None:
        return country in {str(code).upper() for code in rule.get("country", [])}
    return False
