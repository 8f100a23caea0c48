"""Checking what a user asks for before anything is sent, in words a user can act on.

Every check returns `Problem`s (ERROR blocks sending, WARNING is shown but allowed) naming the
field it concerns; `require_valid` turns the errors into one `ValidationError`. The parts:
`problems.py` (the types), `rules.py` (access rules, IPs, countries), `request.py` (IDs, times,
the signing key, the whole request).
"""

from cfstream_gui.core.validation.problems import (
    Problem,
    Severity,
    ValidationError,
    errors,
    require_valid,
    warnings,
)
from cfstream_gui.core.validation.request import (
    MAX_ID_LENGTH,
    check_account_id,
    check_request,
    check_signing_key_id,
    check_times,
    check_video_uid,
)
from cfstream_gui.core.validation.rules import (
    check_rule,
    check_rules,
    normalize_request,
    normalize_rule,
    parse_rule_values,
)

__all__ = [
    "MAX_ID_LENGTH",
    "Problem",
    "Severity",
    "ValidationError",
    "check_account_id",
    "check_request",
    "check_rule",
    "check_rules",
    "check_signing_key_id",
    "check_times",
    "check_video_uid",
    "errors",
    "normalize_request",
    "normalize_rule",
    "parse_rule_values",
    "require_valid",
    "warnings",
]
