"""`videos`, `decode`, `simulate` and `check` from the command line, against a real sandbox:
what they print, what scripts can rely on (first words, JSON, exit codes), and what a hostile
name or token cannot do to the terminal."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import httpx
import jwt
import pytest

from cfstream_gui.core.storage.profiles import ProfileStore
from cfstream_gui.core.storage.secrets import SecretStore
from cfstream_gui.sandbox import Sandbox
from tests.cli.conftest import Result, Run
from tests.support.rsa_keys import pkcs1_pem, rsa_key

KEYNOTE = "ea95132c15732412d22c1476fa83f27a"  # signed, MP4 downloads on
PUBLIC = "5d5bc37ffcf54c9b82e996823bffbb81"


def token(cli: Run, *argv: str) -> str:
    made = cli("create", KEYNOTE, *argv)
    assert made.code == 0, made.err
    return made.out.strip()


# --- videos ------------------------------------------------------------------------------------


@pytest.fixture
def big(sb: Sandbox) -> Sandbox:
    sb.seed_videos(2500)
    return sb


def test_videos_lists_the_whole_library(big: Sandbox, cli: Run, work: str) -> None:
    result = cli("videos")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].split() == ["UID", "CREATED", "(UTC)", "SIGNED", "STATE", "NAME"]
    assert [line.split()[0] for line in lines[1:]] == [v["uid"] for v in big.videos]
    assert result.err.strip() == f"{len(big.videos):,} videos"


def test_videos_search_limit_and_json(big: Sandbox, cli: Run, work: str) -> None:
    result = cli("videos", "--search", "keynote", "--limit", "30", "--json")
    assert result.code == 0, result.err
    listed = json.loads(result.out)
    matching = [v for v in big.videos if "keynote" in v["meta"]["name"].lower()]
    assert [v["uid"] for v in listed] == [v["uid"] for v in matching[:30]]
    assert set(listed[0]) == {
        "uid",
        "name",
        "created",
        "state",
        "readyToStream",
        "requireSignedURLs",
        "duration",
    }
    assert f"30 of {len(matching):,} videos matching 'keynote'" in result.err


def test_videos_in_a_throwaway_sandbox(cli: Run, config_dir: Path) -> None:
    result = cli("videos", "--sandbox", "--search", "keynote")
    assert result.code == 0, result.err
    assert [line.split()[0] for line in result.out.splitlines()[1:]] == [KEYNOTE]
    assert not config_dir.exists() or not any(config_dir.iterdir())


def test_require_signed_on_and_off(sb: Sandbox, cli: Run, work: str) -> None:
    on = cli("videos", "require-signed", PUBLIC, "on")
    assert on.code == 0, on.err
    assert "now requires signed URLs" in on.out
    assert PUBLIC in sb.video_uids(signed=True)
    link = f"https://customer-x.cloudflarestream.com/{PUBLIC}/watch"  # a pasted link will do
    off = cli("videos", "require-signed", link, "off")
    assert off.code == 0, off.err
    assert PUBLIC in sb.video_uids(signed=False)


def test_require_signed_refuses_what_cannot_be_an_id(sb: Sandbox, cli: Run, work: str) -> None:
    result = cli("videos", "require-signed", "../keys", "on")
    assert result.code == 2
    assert "Video ID '../keys' cannot be a Cloudflare ID" in result.err
    assert not [r for r in sb.requests if r.method == "POST"]


def test_an_unknown_video_is_an_api_error(sb: Sandbox, cli: Run, work: str) -> None:
    result = cli("videos", "require-signed", "0" * 32, "on")
    assert result.code == 3
    assert "could not find video" in result.err


def test_a_hostile_video_name_cannot_act_on_the_terminal(sb: Sandbox, cli: Run, work: str) -> None:
    with httpx.Client(base_url=sb.base_url, timeout=5) as api:
        api.post(
            f"/accounts/{sb.DEMO_ACCOUNT_ID}/stream/{PUBLIC}",
            headers={"Authorization": f"Bearer {sb.DEMO_API_TOKEN}"},
            json={"meta": {"name": "\x1b]0;owned\x07\x1b[2J\u202eevil"}},
        )
    result = cli("videos")
    assert result.code == 0
    assert "\x1b" not in result.out and "\u202e" not in result.out
    assert "\\x1b]0;owned\\x07" in result.out


# --- decode ------------------------------------------------------------------------------------


def test_decode_explains_a_token_from_the_api(sb: Sandbox, cli: Run, work: str) -> None:
    made = token(cli, "--rule", "allow country US", "--rule", "block any")
    result = cli("decode", made)
    assert result.code == 0, result.err
    fields = dict(line.split(None, 1) for line in result.out.splitlines() if line[:1] != " ")
    assert fields["video"] == KEYNOTE
    assert fields["valid"].startswith("valid for ")
    assert fields["rules"] == "1. allow viewers in US (United States)"
    assert "2. block every viewer" in result.out
    assert 'given as the string "' in result.out  # /token writes exp and nbf as strings
    assert "cannot be checked here" in result.out


def test_decode_json_has_times_as_given_and_as_epoch(sb: Sandbox, cli: Run, work: str) -> None:
    made = token(cli, "--exp", "2h")
    result = cli("decode", f"{sb.delivery_base}/{made}/watch", "--json")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    expires = document["expires"]
    assert expires["given"] == str(expires["epoch"]) and isinstance(expires["epoch"], int)
    assert document["video"] == KEYNOTE


def test_decode_checks_the_signature_with_a_held_key(cli: Run, work: str) -> None:
    kid = "ab" * 16
    SecretStore().set_signing_key(work, kid, pkcs1_pem(rsa_key()))
    claims = {"sub": KEYNOTE, "kid": kid, "exp": 4_000_000_000}
    signed = jwt.encode(claims, pkcs1_pem(rsa_key()), "RS256", {"kid": kid, "typ": None})
    result = cli("decode", signed, "--json")
    assert json.loads(result.out)["signature"]["state"] == "verified"
    other = jwt.encode(claims, pkcs1_pem(rsa_key(1)), "RS256", {"kid": kid, "typ": None})
    assert json.loads(cli("decode", other, "--json").out)["signature"]["state"] == "bad"


@pytest.mark.parametrize(
    "text", ["", "hello", "a.b.c", KEYNOTE, "https://example.com/x", "\x1b[2J.\x1b[2J.x"]
)
def test_decode_exits_2_for_anything_that_is_not_a_token(cli: Run, text: str) -> None:
    result = cli("decode", text)
    assert result.code == 2
    assert result.out == ""
    assert result.err.startswith("error: ") and "Traceback" not in result.err
    assert "\x1b" not in result.err


# --- simulate ----------------------------------------------------------------------------------


def test_simulate_a_tokens_rules_for_a_viewer(sb: Sandbox, cli: Run, work: str) -> None:
    made = token(cli, "--rule", "allow country US", "--rule", "block ip 2001:db8::/32,192.0.2.0/24")
    blocked = cli("simulate", made, "--ip", "2001:db8::1", "--country", "DE")
    assert blocked.out.splitlines() == [
        "blocked",
        "rule 2: block viewers at 2001:db8::/32 or 192.0.2.0/24",
    ]
    allowed = cli("simulate", made, "--country", "us")
    assert allowed.out.splitlines()[0] == "allowed"
    nobody = cli("simulate", made, "--ip", "198.51.100.1", "--country", "FR")
    assert nobody.out.splitlines() == ["allowed", "no rule matched: allowed"]


def test_simulate_rules_given_on_the_command_line_as_json(cli: Run) -> None:
    result = cli(
        "simulate", "--rule", "allow ip 203.0.113.0/24", "--rule", "block any",
        "--ip", "203.0.113.255", "--json",
    )  # fmt: skip
    assert result.code == 0, result.err
    outcome = json.loads(result.out)
    assert (outcome["verdict"], outcome["rule"], outcome["allowed"]) == ("allowed", 1, True)
    assert outcome["matched"] == {"type": "ip.src", "action": "allow", "ip": ["203.0.113.0/24"]}
    # The lint ran too: an IPv4-only allow rule.
    assert "warning: Rule 1 lists only IPv4 addresses" in result.err


@pytest.mark.parametrize(
    ("argv", "phrase"),
    [
        (["--rule", "block any"], "Give the viewer's IP address, their country, or both."),
        (["--ip", "1.2.3.4"], "Give a token (or a link with one)"),
        (["a.b.c", "--rule", "block any", "--ip", "1.2.3.4"], "not both"),
        (["--rule", "block any", "--ip", "1.2.3.0/24"], "is a range; give one address"),
        (["--rule", "block any", "--country", "Germany"], "for Germany use DE"),
        (["--rule", "deny everyone", "--ip", "1.2.3.4"], "--rule 1"),
        (["garbage", "--ip", "1.2.3.4"], "three parts separated by dots"),
    ],
)
def test_simulate_bad_input_is_exit_2_with_a_sentence(
    cli: Run, argv: list[str], phrase: str
) -> None:
    result = cli("simulate", *argv)
    assert result.code == 2
    assert phrase in result.err


# --- check -------------------------------------------------------------------------------------


def checked(cli: Run, *argv: str) -> Result:
    return cli("check", *argv)


def test_check_says_plays_and_exits_0(sb: Sandbox, cli: Run, work: str) -> None:
    made = token(cli, "--downloadable")
    result = checked(cli, f"{sb.delivery_base}/{made}/watch")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "plays"
    assert [line.split()[-1] for line in lines[1:]] == ["plays", "plays", "plays"]


def test_check_as_a_viewer_that_a_rule_blocks_exits_3(sb: Sandbox, cli: Run, work: str) -> None:
    made = token(cli, "--rule", "block country DE")
    link = f"{sb.delivery_base}/{made}/watch"
    assert checked(cli, link, "--country", "FR").code == 0
    result = checked(cli, link, "--ip", "2001:db8::1", "--country", "DE", "--json")
    assert result.code == 3
    document = json.loads(result.out)
    assert (document["plays"], document["words"]) == (False, "blocked by rule 1")
    assert {a["verdict"] for a in document["assets"]} == {"blocked-by-rule"}


def test_a_bare_token_is_checked_where_the_profile_plays_it(
    sb: Sandbox, cli: Run, work: str
) -> None:
    made = token(cli)
    without = checked(cli, made)
    assert without.code == 2 and "customer code" in without.err
    # What the window saves for a sandbox profile: playback links on the sandbox itself.
    profile = ProfileStore().get(work)
    ProfileStore().save(replace(profile, delivery_base_url=sb.delivery_base))
    result = checked(cli, made)
    assert result.code == 0, result.err
    assert result.out.splitlines()[0] == "plays"


def test_check_never_sends_a_token_to_another_host(sb: Sandbox, cli: Run, work: str) -> None:
    made = token(cli)
    result = checked(cli, f"https://attacker.example/{made}/watch")
    assert result.code == 2
    assert "the check sends tokens nowhere else" in result.err


def test_check_with_nothing_listening_exits_4(cli: Run, work: str) -> None:
    made = token(cli)
    result = checked(cli, f"http://127.0.0.1:9/{made}/watch")
    assert result.code == 4
    assert result.out.splitlines()[0] == "no answer"


def test_decode_and_simulate_need_no_profile_or_network(cli: Run) -> None:
    kid = "cd" * 16
    claims = {
        "sub": KEYNOTE,
        "kid": kid,
        "exp": 4_000_000_000,
        "accessRules": [{"type": "ip.geoip.country", "action": "block", "country": ["DE"]}],
    }
    signed = jwt.encode(claims, pkcs1_pem(rsa_key()), "RS256", {"kid": kid, "typ": None})
    assert cli("decode", signed).code == 0
    assert cli("simulate", signed, "--country", "DE").out.splitlines()[0] == "blocked"
