"""The menu the IVR is serving: re-read when its file changes, the last good tree kept otherwise.

Each web process checks the file's modification time on each call step (one stat) and re-reads it
when it changed, so an operator's edit reaches every process without a restart. A file that fails
its checks is logged (file, line, field) once per change and the previous tree keeps answering
callers. At start-up with a broken file and nothing to fall back on, the shipped default menu
serves until the file is fixed.
"""
from __future__ import annotations

import logging
import threading
from pathlib import Path

from flask import current_app

from ivr.menu import MenuTree
from ivr.menu_loader import MenuError, load_menu

DEFAULT_MENU_PATH = Path(__file__).with_name("menu.yaml")
log = logging.getLogger(__name__)


class MenuStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._tree: MenuTree | None = None
        self.last_error: str | None = None

    def _file_stamp(self) -> tuple[int, int] | None:
        try:
            stat = self.path.stat()
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def current(self) -> MenuTree:
        stamp = self._file_stamp()
        if stamp is not None and stamp == self._stamp and self._tree is not None:
            return self._tree
        with self._lock:
            if stamp != self._stamp or self._tree is None:
                self._stamp = stamp
                self._reload()
            assert self._tree is not None
            return self._tree

    def _reload(self) -> None:
        try:
            tree = load_menu(self.path)
        except MenuError as exc:
            self.last_error = str(exc)
            keeping = "keeping the last good menu" if self._tree else "serving the default menu"
            log.error("IVR menu refused, %s:\n%s", keeping, exc)
            if self._tree is None:
                self._tree = load_menu(DEFAULT_MENU_PATH)
            return
        if self._tree is not None:
            log.info("IVR menu reloaded from %s", self.path)
        self._tree = tree
        self.last_error = None


def get_menu() -> MenuTree:
    return current_app.extensions["hotline.ivr_menu"].current()
