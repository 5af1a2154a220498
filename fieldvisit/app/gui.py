"""Start-up of the desktop app: open and upgrade the database, build services, show the window."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from fieldvisit.app.runtime import open_database
from fieldvisit.domain.errors import FieldVisitError
from fieldvisit.i18n import render, translate
from fieldvisit.services.cases import CaseQueries
from fieldvisit.ui.main_window import MainWindow


def run(url: str, lang: str) -> int:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    app.setApplicationName("FieldVisit")
    app.setApplicationDisplayName(translate("app.title", lang))
    try:
        database = open_database(url)
    except FieldVisitError as exc:
        QMessageBox.critical(None, translate("app.title", lang), render(exc.message, lang))
        return 1
    window = MainWindow(CaseQueries(database.session_factory), database.display_url, lang)
    window.show()
    code = app.exec()
    database.dispose()
    return code
