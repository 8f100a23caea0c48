"""Our request bodies must be JSON-equal to what the official `cloudflare` SDK sends for the same
intent. The SDK's bodies were recorded once (scripts/record_sdk_bodies.py); the SDK itself is not
a dependency."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cfstream_gui.core.models import AccessRule, TokenRequest

FIXTURE = json.loads(
    (Path(__file__).parent.parent / "fixtures" / "sdk_token_bodies.json").read_text()
)


def request_from_sdk_kwargs(video_uid: str, kwargs: dict[str, Any]) -> TokenRequest:
    """Build our request from the same intent the SDK was given, field by field."""
    rules = tuple(
        AccessRule(
            action=rule["action"],
            type=rule["type"],
            values=tuple(rule.get("country") or rule.get("ip") or ()),
        )
        for rule in kwargs.get("access_rules", [])
    )
    return TokenRequest(
        video_uid=video_uid,
        exp=kwargs.get("exp"),
        nbf=kwargs.get("nbf"),
        downloadable=kwargs.get("downloadable"),
        access_rules=rules,
        key_id=kwargs.get("id"),
        pem=kwargs.get("pem"),
    )


@pytest.mark.parametrize("case", sorted(FIXTURE["cases"]))
def test_body_equals_official_sdk(case: str) -> None:
    recorded = FIXTURE["cases"][case]
    ours = request_from_sdk_kwargs(FIXTURE["video_uid"], recorded["sdk_kwargs"]).to_api_body()
    assert ours == recorded["body"]
    # Same key order too, so a diff of the wire bytes reads the same.
    assert list(ours) == list(recorded["body"])
    assert "null" not in json.dumps(ours)


def test_empty_request_is_an_empty_object() -> None:
    assert TokenRequest(video_uid=FIXTURE["video_uid"]).to_api_body() == {}
    assert FIXTURE["cases"]["empty"]["body_text"] == "{}"


def test_redacted_body_hides_the_private_key() -> None:
    request = request_from_sdk_kwargs(
        FIXTURE["video_uid"], FIXTURE["cases"]["signing_key"]["sdk_kwargs"]
    )
    assert request.redacted()["pem"] == "<private key hidden>"
    assert request.to_api_body()["pem"] != "<private key hidden>"
