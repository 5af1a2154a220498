"""A clock read from a file, so tests can move a running server's time from outside."""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path

from fieldvisit.domain.errors import ValidationError


class FileClock:
    """The instant written in ``path`` (ISO 8601 with its offset), re-read when the file changes."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._stamp = -1
        self._now = self._read()

    def __call__(self) -> datetime:
        with self._lock:
            stamp = self._path.stat().st_mtime_ns
            if stamp != self._stamp:
                self._now, self._stamp = self._read(), stamp
            return self._now

    def _read(self) -> datetime:
        text = self._path.read_text(encoding="utf-8").strip()
        try:
            value = datetime.fromisoformat(text)
        except ValueError as exc:
            raise ValidationError("server.error.clock_file", path=str(self._path)) from exc
        if value.tzinfo is None:
            raise ValidationError("server.error.clock_file", path=str(self._path))
        return value
