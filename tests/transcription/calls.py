"""Transcripts built from structured turns, for QA rules the synthesised Korean speech cannot carry."""
from __future__ import annotations

from transcription.turns import make_turn

COMPANY = ("热线服务中心", "Hotline Service Center")


def turn(speaker: str, start: float, text: str, language: str = "zh-CN", seconds_per_word: float = 0.4):
    """Words spaced evenly from `start`; Chinese split on spaces like Vosk's output."""
    words, at = [], start
    for word in text.split():
        words.append({"w": word, "start": round(at, 2), "end": round(at + seconds_per_word * 0.9, 2), "conf": 0.9})
        at += seconds_per_word
    return make_turn(speaker, words, language)


ZH_SECONDS = 30.0  # the calls end a few seconds after the thanks
EN_SECONDS = 28.0


def good_call_zh():
    return [
        turn("agent", 1.0, "您好 这里是 热线服务中心 客户服务 我是 客服 小王 很高兴 为您服务"),
        turn("caller", 6.0, "我 要 投诉 你们 的 服务 我 想 退款"),
        turn("agent", 11.0, "为了 保证 为您 精准 服务 能否 麻烦 告知 您的姓名 或 客户编号"),
        turn("caller", 16.0, "我 叫 李明"),
        turn("agent", 20.0, "本次您反馈的 问题 已 为您 提交 工单"),
        turn("agent", 25.0, "感谢您的来电 祝您生活愉快"),
    ]


def good_call_en():
    return [
        turn("agent", 0.5, "Hello this is Hotline Service Center how can I help", "en-US"),
        turn("caller", 5.0, "I want to cancel my order and get a refund", "en-US"),
        turn("agent", 10.0, "Could you tell me your name or customer number", "en-US"),
        turn("caller", 14.0, "It is Jane Smith", "en-US"),
        turn("agent", 17.0, "To summarize your order is cancelled and the refund is on its way", "en-US"),
        turn("agent", 23.0, "Thank you for calling have a nice day", "en-US"),
    ]


def make_transcript(app, call_sid: str, turns, language: str = "zh-CN", seconds: float = ZH_SECONDS,
                    agent_id: int | None = None, queue: str | None = None, recording: bool = True):
    """A done transcript as the job leaves it (redaction, analysis, queue decision included)."""
    from hotline import db
    from hotline.clock import now
    from recordings.models import Recording
    from transcription.models import CallFacts, Transcript
    from transcription.assessment import assess_transcript

    with app.app_context():
        session = db.session()
        row = Recording(sid="RE" + call_sid[2:], call_sid=call_sid, twilio_status="completed",
                        status="stored" if recording else "failed")
        session.add(row)
        session.flush()
        transcript = Transcript(recording_id=row.id, call_sid=call_sid, language=language, status="done",
                                turns=[], text="", redactions=[], categories="", flags="", audio_seconds=seconds,
                                created_at=now())
        assess_transcript(transcript, turns, seconds)
        session.add(transcript)
        if agent_id or queue:
            session.add(CallFacts(call_sid=call_sid, agent_id=agent_id, queue=queue, language=language))
        session.commit()
        return transcript.id
