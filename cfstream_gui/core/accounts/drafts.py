"""What the Accounts dialog's fields hold, checked before anything is sent or saved.

Every problem names its field ("profile name", "account ID", "API token", "customer code",
"API base URL") in a sentence, so the dialog can show it next to that field. The API token is
only ever checked for what could travel in a header; it is never repeated in a message.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace

from cfstream_gui.core.cloudflare import resolve_base_url
from cfstream_gui.core.credentials import Credentials, InvalidApiToken, Origin
from cfstream_gui.core.storage.profiles import Profile, ProfileError, check_profile_name
from cfstream_gui.core.urls import parse_customer_code
from cfstream_gui.core.validation import Problem, check_account_id
from cfstream_gui.core.validation.problems import error

NAME_FIELD = "profile name"
ACCOUNT_FIELD = "account ID"
TOKEN_FIELD = "API token"
CODE_FIELD = "customer code"
BASE_URL_FIELD = "API base URL"


@dataclass(frozen=True)
class AccountDraft:
    """The dialog's fields as typed. An empty `api_token` keeps the token already stored (when
    editing); an empty `customer_code` means "find it on a video"; an empty `api_base_url`
    means Cloudflare's API (or `CLOUDFLARE_BASE_URL`)."""

    name: str
    account_id: str
    api_token: str = field(default="", repr=False)
    customer_code: str = ""
    api_base_url: str = ""

    def typed_credentials(self) -> Credentials | None:
        """The typed token as credentials; None when none was typed. InvalidApiToken when it
        cannot be sent (check_draft says so first)."""
        if not self.api_token.strip():
            return None
        return Credentials.of(self.api_token, Origin.TYPED)


def draft_of(profile: Profile) -> AccountDraft:
    """The fields for editing `profile` (never its token: that stays in the keyring)."""
    return AccountDraft(
        name=profile.name,
        account_id=profile.account_id,
        customer_code=profile.customer_code or "",
        api_base_url=profile.api_base_url or "",
    )


def check_draft(
    draft: AccountDraft, *, taken: Collection[str], original: str | None
) -> list[Problem]:
    """What is wrong with `draft`, field by field. `taken` are the saved profiles' names;
    `original` is the name of the profile being edited (None for a new one)."""
    problems = _name_problems(draft.name.strip(), taken, original)
    problems += check_account_id(draft.account_id.strip())
    if draft.api_token.strip():
        try:
            draft.typed_credentials()
        except InvalidApiToken as exc:
            problems.append(error(TOKEN_FIELD, str(exc)))
    code = draft.customer_code.strip()
    if code and parse_customer_code(code) is None:
        problems.append(
            error(
                CODE_FIELD,
                f"The customer code “{code[:40]}” should be letters and digits only, the CODE "
                "in customer-CODE.cloudflarestream.com; leave it empty to find it on a video.",
            )
        )
    if draft.api_base_url.strip():
        try:
            resolve_base_url(draft.api_base_url, {})
        except ValueError as exc:
            problems.append(error(BASE_URL_FIELD, str(exc)))
    return problems


def _name_problems(name: str, taken: Collection[str], original: str | None) -> list[Problem]:
    try:
        check_profile_name(name)
    except ProfileError as exc:
        return [error(NAME_FIELD, str(exc))]
    if name != original and name in taken:
        return [error(NAME_FIELD, f"A profile named “{name}” exists already; choose another name.")]
    return []


def profile_from_draft(draft: AccountDraft, base: Profile | None) -> Profile:
    """The profile to save: `base` (the one edited, None for a new one) with the draft's fields.
    What the dialog does not show (the default signing key, a delivery base URL) is kept.
    Call check_draft first: this assumes the draft is valid."""
    account_id = draft.account_id.strip()
    code = parse_customer_code(draft.customer_code) if draft.customer_code.strip() else None
    if base is not None and code == base.customer_code and _other_account(base, account_id):
        # A customer code belongs to an account: the old one would build links on the old
        # account's host. It is found again on the new account's videos.
        code = None
    url = draft.api_base_url.strip().rstrip("/") or None
    return replace(
        base or Profile(name=draft.name.strip()),
        name=draft.name.strip(),
        account_id=account_id,
        customer_code=code,
        api_base_url=url,
    )


def _other_account(base: Profile, account_id: str) -> bool:
    return base.account_id.strip().lower() != account_id.lower()
