"""Masking of personal data (ID numbers, phones, addresses, coordinates) as pure functions."""

from __future__ import annotations

from datetime import date

from fieldvisit.domain.access import Actor, Permission, allows

MASK = "*"
# A fixed tail, so a masked address does not reveal how long the hidden part is.
ADDRESS_TAIL = "****"
# Two decimals of a degree is about a kilometre: enough to see the district on a map, not the door.
COARSE_DECIMALS = 2


def sees_full_personal_data(actor: Actor) -> bool:
    """Whether the actor's role may open unmasked personal data (each opening is logged)."""
    return allows(actor, Permission.VIEW_FULL_PERSONAL_DATA)


def mask_id_number(value: str | None) -> str | None:
    """``310101199001011234`` → ``310***********1234``: region prefix and check digits only."""
    if not value:
        return value
    if len(value) < 8:
        return MASK * len(value)
    return value[:3] + MASK * (len(value) - 7) + value[-4:]


def mask_phone(value: str | None) -> str | None:
    """``17012345678`` → ``170****5678``; short numbers keep only their last two digits."""
    if not value:
        return value
    if len(value) >= 9:
        return value[:3] + MASK * (len(value) - 7) + value[-4:]
    keep = min(2, len(value) - 1)
    return MASK * (len(value) - keep) + value[len(value) - keep :]


def mask_address(text: str | None, district: str | None = None) -> str | None:
    """Keep the city and district (enough to plan), hide the street, building and door."""
    if not text:
        return text
    if district and district in text:
        end = text.index(district) + len(district)
        return text[:end] + ADDRESS_TAIL
    return text[: max(1, len(text) // 4)] + ADDRESS_TAIL


def coarsen_coordinate(value: float | None) -> float | None:
    """A coordinate rounded to about a kilometre."""
    return None if value is None else round(value, COARSE_DECIMALS)


# A crew may see its stops in full from the evening before (printing the sheet) to the day itself.
CREW_SEES_DAYS_AHEAD = 1
_DECIDED = frozenset({"approved", "in_progress"})


def crew_sees_stop(
    actor: Actor, crew_id: int, round_status: str, plan_date: date, today: date
) -> bool:
    """Whether a crew member sees a stop's full address and debtor name (each view is logged).

    Only the actor's own crew, only an approved round (or one under way), and only for its date
    or the evening before: the crew must find the door, and sees nothing else unmasked.
    """
    return (
        crew_id in actor.crew_ids
        and round_status in _DECIDED
        and 0 <= (plan_date - today).days <= CREW_SEES_DAYS_AHEAD
    )


def mask_name(name: str) -> str:
    """``邓小平`` → ``邓**``: the family name only."""
    return name[:1] + MASK * max(len(name) - 1, 1)
