"""The one "make a token" flow: the CLI, the window and batch all come through here.

A caller describes what it wants as plain values (`TokenJob`: the request, the engine, the
profile and account, the credentials, the signing key, how much it needs playback links) and
gets one `TokenResult` back: the token, its decoded claims, the playback links, the warnings,
and where the customer code for the links came from.

The three engines:

- `CLOUDFLARE`: `POST …/token`; Cloudflare signs with its own key.
- `API_KEY`: the same call with the key's `id` and `pem`; Cloudflare signs with that key.
- `LOCAL`: signed here with the held key; no request at all (unless the caller asks for links
  and the customer code is unknown, which costs one read of the video).

The customer code (the `customer-<CODE>` host of every playback link) is resolved here and
nowhere else, in this order: the profile's own code (only for its own account), a code found in a
link the user pasted, one learnt earlier in this session for the account, and last the video's
own URLs (one API call). A code learnt that way is remembered for the session, and saved into the
profile when the caller says the profile is the user's own.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from cfstream_gui.core.batch import (
    BatchDefaults,
    BatchResult,
    BatchRow,
    Progress,
    RowError,
    sign_batch,
)
from cfstream_gui.core.clients import ClientPool
from cfstream_gui.core.cloudflare import ApiError, BadResponse
from cfstream_gui.core.credentials import Credentials
from cfstream_gui.core.customer_codes import detect_code, is_profiles_account, remembered_code
from cfstream_gui.core.ids import canonical_id
from cfstream_gui.core.models import SigningEngine, TokenRequest
from cfstream_gui.core.storage.profiles import Profile, ProfileError, ProfileStore
from cfstream_gui.core.tokens import DecodedToken, TokenDecodeError, decode_token
from cfstream_gui.core.urls import PlaybackUrls, link_base, playback_urls
from cfstream_gui.core.validation import (
    Problem,
    Severity,
    ValidationError,
    check_request,
    check_rules,
    check_times,
    normalize_request,
    normalize_rule,
)

# Signing (PyJWT, cryptography) and the key store (keyring) load when a job needs them: a token
# from Cloudflare's API needs neither.
if TYPE_CHECKING:
    from cfstream_gui.core.cloudflare import StreamClient
    from cfstream_gui.core.keys.signing_key import SigningKey

logger = logging.getLogger(__name__)


class LinkNeed(StrEnum):
    """How much the caller needs playback links, which need the account's customer code."""

    NONE = "none"  # no links wanted: the code is not even looked for
    KNOWN = "known"  # links if the code is known already; never a request for it
    LOOKUP = "lookup"  # when unknown, read the video once to find it (after the token)
    REQUIRED = "required"  # as LOOKUP, but first: no token is made when it stays unknown


class CodeSource(StrEnum):
    """Where the customer code for the links came from."""

    PROFILE = "profile"
    PASTED = "pasted link"
    SESSION = "learnt earlier in this session"
    VIDEO = "the video's own URLs"
    NONE = "not known"


@dataclass(frozen=True)
class CustomerCode:
    code: str | None
    source: CodeSource


UNKNOWN_CODE = CustomerCode(None, CodeSource.NONE)


class CustomerCodeUnknown(Exception):
    """Links were required but the account's customer code could not be found; nothing was
    made. `hint` says how to give it."""

    def __init__(self, profile: str, reason: str = "") -> None:
        super().__init__(
            "The customer code for playback URLs could not be found"
            + (f": {reason}" if reason else ".")
        )
        self.hint = customer_code_hint(profile)


def customer_code_hint(profile: str) -> str:
    """How to give a profile its customer code by hand."""
    return (
        f"Set it with `cfstream-token profiles add {profile} --customer-code CODE` (the "
        "customer-CODE part of the video's playback URLs)."
    )


@dataclass(frozen=True)
class TokenJob:
    """One token to make. `account_id` is the account in use (the profile's, or one typed or
    given with --account); local signing needs neither it nor `credentials`. `key` is required
    by the engines that sign with the user's key. `remember_code` allows saving a customer code
    learnt from the video into the profile: only for a saved profile of the user's own.
    `host_template` is where links point (`core.urls.host_template_problem`; None: Cloudflare's
    `customer-<code>` host) unless the profile has its own delivery base (the sandbox)."""

    request: TokenRequest
    engine: SigningEngine
    profile: Profile
    account_id: str = ""
    credentials: Credentials | None = None
    key: SigningKey | None = None
    links: LinkNeed = LinkNeed.LOOKUP
    pasted_customer_code: str | None = None
    remember_code: bool = False
    host_template: str | None = None

    @property
    def account(self) -> str:
        return canonical_id(self.account_id or self.profile.account_id)


