"""`cfstream-token simulate`: would this viewer get in? For a token's rules or --rule rules.

The first line of output is the word `allowed` or `blocked`, for scripts; the second says which
rule decided, or that none matched. The same function decides in the window and in the
sandbox's edge (`core.simulate`). Rule lints go to stderr, as for create.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from cfstream_gui.core.inspection import TokenInspectError, find_token
from cfstream_gui.core.models import AccessRule
from cfstream_gui.core.simulate import (
    Outcome,
    SimulationError,
    describe_rule,
    parse_viewer,
    rules_from_claims,
    simulate,
)
from cfstream_gui.core.tokens import decode_token
from cfstream_gui.core.validation import Severity, check_rules

from .context import Context
from .errors import EXIT_OK, UsageError
from .parsing import parse_rule


def run_simulate(args: argparse.Namespace, ctx: Context) -> int:
    rules = _rules(args)
    try:
        viewer = parse_viewer(args.ip, args.country)
        outcome = simulate(rules, viewer)
    except SimulationError as exc:
        raise UsageError(str(exc), hint="Give the viewer with --ip and/or --country.") from None
    for problem in check_rules(rules):
        label = "warning" if problem.severity is Severity.WARNING else "problem"
        ctx.note(f"{label}: {problem.message}")
    if args.json:
        json.dump(_json(outcome, args), ctx.out, indent=2, ensure_ascii=True)
        ctx.out.write("\n")
        return EXIT_OK
    ctx.say(outcome.verdict)
    if outcome.rule_index is None or outcome.rule is None:
        ctx.say(f"no rule matched: {outcome.verdict}")
    else:
        ctx.say(f"rule {outcome.rule_index + 1}: {describe_rule(outcome.rule)}")
    if outcome.unchecked:
        ctx.note(f"note: {outcome.reason}")
    return EXIT_OK


def _rules(args: argparse.Namespace) -> tuple[AccessRule, ...]:
    if args.token is not None and args.rules:
        raise UsageError("Give a token or --rule rules, not both.")
    if args.token is None:
        if not args.rules:
            raise UsageError(
                "Give a token (or a link with one) to simulate its rules, or the rules "
                'themselves with --rule, e.g. --rule "allow country US" --rule "block any".'
            )
        return tuple(parse_rule(text, number) for number, text in enumerate(args.rules, start=1))
    try:
        token, _ = find_token(args.token)
        return rules_from_claims(decode_token(token).claims.get("accessRules"))
    except (TokenInspectError, SimulationError) as exc:
        raise UsageError(str(exc)) from None


def _json(outcome: Outcome, args: argparse.Namespace) -> dict[str, Any]:
    rule = outcome.rule
    return {
        "verdict": outcome.verdict,
        "allowed": outcome.allowed,
        "rule": None if outcome.rule_index is None else outcome.rule_index + 1,
        "matched": None if rule is None else rule.to_api(),
        "matched_in_words": None if rule is None else describe_rule(rule),
        "reason": outcome.reason,
        "unchecked_rules": [index + 1 for index in outcome.unchecked],
        "viewer": {"ip": args.ip, "country": args.country},
    }
