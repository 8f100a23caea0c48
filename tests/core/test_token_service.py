"""The one token flow, against the sandbox over real loopback HTTP: every engine, the customer
code in its one order, validation before anything is sent, and what a broken answer becomes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from cfstream_gui.core.batch import BatchDefaults, BatchRow
from cfstream_gui.core.clients import ClientPool, default_factory
from cfstream_gui.core.cloudflare import BadResponse, NotFound
from cfstream_gui.core.credentials import Credentials, Origin
from cfstream_gui.core.keys.service import KeyNotHeldError
from cfstream_gui.core.keys.signing_key import SigningKey, import_key
from cfstream_gui.core.models import AccessRule, SigningEngine, TokenRequest
from cfstream_gui.core.storage.profiles import Profile, ProfileStore
from cfstream_gui.core.token_service import (
    CodeSource,
    CustomerCodeUnknown,
    LinkNeed,
    TokenJob,
    TokenService,
)
from cfstream_gui.core.validation import ValidationError
from cfstream_gui.sandbox import Fault, Sandbox

ACCOUNT = Sandbox.DEMO_ACCOUNT_ID
CODE = Sandbox.DEMO_CUSTOMER_CODE
OTHER_ACCOUNT = "f" * 32


@pytest.fixture(scope="module")
def running_sandbox() -> Iterator[Sandbox]:
    with Sandbox() as sandbox:
        yield sandbox


@pytest.fixture
def sb(running_sandbox: Sandbox) -> Iterator[Sandbox]:
    running_sandbox.clear()
    yield running_sandbox
    running_sandbox.clear()


@pytest.fixture
def uid(sb: Sandbox) -> str:
    return sb.video_uids(signed=True)[0]


@pytest.fixture
def credentials(sb: Sandbox) -> Credentials:
    return Credentials.of(sb.DEMO_API_TOKEN, Origin.SANDBOX)


@pytest_asyncio.fixture
async def service() -> AsyncIterator[TokenService]:
    made = TokenService(ClientPool(default_factory({})), profiles=ProfileStore())
    yield made
    await made.aclose()


def profile_for(sb: Sandbox, *, code: str | None = None, name: str = "work") -> Profile:
    return Profile(name=name, account_id=ACCOUNT, customer_code=code, api_base_url=sb.base_url)


def job(sb: Sandbox, uid: str, credentials: Credentials | None, **changes: object) -> TokenJob:
    values: dict[str, object] = {
        "request": TokenRequest(video_uid=uid),
        "engine": SigningEngine.CLOUDFLARE,
        "profile": profile_for(sb, code=CODE),
        "account_id": ACCOUNT,
        "credentials": credentials,
    }
    values.update(changes)
    return TokenJob(**values)  # type: ignore[arg-type]


def token_requests(sb: Sandbox) -> list[str]:
    return [r.path for r in sb.requests if r.path.endswith("/token")]


def video_reads(sb: Sandbox) -> list[str]:
    return [r.path for r in sb.requests if r.method == "GET"]


async def sandbox_key(service: TokenService, sb: Sandbox, credentials: Credentials) -> SigningKey:
    """A signing key the sandbox knows (so its edge can verify tokens signed with it)."""
    client = await service.client(profile_for(sb), credentials)
    material = await client.create_signing_key(ACCOUNT)
    return import_key(material.pem, material.id)


# -- the engines ------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_cloudflare_engine_makes_a_token_that_plays(
    service: TokenService, sb: Sandbox, uid: str, credentials: Credentials
) -> None:
    result = await service.make(job(sb, uid, credentials))

    assert sb.verify_playback_token(result.token, uid).allowed
    assert result.decoded.sub == uid
    assert result.engine is SigningEngine.CLOUDFLARE
    assert result.customer_code.source is CodeSource.PROFILE
    assert result.urls is not None
    assert result.urls.watch == f"https://customer-{CODE}.cloudflarestream.com/{result.token}/watch"
    assert token_requests(sb) == [f"/client/v4/accounts/{ACCOUNT}/stream/{uid}/token"]
    assert video_reads(sb) == []  # the profile knew the code: no lookup


@pytest.mark.asyncio
async def test_the_link_host_template_shapes_the_links_the_sandbox_profile_keeps_its_own(
    service: TokenService, sb: Sandbox, uid: str, credentials: Credentials
) -> None:
    template = "https://watch-{code}.example.com"
    result = await service.make(job(sb, uid, credentials, host_template=template))
    assert result.urls is not None
    assert result.urls.watch == f"https://watch-{CODE}.example.com/{result.token}/watch"

    own = Profile("sandbox", ACCOUNT, CODE, sb.base_url, delivery_base_url=sb.delivery_base)
    served = await service.make(job(sb, uid, credentials, host_template=template, profile=own))
    assert served.urls is not None
    assert served.urls.watch.startswith(f"{sb.delivery_base}/")

    broken = await service.make(job(sb, uid, credentials, host_template="http://{code}.x.com"))
    assert broken.urls is None  # the token is made; the links are not, and it says why
    assert "link host template" in broken.links_note


@pytest.mark.asyncio
async def test_what_is_sent_is_normalised_and_warnings_come_back(
    service: TokenService, sb: Sandbox, uid: str, credentials: Credentials
) -> None:
    messy = TokenRequest(
        video_uid=uid,
        access_rules=(AccessRule("Allow", "country", (" us", "mx", "MX")), AccessRule("block")),
    )
    result = await service.make(job(sb, uid, credentials, request=messy))

    (sent,) = [r for r in sb.requests if r.path.endswith("/token")]
    assert sent.json == {
        "accessRules": [
            {"type": "ip.geoip.country", "action": "allow", "country": ["US", "MX", "MX"]},
            {"type": "any", "action": "block"},
        ]
    }
    assert any("MX" in w.message for w in result.warnings)  # the duplicate was said
    assert result.request.access_rules[0].values == ("US", "MX", "MX")


@pytest.mark.asyncio
async def test_invalid_request_sends_nothing(
    service: TokenService, sb: Sandbox, uid: str, credentials: Credentials
) -> None:
    bad = TokenRequest(video_uid=uid, exp=1, access_rules=(AccessRule("allow", "ip.src", ("x",)),))
    with pytest.raises(ValidationError) as caught:
        await service.make(job(sb, uid, credentials, request=bad))
    fields = {p.field for p in caught.value.problems}
    assert "expiry" in fields
    assert sb.requests == []


@pytest.mark.asyncio
async def test_api_key_engine_sends_the_key_and_cloudflare_signs_with_it(
    service: TokenService, sb: Sandbox, uid: str, credentials: Credentials
) -> None:
    key = await sandbox_key(service, sb, credentials)
    result = await service.make(job(sb, uid, credentials, engine=SigningEngine.API_KEY, key=key))

    (sent,) = [r for r in sb.requests if r.path.endswith("/token")]
    assert sent.json is not None and sent.json["id"] == key.key_id
    assert sent.json["pem"] == key.api_pem()
    assert result.decoded.kid == key.key_id
    assert result.request.pem is None  # the result never carries the private key
    assert sb.verify_playback_token(result.token, uid).allowed


@pytest.mark.asyncio
async def test_local_engine_makes_no_request_at_all(
    service: TokenService, sb: Sandbox, uid: str, credentials: Credentials
) -> None:
    key = await sandbox_key(service, sb, credentials)
    sb.clear()
    result = await service.make(
        job(sb, uid, None, engine=SigningEngine.LOCAL, key=key, links=LinkNeed.KNOWN)
    )

    assert sb.requests == []
    assert result.decoded.kid == key.key_id and result.decoded.sub == uid
    assert sb.verify_playback_token(result.token, uid).allowed
    assert result.urls is not None  # the profile's code, known without asking


@pytest.mark.parametrize("engine", [SigningEngine.API_KEY, SigningEngine.LOCAL])
@pytest.mark.asyncio
async def test_a_key_engine_without_a_key_is_refused_before_sending(
    service: TokenService, sb: Sandbox, uid: str, credentials: Credentials, engine: SigningEngine
) -> None:
    with pytest.raises(KeyNotHeldError):
        await service.make(job(sb, uid, credentials, engine=engine))
    assert token_requests(sb) == []


@pytest.mark.asyncio
async def test_an_answer_that_is_not_a_token_is_a_bad_response(
    service: TokenService, sb: Sandbox, uid: str, credentials: Credentials
) -> None:
    sb.inject_fault(
        Fault(
            status=200,
            body={"success": True, "errors": [], "messages": [], "result": {"token": "not-a-jws"}},
            path_contains="/token",
        )
    )
    with pytest.raises(BadResponse):
        await service.make(job(sb, uid, credentials))


# -- the customer code ------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_code_order_profile_then_pasted_then_session_then_video(
    service: TokenService, sb: Sandbox, uid: str, credentials: Credentials
) -> None:
    pasted = "pastedcode000000"
    # The profile's own code wins for its own account.
    own = await service.make(job(sb, uid, credentials, pasted_customer_code=pasted))
    assert own.customer_code.source is CodeSource.PROFILE
    # For another account the profile's code does not apply: the pasted link's does.
    other = job(sb, uid, credentials, account_id=OTHER_ACCOUNT, pasted_customer_code=pasted)
    assert service.known_code(other.profile, OTHER_ACCOUNT, pasted).source is CodeSource.PASTED
    # No code anywhere: the video's own URLs (one read), then remembered for the session.
    no_code = job(sb, uid, credentials, profile=profile_for(sb))
    sb.clear()
    first = await service.make(no_code)
    assert first.customer_code.code == CODE and first.customer_code.source is CodeSource.VIDEO
    assert len(video_reads(sb)) == 1
    sb.clear()
    second = await service.make(no_code)
    assert second.customer_code.source is CodeSource.SESSION
    assert video_reads(sb) == []


@pytest.mark.asyncio
async def test_a_learnt_code_is_saved_only_into_the_users_own_profile(
    service: TokenService, sb: Sandbox, uid: str, credentials: Credentials
) -> None:
    store = ProfileStore()
    store.save(profile_for(sb, name="work"))
    store.save(profile_for(sb, name="guest"))

    await service.make(job(sb, uid, credentials, profile=store.get("work"), remember_code=True))
    fresh = TokenService(ClientPool(default_factory({})), profiles=store)
    try:
        await fresh.make(job(sb, uid, credentials, profile=store.get("guest")))
    finally:
        await fresh.aclose()

    assert store.get("work").customer_code == CODE
    assert store.get("guest").customer_code is None  # remember_code was not given


@pytest.mark.asyncio
async def test_required_links_refuse_before_any_token_is_made(
    service: TokenService, sb: Sandbox, uid: str, credentials: Credentials
) -> None:
    # A video Cloudflare has not finished encoding: its answer has no playback URLs yet.
    no_urls = {"uid": uid, "readyToStream": False, "status": {"state": "inprogress"}}
    sb.inject_fault(
        Fault(status=200, body={"success": True, "errors": [], "messages": [], "result": no_urls},
              method="GET")
    )  # fmt: skip
    with pytest.raises(CustomerCodeUnknown) as caught:
        await service.make(
            job(sb, uid, credentials, profile=profile_for(sb), links=LinkNeed.REQUIRED)
        )
    assert "encoding" in str(caught.value)
    assert "--customer-code" in caught.value.hint
    assert token_requests(sb) == []


@pytest.mark.asyncio
async def test_a_failed_lookup_costs_the_links_not_the_token(
    service: TokenService, sb: Sandbox, uid: str, credentials: Credentials
) -> None:
    sb.inject_fault(Fault(status=404, method="GET"))
    result = await service.make(job(sb, uid, credentials, profile=profile_for(sb)))

    assert result.urls is None
    assert result.customer_code.source is CodeSource.NONE
    assert result.links_note  # says why there are no links
    assert sb.verify_playback_token(result.token, uid).allowed


@pytest.mark.asyncio
async def test_api_errors_reach_the_caller(
    service: TokenService, sb: Sandbox, credentials: Credentials
) -> None:
    with pytest.raises(NotFound):
        await service.make(job(sb, "0" * 32, credentials))


# -- many tokens ------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_sign_many_uses_the_same_code_rules_and_checks_the_shared_settings(
    service: TokenService, sb: Sandbox, uid: str, credentials: Credentials
) -> None:
    key = await sandbox_key(service, sb, credentials)
    sb.clear()
    rows = [BatchRow(1, uid), BatchRow(2, sb.video_uids(signed=True)[1])]
    defaults = BatchDefaults(rules=(AccessRule("Allow", "country", (" de",)),))

    outcome = service.sign_many(rows, key, defaults, profile=profile_for(sb, code=CODE), jobs=1)

    assert sb.requests == []  # a batch never asks the API
    assert outcome.customer_code.source is CodeSource.PROFILE
    assert [r.video_uid for r in outcome.results] == [row.video_uid for row in rows]
    assert all(sb.verify_playback_token(r.token, r.video_uid, country="DE").allowed for r in
               outcome.results)  # fmt: skip
    elsewhere = service.sign_many(
        rows, key, defaults, profile=profile_for(sb, code=CODE), account_id=OTHER_ACCOUNT, jobs=1
    )
    assert elsewhere.customer_code.code is None  # another account: the profile's code is not it
    assert elsewhere.link_base is None
    assert outcome.link_base == f"https://customer-{CODE}.cloudflarestream.com"
    moved = service.sign_many(
        rows,
        key,
        defaults,
        profile=profile_for(sb, code=CODE),
        jobs=1,
        host_template="https://cdn.example.com/{code}/",
    )
    assert moved.link_base == f"https://cdn.example.com/{CODE}"

    with pytest.raises(ValidationError):
        service.sign_many(rows, key, BatchDefaults(exp=1), profile=profile_for(sb), jobs=1)


@pytest.mark.asyncio
async def test_upper_case_ids_are_sent_in_cloudflares_lower_case(
    service: TokenService, sb: Sandbox, uid: str, credentials: Credentials
) -> None:
    shouting = job(
        sb,
        uid,
        credentials,
        request=TokenRequest(video_uid=uid.upper()),
        account_id=ACCOUNT.upper(),
    )
    result = await service.make(shouting)

    assert token_requests(sb) == [f"/client/v4/accounts/{ACCOUNT}/stream/{uid}/token"]
    assert result.decoded.sub == uid
    assert sb.verify_playback_token(result.token, uid).allowed
