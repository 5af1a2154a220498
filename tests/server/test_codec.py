"""The wire codec: every registered dataclass hypothesis can build comes back equal, and
nothing outside the registry is ever built."""

from __future__ import annotations

import dataclasses
import json
import math
import typing
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from fieldvisit.domain.enums import Role, RoundStatus
from fieldvisit.domain.errors import ValidationError
from fieldvisit.server import codec


def _resolvable(kind: type) -> bool:
    try:
        typing.get_type_hints(kind)
    except Exception:  # a name only imported for type checking: hypothesis cannot build it
        return False
    return True


DATACLASSES = sorted(
    (name for name, kind in codec.registry().items() if dataclasses.is_dataclass(kind)),
)
MIN_CLASSES = 80  # 106 of 227 on the first run; most others need a TYPE_CHECKING name
BUILDABLE = [name for name in DATACLASSES if _resolvable(codec.registry()[name])]


def _wire(value: Any) -> Any:
    """Through JSON text, as the HTTP body carries it."""
    return codec.decode(json.loads(json.dumps(codec.encode(value))))


def _same(left: Any, right: Any) -> bool:
    """Equal, with NaN equal to NaN (hypothesis draws it; it never equals itself)."""
    if isinstance(left, float) and isinstance(right, float):
        return left == right or (math.isnan(left) and math.isnan(right))
    text = json.dumps(codec.encode(left), sort_keys=True)
    return text == json.dumps(codec.encode(right), sort_keys=True) and type(left) is type(right)


def test_the_registry_holds_the_domains_and_services_types() -> None:
    assert len(DATACLASSES) > 150
    assert len(BUILDABLE) > 100, "most registered dataclasses must be covered below"


SEEN: set[type] = set()


@st.composite
def registered_values(draw: st.DrawFn) -> Any:
    """A value of any registered dataclass whose fields hypothesis can fill and whose own
    checks accept what it drew (the rest are rejected, not failed)."""
    kind = codec.registry()[draw(st.sampled_from(BUILDABLE))]
    try:
        value = draw(st.from_type(kind))
        codec.encode(value)
    except Exception:  # its own checks refused the draw, or an Any field held a stray object
        reject()
    return value


@pytest.mark.filterwarnings("ignore::hypothesis.errors.SmallSearchSpaceWarning")
@settings(max_examples=600, deadline=None, suppress_health_check=list(HealthCheck))
@given(registered_values())
def test_a_registered_dataclass_comes_back_equal(value: Any) -> None:
    SEEN.add(type(value))
    back = _wire(value)
    assert type(back) is type(value)
    assert _same(back, value)
    if not _has_nan(value):
        assert back == value


@pytest.mark.filterwarnings("ignore::hypothesis.errors.SmallSearchSpaceWarning")
def test_the_property_reaches_most_registered_dataclasses() -> None:
    """Not vacuous: the draws that pass their classes' own checks span many classes."""
    SEEN.clear()
    test_a_registered_dataclass_comes_back_equal()
    print(f"{len(SEEN)} of {len(BUILDABLE)} classes round-tripped")
    assert len(SEEN) >= MIN_CLASSES


def _has_nan(value: Any) -> bool:
    return "NaN" in json.dumps(codec.encode(value))


@given(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.text()
        | st.dates()
        | st.times()
        | st.timedeltas()
        | st.decimals(allow_nan=False)
        | st.binary()
        | st.datetimes(timezones=st.just(ZoneInfo("Asia/Shanghai")))
        | st.sampled_from(list(Role) + list(RoundStatus)),
        lambda inner: (
            st.lists(inner)
            | st.tuples(inner, inner)
            | st.frozensets(st.integers())
            | st.dictionaries(st.integers() | st.text(), inner)
        ),
        max_leaves=20,
    )
)
def test_plain_values_come_back_equal_and_of_the_same_type(value: Any) -> None:
    back = _wire(value)
    assert back == value
    assert type(back) is type(value)


def test_a_zoned_instant_keeps_its_zone() -> None:
    instant = datetime(2026, 3, 29, 1, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    back = _wire(instant)
    assert back.tzinfo == ZoneInfo("Europe/Berlin")
    assert back.utcoffset() == instant.utcoffset()
    assert _wire(datetime(2026, 1, 1, tzinfo=UTC)) == datetime(2026, 1, 1, tzinfo=UTC)


def test_special_values_keep_their_type() -> None:
    for value in (Decimal("12.30"), time(9, 30), timedelta(days=-1, seconds=5), date(2026, 2, 28)):
        assert _wire(value) == value
    assert str(_wire(Decimal("12.30"))) == "12.30"  # no float rounding, scale kept


@pytest.mark.parametrize(
    "data",
    [
        {"$t": "dc", "c": "builtins:object", "f": {}},
        {"$t": "dc", "c": "fieldvisit.app.wiring:Backend", "f": {}},  # not a registered package
        {"$t": "enum", "c": "enum:Enum", "v": 1},
        {"$t": "zone", "v": "../../etc/passwd"},
        {"$t": "bytes", "v": "not base64!"},
        {"$t": "dict", "v": [[{"$t": "set", "v": []}, 1]]},  # a set is no dict key
        {"$t": "tuple", "v": "abc"},
        {"$t": "timedelta", "v": [1]},
    ],
)
def test_what_the_decoder_refuses_is_a_validation_error(data: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        codec.decode(data)


def test_nesting_beyond_the_limit_is_refused() -> None:
    deep: Any = 1
    for _ in range(codec.MAX_DEPTH + 5):
        deep = [deep]
    with pytest.raises(ValidationError):
        codec.decode(deep)


def test_a_function_is_never_sent() -> None:
    with pytest.raises(ValueError, match="function"):
        codec.encode([print])
