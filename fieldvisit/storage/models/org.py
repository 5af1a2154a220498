"""Organisation: teams, users and their roles, crews, and organisation-wide settings."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldvisit.storage.base import Base, JSONType


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    # The rule profile of the team's cases, unless an address names its own jurisdiction.
    rule_profile: Mapped[str] = mapped_column(String(16), default="CN")
    # No default: a team is created with its zone (set-up asks), and its days follow it.
    timezone: Mapped[str] = mapped_column(String(64))
    # A holiday calendar subdivision where the profile needs one (a German state, a UK nation).
    holiday_region: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime]

    crews: Mapped[list[Crew]] = relationship(back_populates="team", order_by="Crew.id")


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    duress_pin_hash: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]

    team: Mapped[Team | None] = relationship()


class Crew(Base):
    """Collectors who visit together; a round belongs to a crew."""

    __tablename__ = "crews"
    __table_args__ = (UniqueConstraint("team_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    # Where the crew's day starts and ends, unless a round says otherwise.
    base_lat: Mapped[float | None]
    base_lon: Mapped[float | None]
    base_address: Mapped[str | None] = mapped_column(String(300))
    # The crew's usual day (local wall-clock times); None: the product's default day.
    shift_start: Mapped[time | None]
    shift_end: Mapped[time | None]
    break_earliest: Mapped[time | None]
    break_latest: Mapped[time | None]
    break_minutes: Mapped[int | None]
    max_visits: Mapped[int | None]
    speed_kmh: Mapped[float | None]
    active: Mapped[bool] = mapped_column(default=True)

    team: Mapped[Team] = relationship(back_populates="crews")
    members: Mapped[list[CrewMember]] = relationship(
        back_populates="crew", cascade="all, delete-orphan", order_by="CrewMember.user_id"
    )


class CrewMember(Base):
    __tablename__ = "crew_members"

    crew_id: Mapped[int] = mapped_column(ForeignKey("crews.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)

    crew: Mapped[Crew] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class AppSetting(Base):
    """Organisation-wide settings shared by every machine on the same database."""

    __tablename__ = "app_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSONType)
    updated_at: Mapped[datetime]
