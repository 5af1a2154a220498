"""The one place that shows errors: expected ones as their message, unexpected ones with a log."""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from fieldvisit.domain.errors import FieldVisitError
from fieldvisit.i18n import render, translate

_log = logging.getLogger(__name__)


class ErrorReporter(QObject):
    """Shows an error non-modally over ``parent_widget``; ``reported`` carries the text shown."""

    reported = Signal(str)

    def __init__(self, lang: str, *, show_dialogs: bool = True) -> None:
        super().__init__()
        self.lang = lang
        self.parent_widget: QWidget | None = None
        self._show_dialogs = show_dialogs

    def report(self, error: BaseException) -> None:
        if isinstance(error, FieldVisitError):
            text = render(error.message, self.lang)
            icon = QMessageBox.Icon.Warning
        else:
            _log.error(
                "unexpected error",
                exc_info=(type(error), error, error.__traceback__),
            )
            text = translate("ui.error.unexpected", self.lang, detail=str(error) or repr(error))
            icon = QMessageBox.Icon.Critical
        self.reported.emit(text)
        if self._show_dialogs:
            box = QMessageBox(
                icon, translate("app.title", self.lang), text, parent=self.parent_widget
            )
            if not isinstance(error, FieldVisitError):
                box.setDetailedText("".join(traceback.format_exception(error)))
            box.open()  # non-blocking: the event loop and other screens keep running

    def install_excepthook(self) -> None:
        """Route exceptions escaping Qt slots here instead of a silent stderr line."""

        def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
            if issubclass(kind, KeyboardInterrupt):
                sys.__excepthook__(kind, error, tb)
                return
            self.report(error.with_traceback(tb))

        sys.excepthook = hook
