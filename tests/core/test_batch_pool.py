"""Batch signing on several cores: the calling thread signs alongside the worker processes, so
every row must still be signed exactly once, in line order, and a stop must leave no worker
behind."""

from __future__ import annotations

import multiprocessing
import secrets
from datetime import UTC, datetime

import jwt
import pytest

from cfstream_gui.core.batch import BatchCancelled, BatchDefaults, BatchRow, sign_batch
from cfstream_gui.core.keys.signing_key import SigningKey
from tests.support.rsa_keys import signing_key

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return signing_key()


def test_three_cores_sign_every_row_once_and_in_order(key: SigningKey) -> None:
    rows = [BatchRow(n, secrets.token_hex(16)) for n in range(1, 1202)]
    seen: list[int] = []

    results, errors = sign_batch(
        rows, key, BatchDefaults(), now=NOW, jobs=3, progress=lambda done, _: seen.append(done)
    )

    assert errors == []
    assert [r.line for r in results] == [row.line for row in rows]
    public = key.private_key.public_key()
    for row, result in zip(rows, results, strict=True):
        claims = jwt.decode(
            result.token, public, algorithms=["RS256"], options={"verify_exp": False}
        )
        assert claims["sub"] == row.video_uid
    assert seen == sorted(set(seen)) and seen[-1] == len(rows)  # progress never repeats


def test_stopping_a_pool_batch_leaves_no_worker_running(key: SigningKey) -> None:
    rows = [BatchRow(n, secrets.token_hex(16)) for n in range(1, 2002)]
    progressed: list[int] = []

    with pytest.raises(BatchCancelled):
        sign_batch(
            rows,
            key,
            BatchDefaults(),
            now=NOW,
            jobs=2,
            progress=lambda done, _: progressed.append(done),
            should_stop=lambda: bool(progressed),
        )

    assert 0 < progressed[-1] < len(rows)  # stopped part-way, not after the whole batch
    assert multiprocessing.active_children() == []
