"""The one set of factories: people, customers, calls, agents, recordings and transcripts made straight
in the database (or through the API where the test is about what the API leaves), for tests of any area.
Each area's own API and CLI for these have their own tests.

Transcripts are built from structured turns, for QA rules the synthesised Korean speech cannot carry."""
from __future__ import annotations

import hashlib

from hotline import db
from transcription.turns import make_turn

PASSWORD = "correct horse battery"


class People:
    """Creates users straight in the database (the users API and CLI have their own tests)."""

    def __init__(self, app) -> None:
        self.app = app

    def add(self, login: str, role: str = "agent", agent_id: int | None = None, language: str = "zh-CN",
            password: str = PASSWORD, name: str | None = None) -> int:
        from people.users import create_user

        with self.app.app_context():
            user = create_user(db.session(), login=login, name=name or login.title(), password=password,
                               role=role, agent_id=agent_id, language=language)
            db.session().commit()
            return user.id


def add_customer(app, phone: str, **fields) -> None:
    """A customer on file (language, surname, title, VIP...), committed."""
    from tickets.models import Customer

    with app.app_context():
        session = db.session()
        session.add(Customer(phone=phone, **fields))
        session.commit()


def add_call(session, sid: str, from_number: str = "+8613800138000", status: str = "in-progress",
             parent: str | None = None):
    """A call row as the voice webhook leaves it (an agent's leg when `parent` is given); not committed."""
    from hotline.calls import ensure_call

    params = {"From": from_number, "To": "+861095555", "CallStatus": status}
    if parent:
        params.update(ParentCallSid=parent, Direction="outbound-dial")
    return ensure_call(session, sid, params)


def add_agent_row(session, agent_id: int, skills: dict[str, int] | None = None, languages=("zh-CN",),
                  name: str | None = None, address: str | None = None):
    """An agent row with a fixed id, straight in the database (no Redis presence); flushed, not committed."""
    from routing.models import Agent

    agent = Agent(id=agent_id, name=name or f"agent {agent_id}", address=address or f"client:agent{agent_id}",
                  skills=skills or {}, languages=list(languages))
    session.add(agent)
    session.flush()
    return agent


def api_agent(api, name: str, skills: dict[str, int] | None = None, languages=("zh-CN",),
              status: str | None = None, address: str | None = None) -> int:
    """An agent made through POST /api/agents (so routing's Redis state knows it); its id."""
    body = {"name": name, "address": address or f"client:{name}", "skills": skills or {"inquiry": 3},
            "languages": list(languages)}
    if status is not None:
        body["status"] = status
    response = api.post("/api/agents", body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def store_recording(app, data: bytes, call_sid: str = "CA" + "2" * 32, sid: str = "RE" + "b" * 32,
                    language: str = "zh-CN", channels: int = 2) -> int:
    """A recording on disk and in the database as the download job leaves it."""
    from hotline.clock import now
    from hotline.models import Call
    from recordings.models import Recording
    from recordings.storage import relative_path_for, write_atomically

    with app.app_context():
        session = db.session()
        if session.query(Call).filter_by(sid=call_sid).first() is None:
            session.add(Call(sid=call_sid, status="completed", language=language))
        relative = relative_path_for(sid, now())
        write_atomically(app.config["HOTLINE_SETTINGS"].recordings_dir, relative, data)
        recording = Recording(sid=sid, call_sid=call_sid, twilio_status="completed", source="DialVerb",
                              status="stored", path=relative, size_bytes=len(data), channels=channels,
                              sample_rate=8000, sha256=hashlib.sha256(data).hexdigest(), stored_at=now())
        session.add(recording)
        session.commit()
        return recording.id


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
        turn("agent", 1.0, "您好 这里是 热线服务中心 客户服务 我是 客服 小王 很高兴 为您服务 请问 有什么可以帮您"),
        turn("caller", 6.0, "我 要 投诉 你们 的 服务 我 想 退款"),
        turn("agent", 11.0, "为了 保证 为您 精准 服务 能否 麻烦 告知 您的姓名 或 客户编号"),
        turn("caller", 16.0, "我 叫 李明"),
        turn("agent", 17.5, "您是说 要 把 钱 退回 对吗"),
        turn("agent", 20.0, "本次您反馈的 问题 已 为您 提交 工单 请问 还有其他问题吗"),
        turn("agent", 25.0, "感谢您的来电 祝您生活愉快"),
    ]


def good_call_en():
    return [
        turn("agent", 0.5, "Hello Hotline Service Center I'm Li how can I help", "en-US"),
        turn("caller", 5.0, "I want to cancel my order and get a refund", "en-US"),
        turn("agent", 10.0, "Could you tell me your name or customer number", "en-US"),
        turn("caller", 14.0, "It is Jane Smith", "en-US"),
        turn("agent", 15.8, "So you're saying you want to cancel", "en-US"),
        turn("agent", 17.0, "To summarize your order is cancelled and the refund is on its way anything else", "en-US"),
        turn("agent", 23.0, "Thank you for calling have a nice day", "en-US"),
    ]


def make_transcript(app, call_sid: str, turns, language: str = "zh-CN", seconds: float = ZH_SECONDS,
                    agent_id: int | None = None, queue: str | None = None, recording: bool = True):
    """A done transcript as the job leaves it (redaction, analysis, queue decision included)."""
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
        if agent_id or queue:  # known before the transcript, as routing's events come first
            session.add(CallFacts(call_sid=call_sid, agent_id=agent_id, queue=queue, language=language))
            session.flush()
        assess_transcript(transcript, turns, seconds)
        session.add(transcript)
        session.commit()
        return transcript.id
