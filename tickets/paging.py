"""The urgent page's rules, pure: what follows an attempt, and what the supervisor hears.

An urgent message left after hours is texted to the supervisor on call and then called (manual rule
夜班: 紧急情况立即处理并汇报). The call is repeated until the supervisor presses 1, a few minutes
apart, at most `max_attempts` times; each state is read from the ticket's events, so any worker or
web process can decide.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

ACK_KEY = "1"
# Outcomes of one attempt: the call's final status, or "not_acknowledged" (answered, no 1 pressed).
ANSWERED_NO_ACK = "not_acknowledged"


@dataclass(frozen=True)
class NextStep:
    action: str  # "stop" (acknowledged), "retry" (call again at `at`), "give_up" (the last attempt went unanswered)
    attempt: int | None = None
    at: datetime | None = None


def after_attempt(attempt: int, acknowledged: bool, max_attempts: int, retry_minutes: int,
                  ended_at: datetime) -> NextStep:
    """What to do once attempt `attempt` of a page has ended."""
    if acknowledged:
        return NextStep("stop")
    if attempt >= max_attempts:
        return NextStep("give_up")
    return NextStep("retry", attempt + 1, ended_at + timedelta(minutes=retry_minutes))


def outcome_of(call_status: str) -> str:
    """An attempt's outcome from the call's final status: a call that was answered and ended without
    the key press is as unacknowledged as one nobody picked up."""
    return ANSWERED_NO_ACK if call_status == "completed" else call_status


def spelled(number: str) -> str:
    """A ticket number read one character at a time (GD2026... is not "two thousand twenty-six")."""
    return " ".join(number)


PROMPTS = {
    "zh-CN": {
        "page": "{company}紧急工单提醒。工单号 {digits}，类别：{category}。已收到请按1。",
        "thanks": "已确认，谢谢。请尽快处理。",
        "not_acknowledged": "未确认，稍后将再次来电。",
    },
    "en-US": {
        "page": "{company} urgent ticket alert. Ticket number {digits}, category: {category}. "
                "Press 1 to acknowledge.",
        "thanks": "Acknowledged, thank you. Please handle it as soon as you can.",
        "not_acknowledged": "Not acknowledged. We will call you again shortly.",
    },
}


def prompt(language: str, entry: str, **values: str) -> str:
    return PROMPTS.get(language, PROMPTS["zh-CN"])[entry].format(**values)
