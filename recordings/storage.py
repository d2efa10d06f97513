"""Where recordings live on disk: RECORDINGS_DIR/yyyy/mm/dd/<RecordingSid>.wav, written atomically.

Every path that comes from a request or the database goes through `resolve_inside`, so nothing can
reach a file outside RECORDINGS_DIR (no `..`, no absolute paths, no symlinks pointing out).
"""
from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path

from hotline.sids import is_recording_sid


class UnsafePath(ValueError):
    pass


def relative_path_for(sid: str, when: datetime) -> str:
    if not is_recording_sid(sid):
        raise UnsafePath(f"not a RecordingSid: {sid!r}")
    return f"{when:%Y/%m/%d}/{sid}.wav"


def resolve_inside(root: Path, relative: str) -> Path:
    """The absolute path of `relative` under `root`, or UnsafePath if it would leave it."""
    base = root.resolve()
    candidate = (base / relative).resolve()
    if candidate == base or base not in candidate.parents:
        raise UnsafePath(f"{relative!r} is outside the recordings directory")
    return candidate


def write_atomically(root: Path, relative: str, data: bytes) -> Path:
    """Write to a temporary file beside the target, fsync, then rename: readers never see half a file."""
    target = resolve_inside(root, relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=".partial-", suffix=".wav", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target
