"""Accounts as the window manages them: the profiles a user adds, checks, renames and removes,
and where the window starts when there are none yet. Nothing here imports Qt, and names are
imported from the module that defines them (`first_run` is on the start path and must stay
light: it loads neither httpx nor the keyring).

- `drafts.py`: what the dialog's fields hold (`AccountDraft`), checked field by field into
  `Problem`s that name the field, and turned into a `Profile`.
- `verify.py`: `check_account(client, account_id)`: whether Cloudflare accepts the API token
  (the account endpoint, then the user one) and what it can do, proved by a harmless read of
  the video list; the customer code found on the way. `AccountCheck.sentences()` says it.
- `changes.py`: `save_account` (the token to the keyring first, then the profile; a rename moves
  the keyring entries along) and `remove_account` (`storage.removal.remove_profile`).
- `first_run.py`: `start_choice(profiles, env)`: a saved profile, the account the environment
  names, or the built-in sandbox when there is neither.
"""
