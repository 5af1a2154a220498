"""Masking rules for ID numbers, phones, addresses and coordinates; who sees full data."""

from __future__ import annotations

import pytest

from fieldvisit.domain import masking
from fieldvisit.domain.access import Actor
from fieldvisit.domain.enums import Role


def test_id_number_keeps_region_prefix_and_last_four() -> None:
    assert masking.mask_id_number("31010119900101123X") == "310***********123X"


def test_short_id_number_is_fully_masked() -> None:
    assert masking.mask_id_number("A1234") == "*****"


@pytest.mark.parametrize(
    ("value", "masked"), [("17012345678", "170****5678"), ("5551234", "*****34")]
)
def test_phone(value: str, masked: str) -> None:
    assert masking.mask_phone(value) == masked


@pytest.mark.parametrize("value", [None, ""])
def test_missing_values_stay_missing(value: str | None) -> None:
    assert masking.mask_phone(value) == value
    assert masking.mask_id_number(value) == value
    assert masking.mask_address(value, "浦东新区") == value


def test_address_keeps_city_and_district_only() -> None:
    text = "上海市浦东新区张杨路1200号阳光小区5号楼1203室"
    assert masking.mask_address(text, "浦东新区") == "上海市浦东新区****"


def test_address_without_known_district_keeps_a_quarter() -> None:
    masked = masking.mask_address("12 Long Street, Springfield", None)
    assert masked == "12 Lon****"


def test_masked_address_does_not_reveal_its_length() -> None:
    short = masking.mask_address("上海市浦东新区1号", "浦东新区")
    long = masking.mask_address("上海市浦东新区张杨路1200号阳光小区5号楼1203室", "浦东新区")
    assert short == long


def test_coordinates_are_coarsened_to_about_a_kilometre() -> None:
    assert masking.coarsen_coordinate(31.234567) == 31.23
    assert masking.coarsen_coordinate(None) is None


@pytest.mark.parametrize(
    ("role", "full"),
    [
        (Role.COLLECTOR, False),
        (Role.SAFETY_LEAD, False),
        (Role.ADMIN, False),
        (Role.MANAGER, True),
        (Role.COMPLIANCE, True),
    ],
)
def test_which_roles_may_open_full_personal_data(role: Role, full: bool) -> None:
    assert masking.sees_full_personal_data(Actor(1, role)) is full
