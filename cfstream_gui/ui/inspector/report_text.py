"""A token report (`core.inspection.TokenReport`) as the inspector's lines of text, each with the
tone it is shown in. Plain functions, tested without a window.

Every value here may be a hostile token's own text; the widgets show it as plain text, and the
JSON view escapes anything outside ASCII, so nothing in a token can pose as something else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from cfstream_gui.core.inspection import TokenReport, Validity
from cfstream_gui.core.token_moments import Moment
from cfstream_gui.core.token_signature import SignatureState
from cfstream_gui.core.validation import Severity
from cfstream_gui.ui.common.style import Tone

NOT_SET = "(not set)"
NO_RULES = "None: anyone with the link can watch."

_VALIDITY_TONES = {
    Validity.VALID: Tone.OK,
    Validity.EXPIRED: Tone.ERROR,
    Validity.NOT_YET_VALID: Tone.WARNING,
    Validity.NEVER_EXPIRES: Tone.ERROR,
}
_SIGNATURE_TONES = {
    SignatureState.VERIFIED: Tone.OK,
    SignatureState.BAD: Tone.ERROR,
    SignatureState.NOT_HELD: None,
    SignatureState.UNREADABLE: Tone.WARNING,
}


@dataclass(frozen=True)
class Line:
    text: str
    tone: Tone | None = None


def moment_text(moment: Moment | None) -> str:
    """'2026-11-28 21:43:00 UTC (22:43:00 local, CET)', and how the token wrote it when it
    wrote a string (as Cloudflare's own tokens do)."""
    if moment is None:
        return NOT_SET
    if isinstance(moment.given, str):
        return f'{moment.described}, given as the string "{moment.given}"'
    return moment.described


def validity_line(report: TokenReport, now: int) -> Line:
    """'Valid for 42 min', 'Expired 3 h ago', 'Not valid yet (starts in 5 min)'."""
    phrase = report.validity_phrase(now)
    return Line(phrase[:1].upper() + phrase[1:], _VALIDITY_TONES[report.validity(now)])


def signature_line(report: TokenReport) -> Line:
    return Line(report.signature.message, _SIGNATURE_TONES[report.signature.state])


def rules_text(report: TokenReport) -> str:
    if not report.rules_in_words:
        return NO_RULES
    return "\n".join(f"{n}. {words}" for n, words in enumerate(report.rules_in_words, 1))


def problem_lines(report: TokenReport) -> list[Line]:
    """What Cloudflare would refuse (problems), then what looks unintended (warnings)."""
    errors = [Line(p.message, Tone.ERROR) for p in report.problems if p.severity is Severity.ERROR]
    warnings = [
        Line(p.message, Tone.WARNING) for p in report.problems if p.severity is Severity.WARNING
    ]
    return errors + warnings


def rules_unreadable(report: TokenReport) -> str | None:
    """The sentence saying why the token's rules cannot be simulated, if they cannot."""
    return next((p.message for p in report.errors if p.field == "access rules"), None)


def header_and_claims(report: TokenReport) -> str:
    """The token's two JSON parts as it carries them, pretty-printed."""
    document = {"header": report.header, "claims": report.claims}
    return json.dumps(document, indent=2, ensure_ascii=True, default=str)
