"""The main window: composes navigation, the registered screens, menus, toolbar and status bar."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from fieldvisit import __version__
from fieldvisit.domain.access import Actor, Permission, allows
from fieldvisit.i18n import translate
from fieldvisit.services.catalog import Services
from fieldvisit.ui.app_settings import AppSettings
from fieldvisit.ui.change_bridge import ChangeBridge
from fieldvisit.ui.context import ScreenContext
from fieldvisit.ui.errors import ErrorReporter
from fieldvisit.ui.help_menu import HelpActions
from fieldvisit.ui.icons import icon
from fieldvisit.ui.language import QtTranslations, choose_language
from fieldvisit.ui.screens import (
    SCREENS,
    HoldsUnsavedWork,
    Refreshable,
    Retranslatable,
    ScreenSpec,
    Searchable,
    StateKeeping,
    screens_for,
)
from fieldvisit.ui.settings_dialog import SettingsDialog
from fieldvisit.ui.tasks import TaskRunner
from fieldvisit.ui.watcher_banner import WatcherBanner

STATUS_TIMEOUT_MS = 5000
# Which screens an announced change makes stale (team mode pushes these; see docs/server.md).
STALE_AFTER: dict[str, tuple[str, ...]] = {
    "round.submitted": ("approvals",),
    "round.approved": ("today", "approvals"),
    "round.rejected": ("today", "approvals"),
}
RECONNECTED = "connection.restored"  # events may have been missed: re-read every screen
# key, icon, shortcut (explicit: several platforms' themes leave Quit or Preferences unbound);
# texts come from ui.action.<key>.
ACTIONS: tuple[tuple[str, str, str], ...] = (
    ("switch_user", "user", "Ctrl+Shift+U"),
    ("settings", "settings", "Ctrl+,"),
    ("quit", "quit", "Ctrl+Q"),
    ("find", "search", "Ctrl+F"),
    ("refresh", "refresh", "F5"),
    ("navigation", "sidebar", "Ctrl+B"),
    ("about", "about", "F1"),
    ("about_qt", "app", ""),
)


class MainWindow(QMainWindow):
    """Builds each screen on first use; everything a screen needs comes in its ScreenContext."""

    switch_user_requested = Signal()
    language_changed = Signal(str)

    def __init__(
        self,
        services: Services,
        actor: Actor,
        *,
        settings: AppSettings,
        tasks: TaskRunner,
        errors: ErrorReporter,
        lang: str,
        db_display_url: str,
        qt_translations: QtTranslations | None = None,
        registry: Sequence[ScreenSpec] = SCREENS,
    ) -> None:
        super().__init__()
        self.setObjectName("main_window")
        self._lang = lang
        self._settings = settings
        self._qt_translations = qt_translations
        self._errors = errors
        self._actor = actor
        self._db_display_url = db_display_url
        errors.parent_widget = self
        self._context = ScreenContext(
            services, actor, lang, tasks, errors, settings, self._on_screen_status
        )
        self.specs = screens_for(actor, registry)
        self.screens: dict[str, QWidget] = {}
        self.stack = QStackedWidget(self)
        self.banner = WatcherBanner(lang, self)
        self.changes = ChangeBridge(services.notify.hub, self)
        self.nav = QListWidget(self)
        self.nav_dock = QDockWidget(self)
        self.user_label = QLabel(self)
        self.db_label = QLabel(self)
        self.actions_by_key: dict[str, QAction] = {}
        self.screen_actions: dict[str, QAction] = {}
        self._build()
        self.retranslate()
        self._restore()

    # --- building ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.resize(1280, 800)
        central = QWidget(self)
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.banner)
        column.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.changes.changed.connect(self._on_changes_changed)
        self.nav.setIconSize(QSize(22, 22))
        self.nav.currentRowChanged.connect(self._on_nav_current_row_changed)
        self.nav_dock.setObjectName("navigation")
        self.nav_dock.setWidget(self.nav)
        self.nav_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.nav_dock)
        self.nav_dock.visibilityChanged.connect(self._on_nav_dock_visibility_changed)
        self._build_actions()
        self._build_menus()
        self.statusBar().addPermanentWidget(self.user_label)
        self.statusBar().addPermanentWidget(self.db_label)
        for spec in self.specs:
            self.nav.addItem(QListWidgetItem(spec.title_id))
        self._apply_icons()

    def _build_actions(self) -> None:
        for key, _icon, shortcut in ACTIONS:
            action = QAction(self)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
            self.actions_by_key[key] = action
        a = self.actions_by_key
        a["switch_user"].triggered.connect(self.switch_user_requested.emit)
        a["settings"].triggered.connect(self._on_settings_triggered)
        a["quit"].triggered.connect(self.close)
        a["find"].triggered.connect(self._on_find_triggered)
        a["refresh"].triggered.connect(self._on_refresh_triggered)
        a["navigation"].setCheckable(True)
        a["navigation"].setChecked(True)
        a["navigation"].toggled.connect(self.nav_dock.setVisible)
        a["about"].triggered.connect(self._on_about_triggered)
        a["about_qt"].triggered.connect(self._on_about_qt_triggered)
        group = QActionGroup(self)
        for number, spec in enumerate(self.specs, start=1):
            action = QAction(self)
            action.setCheckable(True)
            if number <= 9:
                action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(lambda _c=False, key=spec.key: self.show_screen(key))
            group.addAction(action)
            self.screen_actions[spec.key] = action

    def _build_menus(self) -> None:
        a = self.actions_by_key
        self.menu_file = self.menuBar().addMenu("")
        self.menu_file.addActions([a["switch_user"], a["settings"]])
        self.menu_file.addSeparator()
        self.menu_file.addAction(a["quit"])
        self.menu_view = self.menuBar().addMenu("")
        self.menu_view.addActions(list(self.screen_actions.values()))
        self.menu_view.addSeparator()
        self.menu_view.addActions([a["find"], a["refresh"], a["navigation"]])
        self.menu_help = self.menuBar().addMenu("")
        self.help_actions = HelpActions(self, self._errors, self._lang)
        self.menu_help.addActions(self.help_actions.actions)
        self.menu_help.addSeparator()
        self.menu_help.addActions([a["about"], a["about_qt"]])
        self.toolbar = self.addToolBar("")
        self.toolbar.setObjectName("main_toolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toolbar.addActions([a["refresh"], a["find"]])
        self.toolbar.addSeparator()
        self.toolbar.addActions([a["switch_user"], a["settings"]])

    def _apply_icons(self) -> None:
        # Tinted with the palette's text colour, so a dark system theme gets light icons.
        color = self.palette().windowText().color()
        for key, name, _shortcut in ACTIONS:
            self.actions_by_key[key].setIcon(icon(name, color))
        for row, spec in enumerate(self.specs):
            self.nav.item(row).setIcon(icon(spec.icon, color))
            self.screen_actions[spec.key].setIcon(icon(spec.icon, color))

    # --- screens ----------------------------------------------------------------------------
    def show_screen(self, key: str) -> QWidget | None:
        """Show (building on first use) the screen ``key``; None if the role may not use it."""
        row = next((i for i, spec in enumerate(self.specs) if spec.key == key), None)
        if row is None:
            return None
        if self.nav.currentRow() != row:
            self.nav.setCurrentRow(row)  # comes back here through the handler
            return self.screens.get(key)
        spec = self.specs[row]
        screen = self.screens.get(key)
        if screen is None:
            screen = spec.factory(self._context)
            self.screens[key] = screen
            self.stack.addWidget(screen)
            if isinstance(screen, Retranslatable):
                screen.retranslate(self._lang)
        self.stack.setCurrentWidget(screen)
        self.screen_actions[key].setChecked(True)
        self._settings.last_screen = key
        return screen

    def current_screen(self) -> QWidget | None:
        return self.stack.currentWidget()

    # --- language ---------------------------------------------------------------------------
    @property
    def lang(self) -> str:
        return self._lang

    def set_language(self, lang: str) -> None:
        """Switch every visible text in place; screens keep their filters and selection."""
        self._lang = lang
        self._errors.lang = lang
        if self._qt_translations is not None:
            self._qt_translations.apply(lang)
        self.retranslate()
        for screen in self.screens.values():
            if isinstance(screen, Retranslatable):
                screen.retranslate(lang)
        self.language_changed.emit(lang)

    def retranslate(self) -> None:
        t = self._t
        self.setWindowTitle(t("app.title"))
        for key, action in self.actions_by_key.items():
            action.setText(t(f"ui.action.{key}"))
            action.setToolTip(self._tooltip(action))
        for row, spec in enumerate(self.specs):
            self.nav.item(row).setText(t(spec.title_id))
            self.screen_actions[spec.key].setText(t(spec.title_id))
        self.banner.retranslate(self._lang)
        self.menu_file.setTitle(t("ui.menu.file"))
        self.menu_view.setTitle(t("ui.menu.view"))
        self.menu_help.setTitle(t("ui.menu.help"))
        self.help_actions.retranslate(self._lang)
        self.toolbar.setWindowTitle(t("ui.toolbar"))
        self.nav_dock.setWindowTitle(t("ui.navigation"))
        role = t(f"role.{self._actor.role.value}")
        self.user_label.setText(t("ui.status.user", name=self._actor.display_name, role=role))
        # Team mode shows the server the window works on; it never knows a database.
        remote = self._db_display_url.startswith(("https://", "http://"))
        where = "remote.status.server" if remote else "ui.status.db"
        self.db_label.setText(t(where, url=self._db_display_url))

    def _t(self, key: str, **params: object) -> str:
        return translate(key, self._lang, **params)

    @staticmethod
    def _tooltip(action: QAction) -> str:
        text = action.text().replace("&", "")
        shortcut = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        return f"{text} ({shortcut})" if shortcut else text

    # --- state ------------------------------------------------------------------------------
    def _restore(self) -> None:
        self.restoreGeometry(self._settings.layout("geometry"))
        if not self.restoreState(self._settings.layout("state")):
            self.resizeDocks([self.nav_dock], [150], Qt.Orientation.Horizontal)
        self.actions_by_key["navigation"].setChecked(not self.nav_dock.isHidden())
        keys = [spec.key for spec in self.specs]
        if keys:
            last = self._settings.last_screen
            self.show_screen(last if last in keys else keys[0])
        else:
            self.statusBar().showMessage(self._t("ui.status.no_screens"))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        unsaved = [
            text
            for screen in self.screens.values()
            if isinstance(screen, HoldsUnsavedWork) and (text := screen.unsaved_work())
        ]
        if unsaved and not self.confirm_quit(unsaved):
            event.ignore()
            return
        for screen in self.screens.values():
            if isinstance(screen, StateKeeping):
                screen.save_state()
        self._settings.set_layout("geometry", self.saveGeometry())
        self._settings.set_layout("state", self.saveState())
        self._settings.sync()
        # A closed window starts no more work: the stream may still deliver a change or two.
        self.changes.blockSignals(True)
        super().closeEvent(event)

    def confirm_quit(self, unsaved: list[str]) -> bool:
        """Whether to quit and lose the planning work listed (the screens say what it is)."""
        answer = QMessageBox.question(
            self,
            self._t("ui.quit.title"),
            "\n".join([self._t("ui.quit.text"), *unsaved]),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Discard

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.PaletteChange:  # the system switched light/dark
            self._apply_icons()
        super().changeEvent(event)

    # --- handlers ---------------------------------------------------------------------------
    def _on_nav_current_row_changed(self, row: int) -> None:
        if 0 <= row < len(self.specs):
            self.show_screen(self.specs[row].key)

    def _on_nav_dock_visibility_changed(self, visible: bool) -> None:
        if not self.isMinimized() and self.isVisible():
            self.actions_by_key["navigation"].setChecked(visible)

    def _on_screen_status(self, text: str) -> None:
        self.statusBar().showMessage(text, STATUS_TIMEOUT_MS)

    def _on_changes_changed(self, kind: str, _data: object) -> None:
        if kind in ("watcher.silent", "watcher.back"):
            self.banner.set_silent(kind == "watcher.silent" and self._watches_safety())
            return
        keys = self.screens.keys() if kind == RECONNECTED else STALE_AFTER.get(kind, ())
        for key in keys:
            screen = self.screens.get(key)
            if isinstance(screen, Refreshable):
                screen.refresh()

    def _watches_safety(self) -> bool:
        """Managers and safety leads: the people who must act when nobody watches."""
        return allows(self._actor, Permission.WATCH_SAFETY)

    def _on_find_triggered(self) -> None:
        screen = self.current_screen()
        if isinstance(screen, Searchable):
            screen.focus_search()

    def _on_refresh_triggered(self) -> None:
        screen = self.current_screen()
        if isinstance(screen, Refreshable):
            screen.refresh()

    def _on_settings_triggered(self) -> None:
        dialog = SettingsDialog(self._lang, self._settings.language, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        preference = dialog.language_preference()
        self._settings.language = preference
        self.set_language(choose_language(preference))

    def _on_about_triggered(self) -> None:
        QMessageBox.about(self, self._t("app.title"), self._t("ui.about.text", version=__version__))

    def _on_about_qt_triggered(self) -> None:
        QMessageBox.aboutQt(self, self._t("app.title"))
