"""Small jobs the foundation tests enqueue on real RQ workers."""
import logging
import os

from hotline import db
from hotline.logging import ContextFilter
from hotline.models import SmsMessage


def log_something(text: str) -> str | None:
    record = logging.LogRecord("t", logging.INFO, __file__, 1, text, (), None)
    ContextFilter().filter(record)
    return record.job_id


def store_message(body: str) -> int:
    session = db.session()
    message = SmsMessage(direction="outbound", from_number="+1", to_number="+2", body=body)
    session.add(message)
    session.commit()
    return message.id


def crash_hard() -> None:
    os._exit(3)  # what a native crash inside a job looks like to the worker
