"""Small jobs the foundation tests enqueue on real RQ workers."""
import logging
import os

from hotline import db
from hotline.logging import ContextFilter
from messaging.models import SmsMessage


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


def sleep_then_store(seconds: float, body: str, pid_file: str = "") -> int:
    """A job that takes a while (a long decode, as far as stopping a worker is concerned)."""
    import time

    if pid_file:
        with open(pid_file, "w") as out:
            out.write(str(os.getpid()))
    time.sleep(seconds)
    return store_message(body)


def count_nothing() -> dict[str, int]:
    return {"swept": 0}


def count_three() -> int:
    return 3
