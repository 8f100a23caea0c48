"""Signing many tokens locally, on every core, and writing them out as CSV.

Local signing makes no API call per token, so a batch is bound only by RSA: about a millisecond
per signature. Rows are signed in chunks by the calling thread and a process pool (signatures
are CPU work the GIL would serialise); the private key reaches each worker once, through the
pool initializer, and is parsed there once. Every input row ends as a token or as a `RowError`
carrying its line number: nothing is dropped without a word. The GUI and the CLI both drive
this module.
"""

from __future__ import annotations

import contextlib
import csv
import math
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from cfstream_gui.core.batch.input import BatchRow, RowError
from cfstream_gui.core.models import DEFAULT_EXP_SECONDS, AccessRule, TokenRequest
from cfstream_gui.core.timeparse import TimeParseError, parse_when, to_epoch
from cfstream_gui.core.urls import playback_urls
from cfstream_gui.core.validation import ValidationError

# Signing (PyJWT, cryptography) and the process pool load when a batch is signed, not with the
# token service that offers batches, nor with a `--rule` parsed next to this module.
if TYPE_CHECKING:
    from concurrent.futures import Future

    from cfstream_gui.core.keys.signing_key import SigningKey

URL_COLUMNS: tuple[str, ...] = ("iframe", "watch", "hls", "dash", "thumbnail", "mp4")
OUTPUT_COLUMNS: tuple[str, ...] = ("line", "video", "token", "expires", *URL_COLUMNS)
# Below this many rows, starting worker processes costs more than it saves.
_IN_PROCESS_LIMIT = 200
# About 40 chunks per batch: progress moves in ~2.5% steps and the pool stays busy to the end.
_CHUNKS_PER_BATCH = 40
_MIN_CHUNK, _MAX_CHUNK = 25, 1000

Progress = Callable[[int, int], None]  # (rows done, rows in total)


class BatchCancelled(Exception):
    """`should_stop` asked for the batch to end; nothing was written."""


@dataclass(frozen=True)
class BatchDefaults:
    """What rows without their own values get. `exp` None means one hour from `now`, as
    Cloudflare would fill in; a local token must carry its expiry itself."""

    exp: int | None = None
    nbf: int | None = None
    downloadable: bool | None = None
    rules: tuple[AccessRule, ...] = ()


@dataclass(frozen=True)
class BatchResult:
    """One signed row. Rows that failed are `RowError`s instead."""

    line: int
    video_uid: str
    token: str
    expires: int


@dataclass(frozen=True)
class _Job:
    line: int
    request: TokenRequest


_Outcome = BatchResult | RowError


