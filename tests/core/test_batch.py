"""The batch engine: reading batch files, signing rows on a pool, and the CSV it writes."""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import jwt
import pytest

from cfstream_gui.core.batch import (
    OUTPUT_COLUMNS,
    BatchCancelled,
    BatchDefaults,
    BatchInputError,
    BatchResult,
    BatchRow,
    parse_batch_input,
    sign_batch,
    write_results,
    write_results_csv,
)
from cfstream_gui.core.keys.signing_key import SigningKey
from cfstream_gui.core.models import AccessRule
from tests.support.rsa_keys import signing_key

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
EPOCH = int(NOW.timestamp())
UID_A = "ea95132c15732412d22c1476fa83f27a"
UID_B = "0123456789abcdef0123456789abcdef"


@pytest.fixture(scope="session")
def key() -> SigningKey:
    return signing_key()


def claims_of(token: str, key: SigningKey) -> dict[str, object]:
    public = key.private_key.public_key()
    decoded: dict[str, object] = jwt.decode(
        token, public, algorithms=["RS256"], options={"verify_exp": False, "verify_nbf": False}
    )
    assert jwt.get_unverified_header(token) == {"alg": "RS256", "kid": key.key_id}
    return decoded


# --- reading ----------------------------------------------------------------------------------


def test_plain_list_skips_blanks_and_comments_and_numbers_bad_lines() -> None:
    text = f"# my videos\n{UID_A}\n\n  {UID_B.upper()}  \nnot-a-video\n# end\n"

    rows, errors = parse_batch_input(text)

    assert rows == [BatchRow(2, UID_A), BatchRow(4, UID_B)]
    assert [(e.line, "not-a-video" in e.message) for e in errors] == [(5, True)]


def test_csv_is_detected_by_its_video_column_and_keeps_row_values() -> None:
    text = (
        "\ufeff# exported\n"
        "Video,exp,rules\n"
        f'{UID_A},2h,"allow country us,mx;block any"\n'
        f"{UID_B},,\n"
        f"{UID_A},,allow planet Mars\n"
        ",1h,\n"
    )

    rows, errors = parse_batch_input(text)

    assert rows == [
        BatchRow(
            3,
            UID_A,
            "2h",
            (AccessRule("allow", "ip.geoip.country", ("US", "MX")), AccessRule("block", "any")),
        ),
        BatchRow(4, UID_B),
    ]
    assert [e.line for e in errors] == [5, 6]
    assert "rule 1 ('allow planet Mars') type 'planet'" in errors[0].message
    assert "empty" in errors[1].message


def test_csv_without_a_video_column_is_refused_as_a_whole() -> None:
    with pytest.raises(BatchInputError, match="no “video” column"):
        parse_batch_input(f"uid,exp\n{UID_A},1h\n")


# --- signing ----------------------------------------------------------------------------------


def test_rows_are_signed_with_defaults_or_their_own_values(key: SigningKey) -> None:
    rules = (AccessRule("allow", "ip.geoip.country", ("DE",)), AccessRule("block", "any"))
    own = (AccessRule("block", "ip.src", ("192.0.2.0/24",)),)
    rows = [BatchRow(1, UID_A), BatchRow(2, UID_B, "30m", own)]
    defaults = BatchDefaults(exp=EPOCH + 7200, downloadable=True, rules=rules)

    results, errors = sign_batch(rows, key, defaults, now=NOW, jobs=1)

    assert errors == []
    assert [(r.line, r.video_uid) for r in results] == [(1, UID_A), (2, UID_B)]
    first, second = (claims_of(r.token, key) for r in results)
    assert first["sub"] == UID_A and first["exp"] == EPOCH + 7200
    assert first["downloadable"] is True
    assert first["accessRules"] == [
        {"type": "ip.geoip.country", "action": "allow", "country": ["DE"]},
        {"type": "any", "action": "block"},
    ]
    assert second["exp"] == EPOCH + 1800 == results[1].expires
    assert second["accessRules"] == [{"type": "ip.src", "action": "block", "ip": ["192.0.2.0/24"]}]


