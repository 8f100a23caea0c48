"""KeyService against the sandbox and the in-memory keyring (the autouse fixture)."""

from __future__ import annotations

import base64
import time
from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio
from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked

from cfstream_gui.core.cloudflare import AuthError, NotFound, StreamClient
from cfstream_gui.core.keys.checks import KeyImportError
from cfstream_gui.core.keys.inventory import KeyRow, KeyState
from cfstream_gui.core.keys.local_signing import sign_locally
from cfstream_gui.core.keys.service import KeyNotHeldError, KeyNotSavedError, KeyService
from cfstream_gui.core.keys.signing_key import SigningKey
from cfstream_gui.core.models import TokenRequest
from cfstream_gui.core.storage.memory_keyring import MemoryKeyring
from cfstream_gui.core.storage.profiles import ProfileError
from cfstream_gui.core.storage.secrets import SERVICE, SecretStore
from cfstream_gui.sandbox import Fault, Sandbox
from tests.support.rsa_keys import pkcs1_pem, rsa_key

ACCOUNT = Sandbox.DEMO_ACCOUNT_ID
PROFILE = "work"
ORPHAN_ID = "0123456789abcdef0123456789abcdef"


class LockedKeyring(MemoryKeyring):
    """A keyring the user did not unlock: reads work (nothing there), writes fail."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("Collection is locked")


class ForgetfulKeyring(MemoryKeyring):
    """Accepts every write and keeps nothing, as a misconfigured backend can."""

    def set_password(self, service: str, username: str, password: str) -> None:
        return None


@pytest.fixture(scope="module")
def running() -> Iterator[Sandbox]:
    with Sandbox() as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def orphan_pem() -> str:
    return pkcs1_pem(rsa_key())


@pytest_asyncio.fixture
async def api(running: Sandbox) -> AsyncIterator[StreamClient]:
    running.clear()
    async with StreamClient(
        Sandbox.DEMO_API_TOKEN, base_url=running.base_url, env={}, max_retries=0
    ) as client:
        yield client


@pytest.fixture
def idle(running: Sandbox) -> StreamClient:
    """A client for flows that only touch the keyring; it never opens a connection."""
    return StreamClient(Sandbox.DEMO_API_TOKEN, base_url=running.base_url, env={})


def service(api: StreamClient, backend: KeyringBackend | None = None) -> KeyService:
    return KeyService(api, SecretStore(backend), PROFILE, ACCOUNT)


async def account_ids(api: StreamClient) -> set[str]:
    return {info.id for info in await api.list_signing_keys(ACCOUNT)}


def plays(sb: Sandbox, key: SigningKey) -> bool:
    uid = sb.video_uids(signed=True)[0]
    token = sign_locally(TokenRequest(uid), key, now=int(time.time()))
    return sb.verify_playback_token(token, uid).allowed


# --- create ------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_create_puts_the_new_key_in_the_keyring(
    api: StreamClient, running: Sandbox, memory_keyring: MemoryKeyring
) -> None:
    keys = service(api)
    key = await keys.create()
    assert key.key_id in await account_ids(api)
    stored = memory_keyring.store[(SERVICE, f"signing-key:{PROFILE}:{key.key_id}")]
    assert stored == key.pem and stored.startswith("-----BEGIN RSA PRIVATE KEY-----")
    assert SecretStore().list_signing_key_ids(PROFILE) == [key.key_id]
    loaded = keys.load(key.key_id.upper())
    assert loaded == key
    assert plays(running, loaded)


@pytest.mark.parametrize("backend_class", [LockedKeyring, ForgetfulKeyring])
@pytest.mark.asyncio
async def test_a_keyring_failure_on_create_still_hands_back_the_key(
    api: StreamClient, running: Sandbox, backend_class: type[MemoryKeyring]
) -> None:
    backend = backend_class()
    with pytest.raises(KeyNotSavedError) as caught:
        await service(api, backend).create()
    error = caught.value
    assert error.key is not None
    assert error.key_id == error.key.key_id == error.material.id
    assert error.key_id in await account_ids(api)  # it exists, only the keyring failed
    message = str(error)
    assert error.key_id in message and "Copy the private key now" in message
    for secret in (error.key.pem, error.material.pem, error.material.jwk):
        for line in secret.splitlines():
            assert line not in message and line not in repr(error)
    assert backend.store == {}
    # What the UI shows once is the real key: it signs tokens that play.
    assert plays(running, error.key)


# --- inventory ---------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_inventory_merges_account_and_keyring(
    api: StreamClient, running: Sandbox, orphan_pem: str
) -> None:
    keys = service(api)
    held = await keys.create()
    elsewhere = await api.create_signing_key(ACCOUNT)  # made by another machine
    keys.import_key(orphan_pem, ORPHAN_ID)  # never on this account
    inventory = await keys.inventory()
    assert inventory.account_checked
    rows = {row.key_id: row for row in inventory.rows}
    assert rows[held.key_id].state is KeyState.HELD
    assert rows[elsewhere.id].state is KeyState.NOT_HELD
    assert rows[ORPHAN_ID] == KeyRow(ORPHAN_ID, None, KeyState.ORPHANED)
    assert rows[held.key_id].created is not None


@pytest.mark.asyncio
async def test_inventory_offline_lists_held_keys_unchecked(orphan_pem: str) -> None:
    async with StreamClient(
        "token", base_url="http://127.0.0.1:9/client/v4", env={}, max_retries=0
    ) as offline:
        keys = service(offline)
        keys.import_key(orphan_pem, ORPHAN_ID)
        inventory = await keys.inventory()
    assert inventory.rows == (KeyRow(ORPHAN_ID, None, KeyState.HELD, account_checked=False),)
    assert not inventory.account_checked


@pytest.mark.asyncio
async def test_inventory_offline_with_nothing_held_is_not_an_empty_account() -> None:
    async with StreamClient(
        "token", base_url="http://127.0.0.1:9/client/v4", env={}, max_retries=0
    ) as offline:
        inventory = await service(offline).inventory()
    assert inventory.rows == ()
    assert not inventory.account_checked


@pytest.mark.asyncio
async def test_inventory_raises_what_the_user_must_fix(running: Sandbox) -> None:
    async with StreamClient("wrong-token", base_url=running.base_url, env={}) as wrong:
        with pytest.raises(AuthError):
            await service(wrong).inventory()


# --- revoke and forget -------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_revoke_removes_the_key_remotely_and_locally(
    api: StreamClient, running: Sandbox
) -> None:
    keys = service(api)
    key = await keys.create()
    assert plays(running, key)
    await keys.revoke(key.key_id)
    assert key.key_id not in await account_ids(api)
    assert not keys.holds(key.key_id)
    assert not plays(running, key)  # every token it signed is dead
    with pytest.raises(KeyNotHeldError):
        keys.load(key.key_id)


@pytest.mark.asyncio
async def test_revoking_a_key_already_gone_from_the_account_forgets_it(
    api: StreamClient, orphan_pem: str
) -> None:
    keys = service(api)
    keys.import_key(orphan_pem, ORPHAN_ID)
    await keys.revoke(ORPHAN_ID)
    assert not keys.holds(ORPHAN_ID)
    with pytest.raises(NotFound):  # neither there nor here: the user should hear about it
        await keys.revoke(ORPHAN_ID)


@pytest.mark.asyncio
async def test_a_404_from_the_wrong_place_never_forgets_a_live_key(
    api: StreamClient, running: Sandbox
) -> None:
    keys = service(api)
    key = await keys.create()
    # A 404 for the revoke itself (a proxy, a wrong path) while the key is still on the account.
    running.inject_fault(Fault(status=404, method="DELETE", path_contains="/stream/keys/"))
    with pytest.raises(NotFound):
        await keys.revoke(key.key_id)
    assert keys.holds(key.key_id)  # the private key is not thrown away
    assert plays(running, key)


@pytest.mark.asyncio
async def test_a_profile_without_an_account_id_gets_a_sentence(api: StreamClient) -> None:
    keys = KeyService(api, SecretStore(), PROFILE, "  ")
    with pytest.raises(ProfileError, match="no account ID"):
        await keys.inventory()
    with pytest.raises(ProfileError, match="no account ID"):
        await keys.create()


@pytest.mark.asyncio
async def test_forget_only_removes_the_local_copy(api: StreamClient, running: Sandbox) -> None:
    keys = service(api)
    key = await keys.create()
    keys.forget(key.key_id)
    assert not keys.holds(key.key_id)
    assert key.key_id in await account_ids(api)
    assert plays(running, key)  # tokens already signed keep working
    [row] = [row for row in (await keys.inventory()).rows if row.key_id == key.key_id]
    assert row.state is KeyState.NOT_HELD
    with pytest.raises(KeyNotHeldError, match=key.key_id):
        keys.forget(key.key_id)


# --- import and load ---------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_import_stores_a_key_made_elsewhere(api: StreamClient, running: Sandbox) -> None:
    material = await api.create_signing_key(ACCOUNT)
    keys = service(api)
    imported = keys.import_key(material.jwk)  # base64 JWK: it names its own key
    assert imported.key_id == material.id
    assert keys.load(material.id) == imported
    assert plays(running, keys.load(material.id))


def test_a_bad_import_stores_nothing(idle: StreamClient, memory_keyring: MemoryKeyring) -> None:
    with pytest.raises(KeyImportError):
        service(idle).import_key(base64.b64encode(b"not a key").decode(), ORPHAN_ID)
    assert memory_keyring.store == {}


def test_load_says_when_a_key_is_not_held(idle: StreamClient) -> None:
    with pytest.raises(KeyNotHeldError, match=f"{ORPHAN_ID} is not held.*“{PROFILE}”"):
        service(idle).load(ORPHAN_ID)


def test_keys_belong_to_their_profile(idle: StreamClient, orphan_pem: str) -> None:
    service(idle).import_key(orphan_pem, ORPHAN_ID)
    other = KeyService(idle, SecretStore(), "home", ACCOUNT)
    assert not other.holds(ORPHAN_ID)
    with pytest.raises(KeyNotHeldError):
        other.load(ORPHAN_ID)


def test_a_damaged_keyring_entry_is_reported_without_the_key(
    idle: StreamClient, memory_keyring: MemoryKeyring, orphan_pem: str
) -> None:
    damaged = orphan_pem[: len(orphan_pem) // 2]
    SecretStore().set_signing_key(PROFILE, ORPHAN_ID, damaged)
    with pytest.raises(KeyImportError, match=r"keyring's copy .* cannot be used") as caught:
        service(idle).load(ORPHAN_ID)
    for line in damaged.splitlines()[1:]:
        assert line not in str(caught.value)
