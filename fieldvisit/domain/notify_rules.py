"""Who is told at which step of the ladder, by which channel, and who may change that."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from fieldvisit.domain.enums import Role
from fieldvisit.domain.errors import PermissionDeniedError, ValidationError

# Deliberately loose: the SMTP server is the judge; this only catches a field filled in wrongly.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{4,30}$")


class NotifyChannel(StrEnum):
    """How an alarm reaches a person."""

    PUSH = "push"  # the Safety board and, later, the team server's event stream
    EMAIL = "email"
    WEBHOOK = "webhook"  # the company's SMS or voice gateway


@dataclass(frozen=True)
class Route:
    """One recipient of one ladder step: ``address`` is an e-mail address, the phone number the
    gateway should call or text, or empty for a push to everyone on the team's board."""

    step: int
    channel: NotifyChannel
    address: str = ""
    user_id: int | None = None
    active: bool = True

    def __post_init__(self) -> None:
        address = self.address.strip()
        object.__setattr__(self, "address", address)
        if self.channel == NotifyChannel.EMAIL and not _EMAIL.match(address):
            raise ValidationError("notify.error.bad_email", address=address)
        if self.channel == NotifyChannel.WEBHOOK and not _PHONE.match(address):
            raise ValidationError("notify.error.bad_phone", address=address)

    @property
    def key(self) -> tuple[str, str]:
        return self.channel.value, self.address


def check_step(step: int, last_step: int) -> int:
    if not 1 <= step <= last_step:
        raise ValidationError("notify.error.bad_step", step=step, last=last_step)
    return step


def check_routes_change(
    role: Role,
    actor_team: int | None,
    team_id: int,
    step: int,
    routes: Iterable[Route],
    last_step: int,
) -> tuple[Route, ...]:
    """The routes of one step, checked: a manager edits the lower steps of their own team; the
    last step is the one that must always reach someone, so only an administrator edits it, and
    never to nothing."""
    check_step(step, last_step)
    chosen = tuple(routes)
    if role == Role.ADMIN:
        pass
    elif role in (Role.MANAGER, Role.SAFETY_LEAD):
        if role == Role.MANAGER and actor_team != team_id:
            raise PermissionDeniedError("notify.error.other_team")
        if step == last_step:
            raise PermissionDeniedError("notify.error.last_step_admin_only")
    else:
        raise PermissionDeniedError("notify.error.not_allowed")
    seen: set[tuple[str, str]] = set()
    for route in chosen:
        if route.step != step:
            raise ValidationError("notify.error.bad_step", step=route.step, last=last_step)
        if route.key in seen:
            raise ValidationError("notify.error.duplicate", address=route.address)
        seen.add(route.key)
    if step == last_step and not any(r.active for r in chosen):
        raise ValidationError("notify.error.last_step_empty", step=step)
    return chosen
