"""Copy as code, run for real: the curl snippet with bash and curl, the Python one with the
official SDK, the Worker's signing function with Node.js, each against the sandbox, and the
token each one makes compared with the form it came from."""

from __future__ import annotations

import importlib.util
import json
import math
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from cfstream_gui.core.models import AccessRule, SigningEngine, TokenRequest
from cfstream_gui.core.snippets import JWK_ENV, PEM_ENV, Snippets, build_snippets
from cfstream_gui.core.tokens import decode_token
from cfstream_gui.core.validation import ValidationError
from cfstream_gui.sandbox import Sandbox

ACCOUNT = Sandbox.DEMO_ACCOUNT_ID
KEYNOTE = "ea95132c15732412d22c1476fa83f27a"
LIFETIME = 2 * 3600
STARTS = -90
RULES = (
    AccessRule("allow", "country", ("us", "CA")),
    AccessRule("allow", "ip", ("203.0.113.0/24", "2001:db8::/32")),
    AccessRule("block", "any"),
)
API_RULES = [
    {"type": "ip.geoip.country", "action": "allow", "country": ["US", "CA"]},
    {"type": "ip.src", "action": "allow", "ip": ["203.0.113.0/24", "2001:db8::/32"]},
    {"type": "any", "action": "block"},
]


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as running:
        yield running


@pytest.fixture(scope="module")
def key(sandbox: Sandbox) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {Sandbox.DEMO_API_TOKEN}"}
    response = httpx.post(f"{sandbox.base_url}/accounts/{ACCOUNT}/stream/keys", headers=headers)
    created: dict[str, Any] = response.json()["result"]
    return created


# Workers and Node.js 19+ have WebCrypto as the global `crypto`; Debian 12's Node.js 18 keeps it
# in node:crypto only, so the runner puts it where a Worker finds it.
WEBCRYPTO = (
    "import { webcrypto } from 'node:crypto';"
    "if (!globalThis.crypto) { globalThis.crypto = webcrypto; }"
)


def form(now: int) -> TokenRequest:
    return TokenRequest(
        KEYNOTE, exp=now + LIFETIME, nbf=now + STARTS, downloadable=True, access_rules=RULES
    )


def environment(sandbox: Sandbox, key: dict[str, Any]) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("CLOUDFLARE_") and "proxy" not in name.lower()
    }
    env.update(
        CLOUDFLARE_API_TOKEN=Sandbox.DEMO_API_TOKEN,
        CLOUDFLARE_BASE_URL=sandbox.base_url,
        **{PEM_ENV: key["pem"], JWK_ENV: key["jwk"]},
    )
    return env


def run(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[str, int, int]:
    """stdout, and the epoch seconds before and after the run (the snippet's `now` is between)."""
    before = math.floor(time.time())
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=60)
    after = math.ceil(time.time())
    assert done.returncode == 0, done.stderr
    return done.stdout, before, after


def assert_made_from_the_form(token: str, kid: str, before: int, after: int) -> None:
    claims = decode_token(token).claims
    assert claims["sub"] == KEYNOTE
    assert claims["kid"] == kid
    assert claims["accessRules"] == API_RULES
    assert claims["downloadable"] is True
    exp, nbf = int(claims["exp"]), int(claims["nbf"])  # /token writes them as strings
    assert exp - nbf == LIFETIME - STARTS
    assert before + LIFETIME <= exp <= after + LIFETIME


def built(engine: SigningEngine, key_id: str | None) -> Snippets:
    now = int(time.time())
    return build_snippets(form(now), engine, account_id=ACCOUNT, now=now, key_id=key_id)


def assert_plays(sandbox: Sandbox, token: str) -> None:
    assert sandbox.verify_playback_token(token, KEYNOTE, country="US").allowed
    assert not sandbox.verify_playback_token(token, KEYNOTE, country="DE").allowed


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
@pytest.mark.parametrize("engine", [SigningEngine.CLOUDFLARE, SigningEngine.API_KEY])
def test_the_curl_snippet_gets_the_forms_token(
    sandbox: Sandbox, key: dict[str, Any], tmp_path: Path, engine: SigningEngine
) -> None:
    snippets = built(engine, key["id"])
    script = tmp_path / "token.sh"
    script.write_text(snippets.curl)

    out, before, after = run(["bash", str(script)], environment(sandbox, key), tmp_path)

    token = json.loads(out)["result"]["token"]
    signer = key["id"] if engine is SigningEngine.API_KEY else sandbox.cloudflare_key_id
    assert_made_from_the_form(token, signer, before, after)
    assert_plays(sandbox, token)
    # The API token went in a header read from a file descriptor, never on the command line.
    assert "CLOUDFLARE_API_TOKEN}" in snippets.curl and "Bearer $" not in snippets.curl


