"""Rule profiles: load the data files in ``resources/profiles`` and validate them strictly.

A profile file holds ``id``, ``version``, ``name`` {zh, en}, ``holiday_country`` and
``holiday_subdivision`` (``holidays`` package codes), ``rules`` (rule name → ``severity``,
``source`` {zh, en}, the numbers listed in ``RULE_PARAMS`` and optional ``flags``: case flag →
severity, e.g. ``third_party`` becomes ``approve`` with ``debtor_unreachable``) and ``states``
(case state → ``severity`` and ``source``). A rule or state left out is a "—" cell of the table.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, NoReturn

from fieldvisit.domain.compliance.model import Source, WallInterval
from fieldvisit.domain.enums import CaseFlag, CaseState, Severity
from fieldvisit.domain.errors import ValidationError

PROFILE_IDS: tuple[str, ...] = ("CN", "US", "US-MA", "UK", "IE", "DE")
DEFAULT_PROFILE = "CN"

#: Every rule a profile may contain, with its typed parameters (``window``, ``int``, ``bool``).
RULE_PARAMS: Mapping[str, Mapping[str, str]] = {
    "night": {"window": "window"},
    "consent_after_hours": {"window": "window"},
    "sunday": {},
    "public_holiday": {},
    "spring_festival": {"from_day": "int", "to_day": "int"},
    "min_collectors": {"min": "int"},
    "max_per_day": {"max": "int"},
    "min_gap_days": {"days": "int", "contacted_only": "bool"},
    "max_per_30_days": {"max": "int", "window_days": "int", "contacted_only": "bool"},
    "contacts_today": {"min": "int"},
    "after_conversation": {"days": "int"},
    "blackout": {},
    "daylight_only": {"minutes_before_sunset": "int"},
    "workplace": {},
    "third_party": {},
    "notice_before_first_visit": {},
    "vulnerable": {},
    "active_military": {},
}
RULE_NAMES: tuple[str, ...] = tuple(RULE_PARAMS)
STATE_NAMES: tuple[str, ...] = tuple(s.value for s in CaseState if s is not CaseState.ACTIVE)


@dataclass(frozen=True)
class RuleSpec:
    """One rule of a profile: its severity, numbers and source; ``flags`` override the severity."""

    name: str
    severity: Severity
    source: Source
    window: WallInterval | None = None
    numbers: Mapping[str, int] = field(default_factory=dict)
    switches: Mapping[str, bool] = field(default_factory=dict)
    flags: Mapping[str, Severity] = field(default_factory=dict)

    def number(self, key: str) -> int:
        """A numeric parameter (validated at load, so always present)."""
        return self.numbers[key]

    def severity_for(self, flags: frozenset[str]) -> Severity:
        """The severity given the case flags: the strictest matching flag override wins."""
        matched = [sev for flag, sev in self.flags.items() if flag in flags]
        return max(matched, key=SEVERITY_RANK.__getitem__) if matched else self.severity


@dataclass(frozen=True)
class StateSpec:
    """What a case state does under a profile."""

    state: str
    severity: Severity
    source: Source


@dataclass(frozen=True)
class Profile:
    """A validated rule profile; ``data`` is the file content, kept for hashing."""

    id: str
    version: str
    name: Source
    holiday_country: str
    holiday_subdivision: str | None
    rules: Mapping[str, RuleSpec]
    states: Mapping[str, StateSpec]
    data: Mapping[str, Any] = field(repr=False, compare=False)

    def rule(self, name: str) -> RuleSpec | None:
        """The rule, or ``None`` when this profile does not have it (a "—" cell)."""
        return self.rules.get(name)


SEVERITY_RANK: Mapping[Severity, int] = {
    Severity.RECORD: 0,
    Severity.WARN: 1,
    Severity.APPROVE: 2,
    Severity.BLOCK: 3,
}


@cache
def load_profile(profile_id: str) -> Profile:
    """The shipped profile ``profile_id`` (``CN``, ``US``, ``US-MA``, ``UK``, ``IE``, ``DE``)."""
    if profile_id not in available_profiles():
        raise ValidationError(
            "compliance.profile.unknown",
            profile=profile_id,
            available=", ".join(available_profiles()),
        )
    path = resources.files("fieldvisit.resources").joinpath("profiles", f"{profile_id}.json")
    return parse_profile(json.loads(path.read_text(encoding="utf-8")))


def effective_profile_id(team_default: str, jurisdiction: str | None = None) -> str:
    """The profile for a case: the address's jurisdiction when a profile exists for it (``US-MA``),
    else its country's (``US-CA`` → ``US``), else the team's default."""
    shipped = available_profiles()
    if jurisdiction:
        code = jurisdiction.strip().upper()
        for candidate in (code, code.split("-", 1)[0]):
            if candidate in shipped:
                return candidate
    return team_default


@cache
def available_profiles() -> tuple[str, ...]:
    """Ids of the profile files shipped in ``resources/profiles``."""
    folder = resources.files("fieldvisit.resources").joinpath("profiles")
    names = [e.name[:-5] for e in folder.iterdir() if e.name.endswith(".json")]
    return tuple(sorted(names, key=lambda n: (n not in PROFILE_IDS, n)))


def parse_profile(data: Mapping[str, Any]) -> Profile:
    """Validate a profile document; a problem raises ``ValidationError`` naming its JSON path."""
    pid = _expect(data, "id", str, "?")
    rules = _expect(data, "rules", dict, pid)
    states = _expect(data, "states", dict, pid)
    subdivision = data.get("holiday_subdivision")
    if subdivision is not None and not isinstance(subdivision, str):
        _fail(pid, "holiday_subdivision", "must be a string or null")
    return Profile(
        id=pid,
        version=_expect(data, "version", str, pid),
        name=_source(_expect(data, "name", dict, pid), pid, "name"),
        holiday_country=_expect(data, "holiday_country", str, pid),
        holiday_subdivision=subdivision,
        rules={name: _rule(name, spec, pid) for name, spec in rules.items()},
        states={name: _state(name, spec, pid) for name, spec in states.items()},
        data=data,
    )


def _rule(name: str, spec: Any, pid: str) -> RuleSpec:
    path = f"rules.{name}"
    if name not in RULE_PARAMS:
        _fail(pid, path, "unknown rule")
    if not isinstance(spec, dict):
        _fail(pid, path, "must be an object")
    params = RULE_PARAMS[name]
    allowed = {"severity", "source", "flags", "note", *params}
    extra = sorted(set(spec) - allowed)
    if extra:
        _fail(pid, f"{path}.{extra[0]}", "unknown key")
    window = _window(spec, path, pid) if "window" in params else None
    numbers = {k: _int(spec, k, path, pid) for k, t in params.items() if t == "int"}
    switches = {k: _bool(spec, k, path, pid) for k, t in params.items() if t == "bool"}
    flags_spec = spec.get("flags", {})
    if not isinstance(flags_spec, dict):
        _fail(pid, f"{path}.flags", "must be an object")
    flags = {flag: _severity(sev, f"{path}.flags.{flag}", pid) for flag, sev in flags_spec.items()}
    unknown_flags = sorted(set(flags) - {f.value for f in CaseFlag})
    if unknown_flags:
        _fail(pid, f"{path}.flags.{unknown_flags[0]}", "unknown flag")
    return RuleSpec(
        name=name,
        severity=_severity(spec.get("severity"), f"{path}.severity", pid),
        source=_source(spec.get("source"), pid, f"{path}.source"),
        window=window,
        numbers=numbers,
        switches=switches,
        flags=flags,
    )


def _state(name: str, spec: Any, pid: str) -> StateSpec:
    path = f"states.{name}"
    if name not in STATE_NAMES:
        _fail(pid, path, "unknown case state")
    if not isinstance(spec, dict):
        _fail(pid, path, "must be an object")
    return StateSpec(
        state=name,
        severity=_severity(spec.get("severity"), f"{path}.severity", pid),
        source=_source(spec.get("source"), pid, f"{path}.source"),
    )


def _window(spec: Mapping[str, Any], path: str, pid: str) -> WallInterval:
    window = spec.get("window")
    if not isinstance(window, dict) or set(window) != {"start", "end"}:
        _fail(pid, f"{path}.window", "must be {start, end}")
    try:
        parsed = WallInterval.parse(window["start"], window["end"])
    except ValidationError:
        _fail(pid, f"{path}.window", "times must be HH:MM")
    if parsed.start >= parsed.end:
        _fail(pid, f"{path}.window", "start must be before end")
    return parsed


def _int(spec: Mapping[str, Any], key: str, path: str, pid: str) -> int:
    value = spec.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        _fail(pid, f"{path}.{key}", "must be an integer")
    return value


def _bool(spec: Mapping[str, Any], key: str, path: str, pid: str) -> bool:
    value = spec.get(key)
    if not isinstance(value, bool):
        _fail(pid, f"{path}.{key}", "must be true or false")
    return value


def _severity(value: Any, path: str, pid: str) -> Severity:
    try:
        return Severity(value)
    except ValueError:
        _fail(pid, path, "must be block, approve, warn or record")


def _source(value: Any, pid: str, path: str) -> Source:
    if not isinstance(value, dict) or not all(isinstance(value.get(k), str) for k in ("zh", "en")):
        _fail(pid, path, "must be {zh, en} strings")
    return Source(zh=value["zh"], en=value["en"])


def _expect(data: Mapping[str, Any], key: str, kind: type, pid: str) -> Any:
    value = data.get(key)
    if not isinstance(value, kind):
        _fail(pid, key, f"must be a {kind.__name__}")
    return value


def _fail(pid: str, path: str, problem: str) -> NoReturn:
    raise ValidationError("compliance.profile.invalid", profile=pid, path=path, problem=problem)
