"""The policy editor: profiles as tables, stricter-only policy versions, audited and dated."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from fieldvisit.domain.access import Actor
from fieldvisit.domain.clock import FixedClock
from fieldvisit.domain.enums import Role, Severity
from fieldvisit.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from fieldvisit.i18n import render
from fieldvisit.services.audit import AuditLog
from fieldvisit.services.planning.eligibility import EligibilityService
from fieldvisit.services.planning.policy import PolicyEditor, check_settings, profile_view
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from tests.services.eligibility_builders import DAY, Builder

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
TODAY = date(2026, 12, 1)


@pytest.fixture
def editor(database: Database) -> PolicyEditor:
    clock = FixedClock(NOW)
    return PolicyEditor(database.session_factory, AuditLog(b"k" * 32, clock), clock)


@pytest.fixture
def team(database: Database) -> int:
    return Builder(database.session_factory).team()


@pytest.fixture
def officer(database: Database) -> Actor:
    return Builder(database.session_factory).user("officer", Role.COMPLIANCE, None)


def test_every_profile_is_shown_with_rule_ids_values_and_sources() -> None:
    view = profile_view("CN")
    rows = {r.rule_id: r for r in view.rules}
    assert rows["CN.night"].value == "08:00–22:00"
    assert rows["CN.min_gap_days"].severity is Severity.APPROVE
    assert "days=7" in rows["CN.min_gap_days"].value
    assert rows["CN.state.disputed"].severity is Severity.BLOCK
    assert "GB/T 45251" in rows["CN.night"].source.en
    assert rows["CN.third_party"].flags == {"debtor_unreachable": Severity.APPROVE}


def test_a_looser_value_is_refused_with_the_reason(
    editor: PolicyEditor, team: int, officer: Actor, database: Database
) -> None:
    with pytest.raises(ValidationError) as caught:
        editor.save(officer, team, "CN", {"min_gap_days": 5}, DAY, "fewer days")
    message = caught.value.message
    assert message.id == "compliance.policy.looser"
    assert dict(message.params) == {"key": "min_gap_days", "profile_value": 7, "offered_value": 5}
    assert "min_gap_days is 7 in the profile, and 5 is looser" in render(message, "en")
    with database.session_factory() as s:
        assert s.scalars(select(m.Policy)).all() == []
        assert s.scalars(select(m.AuditEntry)).all() == []


def test_inline_checks_name_each_refused_setting() -> None:
    problems = check_settings(
        "CN",
        {
            "contact_window": {"start": "07:00", "end": "21:00"},
            "max_per_day": 1,
            "min_collectors": 1,
        },
    )
    assert [(p.key, p.message.id) for p in problems] == [
        ("contact_window", "compliance.policy.looser"),
        ("min_collectors", "compliance.policy.looser"),
    ]
    assert check_settings("CN", {"min_gap_days": "x"})[0].message.id == "compliance.policy.invalid"


def test_a_stricter_policy_is_saved_as_a_new_audited_version(
    editor: PolicyEditor, team: int, officer: Actor, database: Database
) -> None:
    first = editor.save(officer, team, "CN", {"min_gap_days": 10}, DAY, "regulator visit")
    window = {"contact_window": {"start": "09:00", "end": "20:00"}, "min_gap_days": 10}
    second = editor.save(officer, team, "CN", window, DAY + timedelta(days=7), "complaints")
    assert (first.version, second.version) == (1, 2)
    assert second.settings == window
    with database.session_factory() as s:
        entries = s.scalars(select(m.AuditEntry).order_by(m.AuditEntry.seq)).all()
    assert [e.action for e in entries] == ["policy.saved", "policy.saved"]
    assert entries[1].actor_id == officer.user_id
    assert entries[1].payload is not None
    assert entries[1].payload["after"]["version"] == 2
    assert entries[1].payload["after"]["ruleset_hash"].startswith("sha256:")
    assert entries[1].payload["before"] == {"version": 1, "min_gap_days": 10}
    state = editor.team(officer, team)
    assert [v.version for v in state.versions] == [2, 1]
    assert state.in_force is None  # version 1 starts tomorrow


def test_the_saved_policy_drives_eligibility(
    editor: PolicyEditor, officer: Actor, database: Database
) -> None:
    build = Builder(database.session_factory)
    team = build.team()
    crew = build.crew(team)
    case_id, debtor, _ = build.case(team, crew)
    build.contact(debtor, DAY - timedelta(days=8))
    editor.save(officer, team, "CN", {"min_gap_days": 10}, DAY, "stricter gap")
    service = EligibilityService(database.session_factory)
    result = service.for_case(officer, case_id, DAY, crew)
    assert [r.rule for r in result.reasons] == ["CN.min_gap_days"]
    assert result.ruleset.policy_version == 1


def test_bad_requests_change_nothing(
    editor: PolicyEditor, team: int, officer: Actor, database: Database
) -> None:
    manager = Builder(database.session_factory).user("boss", Role.MANAGER, team)
    with pytest.raises(PermissionDeniedError):
        editor.save(manager, team, "CN", {"min_gap_days": 10}, DAY, "why not")
    with pytest.raises(ValidationError, match=r"policy.error.reason_required"):
        editor.save(officer, team, "CN", {"min_gap_days": 10}, DAY, "   ")
    with pytest.raises(ValidationError, match=r"policy.error.past_date"):
        editor.save(officer, team, "CN", {"min_gap_days": 10}, TODAY - timedelta(1), "late")
    with pytest.raises(ValidationError, match=r"compliance.policy.unknown_key"):
        editor.save(officer, team, "CN", {"max_visits": 1}, DAY, "typo")
    with pytest.raises(ValidationError, match=r"compliance.profile.unknown"):
        editor.save(officer, team, "XX", {}, DAY, "no such profile")
    with pytest.raises(NotFoundError):
        editor.save(officer, 999, "CN", {"min_gap_days": 10}, DAY, "no team")
    with database.session_factory() as s:
        assert s.scalars(select(m.Policy)).all() == []


def test_team_bound_actors_read_their_own_team_only(
    editor: PolicyEditor, team: int, database: Database
) -> None:
    build = Builder(database.session_factory)
    other = build.team("T2")
    manager = build.user("boss", Role.MANAGER, team)
    assert [t.team_id for t in editor.teams(manager)] == [team]
    with pytest.raises(PermissionDeniedError):
        editor.team(manager, other)
    assert len(editor.profiles()) == 6
