"""Reading a batch file: video IDs one per line, or CSV with per-row expiry and rules.

Shape only: every row keeps its line number, and a row that cannot be read becomes a
`RowError` with that number instead of vanishing. What the values mean (is the expiry within
24 h, is "ZZ" a country) is checked when the row is signed, by the same validation as one token.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import NamedTuple

from cfstream_gui.core.ids import shown
from cfstream_gui.core.models import RULE_TYPE_ALIASES, AccessRule, Action, RuleType
from cfstream_gui.core.validation import normalize_rule, parse_rule_values
from cfstream_gui.core.video_ids import is_video_uid

VIDEO_COLUMN = "video"
EXP_COLUMN = "exp"
RULES_COLUMN = "rules"
RULE_SEPARATOR = ";"


class BatchInputError(ValueError):
    """The file as a whole cannot be read (not one bad row); str() is a sentence."""


class RuleSyntaxError(ValueError):
    """A rule string is not `ACTION TYPE [VALUES]`; str() says what is wrong, without the
    "--rule N" or "line N" prefix the caller adds."""


@dataclass(frozen=True)
class BatchRow:
    """One video to sign. `exp` is the row's own WHEN text and `rules` its own rules; None
    means "use the batch defaults" (an empty rules cell is not "no rules")."""

    line: int
    video_uid: str
    exp: str | None = None
    rules: tuple[AccessRule, ...] | None = None


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class ParsedInput(NamedTuple):
    rows: list[BatchRow]
    errors: list[RowError]


def parse_rule_text(text: str) -> AccessRule:
    """`"allow country US,MX"` -> an AccessRule with the API's type name.

    Only the shape is checked; what the values mean is `check_request`'s job, so a bad
    country code gets the same message here as in the GUI."""
    parts = text.split(maxsplit=2)
    if len(parts) < 2:
        raise RuleSyntaxError("needs an action and a type, e.g. “allow country US,MX”")
    action, type_name = parts[0].lower(), parts[1].lower()
    if action not in {a.value for a in Action}:
        raise RuleSyntaxError(f"action {shown(parts[0])} is not allow or block")
    rule_type = RULE_TYPE_ALIASES.get(type_name)
    if rule_type is None:
        known = ", ".join(sorted(RULE_TYPE_ALIASES))
        raise RuleSyntaxError(f"type {shown(parts[1])} is not one of: {known}")
    return normalize_rule(
        AccessRule(action=action, type=rule_type.value, values=_values(rule_type, parts[2:]))
    )


def _values(rule_type: RuleType, rest: list[str]) -> tuple[str, ...]:
    text = rest[0] if rest else ""
    if rule_type.values_key is None:
        # parse_rule_values drops values for `any`; keep them so validation says they are wrong.
        return tuple(part for part in re.split(r"[,\s]+", text) if part)
    return tuple(parse_rule_values(rule_type.value, text))


def parse_batch_input(text: str) -> ParsedInput:
    """Rows and row errors from a batch file's text. CSV when the first line that is not blank
    or a `#` comment has a `video` column; otherwise one video ID per line."""
    text = text.removeprefix("\ufeff")  # a BOM from spreadsheet exports
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if _is_content(line)), None)
    if first is None:
        return ParsedInput([], [])
    header = [cell.strip().lower() for cell in next(csv.reader([lines[first]]))]
    if VIDEO_COLUMN in header:
        return _parse_csv(lines, first, header)
    if len(header) > 1:
        raise BatchInputError(
            "The file looks like CSV but its header has no “video” column; name the column "
            "with the video IDs “video”, or list one video ID per line."
        )
    return _parse_list(lines)


def _is_content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _parse_list(lines: list[str]) -> ParsedInput:
    rows: list[BatchRow] = []
    errors: list[RowError] = []
    for number, line in enumerate(lines, start=1):
        if not _is_content(line):
            continue
        uid = line.strip()
        problem = _uid_problem(uid)
        if problem is None:
            rows.append(BatchRow(number, uid.lower()))
        else:
            errors.append(RowError(number, problem))
    return ParsedInput(rows, errors)


def _uid_problem(uid: str) -> str | None:
    if is_video_uid(uid):
        return None
    if not uid:
        return "the video ID is empty."
    # Stricter than one token's check (which only warns): in a batch an odd line is far more
    # likely a stray header or a typo than a real ID of an unusual shape.
    return f"video ID {shown(uid)} is not 32 hex characters like Cloudflare's IDs."


def _parse_csv(lines: list[str], first: int, header: list[str]) -> ParsedInput:
    rows: list[BatchRow] = []
    errors: list[RowError] = []
    # Rows are read line by line so each keeps its own line number; a quoted cell cannot span
    # lines in this format, which keeps the numbers the ones an editor shows.
    for number, line in enumerate(lines[first + 1 :], start=first + 2):
        if not _is_content(line):
            continue
        cells = next(csv.reader(io.StringIO(line)), [])
        record = {name: cells[i].strip() for i, name in enumerate(header) if i < len(cells)}
        try:
            rows.append(_csv_row(number, record))
        except (RuleSyntaxError, _RowProblem) as exc:
            errors.append(RowError(number, str(exc)))
    return ParsedInput(rows, errors)


class _RowProblem(ValueError):
    pass


def _csv_row(number: int, record: dict[str, str]) -> BatchRow:
    uid = record.get(VIDEO_COLUMN, "")
    problem = _uid_problem(uid)
    if problem is not None:
        raise _RowProblem(problem)
    exp = record.get(EXP_COLUMN) or None
    rules_text = record.get(RULES_COLUMN, "")
    rules = parse_rule_list(rules_text) if rules_text else None
    return BatchRow(number, uid.lower(), exp, rules)


def parse_rule_list(text: str) -> tuple[AccessRule, ...]:
    """Rules written `ACTION TYPE [VALUES]` and separated by ";" (a CSV row's rules column, the
    batch dialog's rules field); RuleSyntaxError naming the rule that cannot be read."""
    rules: list[AccessRule] = []
    parts = [part.strip() for part in text.split(RULE_SEPARATOR)]
    for index, part in enumerate((p for p in parts if p), start=1):
        try:
            rules.append(parse_rule_text(part))
        except RuleSyntaxError as exc:
            raise RuleSyntaxError(f"rule {index} ({shown(part)}) {exc}.") from None
    return tuple(rules)
