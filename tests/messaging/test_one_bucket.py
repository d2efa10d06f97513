"""One bucket paces every SMS: ticket notices and revisit surveys together never go faster than
OUTBOUND_SMS_PER_SECOND, sent by two real RQ worker processes through the sandbox's HTTP API."""
from __future__ import annotations

import dataclasses
import threading
import time

import pytest
from sqlalchemy import select

from hotline import db, jobs
from sandbox.rest.server import ensure_sandbox
from messaging.models import SmsMessage
from revisits.dialer import run_revisit_attempt
from revisits.states import move
from tests.revisits.conftest import Revisits
from tests.support.processes import real_now, start_worker

pytestmark = pytest.mark.slow  # real worker processes pacing in real time

RATE = 2.0  # OUTBOUND_SMS_PER_SECOND; the bucket holds at most one second of tokens
# A busy machine may hold a worker between its token and its request reaching the sandbox.
JITTER = 1.0
CUSTOMERS = [f"+86138001391{i:02d}" for i in range(6)]


@pytest.fixture
def settings(settings):
    return dataclasses.replace(settings, outbound_sms_per_second=RATE, outbound_calls_per_second=100.0)


class Arrivals:
    """Notes when each SMS reaches the sandbox's REST API (its listener hook, as the simulator uses)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.at: dict[str, float] = {}

    def on_message_created(self, message: dict) -> None:
        with self.lock:
            self.at[message["sid"]] = time.monotonic()


def test_ticket_notices_and_revisit_surveys_share_one_bucket(app, clock):
    clock.set(real_now())  # the workers keep real time: the revisits' deadlines must agree
    revisits = Revisits(app, clock)
    sandbox = ensure_sandbox(app.config["HOTLINE_SETTINGS"], app)
    arrivals = Arrivals()
    sandbox.state.listener = arrivals
    with app.app_context():
        jobs.get_queue("outbound").empty()
    for phone in CUSTOMERS:
        # Resolving stores the ticket's resolution notice (tickets); its revisit's calls all went
        # unanswered, so the dialer's next attempt is the SMS survey (revisits).
        revisit = revisits.resolve(phone=phone)
        with app.app_context():
            move(db.session(), revisit.id, ("scheduled",), attempts=revisit.call_attempts)
            jobs.enqueue(run_revisit_attempt, revisit.id, revisit.call_attempts + 1, queue="outbound",
                         job_id=f"survey-{revisit.id}")
    workers = [start_worker(app, "--burst", "--in-process") for _ in range(2)]
    try:
        for worker in workers:
            assert worker.wait(timeout=120) == 0
    finally:
        sandbox.state.listener = None
    with app.app_context():
        sent = db.session().scalars(select(SmsMessage).where(SmsMessage.direction == "outbound")).all()
    assert sorted(m.area for m in sent) == ["revisits"] * 6 + ["tickets"] * 6
    assert all(m.sid in arrivals.at for m in sent)
    times = sorted(arrivals.at.values())
    # A token bucket's promise: any k consecutive sends span at least (k - burst) / rate seconds.
    # Two buckets (one per area) let the 12 through in about half the time (2.1 s, measured) and fail.
    for i in range(len(times)):
        for j in range(i + 1, len(times)):
            allowed = RATE + RATE * (times[j] - times[i] + JITTER)
            assert j - i + 1 <= allowed, f"{j - i + 1} texts in {times[j] - times[i]:.2f} s"
    assert times[-1] - times[0] >= (len(times) - RATE) / RATE - JITTER
