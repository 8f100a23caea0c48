"""The hostile payloads are what their names promise, checked small so the big ones can be
trusted."""

from __future__ import annotations

import gzip
import json

from tests.support.hostile import MIB, gzip_bomb, nested_json


def test_a_gzip_bomb_is_valid_gzip_of_zeros_a_thousand_times_smaller() -> None:
    bomb = gzip_bomb(3)
    assert gzip.decompress(bomb) == bytes(3 * MIB)  # also checks the CRC and length trailer
    assert len(gzip_bomb(64)) < 64 * MIB / 900


def test_nested_json_is_valid_json_when_shallow() -> None:
    assert json.loads(nested_json(3)) == [[[]]]
