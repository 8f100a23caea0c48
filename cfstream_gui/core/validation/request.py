"""Checking a token request before it is sent, in words a user can act on.

Every check returns `Problem`s rather than raising, so the GUI can show all of them at once next
to the fields they concern; `require_valid` turns the errors into one exception for the CLI.
ERRORs are things Cloudflare would reject or that make the token useless; WARNINGs are allowed
but probably not what the user meant.

This module checks identifiers, times and the signing key, and the whole request; the access
rules are checked in `rules.py`, and problems are defined in `problems.py`. Callers import all of
it from the package, `cfstream_gui.core.validation`.
"""

from __future__ import annotations

import base64
import binascii
import re

from cfstream_gui.core.ids import HEX_ID_LENGTH, is_hex_id, is_plausible_id, shown
from cfstream_gui.core.models import DEFAULT_EXP_SECONDS, MAX_TOKEN_LIFETIME_SECONDS, TokenRequest
from cfstream_gui.core.timeparse import describe, from_epoch
from cfstream_gui.core.validation.problems import Problem
from cfstream_gui.core.validation.problems import error as _error
from cfstream_gui.core.validation.problems import warning as _warning
from cfstream_gui.core.validation.rules import check_rules

# --- identifiers -------------------------------------------------------------------------------

MAX_ID_LENGTH = HEX_ID_LENGTH  # all Cloudflare's schemas guarantee; every real ID is 32 hex


def check_account_id(value: str) -> list[Problem]:
    return _check_identifier(value, "Account ID", "account ID")


def check_video_uid(value: str) -> list[Problem]:
    return _check_identifier(value, "Video ID", "video ID")


def check_signing_key_id(value: str) -> list[Problem]:
    return _check_identifier(value, "Signing key ID", "signing key ID")


def _check_identifier(value: str, label: str, field: str) -> list[Problem]:
    if not value.strip():
        return [_error(field, f"{label} is empty; paste the 32-character ID.")]
    if is_hex_id(value):
        return []
    spaces = " and contains spaces, which must be removed" if re.search(r"\s", value) else ""
    if len(value) > MAX_ID_LENGTH:
        message = f"{label} is {len(value)} characters long{spaces}; Cloudflare IDs are at most 32."
        return [_error(field, message)]
    if not is_plausible_id(value):
        # '..', 'a/b', '%2F' or a control character cannot be an ID, and would change the
        # path or token it goes into: refused in every engine, never sent.
        message = (
            f"{label} {shown(value)} cannot be a Cloudflare ID: it {_flaw(value)}; "
            "paste the 32-character ID."
        )
        return [_error(field, message)]
    # Cloudflare only promises "at most 32 characters", so an odd shape may still be real.
    message = (
        f"{label} {shown(value)} is not 32 hex characters like Cloudflare's IDs; "
        "check it was copied whole."
    )
    return [_warning(field, message)]


def _flaw(value: str) -> str:
    """What in `value` (not a plausible ID, at most 32 characters) no ID could contain."""
    if any(c.isspace() for c in value):
        return "contains spaces or line breaks"
    if not value.isprintable():
        return "contains control characters"
    if not value.isascii():
        return "contains characters other than plain letters and digits"
    odd = [f"“{c}”" for c in sorted({c for c in value if not c.isalnum()})]
    listed = odd[0] if len(odd) == 1 else f"{', '.join(odd[:-1])} and {odd[-1]}"
    return f"contains {listed}"


# --- times -------------------------------------------------------------------------------------


def check_times(exp: int | None, nbf: int | None, now: int) -> list[Problem]:
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
    problems = check_signing_key_id(key_id)
    pem_problem = _pem_problem(pem)
    if pem_problem is not None:
        problems.append(_error("private key", pem_problem))
    return problems


def _pem_problem(pem: str) -> str | None:
    """What is wrong with the base64 `pem` value, if anything. The key itself never appears
    in the message: it is a secret."""
    # Key formats load cryptography and PyJWT: only a request that carries a key needs them.
    from cfstream_gui.core.keys.formats import PEM_BEGIN, PemKind, has_passphrase_headers, pem_kind

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
    begin = PEM_BEGIN.match(decoded.lstrip())
    if begin is None:
        return (
            "The private key is base64 but not a PEM: it should decode to text starting with "
            "-----BEGIN; check the right value was copied."
        )
    label = begin.group(1)
    kind = pem_kind(label)  # signing_keys knows which PEMs a signing key can be
    if kind is PemKind.ENCRYPTED or (kind is PemKind.PRIVATE and has_passphrase_headers(decoded)):
        return "The private key is protected by a passphrase; Cloudflare needs it unencrypted."
    if kind is PemKind.NOT_RSA:
        return f"The private key decodes to a PEM {label.lower()}, but Stream signing keys are RSA."
    if kind is not PemKind.PRIVATE:
        return f"The private key decodes to a PEM {label.lower()}, not a private key."
    return None


# --- whole request -----------------------------------------------------------------------------


def check_request(req: TokenRequest, *, now: int, account_id: str | None = None) -> list[Problem]:
    """Every problem with `req` at epoch second `now`; the account ID only if one is given."""
    problems: list[Problem] = []
    if account_id is not None:
        problems.extend(check_account_id(account_id))
    problems.extend(check_video_uid(req.video_uid))
    problems.extend(check_rules(req.access_rules))
    problems.extend(check_times(req.exp, req.nbf, now))
    problems.extend(_check_signing_key(req.key_id, req.pem))
    return problems
