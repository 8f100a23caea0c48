"""A child process for the signing benchmarks: `python bench/signing_session.py RUNS TOKENS IDS`.

Local signing against a raw cryptography sign loop (one core), local against `/token` on
loopback, and a batch of IDS video IDs on one core against every core. Prints one JSON object.

A child of its own because batch workers are spawned: each re-imports the main module, and a
command's main module (`cfstream-token`, `cfstream-gui`) is small, so this one is too; the
harness's imports would otherwise be timed in every worker.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from cfstream_gui.core.batch import BatchDefaults, parse_batch_input, sign_batch
from cfstream_gui.core.keys.local_signing import sign_locally
from cfstream_gui.core.keys.signing_key import SigningKey
from cfstream_gui.core.models import AccessRule, TokenRequest
from cfstream_gui.sandbox import Sandbox

VIDEO = "ea95132c15732412d22c1476fa83f27a"
RULES = (AccessRule("allow", "ip.geoip.country", ("US", "MX")), AccessRule("block", "any", ()))


def interleaved(runs: int, a: Callable[[], float], b: Callable[[], float]) -> tuple[float, float]:
    """Medians of A and B measured A B A B …, after one warm-up of each."""
    a(), b()
    first, second = [], []
    for _ in range(runs):
        first.append(a())
        second.append(b())
    return statistics.median(first), statistics.median(second)


def throwaway_key() -> SigningKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()
    return SigningKey(key_id="0" * 32, pem=pem)


# One core's work: the CPU time this process spent, which other processes sharing the machine
# do not inflate the way they inflate wall time.


def local_per_second(key: SigningKey, count: int) -> float:
    request = TokenRequest(video_uid=VIDEO, access_rules=RULES)
    now = int(time.time())
    start = time.process_time()
    for _ in range(count):
        sign_locally(request, key, now=now)
    return count / (time.process_time() - start)


def raw_per_second(key: SigningKey, count: int) -> float:
    """The floor: cryptography's RSA-2048 PKCS#1 v1.5 SHA-256 over a token-sized message."""
    private = key.private_key
    message = b"x" * 400
    start = time.process_time()
    for _ in range(count):
        private.sign(message, padding.PKCS1v15(), hashes.SHA256())
    return count / (time.process_time() - start)


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the batch workers)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def batch_seconds(key: SigningKey, ids: int, jobs: int, cpu: dict[int, list[float]]) -> float:
    """Wall time of one batch; its CPU time (every process) is added to `cpu[jobs]`: how much
    work the cores did in all, whatever else the machine was running."""
    rows = parse_batch_input("\n".join(f"{n:032x}" for n in range(ids))).rows
    used, start = cpu_seconds(), time.perf_counter()
    results, errors = sign_batch(rows, key, BatchDefaults(), now=datetime.now(UTC), jobs=jobs)
    elapsed = time.perf_counter() - start
    cpu.setdefault(jobs, []).append(cpu_seconds() - used)
    assert len(results) == ids and not errors
    return elapsed


async def api_per_second(sandbox: Sandbox, count: int) -> float:
    from cfstream_gui.core.cloudflare import StreamClient

    request = TokenRequest(video_uid=VIDEO, access_rules=RULES)
    async with StreamClient(sandbox.DEMO_API_TOKEN, base_url=sandbox.base_url, env={}) as client:
        await client.create_token(sandbox.DEMO_ACCOUNT_ID, request)
        start = time.perf_counter()
        for _ in range(count):
            await client.create_token(sandbox.DEMO_ACCOUNT_ID, request)
        return count / (time.perf_counter() - start)


def main() -> int:
    runs, tokens, ids = (int(arg) for arg in sys.argv[1:4])
    key = throwaway_key()
    local, raw = interleaved(
        runs, lambda: local_per_second(key, tokens), lambda: raw_per_second(key, tokens)
    )
    with Sandbox() as sandbox:
        api = statistics.median(
            asyncio.run(api_per_second(sandbox, max(10, tokens // 3))) for _ in range(runs)
        )
    cores = os.cpu_count() or 1
    cpu: dict[int, list[float]] = {}
    one, many = interleaved(
        max(1, (runs + 1) // 2),  # whole batches: fewer pairs, but an odd number for a median
        lambda: batch_seconds(key, ids, 1, cpu),
        lambda: batch_seconds(key, ids, cores, cpu),
    )
    result = {
        "local": local,
        "raw": raw,
        "api": api,
        "one": one,
        "many": many,
        "cores": cores,
        "cpu_one": statistics.median(cpu[1]),
        "cpu_many": statistics.median(cpu[cores]),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
