"""The error every JSON answer raises: `abort_json(status, message)`, turned into `{"error": ...}`
by hotline.api.errors. Apart from the API package so that the parsers it uses (hotline.params)
can raise it without importing the API."""
from __future__ import annotations

from typing import Any, NoReturn


class ApiError(Exception):
    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra


def abort_json(status: int, message: str, **extra: Any) -> NoReturn:
    raise ApiError(status, message, **extra)
