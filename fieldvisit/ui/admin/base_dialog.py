"""Choosing a crew's base on a map: click to place it, the coordinates go into the crew form."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from fieldvisit.i18n import translate
from fieldvisit.ui.maps.base_picker import BasePicker
from fieldvisit.ui.maps.case_map import MapPoint


class BaseDialog(QDialog):
    """The crew's current base (if any) and the team's other bases; OK keeps the clicked place."""

    def __init__(
        self,
        crew: str,
        base: tuple[float, float] | None,
        others: Sequence[MapPoint],
        lang: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._lang = lang
        self.setWindowTitle(translate("org.ui.base.title", lang, crew=crew or "—"))
        hint = QLabel(translate("org.ui.base.hint", lang), self)
        hint.setWordWrap(True)
        self.picker = BasePicker(self)
        self.picker.show_places(base, others)
        self.where = QLabel(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.picker, 1)
        layout.addWidget(self.where)
        layout.addWidget(self.buttons)
        self.picker.picked.connect(self._on_picker_picked)
        self._show_where()

    def chosen(self) -> tuple[float, float] | None:
        return self.picker.marker

    def _on_picker_picked(self, _lat: float, _lon: float) -> None:
        self._show_where()

    def _show_where(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(self.picker.marker is not None)
        if self.picker.marker is None:
            self.where.setText(translate("org.ui.base.none", self._lang))
            return
        lat, lon = self.picker.marker
        self.where.setText(translate("org.ui.base.at", self._lang, lat=f"{lat:.6f}",
                                     lon=f"{lon:.6f}"))  # fmt: skip
