"""Every SMS a revisit sends (survey, clarification, thanks), through messaging's outbox.

Messaging stores, paces (one bucket for every SMS hotline sends), checks opt-outs at send time,
retries and tracks each text; it tells revisits how the survey went (`on_text_outcome`) and
hands it the replies (sms_replies.py).
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy import update
from sqlalchemy.orm import Session

from hotline.clock import now
from hotline.local_time import local_day
from hotline.contracts import SMS_UNSUBSCRIBED, Messaging, TextMessage, need
from revisits.models import Revisit, RevisitAttempt
from revisits.scripts import line
from revisits.states import move

AREA = "revisits"
SURVEY = "sms_survey"


# The problem as the revisit names it (关于[日期]处理的[问题]), per ticket category and language.
PROBLEMS = {
    "zh-CN": {"inquiry": "咨询", "problem": "问题", "complaint": "投诉", "suggestion": "建议", "urgent": "紧急事务",
              "aftersales": "售后问题"},
    "en-US": {"inquiry": "inquiry", "problem": "problem", "complaint": "complaint", "suggestion": "suggestion",
              "urgent": "urgent matter", "aftersales": "after-sales request"},
}


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def handled_on(revisit: Revisit) -> str:
    """The day the ticket was resolved, in the customer's zone and language: "11月24日" / "24 November"."""
    day = local_day(revisit.resolved_at, revisit.timezone or current_app.config["HOTLINE_SETTINGS"].timezone)
    return f"{day.day} {MONTHS[day.month - 1]}" if revisit.language == "en-US" else f"{day.month}月{day.day}日"


def survey_values(revisit: Revisit) -> dict[str, str]:
    settings = current_app.config["HOTLINE_SETTINGS"]
    zh = revisit.language == "zh-CN"
    salutation = (revisit.salutation_zh or "") if zh else (f"{revisit.salutation_en}, " if revisit.salutation_en else "")
    problems = PROBLEMS["zh-CN" if zh else "en-US"]
    return {"company": settings.company_name if zh else settings.company_name_en, "salutation": salutation,
            "ticket": revisit.ticket_number, "date": handled_on(revisit),
            "problem": problems.get(revisit.category, problems["problem"])}


def text_of(revisit: Revisit, entry: str) -> str:
    return line(revisit.language, entry, **survey_values(revisit))


def purpose_of(revisit_id: int, entry: str) -> str:
    return f"revisit:{revisit_id}:{entry}"[:40]


def queue_text(session: Session, revisit: Revisit, entry: str) -> TextMessage | None:
    """Have `entry` (sms_survey, sms_thanks, sms_clarify...) texted to the revisit's customer, once.

    Sent after the caller's commit; None when the number is on the do-not-contact list.
    """
    return need(Messaging).send_sms(purpose_of(revisit.id, entry), revisit.phone, text_of(revisit, entry),
                                    area=AREA, session=session, once=True)


def on_text_outcome(session: Session, message: TextMessage) -> None:
    """Messaging's word on a text: the survey moves its revisit from `texting` (follow-ups need nothing)."""
    parts = (message.purpose or "").split(":")
    if len(parts) != 3 or parts[2] != SURVEY or not parts[1].isdigit():
        return
    revisit = session.get(Revisit, int(parts[1]))
    if revisit is None:
        return
    if message.status == "suppressed" or message.error_code == str(SMS_UNSUBSCRIBED):
        move(session, revisit.id, ("texting",), "opted_out", commit=False)
    elif message.status == "failed":
        move(session, revisit.id, ("texting",), "expired", last_outcome="sms-failed", commit=False)
    elif move(session, revisit.id, ("texting",), "sms_sent", message_sid=message.sid, last_outcome="sent",
              commit=False):
        session.execute(update(RevisitAttempt).where(RevisitAttempt.revisit_id == revisit.id,
                                                     RevisitAttempt.attempt == revisit.attempts)
                        .values(sid=message.sid, outcome="sent", placed_at=now()))
