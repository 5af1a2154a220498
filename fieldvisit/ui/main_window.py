"""The main window: composes the screens, menus and status bar; the screens do the work."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMessageBox, QTabWidget, QWidget

from fieldvisit import __version__
from fieldvisit.i18n import translate
from fieldvisit.services.cases import CaseQueries
from fieldvisit.ui.cases_view import CasesView


class MainWindow(QMainWindow):
    def __init__(
        self, cases: CaseQueries, db_display_url: str, lang: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._lang = lang
        self.setWindowTitle(translate("app.title", lang))
        self.resize(1200, 760)
        self.screens = QTabWidget(self)
        self.cases_view = CasesView(cases, lang, self)
        self.screens.addTab(self.cases_view, translate("main.cases", lang))
        self.setCentralWidget(self.screens)
        self._build_menus()
        self.statusBar().showMessage(
            translate("main.status.db", lang, url=db_display_url)
            + "   "
            + translate("main.status.cases", lang, count=self.cases_view.row_count())
        )

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(translate("main.menu.file", self._lang))
        quit_action = QAction(translate("main.action.quit", self._lang), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        help_menu = self.menuBar().addMenu(translate("main.menu.help", self._lang))
        about_action = QAction(translate("main.action.about", self._lang), self)
        about_action.triggered.connect(self._on_about_triggered)
        help_menu.addAction(about_action)

    def _on_about_triggered(self) -> None:
        QMessageBox.about(
            self,
            translate("app.title", self._lang),
            translate("main.about.text", self._lang, version=__version__),
        )
