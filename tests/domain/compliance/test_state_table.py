"""Every cell of the normative case-state table of COMPLIANCE.md."""

from __future__ import annotations

import pytest

from fieldvisit.domain.enums import CaseState

from .builders import PROFILES, check, rules_of

# Columns: CN, US, US-MA, UK, IE, DE ("—" = behaves like active), typed from COMPLIANCE.md.
TABLE = {
    "active": ("—", "—", "—", "—", "—", "—"),
    "disputed": ("block", "block", "block", "block", "block", "block"),
    "complaint_pending": ("block", "approve", "approve", "approve", "approve", "approve"),
    "cease_requested": ("block", "block", "block", "block", "block", "block"),
    "attorney_represented": ("approve", "block", "block", "approve", "approve", "approve"),
    "bankruptcy": ("block", "block", "block", "block", "block", "block"),
    "deceased": ("block", "block", "block", "block", "block", "block"),
    "capacity_concern": ("block", "approve", "approve", "block", "approve", "approve"),
    "breathing_space": ("—", "—", "—", "block", "—", "—"),
    "legal_hold": ("block", "block", "block", "block", "block", "block"),
    "in_validation_period": ("—", "warn", "warn", "—", "—", "—"),
    "closed": ("block", "block", "block", "block", "block", "block"),
}
CELLS = [(state, profile, TABLE[state][i]) for state in TABLE for i, profile in enumerate(PROFILES)]


def test_table_covers_every_state() -> None:
    assert set(TABLE) == {s.value for s in CaseState}


@pytest.mark.parametrize(("state", "profile", "severity"), CELLS)
def test_state(state: str, profile: str, severity: str) -> None:
    verdict = check(profile, case_state=CaseState(state))
    found = rules_of(verdict)
    if severity == "—":
        assert found == {}
    else:
        assert found == {f"{profile}.state.{state}": severity}
        (violation,) = verdict.violations
        assert violation.message.id == f"compliance.case_state.{state}"
        assert violation.source.text("zh")
        assert violation.source.text("en")
    assert verdict.blocked is (severity == "block")
    assert bool(verdict.intervals) is (severity != "block")
