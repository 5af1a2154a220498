"""The Import dialog: choose a file and creditor, edit the column mapping, validate, import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.domain.access import Actor
from fieldvisit.domain.import_fields import ImportKind
from fieldvisit.i18n import translate
from fieldvisit.services.importing.files import write_error_file
from fieldvisit.services.importing.service import (
    ImportPreview,
    ImportReport,
    ImportRequest,
    ImportService,
)
from fieldvisit.ui.importing.models import FieldDelegate, MappingModel, PreviewModel, ReportModel
from fieldvisit.ui.tasks import Progress, Task, TaskRunner

SAVED_MAPPING = "default"  # the mapping a creditor's next file starts from


class ImportDialog(QDialog):
    """Standalone: the main window opens it with the shared TaskRunner, listens to ``imported``."""

    imported = Signal(object)  # ImportReport, after a committed import

    def __init__(
        self,
        service: ImportService,
        runner: TaskRunner,
        lang: str,
        actor: Actor | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._service, self._runner, self._lang, self._actor = service, runner, lang, actor
        self._task: Task | None = None
        self._dry_run = True
        self._last: tuple[ImportReport, Any] | None = None
        self.setWindowTitle(self._t("dialog.import.title"))
        self.resize(900, 640)
        self.mapping_model = MappingModel(lang, self)
        self.preview_model = PreviewModel(self)
        self.report_model = ReportModel(lang, self)
        self._build()
        self._runner.submit(lambda _p: self._service.creditors(), self._on_creditors_loaded)

    def _t(self, message_id: str, **params: Any) -> str:
        return translate(message_id, self._lang, **params)

    def _build(self) -> None:
        self.path_edit = QLineEdit(self)
        self.path_edit.editingFinished.connect(self._on_path_edit_editing_finished)
        browse = QPushButton(self._t("dialog.import.browse"), self)
        browse.clicked.connect(self._on_browse_clicked)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path_edit)
        file_row.addWidget(browse)
        self.kind_combo = QComboBox(self)
        for kind in ImportKind:
            self.kind_combo.addItem(self._t(f"import.kind.{kind.value}"), kind)
        self.kind_combo.currentIndexChanged.connect(self._on_kind_combo_changed)
        self.creditor_combo = QComboBox(self)
        self.creditor_combo.setEditable(True)
        self.creditor_combo.currentTextChanged.connect(self._on_kind_combo_changed)
        form = QFormLayout()
        form.addRow(self._t("dialog.import.file"), file_row)
        form.addRow(self._t("dialog.import.kind"), self.kind_combo)
        form.addRow(self._t("dialog.import.creditor"), self.creditor_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self._build_tabs())
        self.keep_valid = QCheckBox(self._t("dialog.import.keep_valid"), self)
        layout.addWidget(self.keep_valid)
        self.progress = QProgressBar(self)
        self.status = QLabel(self)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addLayout(self._build_buttons())

    def _build_tabs(self) -> QTabWidget:
        self.tabs = QTabWidget(self)
        self.mapping_view = self._table(self.mapping_model)
        self.mapping_view.setItemDelegateForColumn(1, FieldDelegate(self.mapping_model, self))
        self.preview_view = self._table(self.preview_model)
        self.report_view = self._table(self.report_model)
        self.tabs.addTab(self.mapping_view, self._t("dialog.import.mapping"))
        self.tabs.addTab(self.preview_view, self._t("dialog.import.preview"))
        self.tabs.addTab(self.report_view, self._t("dialog.import.report"))
        return self.tabs

    def _table(self, model: Any) -> QTableView:
        view = QTableView(self)
        view.setModel(model)
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        view.horizontalHeader().setStretchLastSection(True)
        return view

    def _build_buttons(self) -> QHBoxLayout:
        self.validate_button = QPushButton(self._t("dialog.import.validate"), self)
        self.import_button = QPushButton(self._t("dialog.import.import"), self)
        self.cancel_button = QPushButton(self._t("dialog.import.cancel"), self)
        self.save_errors_button = QPushButton(self._t("dialog.import.save_errors"), self)
        close = QPushButton(self._t("dialog.import.close"), self)
        self.validate_button.clicked.connect(lambda: self._start(dry_run=True))
        self.import_button.clicked.connect(lambda: self._start(dry_run=False))
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        self.save_errors_button.clicked.connect(self._on_save_errors_clicked)
        close.clicked.connect(self.reject)
        row = QHBoxLayout()
        for button in (self.save_errors_button, self.validate_button, self.import_button):
            row.addWidget(button)
        row.addStretch()
        row.addWidget(self.cancel_button)
        row.addWidget(close)
        self._set_busy(False)
        return row

    # -- state -------------------------------------------------------------------------------

    def kind(self) -> ImportKind:
        return ImportKind(self.kind_combo.currentData())

    def creditor(self) -> str | None:
        return self.creditor_combo.currentText().strip() or None

    def set_file(self, path: Path) -> None:
        self.path_edit.setText(str(path))
        self._load_preview()

    def _set_busy(self, busy: bool) -> None:
        ready = not busy and bool(self.path_edit.text())
        self.validate_button.setEnabled(ready)
        self.import_button.setEnabled(ready)
        self.cancel_button.setEnabled(busy)
        self.save_errors_button.setEnabled(not busy and bool(self._last and self._last[0].errors))

    # -- handlers ----------------------------------------------------------------------------

    def _on_creditors_loaded(self, codes: list[str]) -> None:
        current = self.creditor_combo.currentText()
        self.creditor_combo.blockSignals(True)
        self.creditor_combo.addItems(codes)
        self.creditor_combo.setCurrentText(current or (codes[0] if len(codes) == 1 else ""))
        self.creditor_combo.blockSignals(False)

    def _on_browse_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self._t("dialog.import.title"), "", self._t("dialog.import.file_filter")
        )
        if path:
            self.set_file(Path(path))

    def _on_path_edit_editing_finished(self) -> None:
        self._load_preview()

    def _on_kind_combo_changed(self, *_args: object) -> None:
        self._load_preview()

    def _load_preview(self) -> None:
        if not self.path_edit.text():
            return
        path, kind, creditor = Path(self.path_edit.text()), self.kind(), self.creditor()
        self._runner.submit(
            lambda _p: self._service.preview(path, kind, creditor),
            self._on_preview_loaded,
        )
        self._set_busy(False)

    def _on_preview_loaded(self, preview: ImportPreview) -> None:
        self.mapping_model.reset(preview.headers, preview.mapping, preview.fields)
        self.preview_model.reset(preview.headers, preview.rows)
        self.report_model.reset(())
        self._last = None
        self.status.clear()
        self._set_busy(False)

    def _start(self, *, dry_run: bool) -> None:
        request = ImportRequest(
            self.kind(), Path(self.path_edit.text()).name, self.creditor(),
            mapping=self.mapping_model.mapping(), dry_run=dry_run,
            keep_valid=self.keep_valid.isChecked(),
            save_mapping_as=None if dry_run else SAVED_MAPPING,
        )  # fmt: skip
        path, actor = Path(self.path_edit.text()), self._actor
        self._dry_run = dry_run

        def work(progress: Progress) -> tuple[ImportReport, Any]:
            # Background thread: only the service and the progress handle, never a widget.
            return self._service.run_file(
                path, request, actor, progress.report, lambda: progress.cancelled
            )

        self.status.setText(self._t("dialog.import.status.working"))
        self.progress.setRange(0, 0)
        self._task = self._runner.submit(work, self._on_import_finished)
        self._task.progressed.connect(self._on_task_progressed)
        self._task.ended.connect(self._on_task_ended)
        self._set_busy(True)

    def _on_task_progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _on_task_ended(self) -> None:
        cancelled = self._task is not None and self._task.cancelled
        self._task = None
        self.progress.setRange(0, 1)
        self.progress.setValue(0 if cancelled else 1)
        if cancelled:
            self.status.setText(self._t("dialog.import.status.cancelled"))
        elif self.status.text() == self._t("dialog.import.status.working"):
            self.status.clear()  # it failed; the application's error reporter has shown why
        self._set_busy(False)

    def _on_cancel_clicked(self) -> None:
        if self._task is not None:
            self._task.cancel()

    def _on_import_finished(self, result: tuple[ImportReport, Any]) -> None:
        report, _table = result
        self._last = result
        self.report_model.reset(report.errors)
        if report.errors:
            self.tabs.setCurrentWidget(self.report_view)
        self.status.setText(self._summary(report))
        if report.committed:
            self.imported.emit(report)
        self._set_busy(False)

    def _summary(self, report: ImportReport) -> str:
        counts = report.counts
        if report.committed:
            return self._t(
                "dialog.import.status.done", created=counts.created, updated=counts.updated,
                unchanged=counts.unchanged, rejected=report.rejected,
            )  # fmt: skip
        if not report.errors:
            return self._t("dialog.import.status.valid", total=report.total)
        key = "dialog.import.status.invalid" if self._dry_run else "dialog.import.status.failed"
        return self._t(key, total=report.total, rejected=report.rejected)

    def _on_save_errors_clicked(self) -> None:
        if self._last is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, self._t("dialog.import.save_errors"), "", self._t("dialog.import.file_filter")
        )
        if path:
            self.save_errors(Path(path))

    def save_errors(self, path: Path) -> int:
        """Write the rejected rows of the last run to ``path`` (CSV, UTF-8 with BOM)."""
        if self._last is None:
            return 0
        report, table = self._last
        return write_error_file(path, table, report.errors, self._lang)