@dataclass(frozen=True)
class TokenResult:
    token: str = field(repr=False)
    decoded: DecodedToken
    engine: SigningEngine
    request: TokenRequest  # as sent (normalised), without the private key
    urls: PlaybackUrls | None
    customer_code: CustomerCode
    warnings: tuple[Problem, ...] = ()
    # Why links are missing although they were wanted, in words; "" when they are there.
    links_note: str = ""


@dataclass(frozen=True)
class BatchOutcome:
    results: list[BatchResult]
    errors: list[RowError]
    customer_code: CustomerCode
    # What the rows' links start with (`write_results`' delivery_base); None without a code.
    link_base: str | None = None


class TokenService:
    """Makes tokens. `clients` gives the API client for a base URL and credentials (closed by
    `aclose()`); `profiles` is where a learnt customer code is saved (None: never)."""

    def __init__(
        self,
        clients: ClientPool,
        *,
        profiles: ProfileStore | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._clients = clients
        self._profiles = profiles
        self._clock = clock
        self._learnt: dict[str, str] = {}  # account ID (lower case) -> its code, this session

    async def client(self, profile: Profile, credentials: Credentials | None) -> StreamClient:
        """The API client for `profile`'s base URL and `credentials`, for the calls around a
        token (verifying the API token, signing keys). ValueError for a refused base URL."""
        return await self._clients.get(profile.api_base_url, credentials)

    async def aclose(self) -> None:
        """Close every API client made for this service."""
        await self._clients.aclose()

    # -- checking ---------------------------------------------------------------------------

    def check(self, job: TokenJob, *, now: int | None = None) -> list[Problem]:
        """What validation says about the job's request, as it would be sent. The account ID
        only matters to the engines that call the API."""
        return check_request(
            normalize_request(job.request),
            now=int(self._clock()) if now is None else now,
            account_id=job.account_id if job.engine.uses_network else None,
        )

    def check_batch_defaults(self, defaults: BatchDefaults, *, now: int) -> list[Problem]:
        """What is wrong with the settings a whole batch shares (expiry, start, rules)."""
        rules = [normalize_rule(rule) for rule in defaults.rules]
        return check_times(defaults.exp, defaults.nbf, now) + check_rules(rules)

    # -- the customer code ------------------------------------------------------------------

    def known_code(self, profile: Profile, account_id: str, pasted: str | None) -> CustomerCode:
        """The code without asking Cloudflare, or UNKNOWN_CODE."""
        account = (account_id or profile.account_id).strip()
        remembered = remembered_code(profile, account)
        if remembered:
            return CustomerCode(remembered, CodeSource.PROFILE)
        if pasted:
            return CustomerCode(pasted, CodeSource.PASTED)
        learnt = self._learnt.get(account.lower())
        if learnt:
            return CustomerCode(learnt, CodeSource.SESSION)
        return UNKNOWN_CODE

    async def _look_up_code(self, job: TokenJob) -> tuple[CustomerCode, str]:
        """The code from the video's URLs (one API call), and why not when it is not found."""
        if job.credentials is None or not job.account:
            return UNKNOWN_CODE, "no API token or account to read the video with"
        try:
            client = await self._client(job)
            code = await detect_code(client, job.account, job.request.video_uid.strip())
        except ApiError as exc:
            # The token may still be made; only the links are missing, and the caller says why.
            logger.info("no customer code from the video: %s", type(exc).__name__)
            return UNKNOWN_CODE, exc.message
        if code is None:
            return UNKNOWN_CODE, "the video has no playback URLs yet (it may still be encoding)"
        self._learnt[job.account.lower()] = code
        if job.remember_code and is_profiles_account(job.profile, job.account):
            await self._save_code(job.profile.name, code)
        return CustomerCode(code, CodeSource.VIDEO), ""

    async def _save_code(self, name: str, code: str) -> None:
        if self._profiles is None:
            return
        try:
            await asyncio.to_thread(self._profiles.remember_customer_code, name, code)
        except (ProfileError, OSError) as exc:  # the token is fine; only the memory is lost
            logger.info("customer code not saved: %s", exc)

    async def _resolve_code(self, job: TokenJob) -> tuple[CustomerCode, str]:
        known = self.known_code(job.profile, job.account_id, job.pasted_customer_code)
        if known.code is not None or job.links in (LinkNeed.NONE, LinkNeed.KNOWN):
            return known, ""
        return await self._look_up_code(job)

    # -- making a token ---------------------------------------------------------------------

    async def make(self, job: TokenJob) -> TokenResult:
        """The token. Raises ValidationError (nothing sent), CustomerCodeUnknown (links were
        required), KeyNotHeldError (no key for a key engine), ApiError and its kinds, or
        ValueError for a profile's unusable API base URL."""
        request = normalize_request(job.request)
        problems = self.check(replace(job, request=request))
        errors = [p for p in problems if p.severity is Severity.ERROR]
        if errors:
            raise ValidationError(errors)
        code, why = UNKNOWN_CODE, ""
        if job.links is LinkNeed.REQUIRED:
            code, why = await self._resolve_code(job)
            if code.code is None:
                raise CustomerCodeUnknown(job.profile.name, why)
        if job.engine is SigningEngine.LOCAL:
            token = await self._sign_here(job, request)
        else:
            request, token = await self._ask_cloudflare(job, request)
        if job.links is not LinkNeed.REQUIRED:
            code, why = await self._resolve_code(job)
        urls, why = _links(code.code, token, request, job, why)
        return TokenResult(
            token=token,
            decoded=_decoded(token),
            engine=job.engine,
            request=replace(request, pem=None),
            urls=urls,
            customer_code=code,
            warnings=tuple(p for p in problems if p.severity is Severity.WARNING),
            links_note=why,
        )

    def _key(self, job: TokenJob) -> SigningKey:
        if job.key is None:
            from cfstream_gui.core.keys.service import KeyNotHeldError

            raise KeyNotHeldError("(none chosen)", job.profile.name)
        return job.key

    async def _sign_here(self, job: TokenJob, request: TokenRequest) -> str:
        from cfstream_gui.core.keys.local_signing import sign_locally

        key = self._key(job)
        now = int(self._clock())
        # A couple of milliseconds once the key is parsed; a worker thread keeps even a slow
        # machine's window live.
        return await asyncio.to_thread(sign_locally, request, key, now=now)

    async def _ask_cloudflare(
        self, job: TokenJob, request: TokenRequest
    ) -> tuple[TokenRequest, str]:
        client = await self._client(job)
        if job.engine is SigningEngine.API_KEY:
            key = self._key(job)
            pem = await asyncio.to_thread(key.api_pem)
            request = replace(request, key_id=key.key_id, pem=pem)
        return request, await client.create_token(job.account, request)

    async def _client(self, job: TokenJob) -> StreamClient:
        return await self.client(job.profile, job.credentials)

    # -- many tokens ------------------------------------------------------------------------

    def sign_many(
        self,
        rows: list[BatchRow],
        key: SigningKey,
        defaults: BatchDefaults,
        *,
        profile: Profile,
        account_id: str = "",
        pasted_customer_code: str | None = None,
        jobs: int | None = None,
        progress: Progress | None = None,
        should_stop: Callable[[], bool] | None = None,
        host_template: str | None = None,
    ) -> BatchOutcome:
        """Sign every row locally on all cores (blocking: run it in a worker thread from the
        window). Links use the customer code as `known_code` finds it: a batch never asks the
        API; they start as `TokenJob.host_template` says. Raises ValidationError when the
        shared settings are wrong, BatchCancelled."""
        now = self._clock()
        problems = self.check_batch_defaults(defaults, now=int(now))
        errors = [p for p in problems if p.severity is Severity.ERROR]
        if errors:
            raise ValidationError(errors)
        defaults = replace(defaults, rules=tuple(normalize_rule(r) for r in defaults.rules))
        results, row_errors = sign_batch(
            rows,
            key,
            defaults,
            now=datetime.fromtimestamp(now, UTC),
            jobs=jobs,
            progress=progress,
            should_stop=should_stop,
        )
        code = self.known_code(profile, account_id, pasted_customer_code)
        base = link_base(
            code.code, delivery_base=profile.delivery_base_url, host_template=host_template
        )
        return BatchOutcome(results, row_errors, code, base)


def _decoded(token: str) -> DecodedToken:
    try:
        return decode_token(token)
    except TokenDecodeError as exc:
        # Only an API answer can be this broken: our own signer writes proper tokens.
        raise BadResponse(
            f"The API's answer is not a usable token: {exc}",
            hint="Try again; if it persists, the API server is misbehaving.",
        ) from None


def _links(
    code: str | None, token: str, request: TokenRequest, job: TokenJob, why: str
) -> tuple[PlaybackUrls | None, str]:
    if job.links is LinkNeed.NONE:
        return None, ""
    if code is None:
        return None, why or "the account's customer code is not known"
    try:
        urls = playback_urls(
            code,
            token,
            downloadable=bool(request.downloadable),
            delivery_base=job.profile.delivery_base_url,
            host_template=job.host_template,
        )
    except ValueError as exc:
        logger.info("no playback links: %s", exc)  # said to the user through links_note
        return None, str(exc)
    return urls, ""
