"""Writing validated case rows: bulk inserts for new cases, audited updates for existing ones."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from fieldvisit.domain.enums import AddressKind, CaseState, GeocodeQuality
from fieldvisit.domain.import_rows import RowError, Validation, ValidRow
from fieldvisit.domain.messages import Message
from fieldvisit.services import row_seals
from fieldvisit.services.audit import AuditEvent
from fieldvisit.services.importing.case_places import (
    creditor_currency,
    home_location,
    place_errors,
)
from fieldvisit.services.importing.context import ImportContext, WriteCounts, diff
from fieldvisit.storage import importing as repo
from fieldvisit.storage import models as m

ADDRESS_FIELDS = {"home_address": AddressKind.HOME.value, "work_address": AddressKind.WORK.value}
CASE_COMPARED = (
    "amount_overdue", "principal", "days_past_due", "state", "team_id", "placed_on", "product",
    "flags",
)  # fmt: skip
DEBTOR_COMPARED = {"debtor_name": "name", "id_number": "id_number", "phone": "phone"}
AUDIT_CHUNK = 5000


class CaseWriter:
    """Cases of one creditor, matched by case number; debtors shared by resident ID number."""

    def __init__(self, context: ImportContext) -> None:
        self._ctx = context
        self._teams: dict[str, int] = {}
        self._zones: dict[
            int, str
        ] = {}  # team id → zone: an address's zone unless the file names one
        self._existing: dict[str, Any] = {}
        self._org_zone: str | None = None

    def check(self, validation: Validation) -> None:
        self._teams = repo.team_ids(self._ctx.session)
        errors = [
            RowError(
                row.row,
                validation.header_of("team"),
                row.values["team"],
                Message("import.error.unknown_team", {"allowed": ", ".join(sorted(self._teams))}),
            )
            for row in validation.valid
            if row.values.get("team") and row.values["team"] not in self._teams
        ]
        errors += place_errors(validation)
        validation.reject(errors)
        numbers = [row.values["case_number"] for row in validation.valid]
        self._existing = repo.cases_by_number(self._ctx.session, self._ctx.creditor_id, numbers)
        self._zones = repo.team_zones(self._ctx.session)
        shared = set(self._zones.values())
        # An organisation whose teams all live in one zone has that zone; otherwise it is asked.
        self._org_zone = shared.pop() if len(shared) == 1 else None
        validation.reject(
            [
                RowError(row.row, validation.header_of("timezone"), "",
                         Message("import.error.no_timezone", {}))
                for row in validation.valid
                if self._needs_zone(row) and self._zone(row) is None
            ]
        )  # fmt: skip

    def _needs_zone(self, row: ValidRow) -> bool:
        return any(row.values.get(field) for field in ADDRESS_FIELDS)

    def _zone(self, row: ValidRow) -> str | None:
        """The file's zone for the row, else its case's team's (named or kept), else the one zone
        all teams share; None when none of these says."""
        named = row.values.get("timezone")
        if named:
            return str(named)
        team = self._team_id(row.values)
        if team is None and row.values["case_number"] in self._existing:
            team = self._existing[row.values["case_number"]].team_id
        return self._zones.get(team) if team is not None else self._org_zone

    def write(self, rows: list[ValidRow]) -> WriteCounts:
        new = [row for row in rows if row.values["case_number"] not in self._existing]
        old = [row for row in rows if row.values["case_number"] in self._existing]
        self._insert(new)
        updated = self._update(old)
        self._seal(rows)
        return WriteCounts(created=len(new), updated=updated, unchanged=len(old) - updated)

    def _seal(self, rows: list[ValidRow]) -> None:
        # Written in bulk, past the ORM: the commit seals these cases and debtors (audit verify).
        session = self._ctx.session
        numbers = [row.values["case_number"] for row in rows]
        written = repo.case_and_debtor_ids(session, self._ctx.creditor_id, numbers)
        row_seals.mark(session, "cases", [case for case, _debtor in written])
        row_seals.mark(session, "debtors", [debtor for _case, debtor in written])

    def _team_id(self, values: dict[str, Any] | Any) -> int | None:
        team = values.get("team")
        return self._teams[team] if team else None

    def _insert(self, rows: list[ValidRow]) -> None:
        ctx = self._ctx
        debtor_of, known = self._debtors_for(rows)
        cases = []
        currency = creditor_currency(ctx.session, ctx.creditor_id)
        for index, row in enumerate(rows):
            v = row.values
            state = v.get("state") or CaseState.ACTIVE.value
            cases.append(
                {
                    "creditor_id": ctx.creditor_id,
                    "case_number": v["case_number"],
                    "debtor_id": debtor_of[index],
                    "product": v.get("product") or "credit_card",
                    "currency": ctx.currency
                    or currency,  # the run's --currency, else the creditor's
                    "amount_overdue": v["amount_overdue"],
                    "principal": v.get("principal"),
                    "days_past_due": v["days_past_due"],
                    "state": state,
                    "flags": v.get("flags") or [],
                    "priority": 0,
                    "legal_hold": state == CaseState.LEGAL_HOLD.value,
                    "team_id": self._team_id(v),
                    "placed_on": v.get("placed_on"),
                    "rule_profile": v.get("rule_profile") or None,
                    "created_at": ctx.now,
                    "updated_at": ctx.now,
                }
            )
            if index % 5000 == 0:
                ctx.step(index, len(rows))
        repo.insert_plain(ctx.session, m.Case, cases)
        self._add_addresses(rows, debtor_of, known)

    def _debtors_for(self, rows: list[ValidRow]) -> tuple[list[int], set[int]]:
        """Each row's debtor id (one met before, by ID number, or a new one) and the old ones."""
        ctx = self._ctx
        id_numbers = sorted({r.values["id_number"] for r in rows if r.values.get("id_number")})
        known = repo.debtors_by_id_number(ctx.session, id_numbers)
        new_rows: list[dict[str, Any]] = []
        slot_of_row: list[tuple[str, Any]] = []
        pending: dict[str, int] = {}
        for row in rows:
            id_number = row.values.get("id_number")
            if id_number and id_number in known:
                slot_of_row.append(("known", known[id_number]))
                continue
            if id_number and id_number in pending:
                slot_of_row.append(("new", pending[id_number]))
                continue
            if id_number:
                pending[id_number] = len(new_rows)
            slot_of_row.append(("new", len(new_rows)))
            new_rows.append(_debtor_values(row, ctx))
        new_ids = repo.insert_rows(ctx.session, m.Debtor, new_rows)
        ids = [value if kind == "known" else new_ids[value] for kind, value in slot_of_row]
        return ids, set(known.values())

    def _add_addresses(self, rows: list[ValidRow], debtor_of: list[int], known: set[int]) -> None:
        ctx = self._ctx
        # Only debtors met before can have addresses already; new ones need no look-up.
        existing = repo.addresses_of(ctx.session, sorted(known))
        seen = {(a.debtor_id, a.kind, a.text) for found in existing.values() for a in found}
        has_primary = set(existing)
        addresses = []
        for row, debtor_id in zip(rows, debtor_of, strict=True):
            for field, kind in ADDRESS_FIELDS.items():
                text = row.values.get(field)
                if not text or (debtor_id, kind, text) in seen:
                    continue
                seen.add((debtor_id, kind, text))
                primary = kind == AddressKind.HOME.value and debtor_id not in has_primary
                has_primary.update({debtor_id} if primary else set())
                addresses.append(
                    _address_values(row, debtor_id, kind, text, primary, ctx, self._zone(row))
                )
        repo.insert_plain(ctx.session, m.Address, addresses)

    def _update(self, rows: list[ValidRow]) -> int:
        ctx = self._ctx
        debtor_ids = sorted({self._existing[r.values["case_number"]].debtor_id for r in rows})
        addresses = repo.addresses_of(ctx.session, debtor_ids)
        pending = _Pending()
        for index, row in enumerate(rows):
            current = self._existing[row.values["case_number"]]
            found = addresses.get(current.debtor_id, [])
            before, after = self._changes(row, current, found, pending)
            if after:
                pending.before[current.case_number] = before
                pending.after[current.case_number] = {"case_number": current.case_number, **after}
                pending.case_ids[current.case_number] = current.id
            if index % 5000 == 0:
                ctx.step(index, len(rows))
        pending.flush(ctx)
        return len(pending.after)

    def _changes(
        self, row: ValidRow, current: Any, addresses: list[Any], pending: _Pending
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """What differs between the row and the stored case; a blank cell never erases."""
        ctx, v = self._ctx, row.values
        wanted = {name: v.get(name) for name in CASE_COMPARED if name != "team_id"}
        wanted["team_id"] = self._team_id(v)
        case_before, case_after = diff(current._asdict(), wanted)
        debtor_wanted = {column: v.get(field) for field, column in DEBTOR_COMPARED.items()}
        debtor_before, debtor_after = diff(current._asdict(), debtor_wanted)
        if case_after:
            values = {k: wanted[k] for k in case_after}
            if "state" in case_after:
                values["state_changed_at"] = ctx.now
                values["legal_hold"] = v["state"] == CaseState.LEGAL_HOLD.value
            pending.cases.append({"id": current.id, "updated_at": ctx.now, **values})
        if debtor_after:
            debtor_values = {k: debtor_wanted[k] for k in debtor_after}
            pending.debtors.append({"id": current.debtor_id, **debtor_values})
        address_before, address_after = self._move_addresses(
            row, current.debtor_id, addresses, pending
        )
        return (
            {**case_before, **debtor_before, **address_before},
            {**case_after, **debtor_after, **address_after},
        )

    def _move_addresses(
        self, row: ValidRow, debtor_id: int, addresses: list[Any], pending: _Pending
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """A changed address replaces the debtor's address of that kind and is geocoded afresh."""
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for field, kind in ADDRESS_FIELDS.items():
            text = row.values.get(field)
            same_kind = [a for a in addresses if a.kind == kind]
            if not text or any(a.text == text for a in same_kind):
                continue
            before[field], after[field] = (same_kind[0].text if same_kind else None), text
            if same_kind:
                place = {"city": row.values.get("city"), "district": row.values.get("district")}
                pending.addresses.append(
                    {"id": same_kind[0].id, "text": text, **_UNLOCATED, **place}
                )
            else:
                primary = kind == AddressKind.HOME.value and not addresses
                pending.new_addresses.append(
                    _address_values(row, debtor_id, kind, text, primary, self._ctx, self._zone(row))
                )
        return before, after


_UNLOCATED = {"lat": None, "lon": None, "geocode_quality": GeocodeQuality.NONE.value,
              "geocode_source": None, "geocoded_at": None}  # fmt: skip


@dataclass
class _Pending:
    """Updates collected over the whole file, written with one executemany per kind."""

    cases: list[dict[str, Any]] = dataclass_field(default_factory=list)
    debtors: list[dict[str, Any]] = dataclass_field(default_factory=list)
    addresses: list[dict[str, Any]] = dataclass_field(default_factory=list)
    new_addresses: list[dict[str, Any]] = dataclass_field(default_factory=list)
    before: dict[str, Any] = dataclass_field(default_factory=dict)
    after: dict[str, Any] = dataclass_field(default_factory=dict)
    case_ids: dict[str, int] = dataclass_field(default_factory=dict)

    def flush(self, ctx: ImportContext) -> None:
        repo.update_by_id(ctx.session, m.Case, self.cases)
        repo.update_by_id(ctx.session, m.Debtor, self.debtors)
        repo.update_by_id(ctx.session, m.Address, self.addresses)
        repo.insert_plain(ctx.session, m.Address, self.new_addresses)
        # One entry per changed case, appended AUDIT_CHUNK at a time under one lock and flush:
        # a daily file that moves every case's days past due stays a matter of seconds.
        action = "case.import_update"
        events = [
            AuditEvent(
                ctx.now, ctx.actor_id, action, "case", case_id, self.before[n], self.after[n]
            )
            for n, case_id in self.case_ids.items()
        ]
        for part in repo.chunks(events, AUDIT_CHUNK):
            ctx.audit.record_many(ctx.session, part)


def _debtor_values(row: ValidRow, ctx: ImportContext) -> dict[str, Any]:
    return {
        "name": row.values["debtor_name"],
        "id_number": row.values.get("id_number"),
        "phone": row.values.get("phone"),
        "created_at": ctx.now,
    }


def _address_values(
    row: ValidRow,
    debtor_id: int,
    kind: str,
    text: str,
    primary: bool,
    ctx: ImportContext,
    zone: str | None,
) -> dict[str, Any]:
    if zone is None:  # check() refused such rows; a writer never guesses a zone
        raise ValueError(f"row {row.row}: an address without a time zone")
    return {
        "debtor_id": debtor_id,
        "kind": kind,
        "text": text,
        "city": row.values.get("city"),
        "district": row.values.get("district"),
        "timezone": zone,
        "jurisdiction": (row.values.get("jurisdiction") or "").upper() or None,
        "geocode_quality": GeocodeQuality.NONE.value,
        "is_primary": primary,
        **(home_location(row, ctx.now) if kind == AddressKind.HOME.value else {}),
    }
