"""`cfstream-token batch`: many tokens into a CSV file, bad rows named by line."""

from __future__ import annotations

import csv
import io
import json
import secrets
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from jwt.utils import base64url_decode

from tests.cli.conftest import Run
from tests.support.rsa_keys import pkcs8_pem, rsa_key

ACCOUNT = "0123456789abcdef0123456789abcdef"
UID = "ea95132c15732412d22c1476fa83f27a"
KEY_ID = secrets.token_hex(16)


@pytest.fixture(scope="session")
def private_key() -> rsa.RSAPrivateKey:
    return rsa_key()


@pytest.fixture
def profile(cli: Run, private_key: rsa.RSAPrivateKey, tmp_path: Path) -> str:
    """A saved profile with a customer code and the session key imported into the keyring."""
    assert cli("profiles", "add", "bulk", "--account", ACCOUNT, "--customer-code", "abc123",
               "--use").code == 0  # fmt: skip
    key_file = tmp_path / "key.pem"
    key_file.write_text(pkcs8_pem(private_key))
    imported = cli("keys", "import", "--key-id", KEY_ID, str(key_file))
    assert imported.code == 0, imported.err
    return "bulk"


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


RS256 = RSAAlgorithm(RSAAlgorithm.SHA256)


def verified(token: str, public: rsa.RSAPublicKey) -> dict[str, object]:
    """The claims of a token whose RS256 signature checks out against `public`. PyJWT's own
    algorithm object, without `jwt.decode`'s per-character input scan (4x slower at 10,000)."""
    signing_input, _, signature = token.rpartition(".")
    assert RS256.verify(signing_input.encode(), public, base64url_decode(signature))
    header, payload = (json.loads(base64url_decode(part)) for part in signing_input.split("."))
    assert header == {"alg": "RS256", "kid": KEY_ID}
    claims: dict[str, object] = payload
    return claims


def test_ten_thousand_ids_are_all_signed_and_verify(
    cli: Run, profile: str, private_key: rsa.RSAPrivateKey, tmp_path: Path
) -> None:
    uids = [secrets.token_hex(16) for _ in range(10_000)]
    source, out = tmp_path / "ids.txt", tmp_path / "tokens.csv"
    source.write_text("# all of them\n" + "\n".join(uids) + "\n")

    result = cli("batch", "--local", "--key", KEY_ID, "--input", str(source), "--output-file",
                 str(out), "--exp", "2h", "--rule", "allow country US")  # fmt: skip

    assert result.code == 0, result.err
    assert result.out == f"10,000 tokens written to {out}.\n"
    assert "processed 10,000 of 10,000 (100%)" in result.err
    rows = read_rows(out)
    assert [row["video"] for row in rows] == uids
    assert [row["line"] for row in rows] == [str(n) for n in range(2, 10_002)]
    public = private_key.public_key()
    now = int(time.time())
    for row in rows:
        claims = verified(row["token"], public)
        assert claims["sub"] == row["video"] and claims["kid"] == KEY_ID
        assert now + 7000 < int(str(claims["exp"])) <= now + 7300
        assert claims["accessRules"] == [
            {"type": "ip.geoip.country", "action": "allow", "country": ["US"]}
        ]
    assert rows[0]["hls"] == (
        f"https://customer-abc123.cloudflarestream.com/{rows[0]['token']}/manifest/video.m3u8"
    )
    assert rows[0]["mp4"] == ""


def test_bad_rows_are_named_skipped_and_exit_2(cli: Run, profile: str, tmp_path: Path) -> None:
    source, out = tmp_path / "ids.csv", tmp_path / "tokens.csv"
    source.write_text(
        "video,exp,rules\n"  # line 1
        f"{UID},1h,\n"  # 2: fine
        "not-a-uid,1h,\n"  # 3: bad uid
        f"{UID},whenever,\n"  # 4: bad exp
        f"{UID},,allow planet Mars\n"  # 5: bad rule syntax
        f"{UID},,allow country ZZ\n"  # 6: validation error
        f"{UID},30h,\n"  # 7: beyond 24 h
        f"{UID},,\n"  # 8: fine
    )

    result = cli("batch", "--local", "-i", str(source), "-O", str(out))

    assert result.code == 2
    skipped = [line for line in result.err.splitlines() if line.startswith("skipped line")]
    assert [line.split(":")[0] for line in skipped] == [
        f"skipped line {n}" for n in (3, 4, 5, 6, 7)
    ]
    assert "'whenever'" in skipped[1] and "planet" in skipped[2] and "ZZ" in skipped[3]
    assert result.out == f"2 tokens written to {out}, 5 rows skipped (lines 3, 4, 5, 6, 7).\n"
    assert [row["line"] for row in read_rows(out)] == ["2", "8"]


