"""The first run on an empty database: create the first administrator instead of a sign-in
nobody could pass, then continue signed in as them."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.domain.access import Actor
from fieldvisit.domain.errors import FieldVisitError
from fieldvisit.i18n import render, translate
from fieldvisit.services.catalog import Services
from fieldvisit.ui.login_dialog import password_sign_in


class FirstRunDialog(QDialog):
    """Name and password (twice) of the first administrator; a refusal is shown in the dialog."""

    def __init__(
        self,
        services: Services,
        lang: str,
        parent: QWidget | None = None,
        set_up: Callable[[], object] = lambda: None,
    ) -> None:
        super().__init__(parent)
        self._services, self._lang, self._set_up = services, lang, set_up
        self.actor: Actor | None = None
        self.setWindowTitle(translate("org.ui.first_run.title", lang))
        intro = QLabel(translate("org.ui.first_run.intro", lang), self)
        intro.setWordWrap(True)
        self.username = QLineEdit("admin", self)
        self.display_name = QLineEdit(self)
        self.password = QLineEdit(self)
        self.again = QLineEdit(self)
        for field in (self.password, self.again):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        for key, widget in (("username", self.username), ("display_name", self.display_name),
                            ("password", self.password), ("again", self.again)):  # fmt: skip
            form.addRow(translate(f"org.ui.first_run.{key}", lang), widget)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.password.setFocus()

    def _on_buttons_accepted(self) -> None:
        if self.password.text() != self.again.text():
            self.message.setText(translate("org.ui.first_run.mismatch", self._lang))
            self.again.clear()
            return
        name = self.username.text().strip()
        try:
            self._set_up()
            self._services.user_admin.bootstrap_admin(
                name, self.display_name.text().strip() or name, self.password.text()
            )
            self.actor = self._services.auth.login(name, self.password.text())
        except FieldVisitError as exc:
            self.message.setText(render(exc.message, self._lang))
            return
        self.accept()


def first_run_sign_in(
    services: Services, lang: str, set_up: Callable[[], object] = lambda: None
) -> Callable[[QWidget | None], Actor | None]:
    """A SignIn: the first-run dialog while nobody exists, the password dialog afterwards.

    ``set_up`` prepares a new database before its first administrator is written (the start-up
    passes the creation of its audit key).
    """
    password = password_sign_in(services.auth, lang)

    def sign_in(parent: QWidget | None) -> Actor | None:
        if not services.org.is_empty():
            return password(parent)
        dialog = FirstRunDialog(services, lang, parent, set_up)
        return dialog.actor if dialog.exec() == QDialog.DialogCode.Accepted else None

    return sign_in
