"""The menu the IVR is serving: the menu file as a `hotline.data_files.LiveFile`.

Each web process stats the file on each call step and re-reads it when it changed, so an
operator's edit reaches every process without a restart. A file that fails its checks is logged
(file, line, field) once per change and the previous tree keeps answering callers. At start-up
with a broken file and nothing to fall back on, the shipped default menu serves until it is fixed.
"""
from __future__ import annotations

from pathlib import Path

from flask import current_app

from hotline.data_files import LiveFile
from ivr.menu import MenuTree
from ivr.menu_loader import DEFAULT_MENU_PATH, MENU

__all__ = ["DEFAULT_MENU_PATH", "menu_store", "get_menu"]


def menu_store(path: Path | None) -> LiveFile[MenuTree]:
    return LiveFile(MENU, path or DEFAULT_MENU_PATH, fallback=DEFAULT_MENU_PATH)


def get_menu() -> MenuTree:
    return current_app.extensions["hotline.ivr_menu"].current()