def test_csv_rows_carry_their_own_expiry_and_rules(
    cli: Run, profile: str, private_key: rsa.RSAPrivateKey, tmp_path: Path
) -> None:
    other = "0" * 31 + "1"
    source, out = tmp_path / "ids.csv", tmp_path / "tokens.csv"
    source.write_text(
        f'note,video,exp,rules\nvip,{UID},20h,"allow ip 192.0.2.0/24; block any"\nplain,{other},,\n'
    )
    before = int(time.time())

    result = cli("batch", "--local", "-i", str(source), "-O", str(out), "--exp", "30m",
                 "--rule", "block country DE", "--downloadable")  # fmt: skip

    assert result.code == 0, result.err
    vip, plain = read_rows(out)
    public = private_key.public_key()
    vip_claims, plain_claims = verified(vip["token"], public), verified(plain["token"], public)
    assert before + 20 * 3600 <= int(str(vip_claims["exp"])) <= before + 20 * 3600 + 60
    assert vip_claims["accessRules"] == [
        {"type": "ip.src", "action": "allow", "ip": ["192.0.2.0/24"]},
        {"type": "any", "action": "block"},
    ]
    assert before + 1800 <= int(str(plain_claims["exp"])) <= before + 1860
    assert plain_claims["accessRules"] == [
        {"type": "ip.geoip.country", "action": "block", "country": ["DE"]}
    ]
    assert plain_claims["downloadable"] is True
    assert plain["mp4"].endswith("/downloads/default.mp4")
    assert plain["expires"].endswith("Z")


def test_without_a_customer_code_url_columns_are_empty_with_one_warning(
    cli: Run, profile: str, tmp_path: Path
) -> None:
    cli("profiles", "add", "nocode", "--account", ACCOUNT)
    key_file = tmp_path / "key.pem"
    cli("keys", "import", "--profile", "nocode", "--key-id", KEY_ID, str(key_file))
    source, out = tmp_path / "ids.txt", tmp_path / "tokens.csv"
    source.write_text(f"{UID}\n{UID}\n")

    result = cli("batch", "--local", "--profile", "nocode", "-i", str(source), "-O", str(out))

    assert result.code == 0, result.err
    assert result.err.count("customer code") == 1
    assert all(row["token"] and row["watch"] == "" for row in read_rows(out))


def test_batch_signs_locally_without_being_told_to(
    cli: Run, profile: str, private_key: rsa.RSAPrivateKey, tmp_path: Path
) -> None:
    source, out = tmp_path / "ids.txt", tmp_path / "tokens.csv"
    source.write_text(f"{UID}\n")

    result = cli("batch", "-i", str(source), "--output-file", str(out))

    assert result.code == 0, result.err
    # Nothing to warn about: signing locally is the only way a batch signs.
    assert "warning" not in result.err and "--local" not in result.err
    (row,) = read_rows(out)
    assert verified(row["token"], private_key.public_key())["sub"] == UID


def test_dash_is_standard_output_and_no_file_named_dash_is_made(
    cli: Run, profile: str, private_key: rsa.RSAPrivateKey, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "ids.txt"
    source.write_text(f"{UID}\n{UID}\n")

    result = cli("batch", "-i", str(source), "-O", "-")

    assert result.code == 0, result.err
    assert not (tmp_path / "-").exists()
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert [row["line"] for row in rows] == ["1", "2"]  # only the CSV: the summary is on stderr
    for row in rows:
        assert verified(row["token"], private_key.public_key())["sub"] == UID
    assert "2 tokens written to standard output." in result.err


def test_the_old_output_spelling_still_writes_the_file_with_a_warning(
    cli: Run, profile: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    source, out = tmp_path / "ids.txt", tmp_path / "tokens.csv"
    source.write_text(f"{UID}\n")

    old = cli("batch", "--local", "-i", str(source), "-o", str(out))
    assert old.code == 0, old.err
    assert "-O/--output-file" in old.err and len(read_rows(out)) == 1

    dash = cli("batch", "-i", str(source), "--output", "-")
    assert dash.code == 0, dash.err
    assert not (tmp_path / "-").exists()
    assert dash.out.startswith("line,video,token")


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], "needs an output file: -O/--output-file FILE"),
        (["-O", "a.csv", "-o", "b.csv"], "once"),
    ],
)
def test_the_output_file_is_asked_for_once(
    cli: Run, profile: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    argv: list[str], expected: str,
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "ids.txt"
    source.write_text(f"{UID}\n")

    result = cli("batch", "-i", str(source), *argv)

    assert result.code == 2
    assert expected in result.err
    assert result.out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config", "ids.txt", "key.pem"]


def test_the_missing_key_hint_appears_only_when_no_key_is_held(cli: Run, tmp_path: Path) -> None:
    assert cli("profiles", "add", "empty", "--account", ACCOUNT, "--use").code == 0
    source, out = tmp_path / "ids.txt", tmp_path / "tokens.csv"
    source.write_text(f"{UID}\n")

    result = cli("batch", "-i", str(source), "-O", str(out))

    assert result.code == 2
    assert "holds no signing key" in result.err
    assert "keys create" in result.err and "keys import" in result.err
    assert not out.exists()


def test_bad_batch_settings_stop_before_anything_is_written(
    cli: Run, profile: str, tmp_path: Path
) -> None:
    source, out = tmp_path / "ids.txt", tmp_path / "tokens.csv"
    source.write_text(f"{UID}\n")

    result = cli(
        "batch", "--local", "-i", str(source), "-O", str(out), "--rule", "allow country ZZ"
    )

    assert result.code == 2
    assert "ZZ" in result.err
    assert not out.exists()
