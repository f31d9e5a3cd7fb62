"""The main window: design editor on the left; dashboard (with explanations), plots and the
catalog on the right; File and Edit menus; title with the file and a modified marker."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from PySide6.QtCore import QByteArray, QFileSystemWatcher, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox, QSplitter, QTabWidget

import planner
from planner.atomic import ReadOnlyFileError
from planner.errors import PlanError
from planner.report import write_report
from planner.summary import as_csv

from . import decide
from . import settings as _settings
from .catalog_browser import CatalogBrowser
from .dashboard import Dashboard
from .design_editor import DesignEditor
from .document import FileChangedError, PlanDocument
from .explain_panel import ExplainPanel
from .performance_panel import PerformancePanel
from .plots import PlotsPanel
from .preset_gallery import PresetGallery
from .recovery import RecoveryKeeper
from .recovery import scan as scan_recovery
from .view_state import ViewState

YAML_FILTER = "Cluster plans (*.yaml *.yml);;All files (*)"


class MainWindow(QMainWindow):
    last_error = ""

    def __init__(self, document: PlanDocument, parent=None):
        super().__init__(parent)
        self.document = document
        document.setParent(self)  # the document lives and dies with its window
        self.setAcceptDrops(True)
        # the precision a person chose last time (QSettings) is where the view starts
        self.state = ViewState(str(_settings.settings().value("dashboard/precision", "bf16")), parent=self)
        self.editor = DesignEditor(document)
        self.dashboard = Dashboard(document, self.state)
        self.explain = ExplainPanel(document, self.state)
        self.plots = PlotsPanel(document, self.state)
        self.catalog = CatalogBrowser(document)
        self.performance = PerformancePanel(document, self.state)

        self.dashboard.add_side_panel("How it is computed", self.explain)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        self.tabs.addTab(self.dashboard, "Dashboard")
        self.tabs.addTab(self.plots, "Plots")
        self.tabs.addTab(self.performance, "Performance")
        self.tabs.addTab(self.catalog, "Catalog")
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.editor)
        self.splitter.addWidget(self.tabs)
        self.splitter.setSizes([430, 1070])
        self.setCentralWidget(self.splitter)

        self.dashboard.explain_requested.connect(self._on_explain_requested)
        self.dashboard.field_requested.connect(self.select_field)
        self.explain.field_requested.connect(self.select_field)
        for source in (self.editor, self.catalog, self.performance):
            source.message.connect(self._show_status)
        document.path_changed.connect(self._update_title)
        document.modified_changed.connect(self._update_title)
        document.plan_changed.connect(self._update_title)
        document.evaluation_failed.connect(self._show_status)
        self.recovery = RecoveryKeeper(document)
        self.watcher = QFileSystemWatcher(self)
        self.watcher.fileChanged.connect(self._on_watched_file_changed)
        document.path_changed.connect(self._watch_current_file)
        self._watch_current_file()
        self._build_menus()
        decide.install(self)  # Compare menu, baseline deltas, Compare / Sensitivity / Uncertainty tabs
        self._update_title()
        self._restore_layout()
        self.statusBar().showMessage("Edit the plan on the left; every figure follows.", 5000)

    def _show_status(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    # -- menus -----------------------------------------------------------------------------
    def _action(self, menu, text, slot, shortcut=None, tip=""):
        act = QAction(text, self)
        if shortcut is not None:
            act.setShortcut(shortcut)
        act.setStatusTip(tip)
        act.triggered.connect(slot)
        menu.addAction(act)
        return act

    def _build_menus(self) -> None:
        bar = self.menuBar()
        f = bar.addMenu("&File")
        self._action(f, "&New from preset…", self._on_new_triggered, QKeySequence.StandardKey.New,
                     "Start from the plan of a real cluster")
        self._action(f, "&Open…", self._on_open_triggered, QKeySequence.StandardKey.Open)
        self.recent_menu = f.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        f.addSeparator()
        self._action(f, "&Save", self.save, QKeySequence.StandardKey.Save)
        self._action(f, "Save &as…", self.save_as, QKeySequence.StandardKey.SaveAs)
        f.addSeparator()
        ex = f.addMenu("&Export results")
        self._action(ex, "JSON…", lambda: self._on_export_triggered("json"))
        self._action(ex, "CSV…", lambda: self._on_export_triggered("csv"))
        self._action(ex, "HTML report…", lambda: self._on_export_triggered("html"))
        f.addSeparator()
        self._action(f, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        e = bar.addMenu("&Edit")
        undo = self.document.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.document.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        e.addAction(undo)
        e.addAction(redo)
        self.undo_action, self.redo_action = undo, redo

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = _settings.recent_files()
        if not files:
            self.recent_menu.addAction("(none)").setEnabled(False)
        for path in files:
            act = self.recent_menu.addAction(path)
            act.triggered.connect(lambda _=False, p=path: self.open_path(p))

    # -- title, layout ---------------------------------------------------------------------
    def _update_title(self, *_args) -> None:
        path = self.document.path
        name = path.name if path else f"{self.document.plan.name} (unsaved)"
        self.setWindowTitle(f"{name}[*] — Cluster Planner")
        self.setWindowModified(self.document.modified)

    def _restore_layout(self) -> None:
        s = _settings.settings()
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1500, 950)
        state = s.value("window/splitter")
        if isinstance(state, QByteArray):
            self.splitter.restoreState(state)

    def _save_layout(self) -> None:
        s = _settings.settings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/splitter", self.splitter.saveState())

    # -- explanations and navigation -------------------------------------------------------
    def _on_explain_requested(self, key: str) -> None:
        self.explain.show_key(key)

    def select_field(self, path: str) -> None:
        if not self.editor.select_field(path):
            self.statusBar().showMessage(f"No field at {path}", 5000)

    # -- files -------------------------------------------------------------------------------
    def ask_save_changes(self) -> QMessageBox.StandardButton:
        """Save, Discard or Cancel; a separate method so tests can answer it."""
        return QMessageBox.question(
            self, "Unsaved changes", "The plan has unsaved changes. Save them first?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save)

    def maybe_save(self) -> bool:
        """True when it is fine to drop the current plan (saved, discarded or unchanged)."""
        if not self.document.modified:
            return True
        answer = self.ask_save_changes()
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def show_error(self, title: str, text: str) -> None:
        """Show a message (plain text: plan text is never read as markup) without blocking."""
        self.last_error = text
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setObjectName("error_box")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def open_path(self, path) -> bool:
        if not self.maybe_save():
            return False
        try:
            self.document.load_file(path)
        except PlanError as exc:
            self.show_error("Cannot open plan", str(exc))
            return False
        _settings.add_recent_file(str(path))
        self.statusBar().showMessage(f"Opened {path}", 5000)
        return True

    def _on_open_triggered(self) -> None:
        start = str(self.document.path.parent) if self.document.path else str(Path.cwd())
        path, _ = QFileDialog.getOpenFileName(self, "Open plan", start, YAML_FILTER)
        if path:
            self.open_path(path)

    def _on_new_triggered(self) -> None:
        if not self.maybe_save():
            return
        gallery = PresetGallery(self)
        if gallery.exec() and gallery.selected():
            self.new_from_preset(gallery.selected())

    def new_from_preset(self, name: str) -> None:
        plan = planner.load(planner.preset_path(name))
        self.document.load_plan(plan, f"New from preset {name}")

    # -- the file on disk, and recovery -------------------------------------------------------
    def _watch_current_file(self, *_args) -> None:
        if self.watcher.files():
            self.watcher.removePaths(self.watcher.files())
        path = self.document.path
        if path is not None and path.exists():
            self.watcher.addPath(str(path))

    def _on_watched_file_changed(self, path: str) -> None:
        self._watch_current_file()  # an atomic replace ends the watch on the old file: watch the new one
        if self.document.path is not None and str(self.document.path) == path:
            self.check_file_on_disk()

    def check_file_on_disk(self) -> None:
        """If the open file changed elsewhere, ask whether to reload it or keep this version."""
        if not self.document.disk_changed():
            return
        if self.ask_reload():
            try:
                self.document.load_file(self.document.path)
            except PlanError as exc:
                self.show_error("Cannot reload plan", str(exc))
                return
            self.statusBar().showMessage(f"Reloaded {self.document.path}", 5000)
        else:
            self.statusBar().showMessage("Kept this version; saving will ask before overwriting the newer file.",
                                         8000)

    def ask_reload(self) -> bool:
        """Reload (losing unsaved edits) or keep this version; a method so tests can answer it."""
        answer = QMessageBox.question(
            self, "File changed on disk",
            f"{self.document.path} was changed by another program.\nReload it (losing any unsaved edits here), "
            "or keep this version?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def ask_overwrite(self) -> bool:
        answer = QMessageBox.question(
            self, "Overwrite newer file?",
            f"{self.document.path} was changed by another program since you opened it.\nOverwrite it with this "
            "version?", QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def ask_restore(self, found) -> bool:
        """Restore one recovery copy (Yes) or discard it (No); a method so tests can answer it."""
        where = str(found.original) if found.original else "an unsaved plan"
        index, count = self._recovery_position
        which = f" (copy {index} of {count})" if count > 1 else ""
        answer = QMessageBox.question(
            self, "Restore unsaved edits?",
            f"Cluster Planner did not close normally. Unsaved edits of {where} (\"{found.plan.name}\"), "
            f"written {found.written}, were kept{which}.\nRestore them? No discards this copy.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes)
        return answer == QMessageBox.StandardButton.Yes

    _recovery_position = (1, 1)

    def offer_recovery(self) -> bool:
        """After a crash: offer each recovery copy in turn, newest first, until one is restored
        (this window holds one plan). Copies restored or declined are deleted; the others stay
        for the next start; unreadable ones are set aside. True if one was restored."""
        result = scan_recovery(self.recovery.folder.parent)
        notes = []
        if result.set_aside:
            n = len(result.set_aside)
            notes.append(f"Set aside {n} unreadable recovery cop{'y' if n == 1 else 'ies'} in {result.folder}.")
        restored = None
        for index, item in enumerate(result.found, 1):
            self._recovery_position = (index, len(result.found))
            answer = self.ask_restore(item)
            item.copy.unlink(missing_ok=True)  # restored (written again below) or declined
            if answer:
                restored = item
                break
        if restored is not None:
            self.document.restore(restored.plan, restored.original)
            self.recovery.write_now()
            notes.insert(0, "Restored the unsaved edits; save to keep them.")
            left = len(result.found) - result.found.index(restored) - 1
            if left:
                notes.append(f"{left} more unsaved cop{'y is' if left == 1 else 'ies are'} kept for the next start.")
        if notes:
            self.statusBar().showMessage(" ".join(notes), 15000)
        return restored is not None

    def save(self) -> bool:
        if self.document.path is None:
            return self.save_as()
        return self._save_to(self.document.path)

    def save_as(self) -> bool:
        suggested = self.document.path or Path.cwd() / f"{self.document.plan.name.lower().replace(' ', '-')}.yaml"
        path, _ = QFileDialog.getSaveFileName(self, "Save plan", str(suggested), YAML_FILTER)
        return self._save_to(Path(path)) if path else False

    def ask_overwrite_readonly(self, path) -> bool:
        """Replace a read-only file or not (default: not); a method so tests can answer it."""
        answer = QMessageBox.question(
            self, "Overwrite read-only file?",
            f"{path} is read-only.\nReplace it with this version anyway (it stays read-only)?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def _save_to(self, path: Path) -> bool:
        options = {"overwrite_changed": False, "overwrite_readonly": False}
        try:
            while True:
                try:
                    self.document.save(path, **options)
                    break
                except FileChangedError:
                    if not self.ask_overwrite():
                        self.statusBar().showMessage("Not saved: the file on disk is newer.", 8000)
                        return False
                    options["overwrite_changed"] = True
                except ReadOnlyFileError:
                    if options["overwrite_readonly"] or not self.ask_overwrite_readonly(path):
                        self.statusBar().showMessage(f"Not saved: {path} is read-only.", 8000)
                        return False
                    options["overwrite_readonly"] = True
        except OSError as exc:
            self.show_error("Save failed", f"Could not save {path}: {exc.strerror or exc}.\n"
                                           "Nothing was written; your edits are still here.")
            return False
        except PlanError as exc:
            self.show_error("Save failed", f"Could not save {path}:\n{exc}\nYour edits are still here.")
            return False
        _settings.add_recent_file(str(path))
        self.statusBar().showMessage(f"Saved {path}", 5000)
        return True

    def _on_export_triggered(self, fmt: str) -> None:
        stem = (self.document.path.stem if self.document.path else "results")
        path, _ = QFileDialog.getSaveFileName(self, f"Export {fmt.upper()}", f"{stem}.{fmt}",
                                              f"{fmt.upper()} (*.{fmt})")
        if path:
            self.export(path, fmt)

    def export(self, path, fmt: str) -> bool:
        from planner.atomic import write_text

        plan, results = self.document.plan, self.document.results
        precision = self.state.precision
        if results is None:  # never write another plan's figures under this plan's name
            self.show_error("Export refused", f"Nothing was exported: {self.document.failure}")
            return False
        try:
            if fmt == "json":
                write_text(path, json.dumps(results.to_dict(), indent=2) + "\n")
            elif fmt == "csv":
                write_text(path, as_csv(results, precision))
            else:
                write_report(plan, path, precision)
        except OSError as exc:
            self.show_error("Export failed", f"Could not write {path}: {exc.strerror or exc}")
            return False
        self.statusBar().showMessage(f"Exported {escape(str(path))}", 5000)
        return True

    # -- drag and drop, close --------------------------------------------------------------
    def dragEnterEvent(self, event):  # noqa: N802 - Qt's name
        urls = event.mimeData().urls()
        if urls and urls[0].toLocalFile().lower().endswith((".yaml", ".yml")):
            event.acceptProposedAction()

    def dropEvent(self, event):  # noqa: N802 - Qt's name
        urls = event.mimeData().urls()
        if urls:
            self.open_path(urls[0].toLocalFile())
            event.acceptProposedAction()

    def closeEvent(self, event):  # noqa: N802 - Qt's name
        if self.maybe_save():
            self.recovery.remove()  # saved, discarded or unchanged: nothing left to recover
            self._save_layout()
            event.accept()
        else:
            event.ignore()
