"""The Debian programs some tests need (espeak-ng and sox to make call audio, chromium for the pages).

`make test` installs them when run as root (scripts/system-packages.sh); elsewhere a test that needs a
missing one is skipped with one line naming the command to run, never a FileNotFoundError.
"""
from __future__ import annotations

import shutil

import pytest

# program -> Debian package
PACKAGES = {"espeak-ng": "espeak-ng", "sox": "sox", "chromium": "chromium"}


def missing(*programs: str) -> list[str]:
    return [program for program in programs if shutil.which(program) is None]


def install_hint(programs: list[str]) -> str:
    packages = " ".join(PACKAGES.get(p, p) for p in programs)
    return (f"{', '.join(programs)} not installed: run `sudo apt-get install -y {packages}` "
            f"(`make test` does it when run as root)")


def require(*programs: str) -> None:
    """Skip the calling test or fixture, with the command to run, if a program is missing."""
    absent = missing(*programs)
    if absent:
        pytest.skip(install_hint(absent))
