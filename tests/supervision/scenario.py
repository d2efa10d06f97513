"""A hand-checked center around local midnight of 2026-12-03 in Asia/Shanghai (16:00 UTC on the
2nd): calls, tickets, revisits and QA of two agents on 2 and 3 December, written as each area's
code leaves its rows. The expected figures are worked out by hand in test_kpi_pack.py."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hotline import db
from tests.support.factories import add_agent_row

SHANGHAI = ZoneInfo("Asia/Shanghai")
WANG, LI = 1, 2


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=SHANGHAI)


# (sid, queue, entered, seconds to answer or None, seconds to hang up or None, agent, talk s, wrap-up s)
CALLS = [
    ("CA01", "inquiry", local(3, 0, 10), 5, None, WANG, 300, 30),  # 16:10 UTC on the 2nd: the 3rd locally
    ("CA02", "inquiry", local(3, 9, 0), 15, None, LI, 200, 40),  # exactly three rings
    ("CA03", "inquiry", local(3, 9, 5), 20, None, WANG, 100, 20),
    ("CA04", "complaint", local(3, 10, 0), None, 4, None, 0, 0),  # a short abandon
    ("CA05", "complaint", local(3, 10, 5), None, 40, None, 0, 0),
    ("CA06", "complaint", local(3, 11, 50), None, None, None, 0, 0),  # still waiting at noon
    ("CA09", "complaint", local(3, 11, 0), None, None, None, 0, 0),  # sent to the overflow number (Redis down)
    ("CA07", "inquiry", local(2, 23, 50), 30, None, WANG, 60, 10),  # the 2nd locally, 15:50 UTC
    ("CA08", "inquiry", local(2, 23, 55), None, 20, None, 0, 0),
]

HOLDS = {"CA01": 45.0, "CA03": 15.0}  # seconds the caller spent on hold (part of the talk time)


def add_calls(session) -> None:
    from routing.models import AgentEvent, RoutedCall

    for sid, queue, entered, answer, hang_up, agent, talk, wrap in CALLS:
        answered = entered + timedelta(seconds=answer) if answer is not None else None
        ended = answered + timedelta(seconds=talk) if answered else None
        session.add(RoutedCall(call_sid=sid, queue=queue, language="zh-CN", priority=10, entered_at=entered,
                               outcome="answered" if answered else "abandoned" if hang_up else
                               "overflow" if sid == "CA09" else "waiting",
                               answered_at=answered, ended_at=ended, agent_id=agent,
                               wrap_seconds=wrap if answered else None, hold_seconds=HOLDS.get(sid),
                               abandoned_at=entered + timedelta(seconds=hang_up) if hang_up else None))
        if answered:
            session.add(AgentEvent(agent_id=agent, at=answered, status="on_call", previous="reserved",
                                   reason="answered", call_sid=sid))
            session.add(AgentEvent(agent_id=agent, at=ended, status="wrap_up", previous="on_call",
                                   reason="call ended", call_sid=sid))
            session.add(AgentEvent(agent_id=agent, at=ended + timedelta(seconds=wrap), status="available",
                                   previous="wrap_up", reason="wrap-up over"))


# (number, customer phone, category, priority, channel, created, calls, reopened, response, resolution, assignee)
TICKETS = [
    ("GD20261203001", "+8613800000001", "inquiry", "normal", "phone", local(3, 0, 5), 1, False, "met", "met", WANG),
    ("GD20261203002", "+8613800000002", "complaint", "urgent", "phone", local(3, 9, 0), 1, True, "met", "missed", LI),
    ("GD20261203003", "+8613800000003", "problem", "normal", "phone", local(3, 9, 30), 2, False, "breached",
     "pending", WANG),
    ("GD20261203004", "+8613800000001", "aftersales", "routine", "api", local(3, 10, 0), 0, False, "pending",
     "pending", None),
    ("GD20261203005", "+8613800000003", "problem", "routine", "phone", local(3, 11, 0), 1, False, "met", "met", LI),
    # Six days after 005, same customer and category: 005 was not resolved at the first contact.
    ("GD20261209001", "+8613800000003", "problem", "normal", "phone", local(9, 10, 0), 1, False, "pending",
     "pending", LI),
    ("GD20261202001", "+8613800000002", "inquiry", "normal", "phone", local(2, 23, 50), 1, False, "met", "met", WANG),
]


def add_tickets(session) -> None:
    from tickets.models import Customer, Ticket, TicketCall, TicketEvent

    customers = {}
    for phone in sorted({t[1] for t in TICKETS}):
        customers[phone] = Customer(phone=phone)
        session.add(customers[phone])
    session.flush()
    for n, (number, phone, category, priority, channel, created, calls, reopened, response, resolution,
            assignee) in enumerate(TICKETS):
        ticket = Ticket(number=number, customer_id=customers[phone].id, category=category, priority=priority,
                        channel=channel, status="resolved", created_at=created, response_due=created,
                        resolution_due=created + timedelta(days=1), resolved_at=created + timedelta(hours=1),
                        response_sla=response, resolution_sla=resolution, assignee_id=assignee)
        session.add(ticket)
        session.flush()
        for i in range(calls):
            session.add(TicketCall(ticket_id=ticket.id, call_sid=f"CT{n}{i}", reason="new_ticket",
                                   attached_at=created))
        if reopened:
            session.add(TicketEvent(ticket_id=ticket.id, at=created + timedelta(hours=2), actor="system",
                                    kind="status", data={"previous": "resolved", "status": "reopened"}))


# (agent, category, state, resolved, completed, score, solved)
REVISITS = [
    (WANG, "inquiry", "completed", local(3, 8), local(3, 10), 5, True),
    (LI, "complaint", "completed", local(2, 22), local(3, 0, 30), 3, None),  # resolved the 2nd, answered the 3rd
    (WANG, "inquiry", "expired", local(3, 9), None, None, None),
    (WANG, "inquiry", "scheduled", local(3, 11), None, None, None),  # still being tried: not counted yet
    (LI, "complaint", "completed", local(3, 10), local(3, 11), 4, True),
]


def add_revisits(session) -> None:
    from revisits.models import Revisit

    for i, (agent, category, state, resolved, completed, score, solved) in enumerate(REVISITS):
        session.add(Revisit(ticket_id=100 + i, ticket_number=f"GD2026120300{i}", phone="+8613800000009",
                            language="zh-CN", timezone="Asia/Shanghai", category=category, agent_id=agent,
                            state=state, resolved_at=resolved, deadline_at=resolved + timedelta(days=1),
                            completed_at=completed, score=score, solved=solved))


# (call, status, automatic score, reviewer's score, agent, queue)
TRANSCRIPTS = [("CA01", "done", 90.0, None, WANG, "inquiry"), ("CA02", "done", 70.0, 60.0, LI, "inquiry"),
               ("CA03", "failed", None, None, WANG, "inquiry")]


def add_transcripts(session) -> None:
    from recordings.models import Recording
    from transcription.models import CallFacts, Review, Transcript

    for sid, status, score, reviewed, agent, queue in TRANSCRIPTS:
        recording = Recording(sid="RE" + sid, call_sid=sid, twilio_status="completed", status="stored")
        session.add(recording)
        session.flush()
        at = local(3, 12)
        transcript = Transcript(recording_id=recording.id, call_sid=sid, status=status, score=score, created_at=at)
        session.add(transcript)
        session.add(CallFacts(call_sid=sid, agent_id=agent, queue=queue))
        session.flush()
        if reviewed is not None:
            session.add(Review(transcript_id=transcript.id, call_sid=sid, reviewer="qa", score=reviewed,
                               created_at=at))


def build_center(app) -> None:
    with app.app_context():
        session = db.session()
        add_agent_row(session, WANG, {"inquiry": 3, "complaint": 3}, name="王芳")
        add_agent_row(session, LI, {"inquiry": 2}, name="李明")
        add_calls(session)
        add_tickets(session)
        add_revisits(session)
        add_transcripts(session)
        session.commit()
