"""The app's log: a rotating file in the data folder, crash dumps, and no personal data in either.

A windowed app has no console, so without this every warning and traceback is lost. Records
pass through :class:`PrivacyFilter` before they are written: log calls name ids and kinds, never
people, but exception texts (a database error repeats its parameters) may carry names, phone
numbers or addresses, so those are masked here, in the one place every record passes.
"""

from __future__ import annotations

import faulthandler
import logging
import logging.handlers
import os
import re
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from fieldvisit import __version__

LOG_NAME = "fieldvisit.log"
CRASH_NAME = "crash.log"
ENV_LOG_DIR = "FIELDVISIT_LOG_DIR"
MAX_BYTES = 1_000_000
BACKUPS = 5
MASK = "▒"

_log = logging.getLogger(__name__)

# Phone numbers (7+ digits, maybe with +, spaces or dashes), e-mail addresses, runs of CJK
# characters (names and addresses in the demo and in real Chinese data) and the parameter list a
# SQLAlchemy error appends to its message.
_PATTERNS = (
    re.compile(r"\[parameters: .*?\](?=\s|$)", re.DOTALL),
    re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"),
    # 7+ digits, maybe split by single spaces or dashes; ISO dates stay readable.
    re.compile(r"(?<![\w.])(?!\d{4}-\d\d-\d\d\b)\+?\d(?:[ -]?\d){6,}[Xx]?"),
    re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]+"),
)


def mask_personal_data(text: str) -> str:
    """``text`` with anything that may identify a person replaced by a mask."""
    for pattern in _PATTERNS:
        text = pattern.sub(MASK, text)
    return text


class PrivacyFilter(logging.Filter):
    """Masks personal data in the message and in the traceback of every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_personal_data(record.getMessage())
        record.args = None
        if record.exc_info:
            formatter = logging.Formatter()
            record.exc_text = mask_personal_data(formatter.formatException(record.exc_info))
            record.exc_info = None
        return True


def default_log_dir() -> Path:
    """``FIELDVISIT_LOG_DIR``, else ``logs`` in the user's data folder."""
    override = os.environ.get(ENV_LOG_DIR, "").strip()
    if override:
        return Path(override)
    from fieldvisit.app.config import data_dir

    return data_dir() / "logs"


class AppLog:
    """The configured log: where it is, and the open crash file ``faulthandler`` writes to."""

    def __init__(
        self,
        folder: Path,
        handler: logging.Handler,
        crash_file: IO[str],
        previous: tuple[int, Callable[[threading.ExceptHookArgs], object]],
    ) -> None:
        self.folder = folder
        self.file = folder / LOG_NAME
        self.crash_file_path = folder / CRASH_NAME
        self._handler = handler
        self._crash_file = crash_file
        self._previous_level, self._previous_thread_hook = previous  # restored by close()

    def close(self) -> None:
        """Detach from the root logger and stop dumping crashes (tests; the app never closes)."""
        logging.getLogger().removeHandler(self._handler)
        logging.getLogger().setLevel(self._previous_level)
        threading.excepthook = self._previous_thread_hook
        self._handler.close()
        if faulthandler.is_enabled():
            faulthandler.disable()
        self._crash_file.close()


def configure(folder: Path | None = None, level: int = logging.INFO) -> AppLog:
    """Log to a rotating file in ``folder``, dump hard crashes beside it, log uncaught errors."""
    folder = folder or default_log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        folder / LOG_NAME, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
    )
    handler.setFormatter(
        logging.Formatter(
            "%(asctime)s %(levelname)s %(process)d %(threadName)s %(name)s: %(message)s"
        )
    )
    handler.addFilter(PrivacyFilter())
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > level:
        root.setLevel(level)
    logging.captureWarnings(True)
    # A segfault in Qt or the solver leaves Python no chance to log: faulthandler writes the
    # stacks of all threads straight to this file (kept open for the life of the process).
    crash_file = open(folder / CRASH_NAME, "a", encoding="utf-8")  # noqa: SIM115
    faulthandler.enable(file=crash_file, all_threads=True)
    previous_thread_hook = threading.excepthook
    _install_thread_hook()
    _log.info(
        "FieldVisit %s started (Python %s, %s, frozen=%s)",
        __version__,
        sys.version.split()[0],
        sys.platform,
        bool(getattr(sys, "frozen", False)),
    )
    return AppLog(folder, handler, crash_file, (previous_level, previous_thread_hook))


def log_uncaught(kind: type[BaseException], error: BaseException, tb: Any, context: str) -> None:
    """Log an exception nobody caught, with what the app was doing (no personal data)."""
    logging.getLogger("fieldvisit.uncaught").error(
        "uncaught %s (%s)", kind.__name__, context or "no context", exc_info=(kind, error, tb)
    )


def _install_thread_hook() -> None:
    """A background thread's fatal exception goes to the log, not to a missing console."""

    def hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit or args.exc_value is None:
            return
        name = args.thread.name if args.thread is not None else "?"
        log_uncaught(args.exc_type, args.exc_value, args.exc_traceback, f"thread {name}")

    threading.excepthook = hook