@pytest.mark.skipif(
    importlib.util.find_spec("cloudflare") is None, reason="the cloudflare SDK is not installed"
)
@pytest.mark.parametrize("engine", [SigningEngine.CLOUDFLARE, SigningEngine.LOCAL])
def test_the_python_snippet_gets_the_forms_token_with_the_official_sdk(
    sandbox: Sandbox, key: dict[str, Any], tmp_path: Path, engine: SigningEngine
) -> None:
    snippets = built(engine, key["id"])
    script = tmp_path / "make_stream_token.py"  # not token.py: that shadows the stdlib
    script.write_text(snippets.python)

    out, before, after = run([sys.executable, str(script)], environment(sandbox, key), tmp_path)

    token = out.strip()
    signer = key["id"] if engine is SigningEngine.LOCAL else sandbox.cloudflare_key_id
    assert_made_from_the_form(token, signer, before, after)
    assert_plays(sandbox, token)


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_the_worker_signs_the_forms_token_with_webcrypto(
    sandbox: Sandbox, key: dict[str, Any], tmp_path: Path
) -> None:
    snippets = built(SigningEngine.LOCAL, key["id"])
    (tmp_path / "worker.mjs").write_text(snippets.worker)
    runner = WEBCRYPTO + (
        "import { signStreamToken } from './worker.mjs';"
        f"console.log(await signStreamToken({{ {JWK_ENV}: process.env.{JWK_ENV} }}));"
    )

    out, before, after = run(
        ["node", "--input-type=module", "-e", runner], environment(sandbox, key), tmp_path
    )

    token = out.strip()
    assert decode_token(token).header == {"alg": "RS256", "kid": key["id"]}
    assert_made_from_the_form(token, key["id"], before, after)
    assert_plays(sandbox, token)


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_the_worker_takes_the_key_id_from_the_jwk_when_the_form_has_none(
    sandbox: Sandbox, key: dict[str, Any], tmp_path: Path
) -> None:
    snippets = built(SigningEngine.CLOUDFLARE, None)
    assert "jwk.kid" in snippets.worker
    (tmp_path / "worker.mjs").write_text(snippets.worker)
    runner = WEBCRYPTO + (
        "import worker from './worker.mjs';"
        f"const env = {{ {JWK_ENV}: process.env.{JWK_ENV} }};"
        "const answer = await worker.fetch(new Request('https://example.com/'), env);"
        "console.log(await answer.text());"
    )
    out, before, after = run(
        ["node", "--input-type=module", "-e", runner], environment(sandbox, key), tmp_path
    )
    assert_made_from_the_form(out.strip(), key["id"], before, after)


# --- what never goes into code -----------------------------------------------------------------


def test_secrets_appear_only_as_variable_names(key: dict[str, Any]) -> None:
    snippets = built(SigningEngine.API_KEY, key["id"])
    for text in (snippets.curl, snippets.python, snippets.worker):
        assert Sandbox.DEMO_API_TOKEN not in text
        assert key["pem"][:40] not in text and key["jwk"][:40] not in text
    assert PEM_ENV in snippets.curl and PEM_ENV in snippets.python
    assert JWK_ENV in snippets.worker
    assert snippets.env == ("CLOUDFLARE_API_TOKEN", PEM_ENV)


def test_times_left_to_cloudflare_are_left_out(key: dict[str, Any]) -> None:
    now = int(time.time())
    snippets = build_snippets(
        TokenRequest(KEYNOTE), SigningEngine.CLOUDFLARE, account_id=ACCOUNT, now=now
    )
    assert '"exp"' not in snippets.curl and "exp=" not in snippets.python
    # The Worker signs itself, so it writes the same defaults Cloudflare would fill in.
    assert "EXPIRES_AFTER_SECONDS = 3600;" in snippets.worker
    assert "VALID_FROM_SECONDS = -3600;" in snippets.worker


@pytest.mark.parametrize(
    "request_",
    [
        TokenRequest("not a video id"),
        TokenRequest(KEYNOTE, access_rules=(AccessRule("allow", "ip", ("$(rm -rf ~)",)),)),
        TokenRequest(KEYNOTE, access_rules=(AccessRule("allow", "country", ('US"; evil',)),)),
        TokenRequest(KEYNOTE, exp=1),
    ],
)
def test_a_request_that_would_be_refused_becomes_no_code(request_: TokenRequest) -> None:
    with pytest.raises(ValidationError):
        build_snippets(request_, SigningEngine.CLOUDFLARE, account_id=ACCOUNT, now=1_800_000_000)


def test_an_account_id_that_cannot_be_one_becomes_no_code() -> None:
    with pytest.raises(ValidationError):
        build_snippets(TokenRequest(KEYNOTE), SigningEngine.CLOUDFLARE, account_id="x/../y", now=1)


def test_an_engine_that_signs_with_a_key_needs_its_id() -> None:
    with pytest.raises(ValueError, match="give its key ID"):
        build_snippets(TokenRequest(KEYNOTE), SigningEngine.LOCAL, account_id=ACCOUNT, now=1)
