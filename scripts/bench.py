"""Benchmarks, reported as ratios against a baseline measured in the same run.

Shared machines are noisy, so nothing here asserts an absolute time: each figure is compared with
another one taken minutes apart on the same machine. Run with `make bench`.

1. Local signing vs the /token API call (against the sandbox on loopback, so the API figure is a
   lower bound: real Cloudflare adds internet latency and a 1,200-calls-per-5-minutes limit).
2. Batch signing on all cores vs one process, for 10,000 video ids.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from cfstream_gui.core.batch import BatchDefaults, sign_batch
from cfstream_gui.core.batch.input import parse_batch_input
from cfstream_gui.core.cloudflare import StreamClient
from cfstream_gui.core.keys.local_signing import sign_locally
from cfstream_gui.core.keys.signing_key import SigningKey
from cfstream_gui.core.models import AccessRule, TokenRequest
from cfstream_gui.sandbox import Sandbox

VIDEO = "ea95132c15732412d22c1476fa83f27a"
RULES = (
    AccessRule("allow", "ip.geoip.country", ("US", "MX")),
    AccessRule("block", "any", ()),
)


def best_of(runs: int, measure: Callable[[], float]) -> float:
    """The median of several runs: robust to one run hit by another process."""
    return statistics.median(measure() for _ in range(runs))


def throwaway_key() -> SigningKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()
    return SigningKey(key_id="0" * 32, pem=pem)


def local_tokens_per_second(key: SigningKey, count: int) -> float:
    request = TokenRequest(video_uid=VIDEO, access_rules=RULES)
    now = int(time.time())
    start = time.perf_counter()
    for _ in range(count):
        sign_locally(request, key, now=now)
    return count / (time.perf_counter() - start)


async def api_tokens_per_second(sandbox: Sandbox, count: int) -> float:
    request = TokenRequest(video_uid=VIDEO, access_rules=RULES)
    async with StreamClient(sandbox.DEMO_API_TOKEN, base_url=sandbox.base_url, env={}) as client:
        await client.create_token(sandbox.DEMO_ACCOUNT_ID, request)  # warm the connection
        start = time.perf_counter()
        for _ in range(count):
            await client.create_token(sandbox.DEMO_ACCOUNT_ID, request)
        return count / (time.perf_counter() - start)


def batch_seconds(key: SigningKey, ids: int, jobs: int) -> float:
    rows = parse_batch_input("\n".join(f"{n:032x}" for n in range(ids))).rows
    start = time.perf_counter()
    results, errors = sign_batch(rows, key, BatchDefaults(), now=datetime.now(UTC), jobs=jobs)
    elapsed = time.perf_counter() - start
    assert len(results) == ids and not errors
    return elapsed


def main() -> None:
    key = throwaway_key()
    local = best_of(3, lambda: local_tokens_per_second(key, 300))
    with Sandbox() as sandbox:
        api = best_of(3, lambda: asyncio.run(api_tokens_per_second(sandbox, 100)))
    print(f"local signing      {local:8.0f} tokens/s")
    print(f"/token (loopback)  {api:8.0f} tokens/s")
    print(f"ratio              {local / api:8.1f}x faster locally, before any internet latency")

    cores = os.cpu_count() or 1
    one = batch_seconds(key, 10_000, jobs=1)
    many = batch_seconds(key, 10_000, jobs=cores)
    print(f"batch 10,000 ids   {one:8.2f} s in one process, {many:.2f} s on {cores} cores")
    print(f"ratio              {one / many:8.2f}x from using every core")


if __name__ == "__main__":
    main()
