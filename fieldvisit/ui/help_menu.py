"""Help menu entries beside "About": the log folder and the user manual, both offline."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QMessageBox, QTextBrowser, QVBoxLayout, QWidget

from fieldvisit.i18n import translate
from fieldvisit.ui.errors import ErrorReporter, open_folder


def manual_path(lang: str) -> Path:
    """The manual shipped in the package (``resources/manual/<lang>/index.html``)."""
    return Path(str(resources.files("fieldvisit.resources").joinpath("manual", lang, "index.html")))


class ManualDialog(QDialog):
    """The manual in a text browser: no web browser and no network needed."""

    def __init__(self, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("manual_dialog")
        self.setWindowTitle(translate("app.help.manual", lang).replace("&", ""))
        self.browser = QTextBrowser(self)
        self.browser.setOpenExternalLinks(False)
        path = manual_path(lang)
        self.browser.setSearchPaths([str(path.parent)])
        self.browser.setHtml(path.read_text(encoding="utf-8"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        self.resize(760, 640)


class HelpActions:
    """ "Show log folder" and "User manual"; the main window adds them and retranslates them."""

    def __init__(self, window: QWidget, errors: ErrorReporter, lang: str) -> None:
        self._window = window
        self._errors = errors
        self._lang = lang
        self.log_folder = QAction(window)
        self.log_folder.setObjectName("action_log_folder")
        self.log_folder.triggered.connect(self._on_log_folder_triggered)
        self.manual = QAction(window)
        self.manual.setObjectName("action_manual")
        self.manual.triggered.connect(self._on_manual_triggered)
        self.manual_dialog: ManualDialog | None = None
        self.retranslate(lang)

    @property
    def actions(self) -> list[QAction]:
        return [self.manual, self.log_folder]

    def retranslate(self, lang: str) -> None:
        self._lang = lang
        self.log_folder.setText(translate("app.help.log_folder", lang))
        self.log_folder.setEnabled(self._errors.log_file is not None)
        self.manual.setText(translate("app.help.manual", lang))

    def _on_log_folder_triggered(self) -> None:
        if self._errors.log_file is not None:
            open_folder(self._errors.log_file.parent)

    def _on_manual_triggered(self) -> None:
        path = manual_path(self._lang)
        if not path.is_file():
            QMessageBox.warning(
                self._window,
                translate("app.title", self._lang),
                translate("app.help.manual_missing", self._lang, path=path),
            )
            return
        self.manual_dialog = ManualDialog(self._lang, self._window)
        self.manual_dialog.show()
