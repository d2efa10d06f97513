"""What the in-process benchmarks share: a throwaway app and a percentile.

The app runs on SQLite and the embedded Redis under a temporary folder, or on DATABASE_URL/REDIS_URL
when set (then the schema is upgraded in place), with a frozen clock so the benchmark decides time.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class Throwaway:
    app: Any
    client: Any
    settings: Any
    admin: dict[str, str]  # the Authorization header of the admin token

    @property
    def backend(self) -> str:
        return "PostgreSQL" if self.settings.database_url.startswith("postgresql") else "SQLite"


def throwaway_app(prefix: str) -> Throwaway:
    from hotline import create_app
    from hotline.clock import FrozenClock
    from hotline.migrate import upgrade
    from hotline.settings import Settings

    settings = Settings.for_tests(Path(tempfile.mkdtemp(prefix=prefix)))
    upgrade(settings.database_url)
    app = create_app(settings, clock=FrozenClock())
    return Throwaway(app, app.test_client(), settings, {"Authorization": f"Bearer {settings.admin_token}"})


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]
