"""What one command runs against: streams, environment, stores, and whose credentials to use.

`--sandbox` swaps the stores for a throwaway profile and the demo token held in memory, so a
sandbox run never reads or writes the user's config dir or keyring.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, TextIO

from cfstream_gui.core.cloudflare import resolve_base_url
from cfstream_gui.core.credentials import API_TOKEN_ENV, Credentials, Origin, resolve_credentials
from cfstream_gui.core.customer_codes import is_profiles_account
from cfstream_gui.core.storage.profiles import ACCOUNT_ID_ENV, Profile, ProfileStore
from cfstream_gui.core.urls import delivery_base_problem
from cfstream_gui.core.validation import Severity, check_account_id

from .errors import UsageError
from .terminal import safe_text

# The keyring's store loads when a command reads a secret, the sandbox only with --sandbox: a
# run whose token comes from CLOUDFLARE_API_TOKEN needs neither.
if TYPE_CHECKING:
    from cfstream_gui.core.storage.secrets import SecretStore, SecretStoreError
    from cfstream_gui.sandbox import Sandbox

SANDBOX_PROFILE = "sandbox"
# The one-shot --sandbox run's links (see _sandbox_target) say what they are.
EXAMPLE_LINKS_NOTE = (
    "note: these links are examples on Cloudflare's host: this sandbox stops when the command "
    "ends, so nothing serves them. For links that open, keep a sandbox running with "
    "`cfstream-token sandbox --profile NAME` and use --profile NAME."
)


@dataclass
class Context:
    out: TextIO
    err: TextIO
    env: Mapping[str, str] = field(default_factory=lambda: os.environ)
    sandbox: Sandbox | None = None
    _profiles: ProfileStore | None = None
    _secrets: SecretStore | None = None

    @property
    def profiles(self) -> ProfileStore:
        if self._profiles is None:
            self._profiles = ProfileStore(env=self.env)
        return self._profiles

    @property
    def secrets(self) -> SecretStore:
        if self._secrets is None:
            from cfstream_gui.core.storage.secrets import SecretStore, keyring_timeout

            self._secrets = SecretStore(timeout=keyring_timeout(self.env))
        return self._secrets

    def note(self, text: str) -> None:
        """A line (or lines) on stderr; server words in it cannot act on the terminal."""
        print(safe_text(text, multiline=True), file=self.err)

    def say(self, text: str) -> None:
        """A line (or lines) of output on stdout, made safe like `note`."""
        print(safe_text(text, multiline=True), file=self.out)


@dataclass(frozen=True)
class Target:
    """Resolved credentials for one API call. `saved` says whether `profile` is in the user's
    profiles.json (only then may we remember a detected customer code in it)."""

    profile: Profile
    saved: bool
    credentials: Credentials
    base_url: str

    @property
    def account_id(self) -> str:
        return self.profile.account_id


def resolve_target(ctx: Context, profile_name: str | None, account: str | None) -> Target:
    """--profile, else the current profile, else CLOUDFLARE_ACCOUNT_ID; --account overrides."""
    if ctx.sandbox is not None:
        return _sandbox_target(ctx, ctx.sandbox, profile_name, account)
    profile, saved = find_profile(ctx, profile_name, account)
    credentials = resolve_credentials(ctx.env, lambda: ctx.secrets.get_api_token(profile.name))
    if credentials is None:
        if not ctx.secrets.is_available():
            # "Run login" would only fail next: a keyring that keeps nothing has nothing here.
            raise keyring_unavailable(ctx, f"no API token for profile {profile.name} is kept")
        raise UsageError(
            f"No API token for profile {profile.name}. Run `cfstream-token login --profile "
            f"{profile.name}` or set {API_TOKEN_ENV}."
        )
    base_url = base_url_for(profile, ctx.env)
    return Target(profile=profile, saved=saved, credentials=credentials, base_url=base_url)


def keyring_unavailable(ctx: Context, consequence: str) -> SecretStoreError:
    """The error (exit 5) for a keyring that cannot keep secrets, offering the variable that
    works without one."""
    from cfstream_gui.core.storage.secrets import SecretStoreError

    return SecretStoreError(
        f"The system keyring is unavailable, so {consequence} (keyring backend: "
        f"{ctx.secrets.store_name()}). Set {API_TOKEN_ENV} to use an API token without the "
        "keyring, or install and unlock a keyring such as GNOME Keyring or KWallet."
    )


def find_profile(ctx: Context, name: str | None, account: str | None) -> tuple[Profile, bool]:
    """The profile a command means, and whether it is a saved one; no secrets are read."""
    profile = ctx.profiles.resolve(name)  # a missing named profile is a ProfileError (exit 2)
    saved = any(p.name == profile.name for p in ctx.profiles.list())
    if account is not None:
        if not is_profiles_account(profile, account):
            # Another account than the profile's own: its customer code does not apply, and
            # nothing learnt in this run (such as that account's code) belongs in the profile.
            profile, saved = replace(profile, customer_code=None), False
        profile = replace(profile, account_id=account.strip())
    if not profile.account_id:
        raise UsageError(
            f"No account ID for profile {profile.name}.",
            hint="Run `cfstream-token profiles add NAME --account ID --use`, pass --account, "
            f"or set {ACCOUNT_ID_ENV}.",
        )
    # Wherever it came from (--account, the profiles file, the environment): a value that
    # cannot be an ID would otherwise reach the request path.
    require_account_id(profile.account_id)
    return profile, saved


def require_usable_links(profile: Profile) -> Profile:
    """`profile`, unless its (hand-edited) delivery base URL would put tokens in links that
    cannot be used safely: refused (exit 2) before a token is made, not after."""
    if profile.delivery_base_url is not None:
        problem = delivery_base_problem(profile.delivery_base_url)
        if problem is not None:
            raise UsageError(
                f"Profile {profile.name}: {problem}", hint="Fix it in the profiles file."
            )
    return profile


def require_account_id(account: str) -> str:
    """`account` stripped, or a UsageError (exit 2, nothing sent) when it cannot be an account
    ID. Warnings about an odd but plausible shape are left to the request's own check."""
    account = account.strip()
    errors = [p.message for p in check_account_id(account) if p.severity is Severity.ERROR]
    if errors:
        raise UsageError(*errors)
    return account


def base_url_for(profile: Profile, env: Mapping[str, str]) -> str:
    try:
        return resolve_base_url(profile.api_base_url, env)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _sandbox_target(
    ctx: Context, sb: Sandbox, profile_name: str | None, account: str | None
) -> Target:
    if profile_name is not None:
        ctx.note(f"note: --profile {profile_name} is ignored with --sandbox")
    profile = Profile(
        name=SANDBOX_PROFILE,
        account_id=sb.DEMO_ACCOUNT_ID if account is None else require_account_id(account),
        customer_code=sb.DEMO_CUSTOMER_CODE,
        api_base_url=sb.base_url,
        # No delivery_base_url: this sandbox stops when the command ends, so links to it would
        # be dead on arrival. Links on Cloudflare's customer host show what real output is like,
        # and EXAMPLE_LINKS_NOTE says so (the rule is in sandbox_cmd's docstring).
    )
    credentials = Credentials.of(sb.DEMO_API_TOKEN, Origin.SANDBOX)
    return Target(profile=profile, saved=False, credentials=credentials, base_url=sb.base_url)
