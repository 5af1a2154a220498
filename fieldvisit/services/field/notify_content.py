"""What an alarm notice says, read from the database and put into words in the reader's language."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from fieldvisit.domain.safety_policy import Audience, SafetyPolicy
from fieldvisit.i18n import translate
from fieldvisit.services.field.notify_channels import AlarmNotice
from fieldvisit.services.field.store import GENERATION
from fieldvisit.storage import models as m


def alarm_notice(s: Session, alarm: m.Alarm, policy: SafetyPolicy) -> AlarmNotice:
    """The notice for one raised step of a session's alarm."""
    session = s.get_one(m.SafetySession, alarm.session_id)
    crew = s.get_one(m.Crew, session.crew_id)
    visit = s.get(m.Visit, session.visit_id) if session.visit_id is not None else None
    address = s.get(m.Address, visit.address_id) if visit is not None else None
    step = alarm.step % GENERATION
    ladder_step = policy.step(min(step, policy.last_step))
    return AlarmNotice(
        target=f"alarm:{alarm.id}",
        kind=alarm.kind,
        step=step,
        audience=ladder_step.audience.value,
        team_id=crew.team_id,
        session_id=session.id,
        crew=crew.name,
        members=tuple(member.user.display_name for member in crew.members),
        address=address.text if address is not None else None,
        lat=session.last_lat,
        lon=session.last_lon,
        raised_at=alarm.raised_at,
        timezone=(address.timezone if address else None) or crew.team.timezone,
        silent=alarm.silent,
        instructions=ladder_step.instructions,
    )


def watcher_notice(row: m.WatcherAlarm, step: int, timezone: str) -> AlarmNotice:
    """The notice that a watcher went silent: nobody may be driving the safety timers."""
    return AlarmNotice(
        target=f"watcher:{row.id}",
        kind="watcher",
        step=step,
        audience=Audience.SAFETY_LEAD.value,
        team_id=None,
        session_id=None,
        crew=None,
        members=(),
        address=None,
        lat=None,
        lon=None,
        raised_at=row.last_beat_at,
        timezone=timezone,
        silent=False,
        instructions="notify.watcher.instructions",
        watcher_id=row.watcher_id,
    )


def subject(notice: AlarmNotice, lang: str) -> str:
    if notice.stand_down:
        kind = translate(f"safety.alarm.{notice.kind}", lang)
        return translate("notify.subject.stand_down", lang, kind=kind, crew=notice.crew)
    if notice.kind == "watcher":
        return translate("notify.subject.watcher", lang, watcher=notice.watcher_id)
    if notice.kind == "drill":
        return translate("notify.subject.drill", lang, step=notice.step)
    kind = translate(f"safety.alarm.{notice.kind}", lang)
    return translate("notify.subject.alarm", lang, kind=kind, crew=notice.crew, step=notice.step)


def body(notice: AlarmNotice, lang: str) -> str:
    """Plain text, short enough for an SMS gateway to forward as it is."""
    at = notice.raised_at.astimezone(ZoneInfo(notice.timezone)).strftime("%Y-%m-%d %H:%M %Z")
    lines = [subject(notice, lang)]
    if notice.kind == "watcher":
        lines.append(translate("notify.body.watcher", lang, watcher=notice.watcher_id, at=at))
    elif notice.kind == "drill":
        lines.append(translate("notify.body.drill", lang, at=at))
    else:
        members = ", ".join(notice.members)
        lines.append(translate("notify.body.crew", lang, crew=notice.crew, members=members))
        lines.append(translate("notify.body.raised", lang, at=at))
        if notice.address:
            lines.append(translate("notify.body.address", lang, address=notice.address))
        if notice.lat is not None and notice.lon is not None:
            lines.append(translate("notify.body.position", lang, lat=notice.lat, lon=notice.lon))
        if notice.silent:
            lines.append(translate("notify.body.silent", lang))
    if notice.stand_down:
        lines.append(translate("notify.stand_down.instructions", lang))
    else:
        lines.append(translate(notice.instructions, lang))
    return "\n".join(lines)
