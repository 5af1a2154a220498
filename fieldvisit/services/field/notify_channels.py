"""How an alarm leaves the building: push to connected clients, e-mail, a signed webhook."""

from __future__ import annotations

import json
import logging
import os
import smtplib
import ssl
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from fieldvisit.domain.notify_signing import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    sign,
)

TIMEOUT_S = 10.0
_log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """A channel could not hand the notice over; the text goes into the attempt's record."""


@dataclass(frozen=True)
class AlarmNotice:
    """What every channel says about one alarm step. No debt details: the gateway is a third
    party, so the notice names the crew, where it is and what to do, never the case or amount."""

    target: str  # alarm:<id>, standdown:<id> or watcher:<id>
    kind: str  # overdue | sos | duress | watcher
    step: int
    audience: str
    team_id: int | None
    session_id: int | None
    crew: str | None
    members: tuple[str, ...]
    address: str | None
    lat: float | None
    lon: float | None
    raised_at: datetime
    timezone: str
    silent: bool
    instructions: str  # message id
    watcher_id: str | None = None
    stand_down: bool = False  # the alarm was called off: everyone it reached is told

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        data["members"] = list(self.members)
        data["raised_at"] = self.raised_at.isoformat()
        return data


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str  # none | starttls | tls
    sender: str
    username: str | None = None
    password_env: str | None = None


@dataclass(frozen=True)
class ChangeNotice:
    """A change the team server announced (``round.submitted``, ``watcher.silent``, …): ids only;
    in desktop team mode the event stream publishes these on the local hub."""

    kind: str
    data: Mapping[str, Any]


# The notice and the push route's address ("" for a server's change notice).
Listener = Callable[[AlarmNotice | ChangeNotice, str], None]


class PushHub:
    """In-process event hook: the desktop board and the team server's event stream subscribe;
    a listener that raises is logged and skipped, never stops the others."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def publish(self, notice: AlarmNotice | ChangeNotice, address: str) -> int:
        """How many listeners took the notice."""
        with self._lock:
            listeners = list(self._listeners)
        delivered = 0
        for listener in listeners:
            try:
                listener(notice, address)
                delivered += 1
            except Exception:
                _log.exception("push listener failed for %s", getattr(notice, "target", notice))
        return delivered


def send_email(
    settings: SmtpSettings,
    to: str,
    subject: str,
    body: str,
    delivery_id: str,
    now: datetime,
    timeout: float = TIMEOUT_S,
) -> None:
    """One message through the team's SMTP server; any refusal becomes a DeliveryError."""
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain="fieldvisit")
    message[DELIVERY_HEADER] = delivery_id
    message.set_content(body)
    try:
        with _connect(settings, timeout) as smtp:
            if settings.username:
                smtp.login(settings.username, _password(settings))
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"smtp {settings.host}:{settings.port}: {exc}") from exc


def _connect(settings: SmtpSettings, timeout: float) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if settings.security == "tls":
        return smtplib.SMTP_SSL(settings.host, settings.port, timeout=timeout, context=context)
    smtp = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
    if settings.security == "starttls":
        smtp.starttls(context=context)
    return smtp


def _password(settings: SmtpSettings) -> str:
    name = settings.password_env or ""
    value = os.environ.get(name) if name else None
    if value is None:
        raise DeliveryError(f"smtp password: environment variable {name or '(unset)'} is empty")
    return value


def post_webhook(
    url: str,
    secret: str,
    payload: dict[str, object],
    delivery_id: str,
    now: datetime,
    timeout: float = TIMEOUT_S,
) -> int:
    """POST the JSON payload signed with the team's secret; a non-2xx answer is a failure."""
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
    timestamp = int(now.timestamp())
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "FieldVisit-notifier",
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: sign(secret.encode(), timestamp, body),
            DELIVERY_HEADER: delivery_id,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status = int(response.status)
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"webhook answered HTTP {exc.code}") from exc
    except (OSError, ValueError) as exc:
        raise DeliveryError(f"webhook {url}: {exc}") from exc
    if not 200 <= status < 300:
        raise DeliveryError(f"webhook answered HTTP {status}")
    return status
