"""Reading a ``fieldvisit solve`` problem: every input error is reported with its JSON path.

The contract is ../shared/spec/solve.md (version 1). Parsing collects all problems before it
raises, so an integrator fixes a file in one round instead of one error at a time.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fieldvisit.app.solve.json_reader import JsonReader, show
from fieldvisit.app.solve.model import (
    BreakSpec,
    CrewSpec,
    HistoryEntry,
    MatrixSpec,
    Point,
    SolveProblem,
    Span,
    TravelSpec,
    VisitSpec,
)
from fieldvisit.domain.enums import CaseState
from fieldvisit.domain.errors import ValidationError

PROFILES = ("CN", "US", "US-MA", "UK", "IE", "DE")
PLACES = ("home", "work", "other", "third_party")
CHANNELS = ("visit", "call", "sms", "letter")
CASE_STATES = tuple(state.value for state in CaseState)
TOP_FIELDS = (
    "version",
    "date",
    "timezone",
    "profile",
    "lang",
    "policy",
    "crews",
    "visits",
    "travel",
    "time_limit_seconds",
    "seed",
)
CREW_FIELDS = ("id", "members", "start", "end", "shift", "break", "max_visits")
VISIT_FIELDS = (
    "id",
    "case_id",
    "debtor_id",
    "location",
    "place",
    "service_minutes",
    "priority",
    "required",
    "windows",
    "blackouts",
    "case_state",
    "flags",
    "history",
)
# Bounds that keep every later step (dates, solver integers) in range; beyond them the input is
# a mistake, reported at its path, not an overflow inside the planner.
FIRST_DATE, LAST_DATE = date(2000, 1, 1), date(2199, 12, 31)
MAX_SEED = 2**31 - 1
MAX_COUNT = 10_000
MAX_SPEED_KMH = 500
MAX_DETOUR = 10
MAX_MATRIX = 10_000_000  # seconds (about 115 days) or meters
POLICY_INTEGERS = ("min_gap_days", "max_per_day", "max_per_30_days", "min_collectors")


def parse_problem(raw: Any) -> SolveProblem:
    """A validated problem, or ValidationError("solve.input.invalid") listing every problem."""
    reader = JsonReader()
    if not isinstance(raw, dict):
        raise ValidationError("solve.input.invalid", problems="$: the problem must be an object")
    problem = _read_problem(reader, raw)
    if reader.problems or problem is None:
        raise ValidationError("solve.input.invalid", problems="\n".join(reader.problems))
    return problem


def _read_problem(r: JsonReader, raw: dict[str, Any]) -> SolveProblem | None:
    r.only(raw, TOP_FIELDS, "")
    version = r.get(raw, "version", "", int)
    if version is not None and version != 1:
        r.fail("version", f"{version} is not supported (expected 1)")
    plan_date = _read_date(r, raw)
    timezone = _read_zone(r, raw, "timezone", "")
    profile = r.get(raw, "profile", "", str, default="CN")
    if profile is not None and profile not in PROFILES:
        r.fail("profile", f"{show(profile)} is not one of {', '.join(PROFILES)}")
    lang = r.get(raw, "lang", "", str, default="zh")
    if lang not in ("zh", "en"):
        r.fail("lang", f"{show(lang)} is not zh or en")
    policy = _read_policy(r, raw)
    crews = r.items(raw, "crews", "", lambda item, path: _read_crew(r, item, path))
    visits = r.items(raw, "visits", "", lambda item, path: _read_visit(r, item, path))
    travel = _read_travel(r, raw)
    limit = r.get(raw, "time_limit_seconds", "", (int, float), default=2)
    if limit is not None and not 0 < limit <= 3600:
        r.fail("time_limit_seconds", f"{show(limit)} is not between 0 and 3600")
    seed = r.bounded(raw, "seed", "", int, 0, MAX_SEED, default=0)
    _check_unique(r, "crews", [c.id for c in crews])
    _check_unique(r, "visits", [v.id for v in visits])
    if not crews and "crews" in raw and isinstance(raw["crews"], list):
        r.fail("crews", "needs at least one crew")
    if r.problems or plan_date is None or timezone is None:
        return None
    return SolveProblem(
        plan_date,
        timezone,
        profile,
        lang,
        policy,
        tuple(crews),
        tuple(visits),
        travel,
        float(limit),
        seed,
    )


def _read_date(r: JsonReader, raw: dict[str, Any]) -> date | None:
    value = r.get(raw, "date", "", str, describe="a date (YYYY-MM-DD)")
    if value is None:
        return None
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        r.fail("date", f"{show(value)} is not a date (YYYY-MM-DD)")
        return None
    if not FIRST_DATE <= parsed <= LAST_DATE:
        r.fail("date", f"{show(value)} is not between {FIRST_DATE} and {LAST_DATE}")
        return None
    return parsed


def _read_zone(
    r: JsonReader, obj: Mapping[str, Any], key: str, path: str, *, required: bool = True
) -> str | None:
    value = r.get(
        obj, key, path, str, default=... if required else None, describe="an IANA time zone"
    )
    if value is None:
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError, TypeError):
        # "America" is a folder of zones (IsADirectoryError), not a zone.
        r.fail(f"{path}.{key}" if path else key, f"{show(value)} is not an IANA time zone")
        return None
    return str(value)


def _read_policy(r: JsonReader, raw: dict[str, Any]) -> dict[str, Any]:
    policy = r.get(raw, "policy", "", dict, default={})
    if not policy:
        return {}
    known = ("contact_window", *POLICY_INTEGERS)
    for key in policy:
        if key not in known:
            r.fail(f"policy.{key}", f"is not a policy setting ({', '.join(known)})")
    if "contact_window" in policy:
        window = r.get(policy, "contact_window", "policy", dict)
        if window is not None:
            r.time(window, "start", "policy.contact_window")
            r.time(window, "end", "policy.contact_window")
    for key in POLICY_INTEGERS:
        r.bounded(policy, key, "policy", int, 0, MAX_COUNT, default=None)
    return dict(policy)


def _read_point(r: JsonReader, obj: Mapping[str, Any], key: str, path: str) -> Point | None:
    raw = r.get(obj, key, path, dict)
    if raw is None:
        return None
    here = f"{path}.{key}"
    r.only(raw, ("lat", "lon", "timezone"), here)
    lat = r.get(raw, "lat", here, (int, float))
    lon = r.get(raw, "lon", here, (int, float))
    if lat is not None and not -90 <= lat <= 90:
        r.fail(f"{here}.lat", f"{lat} is not a latitude (-90 to 90)")
    if lon is not None and not -180 <= lon <= 180:
        r.fail(f"{here}.lon", f"{lon} is not a longitude (-180 to 180)")
    zone = _read_zone(r, raw, "timezone", here, required=False)
    if lat is None or lon is None:
        return None
    return Point(float(lat), float(lon), zone)


def _read_span(r: JsonReader, item: Mapping[str, Any], path: str) -> Span | None:
    r.only(item, ("start", "end"), path)
    start, end = r.time(item, "start", path), r.time(item, "end", path)
    if start is None or end is None:
        return None
    if end <= start:
        r.fail(f"{path}.end", f"must be later than start ({start // 60:02d}:{start % 60:02d})")
        return None
    return Span(start, end)


def _read_crew(r: JsonReader, item: dict[str, Any], path: str) -> CrewSpec | None:
    r.only(item, CREW_FIELDS, path)
    crew_id = _read_id(r, item, "id", path)
    members = r.get(item, "members", path, list, describe="a list of collector ids")
    if members is not None and not all(isinstance(m, str) and m for m in members):
        r.fail(f"{path}.members", "must hold collector ids (non-empty strings)")
        members = None
    elif members is not None and not members:
        r.fail(f"{path}.members", "needs at least one collector")
        members = None
    start = _read_point(r, item, "start", path)
    end = _read_point(r, item, "end", path) if "end" in item else start
    shift = r.get(item, "shift", path, dict)
    shift_span = _read_span(r, shift, f"{path}.shift") if shift is not None else None
    break_spec = _read_break(r, item, path)
    max_visits = r.bounded(item, "max_visits", path, int, 0, MAX_COUNT, default=None)
    if (
        break_spec is not None
        and shift_span is not None
        and not (shift_span.start <= break_spec.earliest and break_spec.latest <= shift_span.end)
    ):
        r.fail(f"{path}.break", "must lie inside the shift")
    if crew_id is None or members is None or start is None or end is None or shift_span is None:
        return None
    return CrewSpec(crew_id, tuple(members), start, end, shift_span, break_spec, max_visits)


def _read_break(r: JsonReader, item: dict[str, Any], path: str) -> BreakSpec | None:
    raw = r.get(item, "break", path, dict, default=None)
    if raw is None:
        return None
    here = f"{path}.break"
    r.only(raw, ("earliest", "latest", "minutes"), here)
    earliest, latest = r.time(raw, "earliest", here), r.time(raw, "latest", here)
    minutes = r.get(raw, "minutes", here, int)
    if earliest is None or latest is None or minutes is None:
        return None
    if minutes <= 0 or latest - earliest < minutes:
        r.fail(f"{here}.minutes", f"{minutes} does not fit between earliest and latest")
        return None
    return BreakSpec(earliest, latest, minutes)


def _read_visit(r: JsonReader, item: dict[str, Any], path: str) -> VisitSpec | None:
    r.only(item, VISIT_FIELDS, path)
    visit_id = _read_id(r, item, "id", path)
    case_id = _read_id(r, item, "case_id", path, default=visit_id)
    debtor_id = _read_id(r, item, "debtor_id", path, default=case_id)
    location = _read_point(r, item, "location", path)
    place = r.get(item, "place", path, str, default="home")
    if place is not None and place not in PLACES:
        r.fail(f"{path}.place", f"{show(place)} is not one of {', '.join(PLACES)}")
    service = r.get(item, "service_minutes", path, int)
    if service is not None and not 0 < service <= 24 * 60:
        r.fail(f"{path}.service_minutes", f"{service} is not between 1 and 1440")
    priority = r.get(item, "priority", path, int, default=0)
    if priority is not None and not 0 <= priority <= 100:
        r.fail(f"{path}.priority", f"{priority} is not between 0 and 100")
    required = r.get(item, "required", path, bool, default=False)
    windows = r.items(item, "windows", path, lambda i, p: _read_span(r, i, p), required=False)
    blackouts = r.items(item, "blackouts", path, lambda i, p: _read_span(r, i, p), required=False)
    state = r.get(item, "case_state", path, str, default="active")
    if state is not None and state not in CASE_STATES:
        r.fail(
            f"{path}.case_state", f"{show(state)} is not a case state ({', '.join(CASE_STATES)})"
        )
    flags = r.get(item, "flags", path, list, default=[])
    if flags is not None and not all(isinstance(f, str) for f in flags):
        r.fail(f"{path}.flags", "must hold flag names (strings)")
        flags = None
    history = r.items(item, "history", path, lambda i, p: _read_history(r, i, p), required=False)
    texts = (visit_id, case_id, debtor_id, place, state)
    if location is None or flags is None or None in texts or None in (service, priority, required):
        return None
    return VisitSpec(
        str(visit_id),
        str(case_id),
        str(debtor_id),
        location,
        str(place),
        int(service),
        int(priority),
        bool(required),
        tuple(windows),
        tuple(blackouts),
        str(state),
        frozenset(flags),
        tuple(history),
    )


def _read_history(r: JsonReader, item: dict[str, Any], path: str) -> HistoryEntry | None:
    r.only(item, ("at", "channel", "contacted"), path)
    at_text = r.get(item, "at", path, str, describe="a date-time with offset")
    channel = r.get(item, "channel", path, str)
    if channel is not None and channel not in CHANNELS:
        r.fail(f"{path}.channel", f"{show(channel)} is not one of {', '.join(CHANNELS)}")
    contacted = r.get(item, "contacted", path, bool, default=False)
    at = None
    if at_text is not None:
        try:
            at = datetime.fromisoformat(at_text)
        except ValueError:
            r.fail(f"{path}.at", f"{show(at_text)} is not a date-time")
        if at is not None and at.utcoffset() is None:
            r.fail(f"{path}.at", f"{show(at_text)} has no UTC offset")
            at = None
        if at is not None and not FIRST_DATE <= at.date() <= LAST_DATE:
            r.fail(f"{path}.at", f"{show(at_text)} is not between {FIRST_DATE} and {LAST_DATE}")
            at = None
    if at is None or channel not in CHANNELS or contacted is None:
        return None
    return HistoryEntry(at, channel, contacted)


def _read_travel(r: JsonReader, raw: dict[str, Any]) -> TravelSpec:
    travel = r.get(raw, "travel", "", dict, default={})
    if not travel:
        return TravelSpec()
    if "matrix" in travel:
        r.only(travel, ("matrix",), "travel")
        return TravelSpec(matrix=_read_matrix(r, travel))
    r.only(travel, ("speed_kmh", "detour_factor"), "travel")
    speed = r.get(travel, "speed_kmh", "travel", (int, float), default=30.0)
    detour = r.get(travel, "detour_factor", "travel", (int, float), default=1.3)
    if speed is not None and not 0 < speed <= MAX_SPEED_KMH:
        r.fail("travel.speed_kmh", f"{show(speed)} is not above 0 and at most {MAX_SPEED_KMH}")
    if detour is not None and not 1 <= detour <= MAX_DETOUR:
        r.fail("travel.detour_factor", f"{show(detour)} is not between 1 and {MAX_DETOUR}")
    return TravelSpec(float(speed or 30.0), float(detour or 1.3))


def _read_matrix(r: JsonReader, travel: dict[str, Any]) -> MatrixSpec | None:
    matrix = r.get(travel, "matrix", "travel", dict)
    if matrix is None:
        return None
    r.only(matrix, ("ids", "seconds", "meters"), "travel.matrix")
    ids = r.get(matrix, "ids", "travel.matrix", list)
    size = len(ids) if ids is not None else 0
    tables = []
    for key in ("seconds", "meters"):
        rows = r.get(matrix, key, "travel.matrix", list)
        ok = (
            rows is not None
            and len(rows) == size
            and all(
                isinstance(row, list)
                and len(row) == size
                and all(
                    isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= MAX_MATRIX
                    for v in row
                )
                for row in rows
            )
        )
        if rows is not None and not ok:
            r.fail(f"travel.matrix.{key}", f"must be {size}×{size} integers from 0 to {MAX_MATRIX}")
        tables.append(tuple(tuple(row) for row in rows) if ok and rows is not None else ())
    if ids is not None and not all(
        isinstance(i, str | int) and not isinstance(i, bool) for i in ids
    ):
        r.fail("travel.matrix.ids", "must hold visit and crew ids (strings)")
        return None
    if ids is None or not all(tables):
        return None
    return MatrixSpec(tuple(str(i) for i in ids), tables[0], tables[1])


def _read_id(
    r: JsonReader, item: Mapping[str, Any], key: str, path: str, *, default: Any = ...
) -> str | None:
    value = r.get(item, key, path, str, default=default)
    if value is not None and value is not default and not value.strip():
        r.fail(f"{path}.{key}", "must not be empty")
        return None
    return None if value is None else str(value)


def _check_unique(r: JsonReader, key: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for index, item_id in enumerate(ids):
        if item_id in seen:
            r.fail(f"{key}[{index}].id", f'"{item_id}" is used twice')
        seen.add(item_id)
