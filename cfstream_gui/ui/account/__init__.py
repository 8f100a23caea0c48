"""Whose Cloudflare account the token is made for: the panel that shows profile, account ID and
API token (`panel.py`), and the session's API tokens behind it (`tokens.py`)."""
