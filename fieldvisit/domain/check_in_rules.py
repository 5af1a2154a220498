"""Whether a check-in keeps to its stop's approved time: the same day, inside an allowed window."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from fieldvisit.domain.errors import ValidationError


class CheckInFlag(StrEnum):
    OUTSIDE_WINDOW = "outside_window"  # the visit would not fit any window it was approved with
    OTHER_DAY = "other_day"  # the round is for another day (in the team's own time zone)


@dataclass(frozen=True)
class StopTime:
    """What a check-in is held against: the round's date and the stop's approved windows."""

    plan_date: date
    zone: ZoneInfo  # the team's zone: what "the round's day" means
    windows: Sequence[tuple[datetime, datetime]]  # empty: not known (an old or unplanned stop)
    service: timedelta


def check_in_flag(stop: StopTime, at: datetime) -> CheckInFlag | None:
    """The rule the check-in at ``at`` breaks, if any (outside a window is the graver one).

    A visit fits a window when its whole planned length lies inside it, as planning judged it.
    """
    if stop.windows and not any(a <= at and at + stop.service <= b for a, b in stop.windows):
        return CheckInFlag.OUTSIDE_WINDOW
    if at.astimezone(stop.zone).date() != stop.plan_date:
        return CheckInFlag.OTHER_DAY
    return None


def judge_check_in(
    flag: CheckInFlag | None, reason: str | None, *, queued: bool
) -> tuple[CheckInFlag | None, str | None]:
    """Refuse, ask for a reason, or let through with the flag the record will carry.

    Outside the approved windows is refused (the contact-window rules block in every profile);
    a round of another day needs a stated reason. A check-in sent while offline has already
    happened at the door: it is never refused afterwards, only flagged.
    """
    text = (reason or "").strip() or None
    if flag is None or queued:
        return flag, text
    if flag is CheckInFlag.OUTSIDE_WINDOW:
        raise ValidationError("safety.error.check_in_outside_window")
    if text is None:
        raise ValidationError("safety.error.check_in_reason_required", flag=flag.value)
    return flag, text
