"""Copy as code: the form's token, made by the user's own backend instead of this app.

Three snippets for one request: curl against `/token`, Python with Cloudflare's official SDK,
and a Cloudflare Worker that signs locally with the signing key's JWK through WebCrypto, as
Cloudflare's docs do. Secrets appear only as environment variable names, never inline. Times
are written relative to when the snippet runs (a backend makes tokens for later viewers), so
the form's "expires in 2 h" stays "expires in 2 h".

Only a request that passes validation becomes code; its values (32-character IDs, country codes,
IP ranges) are then plain ASCII without quotes, `$` or backslashes, which a last check makes
sure of before anything is put inside shell, Python or JavaScript.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import Any

from cfstream_gui.core.credentials import API_TOKEN_ENV
from cfstream_gui.core.models import (
    DEFAULT_EXP_SECONDS,
    DEFAULT_NBF_SECONDS,
    SigningEngine,
    TokenRequest,
)
from cfstream_gui.core.snippet_templates import curl_text, python_text, worker_text
from cfstream_gui.core.validation import check_request, normalize_request, require_valid

BASE_URL_ENV = "CLOUDFLARE_BASE_URL"  # what the official SDK reads too
PEM_ENV = "STREAM_SIGNING_KEY_PEM"  # the key's base64 `pem`, as Cloudflare returned it
JWK_ENV = "STREAM_SIGNING_KEY_JWK"  # the key's base64 `jwk`, as Cloudflare returned it

# What a validated request's values are made of; anything else never reaches a template.
_SAFE = re.compile(r"[A-Za-z0-9 .:/,\[\]{}\"_\n-]*")


@dataclass(frozen=True)
class Snippets:
    curl: str  # bash
    python: str
    worker: str  # JavaScript, an ES module Worker
    env: tuple[str, ...]  # the environment variables curl and Python read


@dataclass(frozen=True)
class SnippetValues:
    """What the templates fill in, each already checked and encoded for code."""

    account_id: str
    video_uid: str
    key_id: str | None  # set when the engine signs with the user's key
    exp_offset: int | None  # seconds after "now" when the snippet runs; None: not sent
    nbf_offset: int | None
    downloadable: bool | None
    rules: list[dict[str, Any]]

    @property
    def rules_json(self) -> str:
        return json.dumps(self.rules, indent=4)


def build_snippets(
    request: TokenRequest,
    engine: SigningEngine,
    *,
    account_id: str,
    now: int,
    key_id: str | None = None,
) -> Snippets:
    """Code that makes the token `request` describes; `now` is when the form's times were
    read. ValidationError when the request would be refused (nothing is turned into code)."""
    request = normalize_request(replace(request, key_id=None, pem=None))
    require_valid(check_request(request, now=now, account_id=account_id))
    if engine.uses_key and not key_id:
        raise ValueError("This engine signs with a signing key: give its key ID.")
    values = SnippetValues(
        account_id=account_id.strip(),
        video_uid=request.video_uid,
        key_id=key_id.strip().lower() if engine.uses_key and key_id else None,
        exp_offset=None if request.exp is None else request.exp - now,
        nbf_offset=None if request.nbf is None else request.nbf - now,
        downloadable=request.downloadable,
        rules=[rule.to_api() for rule in request.access_rules],
    )
    _require_plain(values)
    env = (API_TOKEN_ENV, PEM_ENV) if values.key_id else (API_TOKEN_ENV,)
    return Snippets(
        curl=curl_text(values, token_env=API_TOKEN_ENV, base_env=BASE_URL_ENV, pem_env=PEM_ENV),
        python=python_text(values, token_env=API_TOKEN_ENV, pem_env=PEM_ENV),
        worker=worker_text(
            values,
            jwk_env=JWK_ENV,
            exp_offset=DEFAULT_EXP_SECONDS if values.exp_offset is None else values.exp_offset,
            nbf_offset=DEFAULT_NBF_SECONDS if values.nbf_offset is None else values.nbf_offset,
        ),
        env=env,
    )


def _require_plain(values: SnippetValues) -> None:
    texts = [values.account_id, values.video_uid, values.key_id or "", values.rules_json]
    if not all(_SAFE.fullmatch(text) for text in texts):
        raise ValueError("The request holds characters that cannot be put into code safely.")
