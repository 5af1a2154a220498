"""Password login at the start of a session: a dialog that returns the signed-in Actor.

``password_sign_in(auth, lang)`` is a ``SignIn`` (``fieldvisit.ui.user_chooser``): start-up calls it
with a parent and receives the Actor, or None when the user cancelled.
"""

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
from fieldvisit.services.admin.auth import AuthService


class LoginDialog(QDialog):
    """User name and password; a refusal (wrong password, locked) is shown in the dialog."""

    def __init__(
        self, auth: AuthService, lang: str, username: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._auth = auth
        self._lang = lang
        self.actor: Actor | None = None
        self.setWindowTitle(translate("records.login.title", lang))
        self.username = QLineEdit(username, self)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(translate("records.login.username", lang), self.username)
        form.addRow(translate("records.login.password", lang), self.password)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        (self.password if username else self.username).setFocus()

    def _on_buttons_accepted(self) -> None:
        # Verifying an argon2 hash takes a fraction of a second: short enough to wait for here.
        try:
            self.actor = self._auth.login(self.username.text(), self.password.text())
        except FieldVisitError as exc:
            self.message.setText(render(exc.message, self._lang))
            self.password.clear()
            self.password.setFocus()
            return
        self.accept()


def password_sign_in(
    auth: AuthService, lang: str, username: str = ""
) -> Callable[[QWidget | None], Actor | None]:
    """A SignIn for start-up: shows the dialog and returns the Actor, or None on cancel."""

    def sign_in(parent: QWidget | None) -> Actor | None:
        dialog = LoginDialog(auth, lang, username, parent)
        return dialog.actor if dialog.exec() == QDialog.DialogCode.Accepted else None

    return sign_in