def sign_batch(
    rows: Sequence[BatchRow],
    key: SigningKey,
    defaults: BatchDefaults,
    *,
    now: datetime,
    jobs: int | None = None,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> tuple[list[BatchResult], list[RowError]]:
    """Sign every row with `key`; results and errors both in line order.

    `jobs` is the number of cores to sign on (default: every core): this thread and `jobs - 1`
    worker processes; 1 signs in this thread only.
    `progress` is called from this thread after each chunk; `should_stop` is polled as often.
    """
    prepared, errors = _prepare(rows, defaults, now)
    epoch = to_epoch(now)
    workers = max(1, jobs if jobs is not None else os.cpu_count() or 1)
    if workers == 1 or len(prepared) <= _IN_PROCESS_LIMIT:
        outcomes = _sign_here(prepared, key, epoch, progress, should_stop)
    else:
        outcomes = _sign_in_pool(prepared, key, epoch, workers, progress, should_stop)
    results = [o for o in outcomes if isinstance(o, BatchResult)]
    errors += [o for o in outcomes if isinstance(o, RowError)]
    results.sort(key=lambda r: r.line)
    errors.sort(key=lambda e: e.line)
    return results, errors


def _prepare(
    rows: Iterable[BatchRow], defaults: BatchDefaults, now: datetime
) -> tuple[list[_Job], list[RowError]]:
    """Each row as a complete request; a row whose expiry cannot be read is an error here."""
    default_exp = defaults.exp if defaults.exp is not None else to_epoch(now) + DEFAULT_EXP_SECONDS
    template = TokenRequest(
        video_uid="",
        exp=default_exp,
        nbf=defaults.nbf,
        downloadable=defaults.downloadable,
        access_rules=defaults.rules,
    )
    jobs: list[_Job] = []
    errors: list[RowError] = []
    for row in rows:
        try:
            exp = default_exp if row.exp is None else to_epoch(parse_when(row.exp, now=now))
        except TimeParseError as exc:
            errors.append(RowError(row.line, f"exp {row.exp!r}: {exc}"))
            continue
        rules = defaults.rules if row.rules is None else row.rules
        request = replace(template, video_uid=row.video_uid, exp=exp, access_rules=rules)
        jobs.append(_Job(row.line, request))
    return jobs, errors


def _sign_one(job: _Job, key: SigningKey, now: int) -> _Outcome:
    from cfstream_gui.core.keys.local_signing import sign_locally  # ~1 µs once loaded

    try:
        token = sign_locally(job.request, key, now=now)
    except ValidationError as exc:
        return RowError(job.line, " ".join(p.message for p in exc.problems))
    # _prepare always sets exp, so the token's expiry is the request's.
    return BatchResult(job.line, job.request.video_uid, token, job.request.exp or 0)


def _sign_here(
    jobs: list[_Job],
    key: SigningKey,
    now: int,
    progress: Progress | None,
    should_stop: Callable[[], bool] | None,
) -> list[_Outcome]:
    outcomes: list[_Outcome] = []
    for chunk in _chunks(jobs):
        if should_stop is not None and should_stop():
            raise BatchCancelled
        outcomes += [_sign_one(job, key, now) for job in chunk]
        if progress is not None:
            progress(len(outcomes), len(jobs))
    return outcomes


def _chunks(jobs: list[_Job]) -> list[list[_Job]]:
    size = min(_MAX_CHUNK, max(_MIN_CHUNK, math.ceil(len(jobs) / _CHUNKS_PER_BATCH)))
    return [jobs[i : i + size] for i in range(0, len(jobs), size)]


# --- worker processes ------------------------------------------------------------------------

_worker_key: SigningKey | None = None


def _init_worker(key_id: str, pem: str) -> None:
    """Runs once in each worker: parse the key once for every chunk this worker signs.
    (Plain strings travel to the worker: a parsed key object cannot be pickled.)"""
    from cfstream_gui.core.keys.signing_key import SigningKey

    global _worker_key
    _worker_key = SigningKey(key_id, pem)
    _ = _worker_key.private_key


def _sign_chunk(chunk: list[_Job], now: int) -> list[_Outcome]:
    key = _worker_key
    if key is None:
        raise RuntimeError("batch worker started without its signing key")
    return [_sign_one(job, key, now) for job in chunk]


def _sign_in_pool(
    jobs: list[_Job],
    key: SigningKey,
    now: int,
    workers: int,
    progress: Progress | None,
    should_stop: Callable[[], bool] | None,
) -> list[_Outcome]:
    """Sign on `workers` cores: `workers - 1` processes, and this thread as the last one.

    A worker process first starts Python, imports the signer and parses the key (~0.2 s of a
    core each); this thread has all that already, so it signs from the first moment and the
    pool joins in when ready. Chunks are handed out a few at a time, so whoever is free takes
    the next one and nobody is left with a queue when the others are done."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    todo = _chunks(jobs)
    todo.reverse()  # pop() hands them out in order
    outcomes: list[_Outcome] = []
    # spawn, not fork: the caller may have threads (the GUI's, the sandbox's) whose locks a
    # forked child would inherit mid-use.
    pool = ProcessPoolExecutor(
        max_workers=workers - 1,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker,
        initargs=(key.key_id, key.pem),
    )
    pending: set[Future[list[_Outcome]]] = set()
    try:
        while todo or pending:
            # One running and two waiting per process: none idles while this thread signs.
            while todo and len(pending) < 3 * (workers - 1):
                pending.add(pool.submit(_sign_chunk, todo.pop(), now))
            if should_stop is not None and should_stop():
                raise BatchCancelled
            signed = len(outcomes)
            if todo:
                outcomes += [_sign_one(job, key, now) for job in todo.pop()]
            done, pending = wait(pending, timeout=0 if todo else 0.2, return_when=FIRST_COMPLETED)
            for future in done:
                outcomes += future.result()
            if progress is not None and len(outcomes) > signed:
                progress(len(outcomes), len(jobs))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return outcomes


# --- output ------------------------------------------------------------------------------------


def write_results_csv(
    path: Path,
    results: Iterable[BatchResult],
    *,
    customer_code: str | None,
    downloadable: bool,
    delivery_base: str | None = None,
) -> None:
    """Write `OUTPUT_COLUMNS` to `path` atomically: readers see the old file or the whole new
    one. The file is private to the user (0600): every token in it is a credential."""
    path = Path(path)
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
            write_results(
                handle,
                results,
                customer_code=customer_code,
                downloadable=downloadable,
                delivery_base=delivery_base,
            )
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise


def write_results(
    out: TextIO,
    results: Iterable[BatchResult],
    *,
    customer_code: str | None,
    downloadable: bool,
    delivery_base: str | None = None,
    lineterminator: str = "\r\n",
) -> None:
    """Write the header and one CSV row per result to `out` (a file opened with
    `newline=""`, or a StringIO). URL columns stay empty without a customer code; mp4 also
    without `downloadable`. The default line ends are RFC 4180's; "\n" suits a clipboard."""
    writer = csv.writer(out, lineterminator=lineterminator)
    writer.writerow(OUTPUT_COLUMNS)
    for result in results:
        writer.writerow(_csv_cells(result, customer_code, downloadable, delivery_base))


def _csv_cells(
    result: BatchResult, customer_code: str | None, downloadable: bool, delivery_base: str | None
) -> list[str]:
    expires = datetime.fromtimestamp(result.expires, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    cells = [str(result.line), result.video_uid, result.token, expires]
    if customer_code is None:
        return cells + [""] * len(URL_COLUMNS)
    urls = playback_urls(
        customer_code, result.token, downloadable=downloadable, delivery_base=delivery_base
    )
    return cells + [urls.get(kind) or "" for kind in URL_COLUMNS]