def test_bad_rows_become_errors_with_their_line_numbers(key: SigningKey) -> None:
    rows = [
        BatchRow(3, UID_A, "soon"),
        BatchRow(7, UID_A, "30h"),
        BatchRow(9, UID_B, None, (AccessRule("allow", "ip.geoip.country", ("ZZ",)),)),
        BatchRow(12, UID_B),
    ]

    results, errors = sign_batch(rows, key, BatchDefaults(), now=NOW, jobs=1)

    assert [r.line for r in results] == [12]
    assert results[0].expires == EPOCH + 3600  # Cloudflare's default: 1 h
    assert [e.line for e in errors] == [3, 7, 9]
    assert "'soon'" in errors[0].message
    assert "24 hours" in errors[1].message
    assert "ZZ" in errors[2].message


def test_a_pool_signs_every_row_in_order_and_reports_progress(key: SigningKey) -> None:
    rows = [BatchRow(n, secrets.token_hex(16)) for n in range(1, 402)]
    rows.append(BatchRow(500, UID_A, "yesterday"))
    seen: list[tuple[int, int]] = []

    results, errors = sign_batch(
        rows, key, BatchDefaults(), now=NOW, jobs=2, progress=lambda d, t: seen.append((d, t))
    )

    assert [r.line for r in results] == list(range(1, 402))
    for row, result in zip(rows, results, strict=False):
        assert claims_of(result.token, key)["sub"] == row.video_uid
    assert [e.line for e in errors] == [500]
    assert seen[-1] == (401, 401)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_a_batch_can_be_stopped(key: SigningKey) -> None:
    rows = [BatchRow(n, UID_A) for n in range(1, 100)]

    with pytest.raises(BatchCancelled):
        sign_batch(rows, key, BatchDefaults(), now=NOW, jobs=1, should_stop=lambda: True)


# --- writing ----------------------------------------------------------------------------------


def result(line: int = 1, token: str = "aaa.bbb.ccc") -> BatchResult:
    return BatchResult(line, UID_A, token, EPOCH)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_csv_has_the_columns_and_urls(tmp_path: Path) -> None:
    out = tmp_path / "tokens.csv"

    write_results_csv(out, [result()], customer_code="abc123", downloadable=False)

    assert out.read_text().splitlines()[0] == ",".join(OUTPUT_COLUMNS)
    (row,) = read_csv(out)
    assert row["expires"] == "2026-05-01T12:00:00Z"
    assert row["watch"] == "https://customer-abc123.cloudflarestream.com/aaa.bbb.ccc/watch"
    assert row["mp4"] == ""
    assert out.stat().st_mode & 0o077 == 0  # tokens are credentials


def test_url_columns_are_empty_without_a_customer_code(tmp_path: Path) -> None:
    out = tmp_path / "tokens.csv"

    write_results_csv(out, [result()], customer_code=None, downloadable=True)

    (row,) = read_csv(out)
    assert row["token"] == "aaa.bbb.ccc"
    assert all(row[kind] == "" for kind in ("iframe", "hls", "mp4"))


def test_results_written_to_a_stream_match_the_file(tmp_path: Path) -> None:
    out = tmp_path / "tokens.csv"
    write_results_csv(out, [result()], customer_code="abc123", downloadable=True)
    text = io.StringIO()

    write_results(text, [result()], customer_code="abc123", downloadable=True, lineterminator="\n")

    assert text.getvalue() == out.read_bytes().decode().replace("\r\n", "\n")
    assert text.getvalue().count("\n") == 2  # header and one row
    assert "/downloads/default.mp4" in text.getvalue()


def test_a_failed_write_leaves_the_old_file_whole(tmp_path: Path) -> None:
    out = tmp_path / "tokens.csv"
    out.write_text("previous run\n")

    def broken() -> Iterator[BatchResult]:
        yield result()
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_results_csv(out, broken(), customer_code=None, downloadable=False)

    assert out.read_text() == "previous run\n"
    assert [p.name for p in tmp_path.iterdir()] == ["tokens.csv"]
