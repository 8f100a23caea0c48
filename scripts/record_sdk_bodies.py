"""Record the JSON bodies the official `cloudflare` SDK sends for token requests.

Run once, in a throwaway venv that has the SDK (it is not a dependency of this project):

    python -m venv /tmp/cfsdk && /tmp/cfsdk/bin/pip install cloudflare==5.9.0
    /tmp/cfsdk/bin/python scripts/record_sdk_bodies.py > tests/fixtures/sdk_token_bodies.json

Each case names an intent as keyword arguments to `client.stream.token.create`; the test
`tests/core/test_sdk_body_equality.py` builds the same intent with our TokenRequest and checks the
two bodies are JSON-equal. No request leaves the machine: an httpx.MockTransport answers.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import cloudflare
import httpx

ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353"
VIDEO = "ea95132c15732412d22c1476fa83f27a"
# A placeholder, not a key: the SDK forwards `pem` verbatim, so any string shows the shape.
PEM_PLACEHOLDER = (
    "LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpmYWtlCi0tLS0tRU5EIFJTQSBQUklWQVRFIEtFWS0tLS0tCg=="
)

CASES: dict[str, dict[str, Any]] = {
    "empty": {},
    "exp_only": {"exp": 1_800_000_000},
    "nbf_only": {"nbf": 1_799_990_000},
    "downloadable_true": {"downloadable": True},
    "downloadable_false": {"downloadable": False},
    "one_country_rule": {
        "access_rules": [{"type": "ip.geoip.country", "action": "allow", "country": ["US", "MX"]}]
    },
    "ip_rule": {
        "access_rules": [
            {"type": "ip.src", "action": "block", "ip": ["93.184.216.0/24", "2400:cb00::/32"]}
        ]
    },
    "any_rule": {"access_rules": [{"type": "any", "action": "block"}]},
    "docs_example_rules": {
        "access_rules": [
            {"type": "ip.geoip.country", "action": "allow", "country": ["US"]},
            {"type": "ip.src", "action": "allow", "ip": ["93.184.216.0/24", "2400:cb00::/32"]},
            {"type": "any", "action": "block"},
        ]
    },
    "signing_key": {"id": "8f926b2b01f3835170025a78a4dcbf6a", "pem": PEM_PLACEHOLDER},
    "everything": {
        "id": "8f926b2b01f3835170025a78a4dcbf6a",
        "pem": PEM_PLACEHOLDER,
        "exp": 1_800_000_000,
        "nbf": 1_799_990_000,
        "downloadable": True,
        "access_rules": [
            {"type": "ip.geoip.country", "action": "block", "country": ["RU"]},
            {"type": "any", "action": "allow"},
        ],
    },
}


def record(kwargs: dict[str, Any]) -> dict[str, Any]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200, json={"result": {"token": "x"}, "success": True, "errors": [], "messages": []}
        )

    client = cloudflare.Cloudflare(
        api_token="placeholder-not-a-token",
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
        max_retries=0,
    )
    client.stream.token.create(VIDEO, account_id=ACCOUNT, **kwargs)
    (request,) = seen
    return {
        "sdk_kwargs": kwargs,
        "method": request.method,
        "path": request.url.path,
        "content_type": request.headers["content-type"],
        "body_text": request.content.decode(),
        "body": json.loads(request.content),
    }


def main() -> None:
    out = {
        "recorded_with": f"cloudflare {cloudflare.__version__}",
        "account_id": ACCOUNT,
        "video_uid": VIDEO,
        "cases": {name: record(kwargs) for name, kwargs in CASES.items()},
    }
    json.dump(out, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
