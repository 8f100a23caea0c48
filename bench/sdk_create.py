"""The official SDK making the same `/token` call as `cfstream-token create UID`: the CLI's
cold-start baseline. Reads the same environment variables; prints the token."""

from __future__ import annotations

import os
import sys

from cloudflare import Cloudflare

client = Cloudflare(
    api_token=os.environ["CLOUDFLARE_API_TOKEN"], base_url=os.environ["CLOUDFLARE_BASE_URL"]
)
made = client.stream.token.create(sys.argv[1], account_id=os.environ["CLOUDFLARE_ACCOUNT_ID"])
assert made is not None and made.token
print(made.token)
