"""Time-of-day rules as layers of allowed instants: contact window, consent, blackouts, daylight.

A *hard* layer (severity ``block``) narrows the allowed intervals; a *soft* layer (``approve`` or
``warn``, e.g. the consent-widened hours) leaves them alone and is only reported for a concrete
slot that leaves it. A *note* layer never narrows anything and explains a refused widening.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from fieldvisit.domain.compliance.intervals import (
    FULL_DAY,
    Spans,
    before,
    covers,
    day_bounds,
    intersect,
    longest,
    normalize,
    subtract,
    wall_to_instants,
)
from fieldvisit.domain.compliance.model import Candidate, Source, Violation, WallInterval
from fieldvisit.domain.compliance.policy import RuleSet
from fieldvisit.domain.compliance.profiles import RuleSpec
from fieldvisit.domain.compliance.sun import local_sunset
from fieldvisit.domain.enums import CaseFlag, Severity
from fieldvisit.domain.messages import Message


@dataclass(frozen=True)
class Layer:
    """Instants one time-of-day rule allows on the plan date, and how to explain a refusal."""

    rule: str
    severity: Severity
    source: Source
    spans: Spans
    kind: str  # "hard" | "soft" | "note"
    message: str  # message-id stem: "<stem>.no_time" and "<stem>.outside"
    params: dict[str, Any] = field(default_factory=dict)
    restricts: bool = True
    #: Replaces the "no_time"/"outside" suffix when one cause explains both (e.g. "no_location").
    reason: str | None = None

    def violation(self, suffix: str, slot: bool, **extra: Any) -> Violation:
        """The violation of this layer with message ``<stem>.<reason or suffix>``."""
        message = Message(f"{self.message}.{self.reason or suffix}", {**self.params, **extra})
        return Violation(self.rule, self.severity, message, self.source, slot=slot)


def build_layers(candidate: Candidate, ruleset: RuleSet) -> tuple[Layer, ...]:
    """The night/consent, blackout and daylight layers, in that (reporting) order."""
    c = candidate
    consent = CaseFlag.CONSENT_AFTER_HOURS in c.flags
    layers = _day_layers(ruleset, c.timezone, c.plan_date, consent, c.windows, c.blackouts)
    if CaseFlag.DAYLIGHT_ONLY in c.flags:
        daylight = _daylight_layer(ruleset, c.timezone, c.plan_date, c.lat, c.lon)
        if daylight is not None:
            layers = (*layers, daylight)
    return layers


@lru_cache(maxsize=4096)
def _day_layers(
    ruleset: RuleSet,
    tz: str,
    day: date,
    consent: bool,
    windows: tuple[WallInterval, ...],
    blackouts: tuple[WallInterval, ...],
) -> tuple[Layer, ...]:
    # Cached: the candidates of one batch share a date, a zone and mostly no declarations.
    layers = _window_layers(ruleset, tz, day, consent)
    blackout = _blackout_layer(ruleset, tz, day, windows, blackouts)
    return (*layers, blackout) if blackout is not None else tuple(layers)


def _layer(ruleset: RuleSet, spec: RuleSpec, spans: Spans, **kw: Any) -> Layer:
    kind = kw.pop("kind", "hard" if spec.severity is Severity.BLOCK else "soft")
    return Layer(
        rule=f"{ruleset.profile_id}.{spec.name}",
        severity=spec.severity,
        source=spec.source,
        spans=spans,
        kind=kind,
        message=f"compliance.{spec.name}",
        **kw,
    )


def _window_layers(ruleset: RuleSet, tz: str, day: date, flagged: bool) -> list[Layer]:
    night, consent = ruleset.rule("night"), ruleset.rule("consent_after_hours")
    if night is None or night.window is None:
        return []
    normal = wall_to_instants(tz, day, night.window.spans())
    params = {"window": str(night.window)}
    if not flagged or consent is None:
        return [_layer(ruleset, night, normal, params=params)]
    assert consent.window is not None  # validated at load
    policy = ruleset.policy.contact_window
    wide_minutes = consent.window.spans()
    if policy is not None:
        wide_minutes = intersect(wide_minutes, policy.spans())
    if consent.severity is Severity.BLOCK:
        # Consent does not widen the window here; say so for slots in the would-be widened hours.
        refused = subtract(wall_to_instants(tz, day, wide_minutes), normal)
        outside_refused = subtract(_day(tz, day), refused)
        note = _layer(
            ruleset, consent, outside_refused, kind="note", params=params, reason="refused"
        )
        return [_layer(ruleset, night, normal, params=params), note]
    wide = wall_to_instants(tz, day, wide_minutes)
    wide_params = {"window": _minutes_str(wide_minutes)}
    return [
        _layer(ruleset, night, wide, params=wide_params),
        _layer(ruleset, consent, normal, params=params),
    ]


def _blackout_layer(
    ruleset: RuleSet,
    tz: str,
    day: date,
    windows: tuple[WallInterval, ...],
    blackouts: tuple[WallInterval, ...],
) -> Layer | None:
    spec = ruleset.rule("blackout")
    if spec is None or not (windows or blackouts):
        return None
    wanted = normalize(s for w in windows for s in w.spans()) or FULL_DAY
    blocked = normalize(s for w in blackouts for s in w.spans())
    params = {
        "windows": ", ".join(str(w) for w in windows) or "—",
        "blackouts": ", ".join(str(w) for w in blackouts) or "—",
    }
    spans = wall_to_instants(tz, day, subtract(wanted, blocked))
    return _layer(ruleset, spec, spans, params=params)


def _daylight_layer(
    ruleset: RuleSet, tz: str, day: date, lat: float | None, lon: float | None
) -> Layer | None:
    spec = ruleset.rule("daylight_only")
    if spec is None:
        return None
    margin = spec.number("minutes_before_sunset")
    params: dict[str, Any] = {"minutes": margin}
    if lat is None or lon is None:
        return _layer(ruleset, spec, (), params=params, reason="no_location")
    found = local_sunset(round(lat, 4), round(lon, 4), day, tz)
    if found.polar_day:  # the sun does not set: nothing to cut
        return _layer(ruleset, spec, _day(tz, day), params=params, restricts=False)
    if found.at is None:
        return _layer(ruleset, spec, (), params=params, reason="polar_night")
    cutoff = int(found.at.timestamp()) - margin * 60
    params["sunset"] = found.at.strftime("%H:%M")
    params["cutoff"] = _clock(tz, cutoff)
    return _layer(ruleset, spec, before(_day(tz, day), cutoff), params=params)


def _day(tz: str, day: date) -> Spans:
    return (day_bounds(tz, day),)


def _clock(tz_name: str, instant: int) -> str:
    return datetime.fromtimestamp(instant, UTC).astimezone(ZoneInfo(tz_name)).strftime("%H:%M")


def _minutes_str(spans: Spans) -> str:
    return ", ".join(f"{a // 60:02d}:{a % 60:02d}–{b // 60:02d}:{b % 60:02d}" for a, b in spans)


def hard_spans(candidate: Candidate, layers: tuple[Layer, ...]) -> Spans:
    """The instants every hard layer allows."""
    spans = _day(candidate.timezone, candidate.plan_date)
    for layer in layers:
        if layer.kind == "hard":
            spans = intersect(spans, layer.spans)
    return spans


def no_time_violations(layers: tuple[Layer, ...], spans: Spans, need: int) -> list[Violation]:
    """Why no ``need``-second slot fits.

    The layers too tight on their own; else those too tight together with the first (contact
    window) layer; else every other restricting layer (only their combination leaves no room).
    """
    if longest(spans) >= need:
        return []
    hard = [layer for layer in layers if layer.kind == "hard"]
    blamed = [layer for layer in hard if longest(layer.spans) < need]
    if not blamed and hard:
        first = hard[0]
        blamed = [x for x in hard[1:] if longest(intersect(first.spans, x.spans)) < need]
    if not blamed:
        blamed = [layer for layer in hard[1:] if layer.restricts] or hard
    minutes = need // 60
    return [layer.violation("no_time", slot=False, service=minutes) for layer in blamed]


def slot_violations(
    layers: tuple[Layer, ...], tz_name: str, start: datetime, minutes: int
) -> list[Violation]:
    """The layers a concrete slot ``[start, start + minutes)`` leaves, labelled in local time."""
    local = start.astimezone(ZoneInfo(tz_name))
    begin = int(local.timestamp())
    end = begin + 60 * minutes
    labels = {"start": local.strftime("%H:%M"), "end": _clock(tz_name, end)}
    return [
        layer.violation("outside", slot=True, **labels)
        for layer in layers
        if not covers(layer.spans, begin, end)
    ]
