"""What the token on show was made from, so the window can say when the form no longer
matches it. No Qt here: the controller compares two of these on every refresh."""

from __future__ import annotations

from dataclasses import dataclass

from cfstream_gui.core.models import SigningEngine, TokenRequest


@dataclass(frozen=True)
class MadeFrom:
    """The form as Create read it: equal exactly when a new Create would make the same token
    (up to the moment of signing)."""

    request: TokenRequest
    engine: SigningEngine
    key_id: str | None
    account_id: str | None
    profile: str | None

    @classmethod
    def of(
        cls,
        request: TokenRequest,
        engine: SigningEngine,
        *,
        key_id: str | None,
        account_id: str,
        profile: str | None,
    ) -> MadeFrom:
        return cls(
            request=request,
            engine=engine,
            key_id=key_id if engine.uses_key else None,
            # Local signing sends nothing to an account: editing the ID changes nothing.
            account_id=account_id if engine.uses_network else None,
            profile=profile,
        )
