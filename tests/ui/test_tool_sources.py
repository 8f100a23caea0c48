"""What the window controller hands the Tools dialogs, with a fake view and no window: where a
bare token plays, which signing keys can check a pasted token's signature, the form's rules
for the simulator and the form's token as code (never with a secret in it)."""

from __future__ import annotations

import pytest

from cfstream_gui.core.models import AccessRule, SigningEngine
from cfstream_gui.core.snippets import build_snippets
from cfstream_gui.core.storage.profiles import Profile, ProfileStore
from cfstream_gui.core.storage.secrets import SecretStore
from cfstream_gui.core.validation import ValidationError
from tests.support.rsa_keys import pkcs1_pem, rsa_key
from tests.ui.controller_kit import (
    KEY_ID,
    NOW,
    VIDEO,
    WORK,
    WORK_TOKEN,
    Setup,
    controller_setup,  # noqa: F401 - the `setup` fixture
)

RULES = (AccessRule("allow", "country", ("us",)), AccessRule("block", "any"))


@pytest.mark.asyncio
async def test_the_tools_learn_where_tokens_play_and_which_keys_are_held(setup: Setup) -> None:
    SecretStore(backend=setup.keyring).set_signing_key("work", KEY_ID, pkcs1_pem(rsa_key()))
    controller = await setup.start()
    tools = controller.tools.setup()
    assert tools.customer_code == WORK.customer_code
    assert tools.delivery_base is None
    assert tools.key_ids == (KEY_ID,) and tools.holds(KEY_ID)
    assert not tools.holds("ab" * 16)
    assert tools.load_key is not None and tools.load_key(KEY_ID).key_id == KEY_ID
    assert tools.clock() == NOW


@pytest.mark.asyncio
async def test_a_profile_with_a_delivery_base_sends_bare_tokens_there(setup: Setup) -> None:
    ProfileStore().save(
        Profile("play", account_id="c" * 32, delivery_base_url="http://127.0.0.1:8787")
    )
    controller = await setup.start(prefer_profile="play")
    tools = controller.tools.setup()
    assert tools.delivery_base == "http://127.0.0.1:8787"
    assert tools.customer_code is None
    assert tools.key_ids == () and not tools.holds(KEY_ID)


@pytest.mark.asyncio
async def test_the_simulator_gets_the_rules_create_would_send(setup: Setup) -> None:
    controller = await setup.start()
    setup.view.rules = RULES
    assert controller.tools.form_rules() == (
        AccessRule("allow", "ip.geoip.country", ("US",)),
        AccessRule("block", "any"),
    )


@pytest.mark.asyncio
async def test_copy_as_code_is_the_cores_snippet_for_the_form_without_a_secret(
    setup: Setup,
) -> None:
    controller = await setup.start()
    setup.view.account = WORK.account_id
    setup.view.exp = int(NOW) + 7200
    setup.view.rules = RULES
    snippets = controller.tools.form_snippets()
    assert snippets == build_snippets(
        setup.view.form_request(),
        SigningEngine.CLOUDFLARE,
        account_id=WORK.account_id,
        now=int(NOW),
    )
    for text in (snippets.curl, snippets.python, snippets.worker):
        assert WORK_TOKEN not in text
    assert "$((now + 7200))" in snippets.curl


@pytest.mark.asyncio
async def test_copy_as_code_with_the_users_key_names_the_key_never_its_pem(setup: Setup) -> None:
    pem = pkcs1_pem(rsa_key())
    SecretStore(backend=setup.keyring).set_signing_key("work", KEY_ID, pem)
    controller = await setup.start()
    setup.view.account = WORK.account_id
    setup.view.chosen_engine = SigningEngine.API_KEY
    controller.keys.refresh()
    await controller.tasks.wait()
    snippets = controller.tools.form_snippets()
    assert f'"id": "{KEY_ID}"' in snippets.curl
    body = "".join(pem.splitlines()[1:-1])
    for text in (snippets.curl, snippets.python, snippets.worker):
        assert body[:40] not in text and WORK_TOKEN not in text


@pytest.mark.asyncio
async def test_a_form_that_would_be_refused_becomes_no_code(setup: Setup) -> None:
    controller = await setup.start()
    setup.view.account = WORK.account_id
    setup.view.video = "not a video"
    with pytest.raises(ValidationError, match="Video ID 'not a video'"):
        controller.tools.form_snippets()
    setup.view.video = VIDEO
    setup.view.chosen_engine = SigningEngine.LOCAL  # no key held: nothing signs
    with pytest.raises(ValueError, match="key ID"):
        controller.tools.form_snippets()
