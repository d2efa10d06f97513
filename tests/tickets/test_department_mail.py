"""E-mail to departments (issue 17, item 4): a real SMTP server (aiosmtpd) in the test receives what
the RQ job sends; a refusing server is retried on jobs.NETWORK_RETRY, then the failure shows on the
ticket; without SMTP_HOST the ticket says so and keeps the text."""
from __future__ import annotations

import dataclasses
import email
import email.policy
import socket
from datetime import datetime, timedelta, timezone

import pytest
from aiosmtpd.controller import Controller

from hotline.jobs import NETWORK_RETRY, enqueue_due_jobs, run_burst
from sandbox.simulator import Simulator

T0 = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)  # Tuesday 10:00 in Shanghai
# RQ schedules a retry on the wall clock; a frozen clock this far ahead finds every retry due.
LATER = datetime.now(timezone.utc) + timedelta(days=1)
DEPARTMENTS = """departments:
  - key: technical
    name: {zh-CN: 技术部, en-US: Technical}
    phone: "+862160000101"
    sms: "+8613900000101"
    email: tech@example.com
  - key: export
    name: {zh-CN: 外贸部, en-US: Export}
    phone: "+862160000108"
    sms: "+8613900000108"
    email: export@example.com
    language: en-US
"""


class Mailbox:
    """An SMTP server's DATA handler: keeps what it accepts, refuses the first `refuse` messages."""

    def __init__(self) -> None:
        self.received: list[email.message.EmailMessage] = []
        self.envelopes: list[list[str]] = []
        self.refuse = 0
        self.refused = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if self.refused < self.refuse:
            self.refused += 1
            return "451 4.3.0 mailbox busy, try again later"
        self.envelopes.append(list(envelope.rcpt_tos))
        self.received.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def mailbox():
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=_free_port())
    controller.start()
    box.port = controller.port
    yield box
    controller.stop()


@pytest.fixture
def settings(settings, tmp_path, mailbox):
    path = tmp_path / "departments.yaml"
    path.write_text(DEPARTMENTS, encoding="utf-8")
    return dataclasses.replace(settings, departments_path=path, smtp_host="127.0.0.1", smtp_port=mailbox.port,
                               smtp_tls="none", smtp_from="hotline@example.com", outbound_sms_per_second=100.0)


@pytest.fixture
def sim(app, clock):
    clock.set(T0)
    return Simulator(app)  # the sandbox the department's SMS goes to


def hand_over(api, department: str) -> str:
    created = api.post("/api/tickets", {"phone": "13800138000", "category": "problem", "notify": False,
                                        "description": "宽带每晚断线，需要检测线路"})
    assert created.status_code == 201, created.get_json()
    number = created.get_json()["number"]
    handed = api.post(f"/api/tickets/{number}/handoff", {"department": department})
    assert handed.status_code == 200, handed.get_json()
    return number


def events(api, number: str, kind: str) -> list[dict]:
    return [e["data"] for e in api.get(f"/api/tickets/{number}").get_json()["events"] if e["kind"] == kind]


@pytest.mark.parametrize("department, to, subject_words, body_words", [
    ("technical", "tech@example.com", ("转交技术部工单", "11月26日"), ("回复截止：", "受理截止：", "宽带每晚断线")),
    ("export", "export@example.com", ("handed to Export", "reply by"), ("Reply by:", "Take in hand by:")),
])
def test_the_department_gets_an_email_in_its_language_with_the_number_deadline_and_link(
        app, api, sim, mailbox, department, to, subject_words, body_words):
    number = hand_over(api, department)
    [queued] = events(api, number, "email_queued")
    assert queued["to"] == to and not mailbox.received  # nothing is sent before the job runs
    run_burst(app, ("outbound",))
    [message] = mailbox.received
    assert mailbox.envelopes == [[to]] and message["From"] == "hotline@example.com"
    assert number in message["Subject"] and all(w in message["Subject"] for w in subject_words), message["Subject"]
    body = message.get_content()
    assert all(w in body for w in body_words), body
    assert f"{app.config['HOTLINE_SETTINGS'].public_base_url}/api/tickets/{number}" in body
    [sent] = events(api, number, "email_sent")
    assert sent["to"] == to and sent["message_id"] == message["Message-ID"] and sent["attempts"] == 1
    run_burst(app, ("outbound",))  # the job again (a duplicate): nothing is sent twice
    assert len(mailbox.received) == 1


def test_a_refusing_server_is_tried_again_and_the_mail_goes_out_when_it_accepts(app, api, sim, clock, mailbox):
    mailbox.refuse = 2
    number = hand_over(api, "technical")
    run_burst(app, ("outbound",))
    assert mailbox.refused == 1 and not mailbox.received and not events(api, number, "email_sent")
    clock.set(LATER)
    for _ in range(2):
        enqueue_due_jobs(app, ("outbound",))
        run_burst(app, ("outbound",))
    assert len(mailbox.received) == 1
    [sent] = events(api, number, "email_sent")
    assert sent["attempts"] == 3 and not events(api, number, "email_failed")


def test_a_server_that_refuses_every_attempt_leaves_the_failure_on_the_ticket(app, api, sim, clock, mailbox):
    mailbox.refuse = 100
    number = hand_over(api, "technical")
    run_burst(app, ("outbound",))
    clock.set(LATER)
    for _ in range(len(NETWORK_RETRY.intervals) + 2):
        enqueue_due_jobs(app, ("outbound",))
        run_burst(app, ("outbound",))
    assert mailbox.refused == len(NETWORK_RETRY.intervals) + 1 and not mailbox.received
    [failed] = events(api, number, "email_failed")
    assert failed["to"] == "tech@example.com" and failed["attempts"] == 6 and "451" in failed["error"]
    assert not events(api, number, "email_sent")
    [queued] = events(api, number, "email_queued")
    assert "宽带每晚断线" in queued["body"]  # the text stays on the ticket for someone to forward


def test_without_smtp_the_ticket_says_the_mail_was_not_sent_and_keeps_it(app, api, sim, settings, mailbox):
    app.config["HOTLINE_SETTINGS"] = dataclasses.replace(settings, smtp_host="")
    number = hand_over(api, "technical")
    run_burst(app, ("outbound",))
    assert not mailbox.received
    [queued] = events(api, number, "email_queued")
    [not_sent] = events(api, number, "email_not_sent")
    assert not_sent["reason"] == "smtp_not_configured" and not_sent["to"] == "tech@example.com"
    assert "宽带每晚断线" in queued["body"] and number in queued["subject"]
    assert events(api, number, "sms_queued")  # the department is texted all the same
