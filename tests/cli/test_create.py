"""`cfstream-token create` against the sandbox: what is sent, and what is printed."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cfstream_gui.core.storage.secrets import SecretStore
from cfstream_gui.core.tokens import decode_token
from cfstream_gui.core.urls import URL_KINDS
from cfstream_gui.sandbox import Fault, Sandbox
from tests.cli.conftest import Run

CODE_HOST = f"https://customer-{Sandbox.DEMO_CUSTOMER_CODE}.cloudflarestream.com/"
URL_SUFFIXES = {
    "iframe": "/iframe",
    "watch": "/watch",
    "hls": "/manifest/video.m3u8",
    "dash": "/manifest/video.mpd",
    "thumbnail": "/thumbnails/thumbnail.jpg",
    "mp4": "/downloads/default.mp4",
}


def token_posts(sb: Sandbox) -> list[dict[str, object] | None]:
    return [r.json for r in sb.requests if r.method == "POST" and r.path.endswith("/token")]


def test_every_option_is_sent_exactly(sb: Sandbox, cli: Run, work: str, signed_uid: str) -> None:
    now = int(time.time())
    exp, nbf = now + 7200, now - 60
    nbf_iso = datetime.fromtimestamp(nbf, UTC).isoformat()  # "...+00:00"
    result = cli(
        "create", signed_uid, "--exp", str(exp), "--nbf", nbf_iso, "--downloadable",
        "--rule", "allow country us, mx",
        "--rule", "block ip 93.184.216.0/24,2400:cb00::/32",
        "--rule", "block any",
    )  # fmt: skip

    assert result.code == 0, result.err
    request = sb.requests[-1]
    assert request.path == f"/client/v4/accounts/{sb.DEMO_ACCOUNT_ID}/stream/{signed_uid}/token"
    assert request.json == {
        "accessRules": [
            {"type": "ip.geoip.country", "action": "allow", "country": ["US", "MX"]},
            {"type": "ip.src", "action": "block", "ip": ["93.184.216.0/24", "2400:cb00::/32"]},
            {"type": "any", "action": "block"},
        ],
        "downloadable": True,
        "exp": exp,
        "nbf": nbf,
    }
    token = result.out.strip()
    assert result.out == token + "\n"
    assert decode_token(token).claims["sub"] == signed_uid
    assert sb.verify_playback_token(token, signed_uid, country="MX").allowed
    assert not sb.verify_playback_token(token, signed_uid, country="DE").allowed


def test_typed_times_are_echoed_in_utc_and_local_time(
    sb: Sandbox, cli: Run, work: str, signed_uid: str
) -> None:
    result = cli("create", signed_uid, "--exp", "2h", "--nbf", "-5m")

    assert result.code == 0, result.err
    expires, not_before = result.err.splitlines()
    assert expires.startswith("expires ") and " UTC" in expires
    assert not_before.startswith("not before ") and " UTC" in not_before
    assert result.out.count("\n") == 1  # stdout is still only the token


def test_options_not_given_are_not_sent(sb: Sandbox, cli: Run, work: str, signed_uid: str) -> None:
    result = cli("create", signed_uid)

    assert result.code == 0, result.err
    assert token_posts(sb) == [{}]  # nothing set, so Cloudflare's defaults apply
    assert result.err == ""
    assert sb.verify_playback_token(result.out.strip(), signed_uid).allowed


def test_relative_times_count_from_now(sb: Sandbox, cli: Run, work: str, signed_uid: str) -> None:
    before = int(time.time())
    result = cli("create", signed_uid, "--exp", "2h", "--nbf", "-5m")
    after = int(time.time())

    assert result.code == 0, result.err
    body = sb.requests[-1].json
    assert body is not None
    assert before + 7200 <= body["exp"] <= after + 7200
    assert before - 300 <= body["nbf"] <= after - 300


def test_api_type_names_are_accepted_as_aliases(
    sb: Sandbox, cli: Run, work: str, signed_uid: str
) -> None:
    result = cli(
        "create", signed_uid,
        "--rule", "ALLOW ip.geoip.country de",
        "--rule", "block ip.src 2400:cb00::/32",
    )  # fmt: skip

    assert result.code == 0, result.err
    assert sb.requests[-1].json == {
        "accessRules": [
            {"type": "ip.geoip.country", "action": "allow", "country": ["DE"]},
            {"type": "ip.src", "action": "block", "ip": ["2400:cb00::/32"]},
        ]
    }
    # Allow-only rules let everyone else in, which the validator warns about; it still goes.
    assert "warning: " in result.err


@pytest.mark.parametrize("kind", [k for k in URL_KINDS if k not in ("mp4", "embed")])
def test_url_outputs_print_one_url(
    sb: Sandbox, cli: Run, work: str, signed_uid: str, kind: str
) -> None:
    result = cli("create", signed_uid, "--output", kind)

    assert result.code == 0, result.err
    url = result.out.strip()
    assert result.out == url + "\n"
    assert url.startswith(CODE_HOST)
    assert url.endswith(URL_SUFFIXES[kind])
    token = url[len(CODE_HOST) :].split("/")[0]
    assert sb.verify_playback_token(token, signed_uid).allowed


def test_mp4_output_needs_and_gets_a_downloadable_token(
    sb: Sandbox, cli: Run, work: str, signed_uid: str
) -> None:
    result = cli("create", signed_uid, "--downloadable", "-o", "mp4")

    assert result.code == 0, result.err
    url = result.out.strip()
    assert url.startswith(CODE_HOST) and url.endswith("/downloads/default.mp4")
    assert decode_token(url[len(CODE_HOST) :].split("/")[0]).downloadable is True
    assert token_posts(sb) == [{"downloadable": True}]


def test_mp4_without_downloadable_is_refused_before_sending(
    sb: Sandbox, cli: Run, work: str, signed_uid: str
) -> None:
    result = cli("create", signed_uid, "--output", "mp4")

    assert result.code == 2
    assert "--downloadable" in result.err
    assert result.out == ""
    assert sb.requests == []


def test_embed_output_is_an_iframe_snippet(
    sb: Sandbox, cli: Run, work: str, signed_uid: str
) -> None:
    result = cli("create", signed_uid, "-o", "embed")

    assert result.code == 0, result.err
    assert result.out.startswith("<div")
    assert f'<iframe src="{CODE_HOST}' in result.out


def test_json_output(sb: Sandbox, cli: Run, work: str, signed_uid: str) -> None:
    result = cli("create", signed_uid, "--output", "json", "--exp", "90m")

    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert set(doc) == {
        "token", "claims", "expires", "expires_local", "not_before", "not_before_local", "urls",
    }  # fmt: skip
    # The same moment, in UTC and in this machine's zone.
    assert datetime.fromisoformat(doc["expires_local"]) == datetime.fromisoformat(
        doc["expires"].replace("Z", "+00:00")
    )
    claims = doc["claims"]
    assert claims["sub"] == signed_uid
    raw = decode_token(doc["token"]).claims
    assert isinstance(raw["exp"], str)  # Cloudflare-issued tokens carry exp as a string...
    exp = claims["exp"]
    assert isinstance(exp, int) and exp == int(raw["exp"])  # ...the JSON always as a number
    assert {k: v for k, v in claims.items() if k not in ("exp", "nbf")} == {
        k: v for k, v in raw.items() if k not in ("exp", "nbf")
    }
    (sent,) = [r for r in sb.requests if r.path.endswith("/token")]
    assert sent.json is not None
    assert exp == sent.json["exp"]
    assert doc["expires"] == datetime.fromtimestamp(exp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert set(doc["urls"]) == set(URL_KINDS) - {"mp4"}  # not downloadable
    assert doc["urls"]["watch"] == f"{CODE_HOST}{doc['token']}/watch"


def test_customer_code_is_detected_once_then_remembered(
    sb: Sandbox, cli: Run, work: str, signed_uid: str, config_dir: Path
) -> None:
    first = cli("create", signed_uid, "-o", "hls")
    assert first.code == 0, first.err
    assert [r.method for r in sb.requests] == ["GET", "POST"]  # the video, then the token
    saved = json.loads((config_dir / "profiles.json").read_text())
    assert saved["profiles"]["work"]["customer_code"] == sb.DEMO_CUSTOMER_CODE

    sb.clear()
    second = cli("create", signed_uid, "-o", "hls")
    assert second.code == 0, second.err
    assert [r.method for r in sb.requests] == ["POST"]


def test_unsaved_profile_does_not_remember_the_code(
    sb: Sandbox, cli: Run, signed_uid: str, config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLOUDFLARE_ACCOUNT_ID", sb.DEMO_ACCOUNT_ID)
    monkeypatch.setenv("CLOUDFLARE_API_TOKEN", sb.DEMO_API_TOKEN)
    monkeypatch.setenv("CLOUDFLARE_BASE_URL", sb.base_url)

    result = cli("create", signed_uid, "-o", "watch")

    assert result.code == 0, result.err
    assert result.out.startswith(CODE_HOST)
    assert not (config_dir / "profiles.json").exists()


def test_missing_customer_code_says_how_to_set_it(
    sb: Sandbox, cli: Run, work: str, signed_uid: str
) -> None:
    video = {"uid": signed_uid, "requireSignedURLs": True, "readyToStream": False}
    envelope = {"success": True, "errors": [], "messages": [], "result": video}
    sb.inject_fault(Fault(status=200, body=envelope, method="GET", path_contains=signed_uid))

    result = cli("create", signed_uid, "-o", "iframe")

    assert result.code == 2
    assert "customer code" in result.err
    assert "profiles add work --customer-code" in result.err
    assert token_posts(sb) == []  # no token is spent when its links cannot be made


def test_json_without_a_customer_code_still_gives_the_token(
    sb: Sandbox, cli: Run, work: str, signed_uid: str
) -> None:
    video = {"uid": signed_uid, "requireSignedURLs": True, "readyToStream": False}
    envelope = {"success": True, "errors": [], "messages": [], "result": video}
    sb.inject_fault(Fault(status=200, body=envelope, method="GET", path_contains=signed_uid))

    result = cli("create", signed_uid, "-o", "json")

    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert doc["urls"] == {}
    assert doc["claims"]["sub"] == signed_uid
    assert "warning: no playback URLs" in result.err
    assert "profiles add work --customer-code" in result.err


def test_customer_code_from_the_profile_skips_the_lookup(
    sb: Sandbox, cli: Run, work: str, signed_uid: str
) -> None:
    assert cli("profiles", "add", "work", "--customer-code", "abc123").code == 0
    sb.clear()

    result = cli("create", signed_uid, "-o", "dash")

    assert result.code == 0, result.err
    assert result.out.startswith("https://customer-abc123.cloudflarestream.com/")
    assert [r.method for r in sb.requests] == ["POST"]


def test_warnings_are_shown_and_the_request_still_goes(
    sb: Sandbox, cli: Run, work: str, signed_uid: str
) -> None:
    result = cli("create", signed_uid, "--rule", "block any", "--rule", "allow country US")

    assert result.code == 0, result.err
    assert "warning: Rule 2 is never used" in result.err
    assert len(token_posts(sb)) == 1
    assert result.out.count(".") == 2  # still just the token


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--rule", "allow country ZZ"], "ZZ"),
        (["--rule", "allow country"], "no country values"),
        (["--rule", "block ip 10.0.0.0/33"], "10.0.0.0/33"),
        (["--rule", "block any 10.0.0.1"], "takes no values"),
        (["--rule", "allow country US"] * 6, "5"),
        (["--exp", "30h"], "24 hours"),
        (["--exp", "-1h"], "in the past"),
        (["--nbf", "2h", "--exp", "1h"], "start time"),
        (["--exp", "tomorrow"], "--exp 'tomorrow'"),
        (["--nbf", "2026-11-28 21:00"], "--nbf"),
        (["--rule", "allow"], "needs an action and a type"),
        (["--rule", "permit country US"], "is not allow or block"),
        (["--rule", "allow planet Mars"], "'planet' is not one of"),
    ],
)
def test_invalid_requests_exit_2_and_send_nothing(
    sb: Sandbox, cli: Run, work: str, signed_uid: str, args: list[str], expected: str
) -> None:
    result = cli("create", signed_uid, *args)

    assert result.code == 2
    assert expected in result.err
    assert any(line.startswith("error: ") for line in result.err.splitlines())
    assert result.out == ""
    assert sb.requests == []


def test_bad_video_id_is_refused_before_sending(sb: Sandbox, cli: Run, work: str) -> None:
    result = cli("create", "x" * 33)

    assert result.code == 2
    assert "Video ID is 33 characters long" in result.err
    assert sb.requests == []


def test_all_validation_errors_are_listed(
    sb: Sandbox, cli: Run, work: str, signed_uid: str
) -> None:
    result = cli(
        "create", signed_uid, "--rule", "allow country ZZ", "--rule", "block ip 1.2.3.4/99"
    )

    assert result.code == 2
    errors = [line for line in result.err.splitlines() if line.startswith("error: ")]
    assert len(errors) == 2
    assert "nothing was sent" in result.err
    assert sb.requests == []


def test_account_option_overrides_the_profile(
    sb: Sandbox, cli: Run, work: str, signed_uid: str
) -> None:
    other = "0123456789abcdef0123456789abcdef"
    result = cli("create", signed_uid, "--account", other)

    assert result.code == 3  # the sandbox's token is not for that account
    assert f"/accounts/{other}/stream/{signed_uid}/token" in sb.requests[-1].path


def test_another_accounts_links_never_use_or_overwrite_the_profiles_code(
    sb: Sandbox, cli: Run, signed_uid: str, config_dir: Path
) -> None:
    other_account = "fedcba9876543210fedcba9876543210"
    added = cli(
        "profiles", "add", "other", "--account", other_account, "--base-url", sb.base_url,
        "--customer-code", "otheraccount0000", "--use",
    )  # fmt: skip
    assert added.code == 0, added.err
    SecretStore().set_api_token("other", sb.DEMO_API_TOKEN)

    # The profile belongs to another account; this run points --account at the sandbox's.
    result = cli("create", signed_uid, "--account", sb.DEMO_ACCOUNT_ID, "-o", "watch")

    assert result.code == 0, result.err
    assert result.out.startswith(CODE_HOST)  # the code of the account in use, detected
    saved = json.loads((config_dir / "profiles.json").read_text())
    assert saved["profiles"]["other"]["customer_code"] == "otheraccount0000"  # left alone
