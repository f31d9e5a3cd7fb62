"""The main window: the design editor in a dock on the left (it can float, move or close: View >
Design editor); dashboard (with explanations), plots, performance and the catalog in tabs; File,
Edit, View and Help menus (ui.menus); title with the file and a modified marker. It fits the
screen it opens on, and undo and redo always act on the plan (a field being typed in is
committed first)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QFileSystemWatcher, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMainWindow, QMessageBox

import planner
from planner.errors import PlanError

from . import decide
from . import settings as _settings
from .catalog_browser import CatalogBrowser
from .dashboard import Dashboard
from .design_editor import DesignEditor
from .document import PlanDocument
from .explain_panel import ExplainPanel
from .icon import icon as app_icon
from .menus import build_menus
from .network_panel import NetworkPanel
from .performance_panel import PerformancePanel
from .plots import PlotsPanel
from .preset_gallery import PresetGallery
from .racks_panel import RacksPanel
from .recovery import RecoveryKeeper
from .recovery import scan as scan_recovery
from .screen_fit import fit_default, pull_inside
from .tabs import ScrollingTabs
from .view_state import ViewState
from .window_files import YAML_FILTER, FileCommands


class MainWindow(FileCommands, QMainWindow):
    last_error = ""
    keep_layout = True  # save size, place and docks on close (not for a screenshot)

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
        self.network = NetworkPanel(document, self.state)
        self.racks = RacksPanel(document, self.state)

        self.dashboard.add_side_panel("How it is computed", self.explain)
        self.tabs = ScrollingTabs()  # a page wider than the window scrolls; the window never widens
        self.tabs.setObjectName("tabs")
        self.tabs.setAccessibleName("Views")
        self.tabs.addTab(self.dashboard, "Dashboard", scroll=False)  # it reflows and scrolls itself
        self.tabs.addTab(self.plots, "Plots")
        self.tabs.addTab(self.performance, "Performance")
        self.tabs.addTab(self.network, "Network")
        self.tabs.addTab(self.racks, "Racks and cooling")
        self.tabs.addTab(self.catalog, "Catalog")
        self.setCentralWidget(self.tabs)
        self.editor_dock = QDockWidget("Design", self)
        self.editor_dock.setObjectName("design_dock")
        self.editor_dock.setWidget(self.editor)
        self.editor_dock.setAllowedAreas(Qt.DockWidgetArea.LeftDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.editor_dock)
        self.setWindowIcon(app_icon())

        self.dashboard.explain_requested.connect(self._on_explain_requested)
        self.dashboard.field_requested.connect(self.select_field)
        self.explain.field_requested.connect(self.select_field)
        self.editor.history_requested.connect(lambda which: self.undo() if which == "undo" else self.redo())
        for source in (self.editor, self.catalog, self.performance, self.network, self.racks):
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
        build_menus(self)
        decide.install(self)  # Compare menu, baseline deltas, Compare / Sensitivity / Uncertainty tabs
        self._update_title()
        self._restore_layout()
        self.statusBar().showMessage("Edit the plan on the left; every figure follows.", 5000)

    def _show_status(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    # -- undo and redo: always the plan's --------------------------------------------------
    def undo(self) -> None:
        """Undo the last edit of the plan; text typed into a field is committed first (as its own
        step), so the field and every figure agree afterwards."""
        self.editor.commit_pending(merge=False)
        if self.document.undo_stack.canUndo():
            self.document.undo_stack.undo()
        else:
            self.statusBar().showMessage("Nothing to undo.", 3000)

    def redo(self) -> None:
        self.editor.commit_pending(merge=False)
        if self.document.undo_stack.canRedo():
            self.document.undo_stack.redo()
        else:
            self.statusBar().showMessage("Nothing to redo.", 3000)

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
        if not (isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)):
            fit_default(self, 1500, 950)
        state = s.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        pull_inside(self)  # saved on a larger screen, or at another scale: bring it back on this one

    _dock_sized = False

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self._dock_sized and not isinstance(_settings.settings().value("window/state"), QByteArray):
            self._dock_sized = True  # first start: the editor gets about 30% of the width, once laid out
            QTimer.singleShot(0, self.size_editor_dock)

    def size_editor_dock(self) -> None:
        width = min(max(int(self.width() * 0.3), 280), 460)
        self.resizeDocks([self.editor_dock], [width], Qt.Orientation.Horizontal)

    def _save_layout(self) -> None:
        s = _settings.settings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())

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
            if self.keep_layout:
                self._save_layout()
            event.accept()
        else:
            event.ignore()
