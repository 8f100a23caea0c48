"""Understanding any Stream token: what it grants, to whom, until when, and who signed it.

Paste a token, or a link or embed snippet with one in it. Nothing in it is trusted: it is
decoded without checking, every claim is read defensively (Cloudflare's own tokens carry `exp`
and `nbf` as strings of digits), and what Cloudflare would refuse is said in sentences. The
signature is checked only with a key held here; a token signed with Cloudflare's own key (what
`/token` without a key of yours makes) cannot be checked here, and the report says so.

The report is plain data for the window, the CLI and its JSON. How long the token is still
valid depends on when it is asked, so `TokenReport.validity_phrase(now)` can be called again as
the clock moves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from cfstream_gui.core.ids import is_hex_id, shown
from cfstream_gui.core.keys.signing_key import SigningKey
from cfstream_gui.core.models import AccessRule
from cfstream_gui.core.simulate import SimulationError, describe_rule, rules_from_claims
from cfstream_gui.core.token_moments import Moment, moment, span
from cfstream_gui.core.token_signature import SignatureCheck, check_signature
from cfstream_gui.core.tokens import DecodedToken, TokenDecodeError, decode_token
from cfstream_gui.core.urls import customer_code_from_host
from cfstream_gui.core.validation import Problem, Severity, check_rules
from cfstream_gui.core.validation.problems import error, warning
from cfstream_gui.core.video_ids import is_video_uid, parse_video_reference

# Tokens are a few hundred bytes, a few kilobytes with five long rules; a link or snippet adds
# a little. Anything far larger is not one, and is not worth decoding.
MAX_INPUT_CHARS = 64 * 1024


class TokenInspectError(ValueError):
    """The text holds no token that can be read; str() is a sentence saying why."""


class Validity(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    NOT_YET_VALID = "not yet valid"
    NEVER_EXPIRES = "no expiry"  # Cloudflare refuses such a token


@dataclass(frozen=True)
class TokenReport:
    token: str
    header: dict[str, Any]
    claims: dict[str, Any]
    video_uid: str | None
    key_id: str | None
    not_before: Moment | None
    expires: Moment | None
    downloadable: bool
    rules: tuple[AccessRule, ...]
    rules_in_words: tuple[str, ...]
    signature: SignatureCheck
    problems: tuple[Problem, ...]  # errors (Cloudflare would refuse it) and warnings
    link_host: str | None = None  # the host of the link the token came in, if any
    customer_code: str | None = None  # from that host

    def validity(self, now: int) -> Validity:
        if self.expires is None:
            return Validity.NEVER_EXPIRES
        if now >= self.expires.epoch:
            return Validity.EXPIRED
        if self.not_before is not None and now < self.not_before.epoch:
            return Validity.NOT_YET_VALID
        return Validity.VALID

    def validity_phrase(self, now: int) -> str:
        """'valid for 42 min', 'expired 3 h ago', 'not valid yet (starts in 5 min)'."""
        state = self.validity(now)
        if state is Validity.NEVER_EXPIRES:
            return "never expires, so Cloudflare refuses it"
        assert self.expires is not None  # every other state has an expiry
        if state is Validity.EXPIRED:
            return f"expired {span(now - self.expires.epoch)} ago"
        if state is Validity.NOT_YET_VALID:
            assert self.not_before is not None
            return f"not valid yet (starts in {span(self.not_before.epoch - now)})"
        return f"valid for {span(self.expires.epoch - now)}"

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)

    def to_json(self, now: int) -> dict[str, Any]:
        """Everything in the report as JSON values; times both as given and as epoch seconds."""
        return {
            "token": self.token,
            "header": self.header,
            "claims": self.claims,
            "video": self.video_uid,
            "key_id": self.key_id,
            "not_before": None if self.not_before is None else self.not_before.to_json(),
            "expires": None if self.expires is None else self.expires.to_json(),
            "validity": self.validity(now).value,
            "validity_phrase": self.validity_phrase(now),
            "downloadable": self.downloadable,
            "rules": [rule.to_api() for rule in self.rules],
            "rules_in_words": list(self.rules_in_words),
            "signature": self.signature.to_json(),
            "problems": [
                {"severity": p.severity.value, "field": p.field, "message": p.message}
                for p in self.problems
            ],
            "link_host": self.link_host,
            "customer_code": self.customer_code,
        }


def inspect_token(
    text: str, now: int, held_keys: Mapping[str, SigningKey] | None = None
) -> TokenReport:
    """A report on the token in `text` (a token, a link or a snippet holding one) at `now`.
    `held_keys`, by key ID, are the signing keys held here, to check the signature with."""
    token, host = find_token(text)
    decoded = decode_token(token)  # find_token has made sure this succeeds
    problems: list[Problem] = []
    rules = _rules(decoded, problems)
    problems += _claim_problems(decoded)
    return TokenReport(
        token=token,
        header=decoded.header,
        claims=decoded.claims,
        video_uid=decoded.sub,
        key_id=decoded.kid,
        not_before=moment(decoded.nbf, decoded.claims.get("nbf")),
        expires=moment(decoded.exp, decoded.claims.get("exp")),
        downloadable=decoded.downloadable,
        rules=rules,
        rules_in_words=tuple(describe_rule(rule) for rule in rules),
        signature=check_signature(token, decoded, held_keys or {}),
        problems=tuple(problems),
        link_host=host,
        customer_code=customer_code_from_host(host) if host else None,
    )


def find_token(text: str) -> tuple[str, str | None]:
    """The token in `text` and the host of the link it was in (None for a bare token).
    TokenInspectError says what the text is instead, in a sentence."""
    stripped = text.strip()
    if not stripped:
        raise TokenInspectError("Nothing was pasted; paste a token or a link with one in it.")
    if len(stripped) > MAX_INPUT_CHARS:
        raise TokenInspectError(
            f"That is {len(stripped):,} characters, far longer than any token or link; paste "
            "just the token or one link."
        )
    if not any(mark in stripped for mark in "/ ="):  # a token never holds these
        _readable(stripped)
        return stripped, None
    for host, candidate in _link_parts(stripped):
        if candidate.count(".") == 2:
            try:
                decode_token(candidate)
            except TokenDecodeError:
                continue
            return candidate, host
    raise TokenInspectError(_no_token_message(stripped))


def _readable(token: str) -> None:
    try:
        decode_token(token)
    except TokenDecodeError as exc:
        if is_video_uid(token):
            raise TokenInspectError(
                "That is a video ID, not a token; a token is three parts separated by dots."
            ) from None
        raise TokenInspectError(str(exc)) from None


def _link_parts(text: str) -> list[tuple[str | None, str]]:
    """(host, piece) for every path segment and query value of every link in `text`."""
    parts: list[tuple[str | None, str]] = []
    for word in text.replace('"', " ").replace("'", " ").replace("<", " ").split():
        if "/" not in word:  # "Bearer <token>", "token=<token>": the word itself, or its tail
            parts += [(None, word), (None, word.rpartition("=")[2])]
            continue
        url = word if "://" in word else "https://" + word.lstrip("/")
        try:
            split = urlsplit(url)
            host = split.hostname
        except ValueError:
            continue
        parts += [(host, segment) for segment in split.path.split("/") if segment]
        parts += [(host, value) for _, value in parse_qsl(split.query)]
    return parts


def _no_token_message(text: str) -> str:
    reference = parse_video_reference(text)
    if reference.from_url:
        return (
            f"This link holds the video ID {reference.uid}, not a token: it plays only if the "
            "video does not require signed URLs."
        )
    return (
        f"No token was found in {shown(text, 60)}: a Stream token is three parts separated by "
        "dots, on its own or where the video ID goes in a link."
    )


def _rules(decoded: DecodedToken, problems: list[Problem]) -> tuple[AccessRule, ...]:
    try:
        rules = rules_from_claims(decoded.claims.get("accessRules"))
    except SimulationError as exc:
        problems.append(error("access rules", str(exc)))
        return ()
    problems += check_rules(rules)
    return rules


def _claim_problems(decoded: DecodedToken) -> list[Problem]:
    problems: list[Problem] = []
    alg = decoded.header.get("alg")
    if alg != "RS256":
        problems.append(
            error("signature", f"The token is signed with {shown(str(alg))}; Stream needs RS256.")
        )
    if decoded.sub is None:
        problems.append(error("video", "The token names no video (sub); Cloudflare refuses it."))
    elif not is_hex_id(decoded.sub):
        message = f"The token's video ID {shown(decoded.sub)} is not 32 hex characters."
        problems.append(warning("video", message))
    if decoded.kid is None:
        problems.append(error("signing key", "The token names no signing key (kid)."))
    claim_kid = decoded.claims.get("kid")
    if claim_kid is not None and claim_kid != decoded.header.get("kid", claim_kid):
        message = "The token's kid claim differs from the kid in its header; Cloudflare refuses it."
        problems.append(error("signing key", message))
    if decoded.exp is None:
        message = "The token has no expiry (exp); Stream tokens must expire, so it is refused."
        problems.append(error("expiry", message))
    elif decoded.nbf is not None and decoded.exp <= decoded.nbf:
        message = "The token expires before it becomes valid, so it never plays."
        problems.append(error("expiry", message))
    return problems
