"""Saving and exporting, for the main window (a mixin: the window's methods, in their own file).
Every failure says what happened and keeps the edits; plan text shown in the status bar is plain
text (a file named ``a&b.json`` reads ``a&b``)."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from planner.atomic import ReadOnlyFileError
from planner.errors import PlanError
from planner.summary import as_csv

from . import settings as _settings
from .document import FileChangedError

YAML_FILTER = "Cluster plans (*.yaml *.yml);;All files (*)"


class FileCommands:
    """Save, Save as and Export; mixed into MainWindow (uses its document, state and status bar)."""

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
                from planner.report import write_report  # numpy and the charts load when first needed

                write_report(plan, path, precision)
        except OSError as exc:
            self.show_error("Export failed", f"Could not write {path}: {exc.strerror or exc}")
            return False
        self.statusBar().showMessage(f"Exported {path}", 5000)  # plain text: no entities
        return True
