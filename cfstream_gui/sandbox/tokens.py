"""Minting tokens like `POST …/token` does, and checking them like the edge does."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Any

import jwt

from cfstream_gui.core.edge_verdicts import EdgeVerdict
from cfstream_gui.core.models import (
    DEFAULT_EXP_SECONDS,
    DEFAULT_NBF_SECONDS,
    MAX_RULES,
    MAX_TOKEN_LIFETIME_SECONDS,
)
from cfstream_gui.core.simulate import (
    SimulationError,
    Viewer,
    parse_viewer_ip,
    rules_from_claims,
    simulate,
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
    """Whether the edge would serve the video to this viewer, why, and the verdict's word."""

    allowed: bool
    reason: str
    rule_index: int | None = None  # 0-based access rule that decided, if one did
    verdict: EdgeVerdict = EdgeVerdict.PLAYS

    def __bool__(self) -> bool:
        return self.allowed


def _deny(verdict: EdgeVerdict, reason: str, rule_index: int | None = None) -> PlaybackVerdict:
    return PlaybackVerdict(False, reason, rule_index, verdict)


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


def _resolve_key(kid: str, account: Account) -> KeyMaterial | PlaybackVerdict:
    """The key for `kid`, or the refusal when there is none."""
    cloudflare = account.keys.cloudflare()
    if kid == cloudflare.kid:
        return cloudflare
    known = account.key(kid)
    if known is None:
        reason = f"The token's key {kid} is not a signing key of this account."
        return _deny(EdgeVerdict.WRONG_KEY, reason)
    if known.revoked:
        return _deny(EdgeVerdict.KEY_REVOKED, f"The token's signing key {kid} has been revoked.")
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
    bad = EdgeVerdict.BAD_TOKEN
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError:
        return _deny(bad, "The token is not a JWT.")
    if header.get("alg") != "RS256":
        return _deny(bad, f"The token is signed with {header.get('alg')!r}; Stream needs RS256.")
    kid = header.get("kid")
    if not isinstance(kid, str):
        return _deny(bad, "The token's header has no kid naming its signing key.")
    key = _resolve_key(kid, account)
    if isinstance(key, PlaybackVerdict):
        return key
    try:
        claims = jwt.decode(
            token,
            key.public_key,
            algorithms=["RS256"],
            # Times are checked below: they may be strings and `now` is the caller's.
            options={"verify_exp": False, "verify_nbf": False, "verify_iat": False},
        )
    except jwt.InvalidSignatureError:
        reason = "The token's signature does not match its signing key."
        return _deny(EdgeVerdict.WRONG_KEY, reason)
    except jwt.InvalidTokenError as exc:
        return _deny(bad, f"The token's claims could not be read: {exc}.")
    return _check_claims(claims, kid, video_uid, viewer_ip, country, now)


def _check_claims(
    claims: dict[str, Any],
    kid: str,
    video_uid: str,
    viewer_ip: str | None,
    country: str | None,
    now: int,
) -> PlaybackVerdict:
    bad = EdgeVerdict.BAD_TOKEN
    if claims.get("kid", kid) != kid:
        return _deny(bad, "The token's kid claim differs from the kid in its header.")
    if claims.get("sub") != video_uid:
        reason = f"The token is for video {claims.get('sub')!r}, not {video_uid}."
        return _deny(EdgeVerdict.WRONG_VIDEO, reason)
    try:
        exp, nbf = _time_claim(claims, "exp"), _time_claim(claims, "nbf")
    except ValueError as exc:
        return _deny(bad, f"The token's {exc} claim is not a Unix time in seconds.")
    if exp is None:
        return _deny(bad, "The token has no exp claim; Stream tokens must expire.")
    if now >= exp:
        return _deny(EdgeVerdict.EXPIRED, f"The token expired {now - exp} seconds ago.")
    if nbf is not None and now < nbf:
        reason = f"The token is not valid for another {nbf - now} seconds."
        return _deny(EdgeVerdict.NOT_YET_VALID, reason)
    return _apply_rules(claims.get("accessRules"), viewer_ip, country)


def _apply_rules(claim: Any, viewer_ip: str | None, country: str | None) -> PlaybackVerdict:
    """The token's rules for this viewer, decided by the same function as the app's simulator."""
    # A viewer address that is not one is the caller's mistake (SimulationError, a
    # ValueError), not the token's; the delivery side checks the headers it takes it from.
    viewer = Viewer(
        ip=parse_viewer_ip(viewer_ip) if viewer_ip else None,
        country=country.upper() if country else None,
    )
    try:
        outcome = simulate(rules_from_claims(claim), viewer)
    except SimulationError as exc:
        return _deny(EdgeVerdict.BAD_TOKEN, str(exc), exc.rule_index)
    if outcome.rule_index is None or outcome.rule is None:
        return PlaybackVerdict(True, "No access rule matched this viewer, so the token allows it.")
    number, rule = outcome.rule_index + 1, outcome.rule
    verb = "allows" if outcome.allowed else "blocks"
    reason = f"Access rule {number} ({rule.type}) {verb} this viewer."
    if outcome.allowed:
        return PlaybackVerdict(True, reason, outcome.rule_index)
    return _deny(EdgeVerdict.BLOCKED, reason, outcome.rule_index)
