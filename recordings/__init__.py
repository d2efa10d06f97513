"""Recordings: every agent leg and voicemail recorded, downloaded, verified and kept for QA.

POST /recordings/status takes Twilio's recording callbacks (one row per RecordingSid); a completed
recording is downloaded by an RQ job to RECORDINGS_DIR/yyyy/mm/dd/<RecordingSid>.wav, then
`recording_completed` is sent. A sweep every SWEEP_SECONDS (a minute) re-enqueues downloads that are due and whose
job was lost; recordings whose callback never came are found in Twilio's list of the call's
recordings by the reconciliation sweep (hotline.reconcile, `recordings_listed`). A daily job purges audio past RECORDINGS_RETENTION_DAYS.
"""
from __future__ import annotations

from flask import Flask

from hotline import contracts
from hotline.areas import Area
from hotline.jobs import periodic
from recordings.call_recordings import RecordingsOfCalls
from recordings.recording_audio import RecordingAudioFiles
from recordings.retention import purge_expired_recordings
from recordings.sweeper import sweep_recordings
from recordings.views import bp, recordings_listed

PURGE_INTERVAL_SECONDS = 24 * 3600


def init_app(app: Flask) -> None:
    contracts.provide(app, contracts.CallRecordings, RecordingsOfCalls())
    contracts.provide(app, contracts.RecordingAudio, RecordingAudioFiles())
    app.register_blueprint(bp)
    # Recordings no callback reported, found by the reconciliation sweep (hotline.reconcile).
    contracts.subscribe(contracts.RecordingsListed, recordings_listed, app)
    periodic(app, "recordings-retention-purge", purge_expired_recordings, PURGE_INTERVAL_SECONDS)
    periodic(app, "recordings-sweep", sweep_recordings, app.config["HOTLINE_SETTINGS"].sweep_seconds)


AREA = Area("recordings", init_app, api=("recordings.api",), migrations=True, models="recordings.models")
