"""access: who may see which calls, tickets, customers, recordings and transcripts, and a record of
who opened them.

`access.policy` is the one access policy every endpoint asks (docs/security.md, "Access policy"),
other areas through `hotline.contracts.AccessPolicy`;
`access.log` writes the access log (who opened a recording, a transcript or a customer's file,
when), which admins read at /api/access-log (JSON) and /api/access-log.csv, and which a daily job
purges after RECORDINGS_RETENTION_DAYS, like the audio itself.
`access.calls_api` serves GET /api/calls/<sid> (a call and its history), here because whether the
viewer may read the call is this area's rule.
"""
from __future__ import annotations

from flask import Flask

from access import api, models  # noqa: F401  (api adds /api/access-log to the API blueprint)
from access.policy import Policy
from access.retention import purge_expired_access_log
from hotline import contracts
from hotline.areas import Area
from hotline.jobs import periodic

PURGE_INTERVAL_SECONDS = 24 * 3600


def init_app(app: Flask) -> None:
    contracts.provide(app, contracts.AccessPolicy, Policy())
    periodic(app, "access-log-retention-purge", purge_expired_access_log, PURGE_INTERVAL_SECONDS)


AREA = Area("access", init_app, api=("access.api", "access.calls_api"), migrations=True, models="access.models")
