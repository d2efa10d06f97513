"""The key that signs session cookies when SECRET_KEY is not set (development and sandbox).

It is made once, at random, in the instance folder with mode 0600, and every process on that
folder (gunicorn workers, RQ workers, the CLI) reads the same file, so a cookie one worker signed is
valid in all of them and survives restarts. It is never derived from a Twilio or admin token: those
are printed, pasted into consoles and shared, and anyone holding one could otherwise sign a cookie
for any user. Twilio mode refuses to start without an explicit SECRET_KEY (hotline/settings.py).
"""
from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from hotline.settings import SettingsError

KEY_FILE = "secret_key"


def instance_secret_key(instance_dir: Path) -> str:
    """The instance's signing key, created on first use; safe when many processes start at once."""
    path = instance_dir / KEY_FILE
    if not path.exists():
        _create(path)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        # Someone else on the machine may have read it: using it would accept their forgeries.
        raise SettingsError(f"SECRET_KEY: {path} is readable by others (mode {mode:04o}); "
                            f"delete it to make a new one, or set SECRET_KEY")
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 64:
        raise SettingsError(f"SECRET_KEY: {path} holds no usable key; delete it to make a new one, or set SECRET_KEY")
    return key


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written in full to a private temporary file, then linked into place: link() fails if another
    # process got there first, so every process ends up reading the one complete key, never a half
    # written one, and never one that a later process replaced.
    temporary = path.with_name(f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, 0o600)  # whatever the umask
        os.write(fd, (secrets.token_hex(32) + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
