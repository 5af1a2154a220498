"""Every message the engine can return exists in zh and en, with the parameters it is given."""

from __future__ import annotations

import json
import re
import string
from dataclasses import replace
from datetime import date
from importlib import resources
from typing import Any

import pytest

from fieldvisit.domain.compliance import (
    PROFILE_IDS,
    Verdict,
    WallInterval,
    build_ruleset,
    evaluate,
    load_profile,
)
from fieldvisit.domain.compliance.catalog import RULE_MESSAGES, all_ids, violation_ids
from fieldvisit.domain.compliance.profiles import RULE_NAMES
from fieldvisit.domain.enums import CaseState, Channel, Place

from .builders import PLAN_DAY, at, candidate, check, contact, ruleset, visits

LANGS = ("zh", "en")


def _catalogue(lang: str) -> dict[str, str]:
    path = resources.files("fieldvisit.resources").joinpath("i18n", lang, "compliance.json")
    data: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_catalogues_have_the_same_ids_and_fields() -> None:
    zh, en = _catalogue("zh"), _catalogue("en")
    assert set(zh) == set(en)
    for key in zh:
        assert _fields(zh[key]) == _fields(en[key]), key
        assert re.search(r"[\u4e00-\u9fff]", zh[key]), key  # really Chinese


@pytest.mark.parametrize("lang", LANGS)
def test_every_engine_message_is_translated(lang: str) -> None:
    profiles = [load_profile(p) for p in PROFILE_IDS]
    missing = sorted(all_ids(profiles) - set(_catalogue(lang)))
    assert missing == []


def test_catalog_knows_every_rule() -> None:
    assert set(RULE_MESSAGES) == set(RULE_NAMES)


def _scenarios() -> list[Verdict]:
    out = []
    for p in PROFILE_IDS:
        out += [check(p, case_state=state) for state in CaseState] + [
            check(p, plan_date=date(2026, 2, 17)),
            check(p, plan_date=date(2026, 3, 15)),
            check(p, plan_date=date(2026, 10, 1)),
            check(p, crew_size=0),
            check(p, history=visits(p, [0, 3, 5])),
            check(p, history=visits(p, [10, 12, 14], contacted=True)),
            check(p, history=tuple(contact(p, 0, Channel.CALL) for _ in range(3))),
            check(p, history=(contact(p, 2, Channel.CALL),)),
            check(p, place=Place.WORK, flags={"employer_prohibits"}),
            check(p, place=Place.WORK),
            check(p, place=Place.THIRD_PARTY, flags={"debtor_unreachable"}),
            check(p, flags={"vulnerable", "active_military"}),
            check(p, blackouts=(WallInterval.parse("00:00", "24:00"),)),
            check(
                p,
                requested_start=at(p, PLAN_DAY, "23:00"),
                blackouts=(WallInterval.parse("22:00", "06:00"),),
            ),
            check(p, flags={"daylight_only"}, requested_start=at(p, PLAN_DAY, "19:00")),
            check(p, flags={"daylight_only"}, service_minutes=600),
            check(p, flags={"daylight_only"}, lat=None, lon=None),
            check(p, flags={"consent_after_hours"}, requested_start=at(p, PLAN_DAY, "07:00")),
        ]
    out.append(
        check("UK", flags={"daylight_only"}, lat=78.2, lon=15.6, plan_date=date(2026, 12, 21))
    )
    out.append(check("CN", service_minutes=15 * 60))
    # A team in Bavaria: Epiphany is a holiday of its region.
    bavaria = build_ruleset(load_profile("DE"), None, "BY")
    out.append(evaluate(candidate("DE", plan_date=date(2027, 1, 6)), bavaria))
    bare = candidate("UK")
    out.append(evaluate(replace(bare, flags=frozenset()), ruleset("UK")))
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_returned_messages_render_with_their_params(lang: str) -> None:
    catalogue = _catalogue(lang)
    known = violation_ids(load_profile(p) for p in PROFILE_IDS)
    seen: set[str] = set()
    for verdict in _scenarios():
        messages = [v.message for v in verdict.violations]
        if verdict.layers:
            messages += [v.message for v in verdict.check_slot(at("CN", PLAN_DAY, "06:30"))]
        for message in messages:
            assert message.id in known, message.id
            params: dict[str, Any] = dict(message.params)
            assert _fields(catalogue[message.id]) <= set(params), message.id
            catalogue[message.id].format(**params)
            seen.add(message.id)
    assert "; ".join(sorted(known - seen)) == ""
