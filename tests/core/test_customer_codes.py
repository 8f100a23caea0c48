"""A customer code belongs to an account: it is reused and remembered only for the profile's own."""

from __future__ import annotations

import pytest

from cfstream_gui.core.cloudflare import StreamClient
from cfstream_gui.core.customer_codes import detect_code, is_profiles_account, remembered_code
from cfstream_gui.core.storage.profiles import Profile
from cfstream_gui.sandbox import Sandbox

OWN = "0123456789abcdef0123456789abcdef"
OTHER = "fedcba9876543210fedcba9876543210"


def test_a_profiles_code_applies_to_its_own_account_only() -> None:
    profile = Profile(name="work", account_id=OWN, customer_code="ownaccountcode00")
    assert remembered_code(profile, OWN.upper()) == "ownaccountcode00"
    assert remembered_code(profile, OTHER) is None
    assert not is_profiles_account(profile, OTHER)


def test_a_profile_without_an_account_defers_to_the_form() -> None:
    profile = Profile(name="env", account_id="", customer_code="somecode00000000")
    assert is_profiles_account(profile, OTHER)
    assert remembered_code(profile, OTHER) == "somecode00000000"


@pytest.mark.asyncio
async def test_detect_reads_the_code_from_the_videos_urls() -> None:
    with Sandbox() as sb:
        async with StreamClient(sb.DEMO_API_TOKEN, base_url=sb.base_url, env={}) as client:
            code = await detect_code(client, sb.DEMO_ACCOUNT_ID, sb.video_uids(signed=True)[0])
    assert code == Sandbox.DEMO_CUSTOMER_CODE


def test_an_empty_account_field_means_the_profiles_own() -> None:
    # Local signing needs no account ID; the profile's links still apply.
    profile = Profile(name="work", account_id=OWN, customer_code="ownaccountcode00")
    assert remembered_code(profile, "  ") == "ownaccountcode00"
