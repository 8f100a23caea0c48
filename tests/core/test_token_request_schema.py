"""Every request our validator accepts becomes a body that Cloudflare's own published schema
accepts, with the rules meaning what the user typed; garbage is either made valid by
normalizing or refused by validation, never sent half-right.

The schema is Cloudflare's, vendored from its OpenAPI document: its `_source` says from where.
It is open (no `required`, no `additionalProperties: false`), so the bodies are also held to a
closed copy of it: a field or rule member Cloudflare does not define is a bug here too.
"""

from __future__ import annotations

import copy
import ipaddress
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, given, settings
from jsonschema import Draft4Validator  # type: ignore[import-untyped]

from cfstream_gui.core.models import RULE_TYPE_ALIASES, AccessRule, RuleType, TokenRequest
from cfstream_gui.core.validation import check_request, errors
from tests.core.request_strategies import NOW, garbage_request, valid_request

FIXTURES = Path(__file__).parent.parent / "fixtures"
SCHEMA_DOCUMENT: dict[str, Any] = json.loads(
    (FIXTURES / "cloudflare_token_request_schema.json").read_text()
)
SDK_BODIES = json.loads((FIXTURES / "sdk_token_bodies.json").read_text())
UID = "ea95132c15732412d22c1476fa83f27a"
# Shared CPUs make example timings meaningless; correctness is all these assert.
PROPERTY = settings(deadline=None, max_examples=150)


