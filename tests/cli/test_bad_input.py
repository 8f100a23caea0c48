"""IDs and times that cannot be right are refused with a sentence naming the field, exit 2, and
nothing reaches the sandbox: in every engine (Cloudflare, Cloudflare with a held key, local).
Input that is only odd (a plausible ID shape, repeated rule values) is sent after one warning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cfstream_gui.sandbox import Sandbox
from tests.cli.conftest import Run

NOT_IDS = [".", "..", "a/b", "../x", "x?y", "x#y", "%2F", "ab\r\nc", "\x1b]0;pwned\x07", "vidéo"]
HUGE = "9" * 5000


def new_key(cli: Run) -> str:
    result = cli("keys", "create")
    assert result.code == 0, result.err
    return result.out.strip()


def assert_refused(result_code: int, out: str, err: str, field: str) -> None:
    assert result_code == 2, err
    assert out == ""
    assert f"error: {field}" in err
    assert "internal error" not in err
    assert "\x1b" not in err and "\r" not in err  # the value is shown escaped


@pytest.mark.parametrize("uid", NOT_IDS)
@pytest.mark.parametrize("engine", ["cloudflare", "key", "local"])
def test_a_video_id_that_cannot_be_one_is_refused_in_every_engine(
    sb: Sandbox, cli: Run, work: str, engine: str, uid: str
) -> None:
    extra: list[str] = []
    if engine != "cloudflare":
        key_id = new_key(cli)
        extra = ["--local"] if engine == "local" else ["--key", key_id]
    sb.clear()

    result = cli("create", uid, *extra)

    assert_refused(result.code, result.out, result.err, "Video ID")
    assert sb.requests == []


@pytest.mark.parametrize("account", NOT_IDS)
def test_an_account_id_that_cannot_be_one_is_refused(
    sb: Sandbox, cli: Run, work: str, signed_uid: str, account: str
) -> None:
    for argv in (
        ("create", signed_uid, "--account", account),
        ("keys", "list", "--account", account),
        ("keys", "create", "--account", account),
    ):
        result = cli(*argv)
        assert_refused(result.code, result.out, result.err, "Account ID")
    assert sb.requests == []


def test_an_account_from_the_environment_is_checked_too(
    sb: Sandbox, cli: Run, signed_uid: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLOUDFLARE_ACCOUNT_ID", "..")
    monkeypatch.setenv("CLOUDFLARE_API_TOKEN", sb.DEMO_API_TOKEN)
    monkeypatch.setenv("CLOUDFLARE_BASE_URL", sb.base_url)

    result = cli("create", signed_uid)

    assert_refused(result.code, result.out, result.err, "Account ID")
    assert sb.requests == []


@pytest.mark.parametrize("key_id", ["..", "a/b", "%2e%2e"])
def test_a_key_id_that_cannot_be_one_is_refused(
    sb: Sandbox, cli: Run, work: str, signed_uid: str, key_id: str
) -> None:
    for argv in (
        ("keys", "revoke", key_id, "--yes"),
        ("keys", "forget", key_id),
        ("create", signed_uid, "--key", key_id),
        ("create", signed_uid, "--local", "--key", key_id),
    ):
        result = cli(*argv)
        assert_refused(result.code, result.out, result.err, "Signing key ID")
    assert sb.requests == []


def test_a_plausible_odd_id_is_sent_after_a_warning(sb: Sandbox, cli: Run, work: str) -> None:
    result = cli("create", "abcd1234")

    assert "warning: Video ID 'abcd1234' is not 32 hex characters" in result.err
    assert result.code == 3  # sent: the sandbox, like Cloudflare, has no such video
    assert [r.path.rsplit("/", 2)[-2] for r in sb.requests] == ["abcd1234"]


@pytest.mark.parametrize("option", ["--exp", "--nbf"])
@pytest.mark.parametrize("text", [HUGE, "-" + HUGE, HUGE + "s", "1h" + HUGE + "m"])
def test_times_with_thousands_of_digits_are_a_sentence(
    sb: Sandbox, cli: Run, work: str, signed_uid: str, option: str, text: str
) -> None:
    result = cli("create", signed_uid, f"{option}={text}")

    assert result.code == 2, result.err
    assert result.err.startswith(f"error: {option} '")
    assert len(result.err) < 600  # the value is cut, not printed whole (twice)
    assert sb.requests == []


def test_ten_thousand_repeated_countries_are_one_warning(
    sb: Sandbox, cli: Run, work: str, signed_uid: str
) -> None:
    countries = ",".join(["US"] * 10_000)

    result = cli(
        "create", signed_uid, "--rule", f"allow country {countries}", "--rule", "block any"
    )

    assert result.code == 0, result.err
    assert result.err.splitlines() == ["warning: Rule 1 lists US 10,000 times; once is enough."]
    assert len(sb.requests) == 1


@pytest.mark.parametrize(
    "argv",
    [
        ["create", "{uid}"],
        ["create", "{uid}", "--local", "-o", "watch"],
        ["batch", "--local", "-i", "{ids}", "-O", "{out}"],
    ],
)
def test_a_hand_edited_plain_http_delivery_url_is_refused_before_anything_is_made(
    sb: Sandbox, cli: Run, work: str, signed_uid: str, config_dir: Path, argv: list[str]
) -> None:
    new_key(cli)
    path = config_dir / "profiles.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["profiles"][work]["delivery_base_url"] = "http://player.example.com"
    path.write_text(json.dumps(data), encoding="utf-8")
    ids, out = config_dir / "ids.txt", config_dir / "tokens.csv"
    ids.write_text(signed_uid + "\n", encoding="utf-8")
    sb.clear()

    result = cli(*(a.format(uid=signed_uid, ids=ids, out=out) for a in argv))

    assert result.code == 2, result.err
    assert "uses http:// for player.example.com; only https://" in result.err
    assert result.out == ""
    assert sb.requests == []
    assert not out.exists()
