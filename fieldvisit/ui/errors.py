"""The one place that shows errors: expected ones as their message, unexpected ones with a log."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from fieldvisit.domain.errors import FieldVisitError
from fieldvisit.i18n import render, translate

_log = logging.getLogger(__name__)


def open_folder(folder: Path) -> bool:
    """Show ``folder`` in the system's file manager (Help → "Show log folder", the error dialog)."""
    folder.mkdir(parents=True, exist_ok=True)
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


class ErrorReporter(QObject):
    """Shows an error non-modally over ``parent_widget``; ``reported`` carries the text shown.

    ``log_file`` is named in the dialog of an unexpected error, so the user can send it to IT;
    ``context`` says what the app was doing (screen, role: never a person) for the log.
    """

    reported = Signal(str)

    def __init__(
        self,
        lang: str,
        *,
        show_dialogs: bool = True,
        log_file: Path | None = None,
        context: Callable[[], str] | None = None,
    ) -> None:
        super().__init__()
        self.lang = lang
        self.parent_widget: QWidget | None = None
        self.log_file = log_file
        self.context = context
        self.last_dialog: QMessageBox | None = None
        self._show_dialogs = show_dialogs

    def report(self, error: BaseException, *, nothing_lost: bool = True) -> None:
        """Show ``error``; ``nothing_lost`` is False when the failure may have lost user input."""
        if isinstance(error, FieldVisitError):
            text = render(error.message, self.lang)
            icon = QMessageBox.Icon.Warning
        else:
            _log.error(
                "unexpected %s (%s)",
                type(error).__name__,
                self._context(),
                exc_info=(type(error), error, error.__traceback__),
            )
            text = self.unexpected_text(error, nothing_lost=nothing_lost)
            icon = QMessageBox.Icon.Critical
        self.reported.emit(text)
        if self._show_dialogs:
            self._show(icon, text, error)

    def unexpected_text(self, error: BaseException, *, nothing_lost: bool = True) -> str:
        """What happened, whether anything was lost, what to try, where the log is."""
        t = self._t
        parts = [t("ui.error.unexpected", detail=str(error) or type(error).__name__)]
        parts.append(t("app.error.safe") if nothing_lost else t("app.error.maybe_lost"))
        parts.append(t("app.error.try"))
        if self.log_file is not None:
            parts.append(t("app.error.log", path=self.log_file))
        else:
            parts.append(t("app.error.no_log"))
        return "\n\n".join(parts)

    def _show(self, icon: QMessageBox.Icon, text: str, error: BaseException) -> None:
        box = QMessageBox(icon, translate("app.title", self.lang), text, parent=self.parent_widget)
        if not isinstance(error, FieldVisitError):
            box.setDetailedText("".join(traceback.format_exception(error)))
            if self.log_file is not None:
                folder = self.log_file.parent
                show = box.addButton(self._t("app.error.show_log"), QMessageBox.ButtonRole.HelpRole)
                show.clicked.connect(lambda: open_folder(folder))
            box.addButton(QMessageBox.StandardButton.Close)
        self.last_dialog = box
        box.open()  # non-blocking: the event loop and other screens keep running

    def _context(self) -> str:
        if self.context is None:
            return ""
        try:
            return self.context()
        except Exception:  # the context must never hide the error being reported
            return "context unavailable"

    def _t(self, key: str, **params: object) -> str:
        return translate(key, self.lang, **params)

    def install_excepthook(self) -> None:
        """Route exceptions escaping Qt slots here instead of a silent stderr line."""

        def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
            if issubclass(kind, KeyboardInterrupt):
                sys.__excepthook__(kind, error, tb)
                return
            self.report(error.with_traceback(tb))

        sys.excepthook = hook
