"""Putting a recording on disk and in the database as the download job leaves it."""
from __future__ import annotations

import hashlib

from hotline import db
from hotline.clock import now
from hotline.models import Call
from recordings.models import Recording
from recordings.storage import relative_path_for, write_atomically


def store_recording(app, data: bytes, call_sid: str = "CA" + "2" * 32, sid: str = "RE" + "b" * 32,
                    language: str = "zh-CN", channels: int = 2) -> int:
    with app.app_context():
        session = db.session()
        if session.query(Call).filter_by(sid=call_sid).first() is None:
            session.add(Call(sid=call_sid, status="completed", language=language))
        relative = relative_path_for(sid, now())
        write_atomically(app.config["HOTLINE_SETTINGS"].recordings_dir, relative, data)
        recording = Recording(sid=sid, call_sid=call_sid, twilio_status="completed", source="DialVerb",
                              status="stored", path=relative, size_bytes=len(data), channels=channels,
                              sample_rate=8000, sha256=hashlib.sha256(data).hexdigest(), stored_at=now())
        session.add(recording)
        session.commit()
        return recording.id
