"""The duress PIN: set by each user, checked at check-out without ever saying so on screen."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from fieldvisit.domain.access import Actor
from fieldvisit.domain.errors import ValidationError
from fieldvisit.services.field.store import SafetyDeps
from fieldvisit.storage import models as m

_HASHER = PasswordHasher()
MIN_PIN_LENGTH = 4


def is_duress(pin: str | None, stored_hash: str | None) -> bool:
    """True when ``pin`` is the user's duress PIN; any other input is a normal check-out."""
    if not pin or not stored_hash:
        return False
    try:
        return _HASHER.verify(stored_hash, pin)
    except (VerificationError, InvalidHashError):
        return False


def duress_hash_of(s: Session, user_id: int) -> str | None:
    user = s.get(m.User, user_id)
    return user.duress_pin_hash if user is not None else None


def set_duress_pin(deps: SafetyDeps, actor: Actor, pin: str) -> None:
    """Each user sets their own; only the fact that it changed is audited."""
    if len(pin) < MIN_PIN_LENGTH or not pin.isdigit():
        raise ValidationError("safety.error.bad_pin", length=MIN_PIN_LENGTH)
    with deps.session_factory.begin() as s:
        user = s.get_one(m.User, actor.user_id)
        user.duress_pin_hash = _HASHER.hash(pin)
        deps.audit.record(
            s, actor_id=actor.user_id, action="user.duress_pin_set", entity_type="user",
            entity_id=actor.user_id,
        )  # fmt: skip
