"""Qt's own strings (standard dialogs, context menus) in the UI language, from bundled .qm files.

PySide6-Essentials ships ``qtbase_zh_CN.qm`` in ``QLibraryInfo.TranslationsPath``; English needs
no translator. Our own strings come from ``fieldvisit.i18n`` catalogues, not from Qt.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from fieldvisit.i18n import LANGUAGES, system_language

QT_CATALOGUES = {"zh": "qtbase_zh_CN"}
QT_LOCALES = {"zh": QLocale(QLocale.Language.Chinese, QLocale.Country.China), "en": QLocale.c()}


def choose_language(preferred: str, requested: str | None = None) -> str:
    """An explicit request first, then the saved preference, then the system's language."""
    for candidate in (requested, preferred):
        if candidate in LANGUAGES:
            return str(candidate)
    return system_language()


class QtTranslations:
    """Installs Qt's translator for the current language, replacing the previous one."""

    def __init__(self, app: QCoreApplication) -> None:
        self._app = app
        self._translator: QTranslator | None = None

    def apply(self, lang: str) -> bool:
        """Switch Qt's strings to ``lang``; False if Qt has no catalogue for it (English)."""
        if self._translator is not None:
            self._app.removeTranslator(self._translator)
            self._translator = None
        QLocale.setDefault(QT_LOCALES.get(lang, QLocale.c()))
        name = QT_CATALOGUES.get(lang)
        if name is None:
            return False
        translator = QTranslator(self._app)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if not translator.load(name, folder):
            return False
        self._app.installTranslator(translator)
        self._translator = translator
        return True
