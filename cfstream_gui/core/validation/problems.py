"""What a check finds: `Problem`s with a severity, and the exception that gathers the errors.

Kept apart from the checks themselves so that every checking module (`validation`,
`rule_checks`) can build problems without importing the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


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


def error(field: str, message: str) -> Problem:
    return Problem(field, message, Severity.ERROR)


def warning(field: str, message: str) -> Problem:
    return Problem(field, message, Severity.WARNING)


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [problem for problem in problems if problem.severity is Severity.ERROR]


def warnings(problems: Iterable[Problem]) -> list[Problem]:
    return [problem for problem in problems if problem.severity is Severity.WARNING]


def require_valid(problems: list[Problem]) -> None:
    """Raise ValidationError if any problem is an ERROR; warnings pass."""
    if errors(problems):
        raise ValidationError(problems)
