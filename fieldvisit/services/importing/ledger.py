"""Writing contact logs and payments, idempotently: a row whose external id exists is skipped."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from fieldvisit.domain.import_rows import RowError, Validation, ValidRow
from fieldvisit.domain.messages import Message
from fieldvisit.services.importing.context import ImportContext, WriteCounts
from fieldvisit.storage import importing as repo
from fieldvisit.storage import models as m

SOURCE = "import"


class _LedgerWriter:
    """Contacts and payments alike: each row names a case of the creditor and has an external id."""

    model: type[m.Contact] | type[m.Payment]

    def __init__(self, context: ImportContext) -> None:
        self._ctx = context
        self._cases: dict[str, tuple[int, int]] = {}
        self._present: set[str] = set()

    def check(self, validation: Validation) -> None:
        numbers = sorted({row.values["case_number"] for row in validation.valid})
        self._cases = repo.case_keys(self._ctx.session, self._ctx.creditor_id, numbers)
        validation.reject(
            [
                RowError(
                    row.row,
                    validation.header_of("case_number"),
                    row.values["case_number"],
                    Message("import.error.case_not_found", {}),
                )
                for row in validation.valid
                if row.values["case_number"] not in self._cases
            ]
        )
        ids = [self._key(row) for row in validation.valid]
        self._present = repo.existing_external_ids(self._ctx.session, self.model, ids)

    def _key(self, row: ValidRow) -> str:
        # External ids are unique per creditor only; the column is unique across all of them.
        return f"{self._ctx.creditor_id}:{row.values['external_id']}"

    def write(self, rows: list[ValidRow]) -> WriteCounts:
        new = [row for row in rows if self._key(row) not in self._present]
        values = []
        for index, row in enumerate(new):
            case_id, debtor_id = self._cases[row.values["case_number"]]
            values.append(self._values(row, case_id, debtor_id))
            if index % 5000 == 0:
                self._ctx.step(index, len(new))
        repo.insert_plain(self._ctx.session, self.model, values)
        return WriteCounts(created=len(new), unchanged=len(rows) - len(new))

    def _values(self, row: ValidRow, case_id: int, debtor_id: int) -> dict[str, Any]:
        raise NotImplementedError


class ContactWriter(_LedgerWriter):
    model = m.Contact

    def __init__(self, context: ImportContext) -> None:
        super().__init__(context)
        self._zones: dict[int, str] = {}

    def check(self, validation: Validation) -> None:
        """A time without an offset is the case's local time: its team's, else its address's."""
        super().check(validation)
        ids = [self._cases[row.values["case_number"]][0] for row in validation.valid]
        self._zones = repo.case_zones(self._ctx.session, ids)
        validation.reject(
            [
                RowError(row.row, validation.header_of("occurred_at"),
                         str(row.values["occurred_at"]), Message("import.error.no_timezone", {}))
                for row in validation.valid
                if row.values["occurred_at"].tzinfo is None
                and self._cases[row.values["case_number"]][0] not in self._zones
            ]
        )  # fmt: skip

    def _values(self, row: ValidRow, case_id: int, debtor_id: int) -> dict[str, Any]:
        v = row.values
        occurred: datetime = v["occurred_at"]
        if occurred.tzinfo is None:
            # The creditor's logs are in the case's local time; the database holds UTC.
            occurred = occurred.replace(tzinfo=ZoneInfo(self._zones[case_id]))
        return {
            "debtor_id": debtor_id,
            "case_id": case_id,
            "channel": v["channel"],
            "occurred_at": occurred.astimezone(UTC),
            "contacted": bool(v.get("contacted")),
            "place": "home" if v["channel"] == "visit" else None,
            "outcome": v.get("outcome"),
            "visit_id": None,
            "external_id": self._key(row),
            "source": SOURCE,
            "import_batch_id": self._ctx.batch_id,
            "created_at": self._ctx.now,
        }


class PaymentWriter(_LedgerWriter):
    model = m.Payment

    def _values(self, row: ValidRow, case_id: int, debtor_id: int) -> dict[str, Any]:
        v = row.values
        return {
            "case_id": case_id,
            "amount": v["amount"],
            "currency": self._ctx.currency,  # None: in the case's currency
            "paid_on": v["paid_on"],
            "method": v.get("method"),
            "receipt_no": v.get("receipt_no"),
            "visit_id": None,
            "external_id": self._key(row),
            "source": SOURCE,
            "import_batch_id": self._ctx.batch_id,
            "created_at": self._ctx.now,
        }
