"""Every reason code and checker finding has a message in both languages."""

from __future__ import annotations

import pytest

from fieldvisit.i18n import catalogue, translate
from fieldvisit.routing.model import REASON_CODES

KINDS = [
    "window",
    "travel",
    "shift",
    "break",
    "max_visits",
    "crew",
    "crew_size",
    "capacity",
    "service",
    "coverage",
    "reason",
    "totals",
]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_reason_code_is_translated(lang: str) -> None:
    for code in REASON_CODES:
        assert code in catalogue(lang)
        assert translate(code, lang) != code


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_violation_kind_is_translated(lang: str) -> None:
    for kind in KINDS:
        text = translate(f"route.violation.{kind}", lang, visit="v1", detail="x")
        assert "{" not in text
        assert text != f"route.violation.{kind}"