def _closed(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` with every object schema refusing members it does not define."""
    closed = copy.deepcopy(schema)

    def close(node: Any) -> None:
        if isinstance(node, dict):
            if "properties" in node:
                node["additionalProperties"] = False
            for value in node.values():
                close(value)
        elif isinstance(node, list):
            for value in node:
                close(value)

    close(closed["components"])
    return closed


SCHEMA = Draft4Validator(SCHEMA_DOCUMENT)
CLOSED_SCHEMA = Draft4Validator(_closed(SCHEMA_DOCUMENT))


def schema_errors(body: Any) -> list[str]:
    return [error.message for error in SCHEMA.iter_errors(body)]


def closed_schema_errors(body: Any) -> list[str]:
    return [error.message for error in CLOSED_SCHEMA.iter_errors(body)]


def nulls(value: Any, where: str = "$") -> Iterator[str]:
    """Where in `value` a JSON null is."""
    if value is None:
        yield where
    elif isinstance(value, dict):
        for key, member in value.items():
            yield from nulls(member, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from nulls(item, f"{where}[{index}]")


def assert_sent_as_typed(rules: tuple[AccessRule, ...], sent: list[dict[str, Any]]) -> None:
    """Each sent rule means what its typed rule says, worked out here without the code under
    test: names resolved, countries upper-case, addresses kept, `any` without values."""
    assert len(sent) == len(rules)
    for rule, item in zip(rules, sent, strict=True):
        rule_type = RULE_TYPE_ALIASES[rule.type.strip().lower()]
        typed = [value.strip() for value in rule.values if value.strip()]
        assert item["type"] == rule_type.value
        assert item["action"] == rule.action.strip().lower()
        if rule_type is RuleType.ANY:
            assert set(item) == {"type", "action"}
        elif rule_type is RuleType.COUNTRY:
            assert set(item) == {"type", "action", "country"}
            assert item["country"] == [value.upper() for value in typed]
        else:
            assert set(item) == {"type", "action", "ip"}
            assert item["ip"] == typed
            assert [ipaddress.ip_network(value) for value in item["ip"]] == [
                ipaddress.ip_network(value) for value in typed
            ]


# --- the vendored schema ------------------------------------------------------------------------


def test_fixture_is_cloudflares_token_request_schema() -> None:
    Draft4Validator.check_schema(SCHEMA_DOCUMENT)
    source = SCHEMA_DOCUMENT["_source"]
    assert source["repository"] == "https://github.com/cloudflare/api-schemas"
    assert re.fullmatch(r"[0-9a-f]{40}", source["commit"])
    assert source["path"] == "openapi.json"
    schemas = SCHEMA_DOCUMENT["components"]["schemas"]
    assert SCHEMA_DOCUMENT["$ref"] == "#/components/schemas/stream_signed_token_request"
    request = schemas["stream_signed_token_request"]["properties"]
    assert set(request) == {"accessRules", "downloadable", "exp", "id", "nbf", "pem"}
    rule = schemas["stream_accessRules"]["properties"]
    assert rule["action"]["enum"] == ["allow", "block"]
    assert rule["type"]["enum"] == ["any", "ip.src", "ip.geoip.country"]
    # Cloudflare's example private key was left out on purpose.
    text = (FIXTURES / "cloudflare_token_request_schema.json").read_text()
    assert "PRIVATE KEY" not in text and "LS0tLS1CRUdJT" not in text


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        # What to_api_body used to send for AccessRule("Allow", "country", (" us", "mx")).
        ({"accessRules": [{"type": "country", "action": "Allow"}]}, "is not one of"),
        ({"accessRules": [{"type": "ip", "action": "allow", "ip": ["1.2.3.4"]}]}, "'ip'"),
        ({"exp": None}, "None is not of type 'integer'"),
        ({"nbf": "1800000000"}, "is not of type 'integer'"),
        ({"exp": True}, "True is not of type 'integer'"),
        ({"downloadable": "yes"}, "is not of type 'boolean'"),
        ({"accessRules": [{"type": "ip.src", "action": "allow", "ip": "1.2.3.4"}]}, "'array'"),
    ],
)
def test_schema_refuses_bodies_cloudflare_would_refuse(body: Any, complaint: str) -> None:
    assert any(complaint in message for message in schema_errors(body)), schema_errors(body)


def test_closed_schema_refuses_members_cloudflare_does_not_define() -> None:
    assert schema_errors({"expiry": 1}) == []  # Cloudflare's schema is open...
    assert closed_schema_errors({"expiry": 1}) != []  # ...the closed copy is not
    rule = {"type": "any", "action": "block", "values": []}
    assert closed_schema_errors({"accessRules": [rule]}) != []


@pytest.mark.parametrize("case", sorted(SDK_BODIES["cases"]))
def test_official_sdk_bodies_fit_the_schema(case: str) -> None:
    body = SDK_BODIES["cases"][case]["body"]
    assert schema_errors(body) == []
    assert closed_schema_errors(body) == []


# --- our bodies ---------------------------------------------------------------------------------


def test_messy_rules_are_sent_normalized() -> None:
    # The example: accepted by check_request, once sent with its countries dropped.
    request = TokenRequest(UID, access_rules=(AccessRule("Allow", "country", (" us", "mx")),))
    assert errors(check_request(request, now=NOW)) == []
    body = request.to_api_body()
    rule = {"type": "ip.geoip.country", "action": "allow", "country": ["US", "MX"]}
    assert body == {"accessRules": [rule]}
    assert schema_errors(body) == []


def test_unknown_rule_type_is_shown_as_typed_and_refused_by_validation() -> None:
    # The request preview shows a rule the user is still fixing; validation keeps it unsent.
    request = TokenRequest(UID, access_rules=(AccessRule(" Allow", " geo ", ("US",)),))
    assert request.to_api_body() == {"accessRules": [{"type": "geo", "action": "allow"}]}
    assert [p.field for p in errors(check_request(request, now=NOW))] == ["rule 1 type"]


def test_non_ascii_lookalike_of_a_country_code_is_refused_not_upper_cased() -> None:
    # str.upper() makes "ıt" (dotless i) "IT", and "ß" "SS": Italy and South Sudan.
    for typed in ("ıt", "ß"):
        request = TokenRequest(UID, access_rules=(AccessRule("block", "country", (typed,)),))
        assert [p.field for p in errors(check_request(request, now=NOW))] == ["rule 1 values"]
        assert request.to_api_body()["accessRules"][0]["country"] == [typed]


@PROPERTY
@given(valid_request())
def test_every_valid_request_makes_a_schema_valid_body(request: TokenRequest) -> None:
    assert errors(check_request(request, now=NOW)) == []  # the strategy keeps to the validator
    body = request.to_api_body()
    assert schema_errors(body) == []
    assert closed_schema_errors(body) == []
    assert list(nulls(body)) == []
    assert json.loads(json.dumps(body, allow_nan=False)) == body
    assert_sent_as_typed(request.access_rules, body.get("accessRules", []))
    assert ("accessRules" in body) == bool(request.access_rules)
    for member, value in [
        ("exp", request.exp),
        ("nbf", request.nbf),
        ("downloadable", request.downloadable),
        ("id", request.key_id),
        ("pem", request.pem),
    ]:
        assert body.get(member) == value
        assert (member in body) == (value is not None)
    # Sending the normalized request sends the same body: normalizing twice changes nothing.
    assert request.normalized().to_api_body() == body
    assert request.normalized().normalized() == request.normalized()


@PROPERTY
@given(garbage_request())
def test_garbage_is_normalized_into_the_schema_or_refused(request: TokenRequest) -> None:
    body = request.to_api_body()  # never raises: the preview shows unfinished requests
    assert list(nulls(body)) == []
    if errors(check_request(request, now=NOW)):
        event("refused by validation")
        return
    event("accepted by validation")
    assert schema_errors(body) == []
    assert closed_schema_errors(body) == []
    assert_sent_as_typed(request.access_rules, body.get("accessRules", []))
