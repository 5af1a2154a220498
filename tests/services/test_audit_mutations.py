"""Random damage to a real demo chain: every mutation is a named finding, never an exception."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from fieldvisit.domain.audit_check import COLUMNS, check_rows
from fieldvisit.services.audit import DEMO_AUDIT_KEY
from fieldvisit.services.records.verify import raw_audit_rows
from fieldvisit.storage.database import Database

Rows = list[dict[str, object]]


@pytest.fixture(scope="module")
def demo_rows(demo_sqlite_file: Path) -> Rows:
    database = Database.open(f"sqlite:///{demo_sqlite_file}")
    try:
        with database.session_factory() as session:
            rows, problems = raw_audit_rows(session)
    finally:
        database.dispose()
    assert not problems
    assert len(rows) > 1000
    # The first 400 entries (every kind the demo writes) keep 1,000 walks within a minute.
    return sorted(rows, key=lambda r: int(str(r["seq"])))[:400]


def _anchor(rows: Rows) -> tuple[int, str]:
    head = max(rows, key=lambda r: int(str(r["seq"])))
    return int(str(head["seq"])), str(head["entry_hash"])


def test_the_untouched_demo_chain_has_no_findings(demo_rows: Rows) -> None:
    assert check_rows(DEMO_AUDIT_KEY, demo_rows, _anchor(demo_rows)) == []


# What a column of a damaged SQLite row may hold.
VALUES = st.one_of(
    st.none(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True),
    st.text(max_size=40),
    st.binary(max_size=20),
    st.sampled_from(["{", "[]", "null", '{"before": 1}', '{"before": null, "after": null}',
                     "2026-11-20 01:00:00", "0" * 64, "f" * 64]),
)  # fmt: skip
MUTATIONS = st.one_of(
    st.tuples(st.just("set"), st.sampled_from(COLUMNS), VALUES),
    st.tuples(st.just("payload_edit"), st.sampled_from(["before", "after"]), VALUES),
    st.tuples(st.just("delete"), st.none(), st.none()),
    st.tuples(st.just("duplicate"), st.none(), st.none()),
    st.tuples(st.just("swap_seq"), st.none(), st.none()),
    st.tuples(st.just("drop_column"), st.sampled_from(COLUMNS), st.none()),
)


def _mutate(rows: Rows, index: int, mutation: tuple[str, Any, Any]) -> Rows | None:
    kind, column, value = mutation
    mutated = list(rows)
    row = dict(rows[index])
    if kind == "set":
        if row.get(column) == value and type(row.get(column)) is type(value):
            return None
        row[column] = value
    elif kind == "payload_edit":
        payload = json.loads(str(row["payload"])) if isinstance(row["payload"], str) else None
        if payload is None:
            return None
        if isinstance(value, bytes | float):
            value = repr(value)
        if payload.get(column) == value:
            return None
        payload[column] = value
        row["payload"] = json.dumps(payload)
    elif kind == "delete":
        del mutated[index]
        return mutated
    elif kind == "duplicate":
        mutated.insert(index, dict(row))
        return mutated
    elif kind == "swap_seq":
        other = dict(rows[index - 1])
        if index == 0:
            return None
        row["seq"], other["seq"] = other["seq"], row["seq"]
        mutated[index - 1] = other
    elif kind == "drop_column":
        row.pop(column)
    mutated[index] = row
    return mutated


def _harmless(original: dict[str, object], mutation: tuple[str, Any, Any]) -> bool:
    kind, column, value = mutation
    # An empty payload on an entry that had no content is the same entry.
    no_content = original["before_digest"] is None and original["after_digest"] is None
    if kind == "set" and column == "payload" and no_content:
        return value is None or value == "null" or value == '{"before": null, "after": null}'
    return kind == "drop_column" and column == "payload" and no_content


@settings(
    max_examples=1000,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(index=st.integers(min_value=0), mutation=MUTATIONS)
def test_every_random_mutation_is_a_named_finding(
    demo_rows: Rows, index: int, mutation: tuple[str, Any, Any]
) -> None:
    __tracebackhide__ = True
    index %= len(demo_rows)
    assume(not _harmless(demo_rows[index], mutation))
    mutated = _mutate(demo_rows, index, mutation)
    assume(mutated is not None)
    assert mutated is not None
    findings = check_rows(DEMO_AUDIT_KEY, mutated, _anchor(demo_rows))
    assert findings, f"undetected: {mutation} at row {index}"
    assert all(f.seq is not None or f.kind == "entry_malformed" for f in findings)
