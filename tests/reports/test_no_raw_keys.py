"""No message key, enum value or rule code reaches a reader: every record and binder, zh and en."""

from __future__ import annotations

import logging
import re
import subprocess
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from fieldvisit.domain.clock import FixedClock
from fieldvisit.services.admin.auth import actor_for_user
from fieldvisit.services.records.visit_records import RecordFilter, RecordsService
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
# ``records.safety.delivered``, ``CN.min_gap_days``, ``alarm_acknowledged``: what a key looks like.
DOTTED = re.compile(r"\b[A-Za-z]+(?:\.[a-z][a-z_]*)+\b")
SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")


def key_like(text: str) -> list[str]:
    """Every word of ``text`` that looks like a message key, an enum value or a rule code."""
    dotted = set(DOTTED.findall(text))
    parts = {part for key in dotted for part in key.split(".")}
    return sorted(dotted | (set(SNAKE.findall(text)) - parts))


def test_the_detector_finds_the_keys_the_walkthrough_saw() -> None:
    seen = "records.safety.delivered 报警 alarm_acknowledged CN.min_gap_days 2026-12-01 v1.2"
    assert key_like(seen) == ["CN.min_gap_days", "alarm_acknowledged", "records.safety.delivered"]


def _text(pdf: bytes) -> str:
    # poppler, as a reader would copy it; ten times faster than pypdf on the ~500-page binder
    done = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return done.stdout.decode("utf-8")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_record_and_the_binder_read_as_sentences(
    demo_db: Database, lang: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 20 item 6: printed records showed ``records.safety.delivered`` and rule codes."""
    with demo_db.session_factory() as s:
        user = s.scalars(select(m.User).where(m.User.username == "compliance")).one()
        officer = actor_for_user(s, user)
    service = RecordsService(demo_db.session_factory, FixedClock(NOW))
    rows = service.search(officer, RecordFilter(latest_only=False))
    assert rows
    found: dict[str, list[str]] = {}
    caplog.set_level(logging.WARNING, logger="fieldvisit.i18n")
    for row in rows[:4]:  # the binder below holds them all; these check the single print
        text = _text(service.print_visit(officer, row.record_id, lang, purpose="key audit"))
        if key_like(text):
            found[f"record {row.record_id}"] = key_like(text)
    binder = _text(service.print_binder(officer, date(2026, 8, 1), date(2026, 12, 1), lang, "keys"))
    if key_like(binder):
        found["binder"] = key_like(binder)
    assert found == {}
    assert [r.getMessage() for r in caplog.records if "missing translation" in r.getMessage()] == []
