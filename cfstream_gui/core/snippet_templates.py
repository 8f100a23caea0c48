"""The text of the three "copy as code" snippets; `snippets.py` checks what goes into them.

Each one reads its secrets from the environment at run time. The curl snippet passes the API
token through a file descriptor rather than the command line, where other users of the machine
could read it in the process list.
"""

from __future__ import annotations

import json
import textwrap
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cfstream_gui.core.snippets import SnippetValues

DEFAULT_API = "https://api.cloudflare.com/client/v4"


def curl_text(values: SnippetValues, *, token_env: str, base_env: str, pem_env: str) -> str:
    body: list[str] = []
    if values.key_id:
        body.append(f'"id": "{values.key_id}"')
    if values.rules:
        body.append(f'"accessRules": {_indented(json.dumps(values.rules, indent=2), 2)}')
    if values.downloadable is not None:
        body.append(f'"downloadable": {json.dumps(values.downloadable)}')
    if values.exp_offset is not None:
        body.append(f'"exp": {_shell_time(values.exp_offset)}')
    if values.nbf_offset is not None:
        body.append(f'"nbf": {_shell_time(values.nbf_offset)}')
    if values.key_id:
        # No quote characters inside ${...:?...}: in a here-document they would start quoting.
        body.append(f'"pem": "${{{pem_env}:?set {pem_env} to the signing key base64 pem}}"')
    json_body = "{\n  " + ",\n  ".join(body) + "\n}" if body else "{}"
    needs = f"{token_env}" + (f" and {pem_env}" if values.key_id else "")
    path = f"/accounts/{values.account_id}/stream/{values.video_uid}/token"
    return f"""\
#!/usr/bin/env bash
# A signed Stream token for video {values.video_uid},
# from Cloudflare's /token endpoint. Reads {needs}
# from the environment: never paste secrets into a script.
# {base_env}, if set, replaces {DEFAULT_API}.
now=$(date +%s)
curl --silent --show-error --fail-with-body \\
  --request POST \\
  --url "${{{base_env}:-{DEFAULT_API}}}{path}" \\
  --header @<(printf 'Authorization: Bearer %s\\n' "${{{token_env}:?set {token_env}}}") \\
  --header "Content-Type: application/json" \\
  --data @- <<JSON
{json_body}
JSON
"""


def python_text(values: SnippetValues, *, token_env: str, pem_env: str) -> str:
    args = [f'"{values.video_uid}"', f'account_id="{values.account_id}"']
    if values.key_id:
        args.append(f'id="{values.key_id}"')
    if values.rules:
        args.append(f"access_rules={_indented(values.rules_json, 4)}")
    if values.downloadable is not None:
        args.append(f"downloadable={values.downloadable!r}")
    if values.exp_offset is not None:
        args.append(f"exp={_python_time(values.exp_offset)}")
    if values.nbf_offset is not None:
        args.append(f"nbf={_python_time(values.nbf_offset)}")
    if values.key_id:
        args.append(f'pem=os.environ["{pem_env}"]')
    call = ",\n    ".join(args)
    needs = f"{token_env}" + (f" and {pem_env}" if values.key_id else "")
    return f"""\
# A signed Stream token for video {values.video_uid},
# with Cloudflare's Python SDK (pip install cloudflare). Reads {needs}
# from the environment, and CLOUDFLARE_BASE_URL if set. CLOUDFLARE_API_KEY or
# CLOUDFLARE_EMAIL in the environment would make the SDK use those instead of the token:
# leave them unset.
import os
import time

from cloudflare import Cloudflare

client = Cloudflare(api_token=os.environ["{token_env}"])
now = int(time.time())
result = client.stream.token.create(
    {call},
)
# The SDK returns None, rather than raising, when Cloudflare answers success: false.
if result is None or not result.token:
    raise SystemExit("Cloudflare sent no token.")
print(result.token)
"""


def worker_text(values: SnippetValues, *, jwk_env: str, exp_offset: int, nbf_offset: int) -> str:
    key_id = f'"{values.key_id}"' if values.key_id else "jwk.kid"
    return f"""\
// A Cloudflare Worker that signs Stream tokens for video {values.video_uid}
// itself, with a signing key's JWK and WebCrypto, as in Cloudflare's docs: no API call and
// no rate limit.
// Keep the key's base64 `jwk` (as Cloudflare returned it) in the secret {jwk_env}:
//   npx wrangler secret put {jwk_env}
const VIDEO_UID = "{values.video_uid}";
const EXPIRES_AFTER_SECONDS = {exp_offset};
const VALID_FROM_SECONDS = {nbf_offset}; // relative to signing; negative is in the past
const ACCESS_RULES = {values.rules_json};
const DOWNLOADABLE = {"true" if values.downloadable else "false"};

export async function signStreamToken(env, videoUID = VIDEO_UID) {{
  const jwk = JSON.parse(atob(env.{jwk_env}));
  const keyID = {key_id};
  const now = Math.floor(Date.now() / 1000);
  const header = {{ alg: "RS256", kid: keyID }};
  const claims = {{
    sub: videoUID,
    kid: keyID,
    exp: now + EXPIRES_AFTER_SECONDS,
    nbf: now + VALID_FROM_SECONDS,
  }};
  if (ACCESS_RULES.length > 0) claims.accessRules = ACCESS_RULES;
  if (DOWNLOADABLE) claims.downloadable = true;

  const unsigned = `${{objectToBase64url(header)}}.${{objectToBase64url(claims)}}`;
  const key = await crypto.subtle.importKey(
    "jwk",
    jwk,
    {{ name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }},
    false,
    ["sign"],
  );
  const signature = await crypto.subtle.sign(
    {{ name: "RSASSA-PKCS1-v1_5" }},
    key,
    new TextEncoder().encode(unsigned),
  );
  return `${{unsigned}}.${{arrayBufferToBase64Url(signature)}}`;
}}

export default {{
  async fetch(request, env) {{
    const token = await signStreamToken(env);
    return new Response(token, {{ headers: {{ "content-type": "text/plain" }} }});
  }},
}};

function arrayBufferToBase64Url(buffer) {{
  return btoa(String.fromCharCode(...new Uint8Array(buffer)))
    .replace(/=/g, "")
    .replace(/\\+/g, "-")
    .replace(/\\//g, "_");
}}

function objectToBase64url(payload) {{
  return arrayBufferToBase64Url(new TextEncoder().encode(JSON.stringify(payload)));
}}
"""


def _indented(text: str, spaces: int) -> str:
    """`text` as a value starting mid-line: every line after the first indented."""
    first, _, rest = text.partition("\n")
    return first + ("\n" + textwrap.indent(rest, " " * spaces) if rest else "")


def _shell_time(offset: int) -> str:
    sign = "-" if offset < 0 else "+"
    return f"$((now {sign} {abs(offset)}))"


def _python_time(offset: int) -> str:
    sign = "-" if offset < 0 else "+"
    return f"now {sign} {abs(offset)}"
