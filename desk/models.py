"""The desk's tables, and the users table it migrates for hotline.auth (so the schema check sees it)."""
from __future__ import annotations

from hotline.auth.models import User

__all__ = ["User"]
