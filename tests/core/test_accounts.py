"""The Accounts dialog's logic without Qt: drafts checked field by field, the token checked
against the sandbox over real loopback HTTP (what it can do, the customer code found on the
way), saves and renames that never leave half an account behind, and the first-run choice."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from keyring.errors import KeyringLocked, PasswordSetError

from cfstream_gui.core.accounts.changes import remove_account, save_account
from cfstream_gui.core.accounts.drafts import (
    AccountDraft,
    check_draft,
    draft_of,
    profile_from_draft,
)
from cfstream_gui.core.accounts.first_run import Start, start_choice
from cfstream_gui.core.accounts.verify import AccountCheck, check_account
from cfstream_gui.core.cloudflare import AuthError, StreamClient
from cfstream_gui.core.credentials import Credentials, Origin
from cfstream_gui.core.storage.memory_keyring import MemoryKeyring
from cfstream_gui.core.storage.profiles import Profile, ProfileError, ProfileStore
from cfstream_gui.core.storage.secrets import SecretStore, SecretStoreError
from cfstream_gui.sandbox import Fault, Sandbox

ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353"
OTHER_ACCOUNT = "0123456789abcdef0123456789abcdef"
TOKEN = "test-only-api-token-0000000000000000"
NEW_TOKEN = "test-only-api-token-1111111111111111"
PEM = "-----BEGIN RSA PRIVATE KEY-----\nnot-a-real-key\n-----END RSA PRIVATE KEY-----\n"
KEY_A = "e9db990a82666dd571c77f944a5c5c8d"


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
def profiles(tmp_path: Path) -> ProfileStore:
    return ProfileStore(tmp_path, env={})


def check(sb: Sandbox, token: str, account: str = Sandbox.DEMO_ACCOUNT_ID) -> AccountCheck:
    async def run() -> AccountCheck:
        async with StreamClient(token, base_url=sb.base_url, env={}) as client:
            return await check_account(client, account)

    return asyncio.run(run())


# -- drafts ------------------------------------------------------------------------------------


def fields_of(
    draft: AccountDraft, taken: tuple[str, ...] = (), original: str | None = None
) -> dict[str, str]:
    return {p.field: p.message for p in check_draft(draft, taken=taken, original=original)}


def test_a_good_draft_has_no_problems() -> None:
    draft = AccountDraft("work", ACCOUNT, TOKEN, "customer-abc123", "https://api.example.com/")
    assert check_draft(draft, taken=("home",), original=None) == []
    profile = profile_from_draft(draft, None)
    assert profile == Profile(
        "work", ACCOUNT, customer_code="abc123", api_base_url="https://api.example.com"
    )


def test_each_bad_field_is_named_in_its_sentence() -> None:
    draft = AccountDraft("my work", "not an id", "two words", "abc/def", "http://api.example.com")
    problems = fields_of(draft)
    assert set(problems) == {
        "profile name",
        "account ID",
        "API token",
        "customer code",
        "API base URL",
    }
    assert "profile name" in problems["profile name"]
    assert "Account ID" in problems["account ID"]
    assert "API token" in problems["API token"] and "two words" not in problems["API token"]
    assert "customer code" in problems["customer code"]
    assert "https://" in problems["API base URL"]


def test_a_name_taken_by_another_profile_is_refused_but_keeping_ones_own_is_fine() -> None:
    draft = AccountDraft("home", ACCOUNT)
    assert "exists already" in fields_of(draft, ("work", "home"))["profile name"]
    assert fields_of(draft, ("work", "home"), original="home") == {}


def test_an_empty_token_is_fine_in_a_draft_it_means_keep_the_stored_one() -> None:
    assert fields_of(AccountDraft("work", ACCOUNT, "")) == {}
    assert AccountDraft("work", ACCOUNT, "  ").typed_credentials() is None


def test_editing_keeps_what_the_dialog_does_not_show_and_drops_another_accounts_code() -> None:
    base = Profile("work", ACCOUNT, "abc123", None, KEY_A, "http://127.0.0.1:9/")
    draft = draft_of(base)
    assert draft == AccountDraft("work", ACCOUNT, "", "abc123", "")
    same = profile_from_draft(draft, base)
    assert same == base
    moved = profile_from_draft(AccountDraft("work", OTHER_ACCOUNT, "", "abc123"), base)
    # The code was the old account's: links would point at its host.
    assert moved.customer_code is None
    assert moved.default_key_id == KEY_A and moved.delivery_base_url == base.delivery_base_url
    typed = profile_from_draft(AccountDraft("work", OTHER_ACCOUNT, "", "xyz789"), base)
    assert typed.customer_code == "xyz789"


# -- what the token can do ---------------------------------------------------------------------


def test_an_active_token_reads_the_videos_and_finds_the_customer_code(sb: Sandbox) -> None:
    result = check(sb, Sandbox.DEMO_API_TOKEN)
    assert result.active and result.reads_videos
    assert result.video_total == len(sb.videos)
    assert result.customer_code == Sandbox.DEMO_CUSTOMER_CODE
    text = " ".join(result.sentences())
    assert "Cloudflare accepts this API token" in text
    assert f"Stream Read): {len(sb.videos)} videos" in text
    assert "needs Stream Edit" in text
    assert Sandbox.DEMO_CUSTOMER_CODE in text
    # The read was harmless: a small page of the list, nothing changed.
    listed = [r for r in sb.requests if r.path.endswith("/stream")]
    assert len(listed) == 1 and listed[0].method == "GET"
    assert not [r for r in sb.requests if r.method != "GET"]


def test_an_expired_token_is_said_and_nothing_else_is_asked(sb: Sandbox) -> None:
    result = check(sb, Sandbox.DEMO_EXPIRED_API_TOKEN)
    assert not result.active and result.reads_videos is None
    assert "expired" in result.sentences()[0]
    assert not [r for r in sb.requests if r.path.endswith("/stream")]


def test_an_unknown_token_is_an_auth_error(sb: Sandbox) -> None:
    with pytest.raises(AuthError):
        check(sb, "cfut_WrongWrongWrong0000000000000000000000")


def test_a_token_that_cannot_list_this_accounts_videos_says_so(sb: Sandbox) -> None:
    # The sandbox's token is valid, but not for another account: Cloudflare refuses the list.
    result = check(sb, Sandbox.DEMO_API_TOKEN, OTHER_ACCOUNT)
    assert result.active and result.reads_videos is False
    text = " ".join(result.sentences())
    assert "cannot list this account's videos" in text and "Stream Read" in text
    assert result.customer_code is None


def test_a_token_without_stream_read_is_told_apart_from_a_bad_one(sb: Sandbox) -> None:
    sb.inject_fault(Fault(status=403, path_contains="/stream", method="GET"))
    result = check(sb, Sandbox.DEMO_API_TOKEN)
    assert result.active and result.reads_videos is False


def test_an_account_with_no_videos_yet_says_so(sb: Sandbox) -> None:
    empty = {"result": [], "success": True, "errors": [], "messages": [], "total": 0}
    sb.inject_fault(Fault(status=200, body=empty, path_contains="/stream", method="GET"))
    result = check(sb, Sandbox.DEMO_API_TOKEN)
    assert result.reads_videos and result.video_total == 0 and result.customer_code is None
    assert "no videos yet" in " ".join(result.sentences())


# -- saving ------------------------------------------------------------------------------------


def typed(token: str) -> Credentials:
    return Credentials.of(token, Origin.TYPED)


def test_a_new_account_keeps_its_token_in_the_keyring_and_becomes_current(
    profiles: ProfileStore,
) -> None:
    secrets = SecretStore(backend=MemoryKeyring())
    saved = save_account(profiles, secrets, Profile("work", ACCOUNT), typed(TOKEN), original=None)
    assert saved.token_not_saved == "" and saved.renamed_from is None
    assert profiles.get("work") == Profile("work", ACCOUNT)
    assert profiles.current_name() == "work"
    assert secrets.get_api_token("work") == TOKEN
    assert TOKEN not in profiles.path.read_text()


def test_a_new_account_under_a_taken_name_changes_nothing(profiles: ProfileStore) -> None:
    secrets = SecretStore(backend=MemoryKeyring())
    save_account(profiles, secrets, Profile("work", ACCOUNT), typed(TOKEN), original=None)
    with pytest.raises(ProfileError, match="exists already"):
        save_account(
            profiles, secrets, Profile("work", OTHER_ACCOUNT), typed(NEW_TOKEN), original=None
        )
    assert profiles.get("work").account_id == ACCOUNT
    assert secrets.get_api_token("work") == TOKEN  # put back


def test_an_edit_without_a_typed_token_keeps_the_stored_one(profiles: ProfileStore) -> None:
    secrets = SecretStore(backend=MemoryKeyring())
    save_account(profiles, secrets, Profile("work", ACCOUNT), typed(TOKEN), original=None)
    save_account(profiles, secrets, Profile("work", OTHER_ACCOUNT), None, original="work")
    assert profiles.get("work").account_id == OTHER_ACCOUNT
    assert secrets.get_api_token("work") == TOKEN


class NoSetKeyring(MemoryKeyring):
    def set_password(self, service: str, username: str, password: str) -> None:
        raise PasswordSetError("collection is locked")


def test_a_keyring_that_refuses_the_token_still_saves_the_profile_and_says_why(
    profiles: ProfileStore,
) -> None:
    secrets = SecretStore(backend=NoSetKeyring())
    saved = save_account(profiles, secrets, Profile("work", ACCOUNT), typed(TOKEN), original=None)
    assert profiles.exists("work")
    assert "API token" in saved.token_not_saved and TOKEN not in saved.token_not_saved


def test_the_environments_token_is_never_copied_into_the_keyring(profiles: ProfileStore) -> None:
    backend = MemoryKeyring()
    env_token = Credentials.of(TOKEN, Origin.ENVIRONMENT)
    save_account(
        profiles, SecretStore(backend=backend), Profile("w", ACCOUNT), env_token, original=None
    )
    assert backend.store == {}


def test_a_rename_moves_the_token_and_signing_keys_and_the_current_mark(
    profiles: ProfileStore,
) -> None:
    secrets = SecretStore(backend=MemoryKeyring())
    save_account(profiles, secrets, Profile("work", ACCOUNT, "abc123"), typed(TOKEN), original=None)
    secrets.set_signing_key("work", KEY_A, PEM)

    saved = save_account(
        profiles, secrets, Profile("office", ACCOUNT, "abc123"), None, original="work"
    )

    assert saved.renamed_from == "work" and saved.old_name_left == ""
    assert [p.name for p in profiles.list()] == ["office"]
    assert profiles.current_name() == "office"
    assert secrets.get_api_token("office") == TOKEN
    assert secrets.get_signing_key("office", KEY_A) == PEM
    assert secrets.get_api_token("work") is None
    assert secrets.list_signing_key_ids("work") == []


class FailingProfiles(ProfileStore):
    def update(self, name: str, change: Callable[[Profile | None], Profile]) -> Profile | None:
        raise ProfileError("The profiles file cannot be changed: disk full.")


def test_a_rename_the_profiles_file_refuses_takes_the_copies_back(tmp_path: Path) -> None:
    profiles = ProfileStore(tmp_path, env={})
    profiles.save(Profile("work", ACCOUNT))
    backend = MemoryKeyring()
    secrets = SecretStore(backend=backend)
    secrets.set_api_token("work", TOKEN)
    secrets.set_signing_key("work", KEY_A, PEM)
    before = dict(backend.store)

    with pytest.raises(ProfileError, match="disk full"):
        save_account(
            FailingProfiles(tmp_path, env={}),
            secrets,
            Profile("office", ACCOUNT),
            typed(NEW_TOKEN),
            original="work",
        )

    assert backend.store == before
    assert [p.name for p in profiles.list()] == ["work"]


class UnreadableKeyring(MemoryKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("collection is locked")


def test_a_rename_whose_secrets_cannot_be_read_changes_nothing(profiles: ProfileStore) -> None:
    profiles.save(Profile("work", ACCOUNT))
    with pytest.raises(SecretStoreError):
        save_account(
            profiles,
            SecretStore(backend=UnreadableKeyring()),
            Profile("office", ACCOUNT),
            None,
            original="work",
        )
    assert [p.name for p in profiles.list()] == ["work"]


def test_removing_an_account_removes_its_keyring_entries(profiles: ProfileStore) -> None:
    backend = MemoryKeyring()
    secrets = SecretStore(backend=backend)
    save_account(profiles, secrets, Profile("work", ACCOUNT), typed(TOKEN), original=None)
    secrets.set_signing_key("work", KEY_A, PEM)

    removal = remove_account(profiles, secrets, "work")

    assert removal.profile and removal.api_token and removal.signing_keys == 1
    assert removal.describe() == (
        "Removed profile work, its API token and 1 signing key from the keyring."
    )
    assert backend.store == {} and profiles.list() == []


# -- where the window starts -------------------------------------------------------------------


def test_first_run_is_an_empty_config_and_an_environment_naming_no_account(
    profiles: ProfileStore,
) -> None:
    assert start_choice(profiles, {}) is Start.FIRST_RUN
    # A token alone names no account: still the sandbox.
    assert start_choice(profiles, {"CLOUDFLARE_API_TOKEN": TOKEN}) is Start.FIRST_RUN
    assert start_choice(profiles, {"CLOUDFLARE_ACCOUNT_ID": " "}) is Start.FIRST_RUN
    assert Start.FIRST_RUN.uses_sandbox


def test_an_account_in_the_environment_starts_on_it_as_the_cli_does(profiles: ProfileStore) -> None:
    assert start_choice(profiles, {"CLOUDFLARE_ACCOUNT_ID": ACCOUNT}) is Start.ENVIRONMENT
    assert not Start.ENVIRONMENT.uses_sandbox


def test_saved_profiles_and_a_damaged_file_are_not_a_first_run(profiles: ProfileStore) -> None:
    profiles.path.parent.mkdir(parents=True, exist_ok=True)
    profiles.path.write_text("{not json")
    assert start_choice(profiles, {}) is Start.SAVED
    profiles.path.unlink()
    profiles.save(Profile("work", ACCOUNT))
    assert start_choice(profiles, {}) is Start.SAVED
    assert start_choice(profiles, {}, sandbox_asked=True) is Start.SANDBOX
