"""What `create` prints is true and has one shape, whichever engine made the token: `exp` and
`nbf` are numbers in the JSON, and no expiry is echoed for a token that was never made."""

from __future__ import annotations

import json

import pytest

from cfstream_gui.sandbox import Fault, Sandbox
from tests.cli.conftest import Run


def json_claims(cli: Run, *argv: str) -> dict[str, object]:
    result = cli("create", *argv, "-o", "json")
    assert result.code == 0, result.err
    claims: dict[str, object] = json.loads(result.out)["claims"]
    return claims


def test_exp_and_nbf_are_numbers_for_every_engine(
    sb: Sandbox, cli: Run, work: str, signed_uid: str
) -> None:
    key = cli("keys", "create")
    assert key.code == 0, key.err

    shapes = {
        engine: json_claims(cli, signed_uid, "--exp", "2h", "--nbf", "-5m", *extra)
        for engine, extra in {
            "cloudflare": [],
            "cloudflare with my key": ["--key", key.out.strip()],
            "local": ["--local"],
        }.items()
    }

    for engine, claims in shapes.items():
        exp, nbf = claims["exp"], claims["nbf"]
        assert type(exp) is int and type(nbf) is int, engine
        assert exp - nbf == 2 * 3600 + 5 * 60, engine  # the typed times, not just any number


def test_cloudflares_default_times_are_numbers_too(
    sb: Sandbox, cli: Run, work: str, signed_uid: str
) -> None:
    claims = json_claims(cli, signed_uid)  # nothing typed: Cloudflare picks exp and nbf

    assert type(claims["exp"]) is int and type(claims["nbf"]) is int


@pytest.mark.parametrize("engine", [[], ["--local"]])
def test_an_expiry_past_24h_is_an_error_and_nothing_else(
    sb: Sandbox, cli: Run, work: str, signed_uid: str, engine: list[str]
) -> None:
    if engine:
        assert cli("keys", "create").code == 0
    sb.clear()

    result = cli("create", signed_uid, "--exp", "25h", *engine)

    assert result.code == 2
    assert result.out == ""
    assert not [line for line in result.err.splitlines() if line.startswith("expires")]
    assert "more than 24 hours" in result.err
    assert sb.requests == []


def test_no_expiry_is_echoed_when_cloudflare_refuses(
    sb: Sandbox, cli: Run, work: str, signed_uid: str
) -> None:
    sb.inject_fault(Fault(status=400, path_contains="/token"))

    result = cli("create", signed_uid, "--exp", "2h")

    assert result.code == 3
    assert result.out == ""
    assert "expires" not in result.err


def test_the_expiry_is_echoed_once_the_token_is_made(
    sb: Sandbox, cli: Run, work: str, signed_uid: str
) -> None:
    result = cli("create", signed_uid, "--exp", "2h")

    assert result.code == 0, result.err
    assert result.err.startswith("expires ")
