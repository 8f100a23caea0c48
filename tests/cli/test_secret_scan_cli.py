"""A whole `cfstream-token` session with marker secrets (an API token `cfut_MARKER…`, a private
key made for the run, and the keys the sandbox makes), with HOME, the XDG dirs, TMPDIR and the
config dir pointed into one directory and every log record written to a file there. Afterwards
no file under it, no line the commands printed, and no error text holds any form of any of them.

The API token travels the whole real path: the `Front` before the sandbox swaps it for the demo
token, so login, create and keys succeed with it.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cfstream_gui.core.cloudflare import ApiError, StreamClient
from cfstream_gui.core.credentials import Credentials, Origin
from cfstream_gui.core.keys.signing_key import import_key
from cfstream_gui.core.models import TokenRequest
from cfstream_gui.core.storage.secrets import SecretStore
from cfstream_gui.sandbox import Sandbox
from tests.cli.conftest import Result, Run
from tests.support import rsa_keys
from tests.support.front import Front
from tests.support.secret_scan import (
    Secret,
    echoing_refusal,
    isolate,
    key_from_pem,
    key_secret,
    marker_api_token,
    scan_text,
    scan_tree,
    text_secret,
)

MARKER_KEY_ID = "3a" * 16
MARKER_KEY_SLOT = 21  # a key of its own: no other test holds it


@pytest.fixture
def debug_log(tmp_path: Path) -> Iterator[Path]:
    """Every log record of the session, at DEBUG, in a file that is scanned with the rest."""
    path = tmp_path / "session" / "home" / ".local" / "state" / "debug.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield path
    root.removeHandler(handler)
    root.setLevel(level)
    handler.close()


def test_a_cli_session_leaves_no_copy_of_any_secret(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cli: Run,
    feed_stdin: Callable[[str], None],
    debug_log: Path,
) -> None:
    root = tmp_path / "session"
    isolate(monkeypatch, root)
    token = marker_api_token()
    marker_key = rsa_keys.rsa_key(MARKER_KEY_SLOT)
    marker_pem = rsa_keys.pkcs1_pem(marker_key)
    secrets: list[Secret] = [
        text_secret("API token", token),
        key_secret("imported key", marker_key),
    ]
    printed: list[Result] = []

    def run(*argv: str, code: int = 0) -> Result:
        result = cli(*argv)
        printed.append(result)
        assert result.code == code, result.err
        return result

    with Sandbox() as sb, Front(sb.base_url) as front:
        front.swap_token(token, sb.DEMO_API_TOKEN)
        uid = sb.video_uids(signed=True)[0]
        ids = root / "tmp" / "ids.txt"
        ids.write_text(f"{uid}\n{'ab' * 16}\n", encoding="utf-8")

        run("profiles", "add", "work", "--account", sb.DEMO_ACCOUNT_ID, "--base-url",
            front.base_url, "--customer-code", sb.DEMO_CUSTOMER_CODE, "--use")  # fmt: skip
        feed_stdin(token + "\n")
        run("login")
        assert SecretStore().get_api_token("work") == token  # the real path: in the keyring
        run("create", uid)
        run("create", uid, "-o", "json", "--rule", "allow country US", "--rule", "block any")
        run("create", uid, "--exp", "25h", code=2)
        made = run("keys", "create").out.strip()
        made_pem = SecretStore().get_signing_key("work", made)
        assert made_pem is not None
        secrets.append(key_secret("key made by the sandbox", key_from_pem(made_pem)))
        feed_stdin(marker_pem)
        run("keys", "import", "-", "--key-id", MARKER_KEY_ID)
        feed_stdin(marker_pem[: len(marker_pem) // 2])  # a key cut short: refused, not echoed
        run("keys", "import", "-", "--key-id", "4b" * 16, code=2)
        run("keys", "list")
        run("create", uid, "--key", made)  # the private key goes to the API in the body
        run("create", uid, "--local", "--key", MARKER_KEY_ID, "-o", "watch")
        run("batch", "--local", "--key", MARKER_KEY_ID, "-i", str(ids), "-o",
            str(root / "home" / "tokens.csv"))  # fmt: skip
        front.play(echoing_refusal(token), times=10)
        run("create", uid, code=3)
        run("--debug", "create", uid, code=3)  # a traceback, with the token in its exception
        run("keys", "create", code=3)
        front.clear()
        run("logout")
        assert SecretStore().get_api_token("work") is None
        sent = [value for request in front.received for name, value in request.headers]
        assert f"Bearer {token}" in sent  # it was really used, all the way to the wire

    leaks = scan_tree(root, secrets)
    for number, result in enumerate(printed):
        leaks += scan_text(result.out, secrets, f"stdout of command {number}")
        leaks += scan_text(result.err, secrets, f"stderr of command {number}")
    assert leaks == [], "\n".join(leaks)
    assert (root / "home" / "tokens.csv").is_file() and debug_log.stat().st_size > 0


@pytest.mark.asyncio
async def test_the_objects_and_errors_that_carry_secrets_never_show_them(tmp_path: Path) -> None:
    """repr() and str() of everything a marker secret passes through, and the errors (with
    their tracebacks) of a server that quotes the token back."""
    token = marker_api_token()
    key = import_key(rsa_keys.pkcs1_pem(rsa_keys.rsa_key(MARKER_KEY_SLOT)), MARKER_KEY_ID)
    secrets = [text_secret("API token", token), key_secret("key", key.private_key)]
    uid = "ab" * 16
    texts: list[str] = []
    with Sandbox() as sb, Front(sb.base_url) as front:
        front.play(echoing_refusal(token), times=10)
        credentials = Credentials.of(token, Origin.TYPED)
        request = TokenRequest(uid, key_id=key.key_id, pem=key.api_pem())
        async with StreamClient(credentials, base_url=front.base_url, env={}) as client:
            with pytest.raises(ApiError) as caught:
                await client.create_token(sb.DEMO_ACCOUNT_ID, request)
            texts += [repr(client), str(client)]
        error = caught.value
        texts += [str(error), repr(error), error.message, error.hint]
        texts += [str(e) for e in error.errors]
        texts += traceback.format_exception(error)
        texts += [repr(credentials), repr(key), str(key), repr(request), repr(request.redacted())]
        texts += [repr(sb.requests)]
    leaks = [leak for text in texts for leak in scan_text(text, secrets, text[:40])]
    assert leaks == [], "\n".join(leaks)
