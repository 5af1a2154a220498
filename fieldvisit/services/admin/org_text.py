"""Organisation records as the text fields every form and file uses (the import's column names),
so an edit starts from what is stored and changes only what the user typed."""

from __future__ import annotations

from fieldvisit.services.admin.organisation import CreditorView, CrewView, PersonView, TeamView


def team_fields(team: TeamView) -> dict[str, str]:
    return {"code": team.code, "name": team.name, "profile": team.profile,
            "timezone": team.timezone, "holiday_region": team.holiday_region or ""}  # fmt: skip


def creditor_fields(creditor: CreditorView) -> dict[str, str]:
    return {"code": creditor.code, "name": creditor.name, "currency": creditor.currency or ""}


def crew_fields(crew: CrewView) -> dict[str, str]:
    day, base = crew.day, crew.base
    return {
        "team": crew.team, "name": crew.name,
        "members": ", ".join(crew.members),
        "base_lat": "" if base is None else str(base[0]),
        "base_lon": "" if base is None else str(base[1]),
        "base_address": crew.base_address or "",
        "shift_start": day.shift_start.isoformat("minutes"),
        "shift_end": day.shift_end.isoformat("minutes"),
        "break_earliest": day.break_earliest.isoformat("minutes"),
        "break_latest": day.break_latest.isoformat("minutes"),
        "break_minutes": str(day.break_minutes), "max_visits": str(day.max_visits),
        "speed_kmh": "" if crew.speed_kmh is None else f"{crew.speed_kmh:g}",
    }  # fmt: skip


def person_fields(person: PersonView) -> dict[str, str]:
    return {
        "username": person.username, "display_name": person.display_name,
        "role": person.role.value, "team": person.team or "",
        "crew": person.crews[0] if person.crews else "", "phone": person.phone or "",
        "language": person.language or "", "active": "✓" if person.active else "✗",
    }  # fmt: skip
