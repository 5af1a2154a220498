"""Start of a session: pick an active user (password login from issue 8 replaces this dialog).

Start-up asks a ``SignIn`` callable for the Actor; a login dialog only has to be another one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.domain.access import Actor
from fieldvisit.i18n import translate
from fieldvisit.services.admin.users import UserChoice, UserDirectory
from fieldvisit.ui.app_settings import AppSettings

SignIn = Callable[[QWidget | None], Actor | None]


class UserChooserDialog(QDialog):
    """Lists active users with their role and team; the last user is preselected."""

    def __init__(
        self,
        users: Sequence[UserChoice],
        lang: str,
        last_user_id: int | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("ui.chooser.title", lang))
        self.list = QListWidget(self)
        for user in users:
            role = translate(f"role.{user.role.value}", lang)
            team = f" · {user.team}" if user.team else ""
            item = QListWidgetItem(f"{user.display_name}  ({user.username})  —  {role}{team}")
            item.setData(Qt.ItemDataRole.UserRole, user.id)
            self.list.addItem(item)
            if user.id == last_user_id:
                self.list.setCurrentItem(item)
        if self.list.currentRow() < 0 and self.list.count():
            self.list.setCurrentRow(0)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.list.itemDoubleClicked.connect(self._on_list_item_double_clicked)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(translate("ui.chooser.prompt", lang), self))
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.resize(460, 420)

    def chosen_user_id(self) -> int | None:
        item = self.list.currentItem()
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def _on_list_item_double_clicked(self, _item: QListWidgetItem) -> None:
        self.accept()


def user_chooser(users: UserDirectory, settings: AppSettings, lang: Callable[[], str]) -> SignIn:
    """A ``SignIn`` that shows the chooser and remembers the choice for next time."""

    def sign_in(parent: QWidget | None) -> Actor | None:
        dialog = UserChooserDialog(users.active_users(), lang(), settings.last_user_id, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        user_id = dialog.chosen_user_id()
        if user_id is None:
            return None
        settings.last_user_id = user_id
        return users.actor(user_id)

    return sign_in
