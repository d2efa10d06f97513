"""The scripts file as the running desk sees it: reloaded when an operator saves it, and the last
good version kept (with the error logged) when a save is broken, so the desk never goes blank."""
from __future__ import annotations

import logging
import threading
from pathlib import Path

from desk.scripts import DEFAULT_PATH, Scripts, ScriptsError, load_scripts

log = logging.getLogger(__name__)


class ScriptStore:
    def __init__(self, path: Path | None) -> None:
        self.path = Path(path or DEFAULT_PATH)
        self._lock = threading.Lock()
        self._scripts = load_scripts(self.path)  # a broken file at start-up stops start-up
        self._mtime = self._stat()
        self.last_error: str | None = None

    def _stat(self) -> float | None:
        try:
            return self.path.stat().st_mtime
        except OSError:
            return None

    def current(self) -> Scripts:
        mtime = self._stat()
        if mtime != self._mtime:
            with self._lock:
                if mtime != self._mtime:
                    self._mtime = mtime
                    try:
                        self._scripts = load_scripts(self.path)
                        self.last_error = None
                    except ScriptsError as exc:
                        self.last_error = str(exc)
                        log.error("desk scripts not reloaded, keeping the last good ones: %s", exc)
        return self._scripts
